#include "sim/setup/cassandra_stores.hpp"

#include <unistd.h>

#include "rsm/store/cassandra_store.hpp"

namespace fl::sim {
namespace {

std::shared_ptr<CassandraSession> open_session(const RunOptions& options) {
  if (options.cassandra_session) return options.cassandra_session;
  const std::string endpoint_text = options.cassandra.empty() ? "127.0.0.1:9042" : options.cassandra;
  CassandraSettings settings;
  const auto endpoint = cql::parse_endpoint(endpoint_text);
  if (!endpoint) throw BadRunOption("--cassandra needs HOST:PORT, got '" + endpoint_text + "'");
  settings.endpoint = *endpoint;
  if (!options.cassandra_replication.empty()) settings.replication = options.cassandra_replication;
  return std::make_shared<CassandraSession>(settings);
}

}  // namespace

StoreMaker cassandra_store_maker(const RunOptions& options) {
  auto session = open_session(options);
  session->query("SELECT release_version FROM system.local");  // reachable? fails here, before the run
  // The nonce keeps hosts apart, the pid concurrent runs of one host (sweep --jobs)
  // and the seed successive runs of one process. A shared session's keyspaces are
  // meant to be reused by the next run, so they leave the seed out. Keyspace names
  // never reach the trace, so none of this affects determinism.
  std::string run = "fl_" + session->nonce() + "_p" + std::to_string(::getpid());
  if (!options.cassandra_session) run += "_s" + std::to_string(options.seed);
  return [session, run](NodeId id) -> std::unique_ptr<Store> {
    return std::make_unique<CassandraStore>(session, replica_keyspace(run, id.value));
  };
}

}  // namespace fl::sim
