#include "sim/protocols.hpp"

#include <optional>

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/zk/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/cassandra_stores.hpp"
#include "sim/run.hpp"

namespace fl::sim {
namespace {

StoreMaker store_maker(const std::string& store, const RunOptions& options) {
  if (store == "sqlite") return [](NodeId) { return std::make_unique<SqliteStore>(); };
  if (store == "cassandra") return cassandra_store_maker(options);
  throw BadRunOption("store '" + store + "' is not available in this build (available: sqlite, cassandra)");
}

// Deliberately broken Paxos variants, selectable by name so that a user (and the
// tests) can watch the checks catch a real protocol bug end to end.
std::optional<paxos::Mutation> paxos_variant(const std::string& protocol) {
  if (protocol == "paxos") return paxos::Mutation::kNone;
  if (protocol == "paxos-bug-skip-adoption") return paxos::Mutation::kSkipValueAdoption;
  if (protocol == "paxos-bug-never-sync") return paxos::Mutation::kNeverSync;
  if (protocol == "paxos-bug-local-reads") return paxos::Mutation::kLocalReads;
  return std::nullopt;
}

// The zk protocol and its deliberately broken variant.
std::optional<fl::zk::ZkMutation> zk_variant(const std::string& protocol) {
  if (protocol == "zk") return fl::zk::ZkMutation::kNone;
  if (protocol == "zk-bug-no-fence") return fl::zk::ZkMutation::kNoFence;
  return std::nullopt;
}

}  // namespace

fl::zk::ReplicaConfig zk_config(const ClusterSpec& cluster, NodeId id) {
  fl::zk::ReplicaConfig c;
  c.self = id;
  c.zookeeper = NodeId(static_cast<std::uint32_t>(cluster.replicas));  // see World::zk_address
  c.replicas = cluster.replicas;
  c.max_log_size = cluster.max_log_size;
  c.checkpoint_interval = cluster.checkpoint_interval;
  c.batch_size_max = cluster.batch_size_max;
  // The session timeout plays the election timeout's part: a leader's death is seen
  // when its session expires. Twice it, so a few lost pings do not expire a session.
  c.session_timeout_us = 2 * cluster.election_timeout_us;
  c.tick_us = cluster.heartbeat_us;
  c.mutation = zk_variant(cluster.protocol).value_or(fl::zk::ZkMutation::kNone);
  return c;
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
  c.mutation = paxos_variant(cluster.protocol).value_or(paxos::Mutation::kNone);
  return c;
}

bool is_zk_protocol(const std::string& protocol) { return zk_variant(protocol).has_value(); }

ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options) {
  if (!paxos_variant(cluster.protocol) && !zk_variant(cluster.protocol)) {
    throw BadRunOption("protocol '" + cluster.protocol +
                       "' is not available in this build (available: paxos, zk; deliberately broken for "
                       "demonstrations: paxos-bug-skip-adoption, paxos-bug-never-sync, paxos-bug-local-reads, "
                       "zk-bug-no-fence)");
  }
  StoreMaker make_store = store_maker(cluster.store, options);  // fails now, at start, not at the first boot
  if (zk_variant(cluster.protocol)) {
    return [cluster, make_store](NodeId id) -> std::unique_ptr<Replica> {
      return std::make_unique<fl::zk::ZkReplica>(zk_config(cluster, id), std::make_unique<GradeApp>(make_store(id)));
    };
  }
  return [cluster, make_store](NodeId id) -> std::unique_ptr<Replica> {
    return std::make_unique<paxos::PaxosReplica>(paxos_config(cluster, id),
                                                 std::make_unique<GradeApp>(make_store(id)));
  };
}

}  // namespace fl::sim
