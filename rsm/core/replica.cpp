#include "rsm/core/replica.hpp"

#include "rsm/core/assert.hpp"

namespace fl {

void Replica::on_checkpoint(Slot slot, std::string, Output&) {
  FL_ASSERT(false, "a checkpoint handed back that no app step asked for, s=" + std::to_string(slot.value));
}

}  // namespace fl
