#include "rsm/store/cassandra_store.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

namespace fl {
namespace {

constexpr std::size_t kKeyspaceLengthMax = 48;  // Cassandra's limit on keyspace names

// The list as a CQL literal: [1, 2, 3].
std::string list_literal(const std::vector<std::int32_t>& values) {
  std::string text = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ',';
    text += std::to_string(values[i]);
  }
  return text + "]";
}

// One row of SELECT JSON id, events: {"id": 1, "events": [1, 2]}; an empty list is
// stored by Cassandra as null.
Row row_of_json(const std::optional<std::string>& cell) {
  if (!cell) throw cql::ProtocolError("cassandra: SELECT JSON returned a null row");
  try {
    const nlohmann::json j = nlohmann::json::parse(*cell);
    Row row;
    row.first = j.at("id").get<std::int32_t>();
    if (const auto& events = j.at("events"); !events.is_null()) row.second = events.get<std::vector<std::int32_t>>();
    return row;
  } catch (const nlohmann::json::exception& e) {
    throw cql::ProtocolError("cassandra: unreadable SELECT JSON row '" + *cell + "': " + e.what());
  }
}

// The one non-seeded randomness of a run: it only names keyspaces, which no trace
// or check sees, so it cannot affect determinism.
std::string random_nonce() {
  std::random_device device;
  const std::uint64_t bits = (std::uint64_t{device()} << 32 | device()) & 0xffff'ffff'ffffu;
  char text[16];
  std::snprintf(text, sizeof text, "%012llx", static_cast<unsigned long long>(bits));
  return text;
}

const cql::Rows& rows_of(const cql::Result& result) {
  if (const auto* rows = std::get_if<cql::Rows>(&result)) return *rows;
  throw cql::ProtocolError("cassandra: a SELECT did not return rows");
}

}  // namespace

CassandraSession::CassandraSession(CassandraSettings settings)
    : settings_(std::move(settings)),
      client_(cql::ClientOptions{settings_.endpoint, settings_.timeout_ms}),
      nonce_(random_nonce()) {}

CassandraSession::~CassandraSession() {
  for (const std::string& keyspace : keyspaces_) {
    try {
      client_.query("DROP KEYSPACE IF EXISTS " + keyspace, settings_.consistency);
    } catch (const cql::Error&) {
      // See the header: a leftover keyspace is harmless, and the server may be gone.
    }
  }
}

cql::Result CassandraSession::query(const std::string& cql) { return client_.query(cql, settings_.consistency); }

void CassandraSession::remember_keyspace(const std::string& keyspace) {
  if (std::find(keyspaces_.begin(), keyspaces_.end(), keyspace) == keyspaces_.end()) keyspaces_.push_back(keyspace);
}

std::string replica_keyspace(const std::string& run, std::uint32_t replica) {
  const std::string suffix = "_r" + std::to_string(replica);
  std::string name;
  for (char c : run) {
    const auto u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) name = "fl_" + name;
  name.resize(std::min(name.size(), kKeyspaceLengthMax - suffix.size()));
  return name + suffix;
}

CassandraStore::CassandraStore(std::shared_ptr<CassandraSession> session, std::string keyspace)
    : session_(std::move(session)), keyspace_(std::move(keyspace)), table_(keyspace_ + ".grade") {
  session_->query("CREATE KEYSPACE IF NOT EXISTS " + keyspace_ +
                  " WITH replication = " + session_->settings().replication);
  session_->remember_keyspace(keyspace_);
  // CREATE ... IF NOT EXISTS answers Schema_change when it created the table and
  // Void when the table was there: only an old table can hold rows.
  const cql::Result created =
      session_->query("CREATE TABLE IF NOT EXISTS " + table_ + " (id int PRIMARY KEY, events list<int>)");
  if (!std::holds_alternative<cql::SchemaChange>(created)) clear();
}

bool CassandraStore::insert(std::int32_t key) {
  const std::string k = std::to_string(key);
  if (!rows_of(session_->query("SELECT id FROM " + table_ + " WHERE id = " + k)).rows.empty()) return false;
  session_->query("INSERT INTO " + table_ + " (id, events) VALUES (" + k + ", [])");
  return true;
}

void CassandraStore::append(std::int32_t key, std::int32_t value) {
  session_->query("UPDATE " + table_ + " SET events = events + [" + std::to_string(value) +
                  "] WHERE id = " + std::to_string(key));
}

std::optional<std::vector<std::int32_t>> CassandraStore::read(std::int32_t key) {
  const cql::Result result =
      session_->query("SELECT JSON id, events FROM " + table_ + " WHERE id = " + std::to_string(key));
  const cql::Rows& rows = rows_of(result);
  if (rows.rows.empty()) return std::nullopt;
  if (rows.rows.size() != 1 || rows.rows[0].size() != 1)
    throw cql::ProtocolError("cassandra: one row per key expected");
  return row_of_json(rows.rows[0][0]).second;
}

std::vector<Row> CassandraStore::read_all() {
  const cql::Result result = session_->query("SELECT JSON id, events FROM " + table_);
  std::vector<Row> rows;
  for (const auto& row : rows_of(result).rows) {
    if (row.size() != 1) throw cql::ProtocolError("cassandra: SELECT JSON must return one column");
    rows.push_back(row_of_json(row[0]));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.first < b.first; });
  return rows;
}

void CassandraStore::clear() {
  // A TRUNCATE costs tens of milliseconds (the server flushes and syncs the
  // table), a one-row read well under one; and a restarted replica's store is
  // emptied when it opens and then again by the restore that follows.
  if (rows_of(session_->query("SELECT id FROM " + table_ + " LIMIT 1")).rows.empty()) return;
  session_->query("TRUNCATE " + table_);
}

void CassandraStore::load(const std::vector<Row>& rows) {
  for (const auto& [key, events] : rows) {
    session_->query("INSERT INTO " + table_ + " (id, events) VALUES (" + std::to_string(key) + ", " +
                    list_literal(events) + ")");
  }
}

}  // namespace fl
