#include "sim/protocols.hpp"

#include <optional>

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
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


}  // namespace

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

ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options) {
  if (!paxos_variant(cluster.protocol)) {
    throw BadRunOption("protocol '" + cluster.protocol +
                       "' is not available in this build (available: paxos; deliberately broken for "
                       "demonstrations: paxos-bug-skip-adoption, paxos-bug-never-sync, paxos-bug-local-reads)");
  }
  StoreMaker make_store = store_maker(cluster.store, options);  // fails now, at start, not at the first boot
  return [cluster, make_store](NodeId id) -> std::unique_ptr<Replica> {
    return std::make_unique<paxos::PaxosReplica>(paxos_config(cluster, id),
                                                 std::make_unique<GradeApp>(make_store(id)));
  };
}

}  // namespace fl::sim
