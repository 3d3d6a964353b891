// The one address map of a run. Every endpoint is a NodeId: the replicas first
// (0..N-1), then the ZooKeeper server when the protocol needs one (N), then the
// clients. The network, the World, the protocols' configuration (where a replica
// finds ZooKeeper), the trace and the timeline all ask this map, so the layout is
// written down once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rsm/core/types.hpp"

namespace fl::sim {

struct Endpoints {
  int replicas = 0;
  bool zk = false;  // the run has a ZooKeeper server
  int clients = 0;

  // ZooKeeper's address, if the run has one.
  std::optional<NodeId> zookeeper() const {
    if (!zk) return std::nullopt;
    return NodeId(static_cast<std::uint32_t>(replicas));
  }
  bool is_replica(NodeId id) const { return id.value < static_cast<std::uint32_t>(replicas); }
  bool is_zookeeper(NodeId id) const { return zk && id.value == static_cast<std::uint32_t>(replicas); }
  // Replicas and ZooKeeper: the endpoints that partitions and cuts can separate.
  int servers() const { return replicas + (zk ? 1 : 0); }
  NodeId client_address(ClientId client) const { return NodeId(static_cast<std::uint32_t>(servers()) + client.value); }
  // Every endpoint, clients included.
  int count() const { return servers() + clients; }
  // "r1", "zk" or "c0": how traces and pictures name an endpoint.
  std::string name(NodeId id) const;
};

}  // namespace fl::sim
