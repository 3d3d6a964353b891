// CassandraStore against a real Cassandra: the Store contract of store.hpp, case
// by case as sqlite_store_test.cpp checks it for SQLite.
#include "rsm/store/cassandra_store.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "tests/cassandra/server.hpp"

namespace fl {
namespace {

using Events = std::vector<std::int32_t>;

class CassandraStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FL_CASSANDRA_SERVER(server);
    CassandraSettings settings;
    settings.endpoint = server;
    session_ = std::make_shared<CassandraSession>(settings);
    store_ = std::make_unique<CassandraStore>(session_, replica_keyspace("fl_store_test_" + session_->nonce(), 0));
  }

  std::shared_ptr<CassandraSession> session_;
  std::unique_ptr<CassandraStore> store_;
};

TEST_F(CassandraStoreTest, fresh_store_is_empty) {
  EXPECT_TRUE(store_->read_all().empty());
  EXPECT_EQ(store_->read(0), std::nullopt);
}

TEST_F(CassandraStoreTest, insert_creates_empty_list_once) {
  EXPECT_TRUE(store_->insert(5));
  EXPECT_EQ(store_->read(5), Events{});
  EXPECT_FALSE(store_->insert(5));
  EXPECT_EQ(store_->read(5), Events{});
}

TEST_F(CassandraStoreTest, insert_of_existing_key_keeps_its_events) {
  store_->append(-3, 7);
  EXPECT_FALSE(store_->insert(-3));
  EXPECT_EQ(store_->read(-3), Events{7});
}

TEST_F(CassandraStoreTest, append_creates_missing_key_and_keeps_order_and_extremes) {
  const Events values = {
      10, 11, 9, 0, -1, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(), 10};
  for (auto v : values) store_->append(-2, v);
  EXPECT_EQ(store_->read(-2), values);
}

TEST_F(CassandraStoreTest, read_all_is_in_ascending_key_order) {
  for (std::int32_t key : {9, -4, 0, 3, std::numeric_limits<std::int32_t>::min()}) store_->append(key, key);
  store_->insert(1);
  const auto rows = store_->read_all();
  std::vector<std::int32_t> keys;
  for (const auto& row : rows) keys.push_back(row.first);
  EXPECT_EQ(keys, (std::vector<std::int32_t>{std::numeric_limits<std::int32_t>::min(), -4, 0, 1, 3, 9}));
  EXPECT_EQ(rows[3].second, Events{});
}

TEST_F(CassandraStoreTest, clear_then_load_replaces_everything) {
  store_->append(1, 1);
  store_->append(2, 2);
  store_->clear();
  EXPECT_TRUE(store_->read_all().empty());
  const std::vector<Row> rows = {{-1, {}}, {4, {4, 5, 6}}};
  store_->load(rows);
  EXPECT_EQ(store_->read_all(), rows);
  store_->append(4, 7);
  EXPECT_EQ(store_->read(4), (Events{4, 5, 6, 7}));
}

TEST_F(CassandraStoreTest, a_new_store_on_an_existing_keyspace_starts_empty) {
  // What a restarted replica gets: the same keyspace, emptied.
  store_->append(1, 1);
  CassandraStore again(session_, store_->keyspace());
  EXPECT_TRUE(again.read_all().empty());
}

TEST(CassandraStoreErrors, unreachable_server_is_a_store_error) {
  CassandraSettings settings;
  settings.endpoint = {"127.0.0.1", 1};
  settings.timeout_ms = 2000;
  auto session = std::make_shared<CassandraSession>(settings);
  EXPECT_THROW(CassandraStore(session, "fl_unreachable_r0"), StoreError);
}

}  // namespace
}  // namespace fl
