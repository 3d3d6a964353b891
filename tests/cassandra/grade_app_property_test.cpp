// A property in the style of etcd's quorum/quick_test.go: the app over Cassandra
// must be indistinguishable from the app over SQLite. Random request sequences give
// the same responses and byte-identical checkpoint() JSON, and so does restoring
// a checkpoint (clear, then load).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

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

// Up to 25 requests per sequence: each is one or two round trips to the server.
rc::Gen<std::vector<Request>> requests() { return rc::gen::resize(25, rc::gen::container<std::vector<Request>>(request())); }

TEST(CassandraGradeApp, same_responses_and_checkpoints_as_sqlite) {
  FL_CASSANDRA_SERVER(server);
  CassandraSettings settings;
  settings.endpoint = server;
  auto session = std::make_shared<CassandraSession>(settings);
  CassandraStore cassandra(session, replica_keyspace("fl_property_test", 0));

  const bool ok = rc::check("app over Cassandra == app over SQLite", [&] {
    const auto history = *requests();
    const auto other = *requests();
    cassandra.clear();
    GradeApp on_cassandra(std::make_unique<BorrowedStore>(cassandra));
    GradeApp on_sqlite(std::make_unique<SqliteStore>());
    for (const auto& r : history) RC_ASSERT(on_cassandra.execute(r) == on_sqlite.execute(r));
    RC_ASSERT(on_cassandra.checkpoint() == on_sqlite.checkpoint());

    // Restore replaces the whole state: checkpoints agree again afterwards.
    GradeApp source(std::make_unique<SqliteStore>());
    for (const auto& r : other) source.execute(r);
    RC_ASSERT(on_cassandra.restore(source.checkpoint()) == std::nullopt);
    RC_ASSERT(on_sqlite.restore(source.checkpoint()) == std::nullopt);
    RC_ASSERT(on_cassandra.checkpoint() == on_sqlite.checkpoint());
    RC_ASSERT(on_cassandra.rows() == source.rows());
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace fl
