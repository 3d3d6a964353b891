#include "sim/kernel/endpoints.hpp"

namespace fl::sim {

std::string Endpoints::name(NodeId id) const {
  if (is_replica(id)) return replica_name(id);
  if (is_zookeeper(id)) return "zk";
  return "c" + std::to_string(id.value - static_cast<std::uint32_t>(servers()));
}

}  // namespace fl::sim
