#include "sim/events.hpp"

namespace fl::sim {

std::string Endpoints::name(NodeId id) const {
  if (id.value < static_cast<std::uint32_t>(replicas)) return replica_name(id);
  if (zk && id.value == static_cast<std::uint32_t>(replicas)) return "zk";
  return "c" + std::to_string(id.value - first_client());
}

}  // namespace fl::sim
