// Builds replicas for a cluster description: which protocol, which store.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rsm/core/variant.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/zk/replica.hpp"
#include "sim/run_options.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace fl::sim {

// A factory for the cluster's replicas. Throws BadRunOption (sim/run_options.hpp)
// when the protocol or store is not available in this build. `options` says where a
// Cassandra store lives.
ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options = {});

// The Paxos configuration of replica `id` in `cluster` (the protocol name selects a
// deliberately broken variant, see README). Tests use it to build mutants.
paxos::Config paxos_config(const ClusterSpec& cluster, NodeId id);

// The zk replica configuration of replica `id` in `cluster`.
fl::zk::ReplicaConfig zk_config(const ClusterSpec& cluster, NodeId id);

// A planted bug of one protocol, as `faultline variants` lists it. A run selects
// it as protocol "<protocol>-bug-<name>" (what --variant NAME builds).
struct VariantEntry {
  std::string protocol;  // "paxos" or "zk"
  VariantInfo info;
};

// Every planted bug of every protocol, paxos first.
std::vector<VariantEntry> all_variants();

// The protocol name that runs `variant` of `protocol`: ("paxos", "skip-adoption")
// -> "paxos-bug-skip-adoption"; an empty variant leaves the protocol as it is, and a
// protocol that already names a variant has it replaced.
std::string variant_protocol(const std::string& protocol, const std::string& variant);

// The inverse: "paxos-bug-skip-adoption" -> ("paxos", "skip-adoption"), "zk" -> ("zk", "").
std::pair<std::string, std::string> split_protocol(const std::string& protocol);

// True for "zk" and its deliberately broken variants: runs with a ZooKeeper node.
bool is_zk_protocol(const std::string& protocol);

}  // namespace fl::sim
