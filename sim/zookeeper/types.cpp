#include "sim/zookeeper/types.hpp"

namespace fl::sim::zkserver {

std::string to_string(const WatchEvent& event) {
  return "s" + std::to_string(event.session.value) + " " + event_name(event.type) + " " + event.path;
}

}  // namespace fl::sim::zkserver
