#include "rsm/app/replicable.hpp"

namespace fl {

std::uint64_t Replicable::state_digest() {
  // FNV-1a over the checkpoint: equal checkpoints (and so equal states, for an app
  // whose checkpoints are canonical) give equal digests.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : checkpoint()) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace fl
