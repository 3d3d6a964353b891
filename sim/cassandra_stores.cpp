#include "sim/cassandra_stores.hpp"

#include <unistd.h>

#include "rsm/store/cassandra_store.hpp"

namespace fl::sim {

StoreMaker cassandra_store_maker(const RunOptions& options) {
  const std::string endpoint_text = options.cassandra.empty() ? "127.0.0.1:9042" : options.cassandra;
  CassandraSettings settings;
  const auto endpoint = cql::parse_endpoint(endpoint_text);
  if (!endpoint) throw BadRunOption("--cassandra needs HOST:PORT, got '" + endpoint_text + "'");
  settings.endpoint = *endpoint;
  if (!options.cassandra_replication.empty()) settings.replication = options.cassandra_replication;
  auto session = std::make_shared<CassandraSession>(settings);
  session->query("SELECT release_version FROM system.local");  // reachable? fails here, before the run
  // The pid keeps concurrent runs (sweep --jobs) apart; keyspace names never reach
  // the trace, so they do not affect determinism.
  const std::string run = "fl_p" + std::to_string(::getpid()) + "_s" + std::to_string(options.seed);
  return [session, run](NodeId id) -> std::unique_ptr<Store> {
    return std::make_unique<CassandraStore>(session, replica_keyspace(run, id.value));
  };
}

}  // namespace fl::sim
