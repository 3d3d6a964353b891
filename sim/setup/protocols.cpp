#include "sim/setup/protocols.hpp"

#include <optional>

#include "rsm/app/grade_app.hpp"
#include "rsm/coordinated/replica.hpp"
#include "rsm/core/assert.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/kernel/endpoints.hpp"
#include "sim/setup/cassandra_stores.hpp"

namespace fl::sim {
namespace {

StoreMaker store_maker(const std::string& store, const RunOptions& options) {
  if (store == "sqlite") return [](NodeId) { return std::make_unique<SqliteStore>(); };
  FL_ASSERT(store == "cassandra", "store '" + store + "' passed checked_choice");
  return cassandra_store_maker(options);
}

std::string available_protocols() {
  std::string names, bugs;
  for (const Protocol& p : protocols()) names += (names.empty() ? "" : ", ") + std::string(p.name);
  for (const auto& v : all_variants()) bugs += " " + v.protocol + "-bug-" + std::string(v.info.name);
  return names + "; planted bugs (faultline variants):" + bugs;
}

// The catalogue rows of one core's planted bugs, as the registry lists them.
template <class Row>
std::vector<VariantInfo> infos(std::span<const Row> rows) {
  std::vector<VariantInfo> out;
  for (const Row& row : rows) out.push_back(row.info);
  return out;
}

// The switch of the planted bug named `variant` ("" or unknown: none; the registry
// has checked the name already).
template <class Mutation, class Row>
Mutation mutation_of(std::span<const Row> rows, std::string_view variant) {
  for (const Row& row : rows) {
    if (row.info.name == variant) return row.mutation;
  }
  return Mutation::kNone;
}

fl::coordinated::ReplicaConfig zk_config_with(const ClusterSpec& cluster, std::string_view variant, NodeId id) {
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
  c.mutation = mutation_of<fl::coordinated::ZkMutation>(fl::coordinated::variants(), variant);
  return c;
}

paxos::Config paxos_config_with(const ClusterSpec& cluster, std::string_view variant, NodeId id) {
  paxos::Config c;
  c.self = id;
  c.replicas = cluster.replicas;
  c.max_log_size = cluster.max_log_size;
  c.checkpoint_interval = cluster.checkpoint_interval;
  c.batch_size_max = cluster.batch_size_max;
  c.heartbeat_us = cluster.paxos.heartbeat_us;
  c.election_timeout_us = cluster.paxos.election_timeout_us;
  c.mutation = mutation_of<paxos::Mutation>(paxos::variants(), variant);
  return c;
}

std::unique_ptr<Replica> make_paxos(const ClusterSpec& cluster, std::string_view variant, NodeId id,
                                    std::unique_ptr<Replicable> app) {
  return std::make_unique<paxos::PaxosReplica>(paxos_config_with(cluster, variant, id), std::move(app));
}

std::unique_ptr<Replica> make_zk(const ClusterSpec& cluster, std::string_view variant, NodeId id,
                                 std::unique_ptr<Replicable> app) {
  return std::make_unique<fl::coordinated::ZkReplica>(zk_config_with(cluster, variant, id), std::move(app));
}

// The planted bug `cluster.protocol` names if the protocol is the one `make` builds,
// "" otherwise: a zk variant must not plant a Paxos bug of the same name.
std::string variant_of(const ClusterSpec& cluster, MakeReplica make) {
  const auto choice = resolve_protocol(cluster.protocol);
  return choice && choice->protocol->make_replica == make ? choice->variant : std::string();
}

std::string describe_paxos(const ClusterSpec& cluster) {
  return "heartbeat=" + format_duration(cluster.paxos.heartbeat_us) +
         " election_timeout=" + format_duration(cluster.paxos.election_timeout_us);
}

std::string describe_zk(const ClusterSpec& cluster) {
  return "session_timeout=" + format_duration(cluster.zk.session_timeout_us) +
         " tick=" + format_duration(cluster.zk.tick_us);
}

}  // namespace

std::span<const Protocol> protocols() {
  static const std::vector<Protocol> registry = {
      {.name = "paxos",
       .summary = "Multi-Paxos, GigaPaxos style (rsm/paxos)",
       .needs_zookeeper = false,
       .settings_section = "paxos",
       .variants = infos(paxos::variants()),
       .make_replica = make_paxos,
       .describe_settings = describe_paxos},
      {.name = "zk",
       .summary = "coordinated through ZooKeeper (rsm/coordinated)",
       .needs_zookeeper = true,
       .settings_section = "zk",
       .variants = infos(fl::coordinated::variants()),
       .make_replica = make_zk,
       .describe_settings = describe_zk},
  };
  return registry;
}

fl::coordinated::ReplicaConfig zk_config(const ClusterSpec& cluster, NodeId id) {
  return zk_config_with(cluster, variant_of(cluster, make_zk), id);
}

paxos::Config paxos_config(const ClusterSpec& cluster, NodeId id) {
  return paxos_config_with(cluster, variant_of(cluster, make_paxos), id);
}

ProtocolChoice checked_choice(const ClusterSpec& cluster) {
  const auto choice = resolve_protocol(cluster.protocol);
  if (!choice) {
    throw BadRunOption("protocol '" + cluster.protocol +
                       "' is not available in this build (available: " + available_protocols() + ")");
  }
  if (cluster.store != "sqlite" && cluster.store != "cassandra") {
    throw BadRunOption("store '" + cluster.store + "' is not available in this build (available: sqlite, cassandra)");
  }
  return *choice;
}

ReplicaFactory make_replica_factory(const ClusterSpec& cluster, const RunOptions& options) {
  const ProtocolChoice choice = checked_choice(cluster);
  StoreMaker make_store = store_maker(cluster.store, options);  // fails now, at start, not at the first boot
  return [cluster, make_store, make = choice.protocol->make_replica,
          variant = choice.variant](NodeId id) -> std::unique_ptr<Replica> {
    return make(cluster, variant, id, std::make_unique<GradeApp>(make_store(id)));
  };
}

}  // namespace fl::sim
