// Builds replicas for a cluster description: which protocol, which store. The
// registry of protocols (sim/setup/protocol_names.hpp) is defined here, beside the
// functions that build each protocol's replicas.
#pragma once

#include "rsm/coordinated/replica.hpp"
#include "rsm/paxos/replica.hpp"
#include "sim/run_options.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/setup/protocol_names.hpp"
#include "sim/world.hpp"

namespace fl::sim {

// The registry entry and planted bug `cluster` runs, once its protocol and store are
// known to be available in this build; throws BadRunOption naming what is otherwise.
ProtocolChoice checked_choice(const ClusterSpec& cluster);

// A factory for the cluster's replicas, from the registry entry of its protocol.
// Throws BadRunOption (sim/run_options.hpp) when the protocol or store is not
// available in this build. `options` says where a Cassandra store lives.
ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options = {});

// The Paxos configuration of replica `id` in `cluster`: the "paxos" section's
// settings, and the planted bug the protocol name selects (see README). Tests use it
// to build mutants.
paxos::Config paxos_config(const ClusterSpec& cluster, NodeId id);

// The zk replica configuration of replica `id` in `cluster`: the "zk" section's settings.
fl::coordinated::ReplicaConfig zk_config(const ClusterSpec& cluster, NodeId id);

}  // namespace fl::sim
