#include "sim/zk/types.hpp"

namespace fl::sim::zk {

std::string to_string(const WatchEvent& event) {
  return "s" + std::to_string(event.session.value) + " " + event_name(event.type) + " " + event.path;
}

}  // namespace fl::sim::zk
