#include "sim/setup/protocols.hpp"

#include <optional>

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/coordinated/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/setup/cassandra_stores.hpp"
#include "sim/kernel/endpoints.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::sim {
namespace {

StoreMaker store_maker(const std::string& store, const RunOptions& options) {
  if (store == "sqlite") return [](NodeId) { return std::make_unique<SqliteStore>(); };
  if (store == "cassandra") return cassandra_store_maker(options);
  throw BadRunOption("store '" + store + "' is not available in this build (available: sqlite, cassandra)");
}

std::string available_protocols() {
  std::string text = "paxos, zk; planted bugs (faultline variants):";
  for (const auto& v : all_variants()) text += " " + v.protocol + "-bug-" + std::string(v.info.name);
  return text;
}

}  // namespace

fl::coordinated::ReplicaConfig zk_config(const ClusterSpec& cluster, NodeId id) {
  fl::coordinated::ReplicaConfig c;
  c.self = id;
  c.zookeeper = *Endpoints{cluster.replicas, true, 0}.zookeeper();
  c.replicas = cluster.replicas;
  c.max_log_size = cluster.max_log_size;
  c.checkpoint_interval = cluster.checkpoint_interval;
  c.batch_size_max = cluster.batch_size_max;
  // The session timeout plays the election timeout's part: a leader's death is seen
  // when its session expires.
  c.session_timeout_us = cluster.zk.session_timeout_us;
  c.tick_us = cluster.zk.tick_us;
  c.mutation = zk_variant(cluster.protocol).value_or(fl::coordinated::ZkMutation::kNone);
  return c;
}

paxos::Config paxos_config(const ClusterSpec& cluster, NodeId id) {
  paxos::Config c;
  c.self = id;
  c.replicas = cluster.replicas;
  c.max_log_size = cluster.max_log_size;
  c.checkpoint_interval = cluster.checkpoint_interval;
  c.batch_size_max = cluster.batch_size_max;
  c.heartbeat_us = cluster.paxos.heartbeat_us;
  c.election_timeout_us = cluster.paxos.election_timeout_us;
  c.mutation = paxos_variant(cluster.protocol).value_or(paxos::Mutation::kNone);
  return c;
}

ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options) {
  if (!paxos_variant(cluster.protocol) && !zk_variant(cluster.protocol)) {
    throw BadRunOption("protocol '" + cluster.protocol + "' is not available in this build (available: " +
                       available_protocols() + ")");
  }
  StoreMaker make_store = store_maker(cluster.store, options);  // fails now, at start, not at the first boot
  if (zk_variant(cluster.protocol)) {
    return [cluster, make_store](NodeId id) -> std::unique_ptr<Replica> {
      return std::make_unique<fl::coordinated::ZkReplica>(zk_config(cluster, id), std::make_unique<GradeApp>(make_store(id)));
    };
  }
  return [cluster, make_store](NodeId id) -> std::unique_ptr<Replica> {
    return std::make_unique<paxos::PaxosReplica>(paxos_config(cluster, id),
                                                 std::make_unique<GradeApp>(make_store(id)));
  };
}

}  // namespace fl::sim
