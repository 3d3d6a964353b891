// The grade table in Apache Cassandra: one keyspace per replica, each with
// grade(id int PRIMARY KEY, events list<int>), reached through the small CQL client.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rsm/store/cql/client.hpp"
#include "rsm/store/store.hpp"

namespace fl {

// Where and how the stores of one run keep their keyspaces.
struct CassandraSettings {
  cql::Endpoint endpoint;
  // The keyspace replication map, as CQL. One node needs SimpleStrategy with factor
  // 1; a real cluster would use e.g. {'class': 'NetworkTopologyStrategy', 'dc1': 3}.
  std::string replication = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  // QUORUM reads and writes see each other on any replication factor.
  cql::Consistency consistency = cql::Consistency::kQuorum;
  std::uint32_t timeout_ms = 20'000;
};

// The connection shared by the stores of one run (one run is single-threaded, so
// one connection serves every replica). It remembers the keyspaces its stores
// created and drops them when the last store and factory let go of it, so runs
// leave nothing behind on the server.
class CassandraSession {
 public:
  explicit CassandraSession(CassandraSettings settings);
  // Drops every keyspace made through this session; errors are ignored, since a
  // destructor cannot report them and a leftover keyspace is harmless.
  ~CassandraSession();

  CassandraSession(const CassandraSession&) = delete;
  CassandraSession& operator=(const CassandraSession&) = delete;

  // Runs one statement with the configured consistency.
  cql::Result query(const std::string& cql);
  const CassandraSettings& settings() const { return settings_; }
  // Records a keyspace to drop when the session ends.
  void remember_keyspace(const std::string& keyspace);
  // 12 random hex digits drawn when the session is made. Keyspace names carry it,
  // so that runs on different hosts or CI jobs sharing one cluster never meet in a
  // keyspace (a pid and a seed repeat across machines). It never reaches a trace.
  const std::string& nonce() const { return nonce_; }

 private:
  CassandraSettings settings_;
  cql::Client client_;
  std::vector<std::string> keyspaces_;
  std::string nonce_;
};

// "<run>_r<replica>", lower case, as a valid unquoted keyspace name: letters, digits
// and underscores, at most 48 characters (other characters of `run` become '_').
std::string replica_keyspace(const std::string& run, std::uint32_t replica);

// The Store on Cassandra. Rows are read through SELECT JSON, so the client decodes
// one text column instead of CQL's list encoding. The store is used by one replica
// at a time, so insert is a read then a write rather than a lightweight transaction
// (INSERT ... IF NOT EXISTS costs four round trips of Paxos inside Cassandra).
// Every failure throws a cql::Error (a StoreError).
class CassandraStore final : public Store {
 public:
  // Creates the keyspace and table if missing and empties the table if it existed
  // (a restarted replica starts empty, like a fresh in-memory SQLite database).
  CassandraStore(std::shared_ptr<CassandraSession> session, std::string keyspace);

  bool insert(std::int32_t key) override;
  void append(std::int32_t key, std::int32_t value) override;
  std::optional<std::vector<std::int32_t>> read(std::int32_t key) override;
  // SELECT returns rows in token order, so they are sorted here by key.
  std::vector<Row> read_all() override;
  // TRUNCATE: removes the rows without leaving tombstones behind. Skipped when a
  // one-row read finds the table empty already, which is much cheaper.
  void clear() override;
  // One INSERT per row. Unlike SqliteStore it does not check that the table is
  // empty; restore always clears first.
  void load(const std::vector<Row>& rows) override;

  const std::string& keyspace() const { return keyspace_; }

 private:
  std::shared_ptr<CassandraSession> session_;
  std::string keyspace_;
  std::string table_;  // "<keyspace>.grade"
};

}  // namespace fl
