#include "sim/protocols.hpp"

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/run.hpp"

namespace fl::sim {
namespace {

std::unique_ptr<Store> make_store(const std::string& store) {
  if (store == "sqlite") return std::make_unique<SqliteStore>();
  throw BadRunOption("store '" + store + "' is not available in this build (available: sqlite)");
}

paxos::Config paxos_config(const ClusterSpec& cluster, NodeId id) {
  paxos::Config c;
  c.self = id;
  c.replicas = cluster.replicas;
  c.max_log_size = cluster.max_log_size;
  c.checkpoint_interval = cluster.checkpoint_interval;
  c.batch_size_max = cluster.batch_size_max;
  c.heartbeat_us = cluster.heartbeat_us;
  c.election_timeout_us = cluster.election_timeout_us;
  return c;
}

}  // namespace

ReplicaFactory make_replica_factory(const ClusterSpec& cluster) {
  if (cluster.protocol != "paxos") {
    throw BadRunOption("protocol '" + cluster.protocol + "' is not available in this build (available: paxos)");
  }
  make_store(cluster.store);  // fail now, at start, rather than at the first boot
  return [cluster](NodeId id) -> std::unique_ptr<Replica> {
    return std::make_unique<paxos::PaxosReplica>(paxos_config(cluster, id),
                                                 std::make_unique<GradeApp>(make_store(cluster.store)));
  };
}

}  // namespace fl::sim
