// A property in the style of etcd's quorum/quick_test.go: the app over Cassandra
// must be indistinguishable from the app over SQLite. Random request sequences give
// the same responses and byte-identical checkpoint() JSON, and so does restoring
// a checkpoint (clear, then load). checkpoint() formats the app's own copy of the
// rows, so after each phase the tables the two stores hold are compared too, and
// each app's checkpointed rows against its store's: a store that lost a write
// fails here even if no read saw it. tests/cassandra/store_property_test.cpp
// checks the Store calls themselves.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>

#include "rsm/app/grade_app.hpp"
#include "rsm/store/cassandra_store.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "tests/cassandra/server.hpp"

namespace fl {
namespace {

// Lends one long-lived CassandraStore to each short-lived GradeApp: creating a
// keyspace per generated case would cost more than the case itself.
class BorrowedStore final : public Store {
 public:
  explicit BorrowedStore(Store& store) : store_(store) {}
  bool insert(std::int32_t key) override { return store_.insert(key); }
  void append(std::int32_t key, std::int32_t value) override { store_.append(key, value); }
  std::optional<std::vector<std::int32_t>> read(std::int32_t key) override { return store_.read(key); }
  std::vector<Row> read_all() override { return store_.read_all(); }
  void clear() override { store_.clear(); }
  void load(const std::vector<Row>& rows) override { store_.load(rows); }

 private:
  Store& store_;
};

rc::Gen<Request> request() {
  return rc::gen::apply(
      [](std::uint32_t client, std::uint64_t id, int op, std::int32_t key, std::int32_t value) {
        return Request{ClientId{client}, RequestId{id}, static_cast<OpKind>(op), key, value};
      },
      rc::gen::inRange<std::uint32_t>(0, 3), rc::gen::inRange<std::uint64_t>(0, 10), rc::gen::inRange(0, 4),
      rc::gen::weightedOneOf<std::int32_t>(
          {{4, rc::gen::inRange<std::int32_t>(-3, 4)}, {1, rc::gen::arbitrary<std::int32_t>()}}),
      rc::gen::arbitrary<std::int32_t>());
}

// The rows part of a checkpoint: what the app believes its table holds.
nlohmann::json checkpointed_rows(GradeApp& app) { return nlohmann::json::parse(app.checkpoint()).at("rows"); }

// The rows `store` holds, in the same form.
nlohmann::json stored_rows(Store& store) {
  return nlohmann::json::parse(table_checkpoint(store.read_all())).at("rows");
}

// Up to 25 requests per sequence: each is one or two round trips to the server.
rc::Gen<std::vector<Request>> requests() {
  return rc::gen::resize(25, rc::gen::container<std::vector<Request>>(request()));
}

TEST(CassandraGradeApp, same_responses_and_checkpoints_as_sqlite) {
  FL_CASSANDRA_SERVER(server);
  CassandraSettings settings;
  settings.endpoint = server;
  auto session = std::make_shared<CassandraSession>(settings);
  CassandraStore cassandra(session, replica_keyspace("fl_property_test_" + session->nonce(), 0));

  const bool ok = rc::check("app over Cassandra == app over SQLite", [&] {
    const auto history = *requests();
    const auto other = *requests();
    cassandra.clear();
    auto sqlite_store = std::make_unique<SqliteStore>();
    SqliteStore& sqlite = *sqlite_store;
    GradeApp on_cassandra(std::make_unique<BorrowedStore>(cassandra));
    GradeApp on_sqlite(std::move(sqlite_store));
    for (const auto& r : history) RC_ASSERT(on_cassandra.execute(r) == on_sqlite.execute(r));
    RC_ASSERT(on_cassandra.checkpoint() == on_sqlite.checkpoint());
    RC_ASSERT(cassandra.read_all() == sqlite.read_all());
    RC_ASSERT(checkpointed_rows(on_cassandra) == stored_rows(cassandra));
    RC_ASSERT(checkpointed_rows(on_sqlite) == stored_rows(sqlite));

    // Restore replaces the whole state: checkpoints agree again afterwards.
    GradeApp source(std::make_unique<SqliteStore>());
    for (const auto& r : other) source.execute(r);
    RC_ASSERT(on_cassandra.restore(source.checkpoint()) == std::nullopt);
    RC_ASSERT(on_sqlite.restore(source.checkpoint()) == std::nullopt);
    RC_ASSERT(on_cassandra.checkpoint() == on_sqlite.checkpoint());
    RC_ASSERT(cassandra.read_all() == source.rows());
    RC_ASSERT(sqlite.read_all() == source.rows());
    RC_ASSERT(checkpointed_rows(on_cassandra) == stored_rows(cassandra));
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace fl
