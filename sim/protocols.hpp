// Builds replicas for a cluster description: which protocol, which store.
#pragma once

#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace fl::sim {

// A factory for the cluster's replicas. Throws BadRunOption (sim/run.hpp) when the
// protocol or store is not available in this build.
ReplicaFactory make_replica_factory(const ClusterSpec& cluster);

}  // namespace fl::sim
