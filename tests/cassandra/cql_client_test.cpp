// The CQL client against a real Cassandra: every RESULT kind it decodes, a server
// error surfaced with the server's message, a connection error while the server is
// down and a new connection once it is back (native_protocol_v4.spec §4.1.1, §4.1.4, §4.2.1, §4.2.5).
#include <gtest/gtest.h>

#include "rsm/store/cql/client.hpp"
#include "tests/cassandra/server.hpp"

namespace fl::cql {
namespace {

constexpr auto kOne = Consistency::kOne;

// A keyspace of its own, dropped before and after the test.
class CqlClientTest : public ::testing::Test {
 protected:
  static constexpr const char* kKeyspace = "fl_client_test";

  void SetUp() override {
    std::string why;
    const auto server = testing::cassandra_server(why);
    ASSERT_TRUE(server.has_value()) << why;
    client_ = std::make_unique<Client>(ClientOptions{*server, 20'000});
    client_->query(std::string("DROP KEYSPACE IF EXISTS ") + kKeyspace, kOne);
  }
  void TearDown() override {
    if (client_) client_->query(std::string("DROP KEYSPACE IF EXISTS ") + kKeyspace, kOne);
  }
  void create_schema() {
    client_->query(std::string("CREATE KEYSPACE ") + kKeyspace +
                       " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                   kOne);
    client_->query(std::string("CREATE TABLE ") + kKeyspace + ".t (id int PRIMARY KEY, name text, xs list<int>)", kOne);
  }

  std::unique_ptr<Client> client_;
};

TEST_F(CqlClientTest, schema_changes_are_reported_as_schema_change_results) {
  const Result keyspace = client_->query(std::string("CREATE KEYSPACE ") + kKeyspace +
                                             " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
                                         kOne);
  const auto& ks = std::get<SchemaChange>(keyspace);
  EXPECT_EQ(ks.change, "CREATED");
  EXPECT_EQ(ks.target, "KEYSPACE");
  EXPECT_EQ(ks.keyspace, kKeyspace);

  const Result table = client_->query(std::string("CREATE TABLE ") + kKeyspace + ".t (id int PRIMARY KEY)", kOne);
  const auto& t = std::get<SchemaChange>(table);
  EXPECT_EQ(t.target, "TABLE");
  EXPECT_EQ(t.keyspace, kKeyspace);
  EXPECT_EQ(t.name, "t");

  // IF NOT EXISTS on an existing table changes nothing: a Void result.
  const Result again =
      client_->query(std::string("CREATE TABLE IF NOT EXISTS ") + kKeyspace + ".t (id int PRIMARY KEY)", kOne);
  EXPECT_TRUE(std::holds_alternative<Void>(again));
}

TEST_F(CqlClientTest, use_returns_set_keyspace_and_writes_return_void) {
  create_schema();
  const Result use = client_->query(std::string("USE ") + kKeyspace, kOne);
  EXPECT_EQ(std::get<SetKeyspace>(use).keyspace, kKeyspace);
  const Result write = client_->query("INSERT INTO t (id, name, xs) VALUES (1, 'one', [3, 4])", Consistency::kQuorum);
  EXPECT_TRUE(std::holds_alternative<Void>(write));
}

TEST_F(CqlClientTest, select_returns_rows_with_column_specs_and_values) {
  create_schema();
  const std::string table = std::string(kKeyspace) + ".t";
  client_->query("INSERT INTO " + table + " (id, name) VALUES (7, 'seven')", kOne);
  client_->query("INSERT INTO " + table + " (id, name) VALUES (-2, 'minus two')", kOne);
  const Result result = client_->query("SELECT id, name FROM " + table + " WHERE id = 7", kOne);
  const auto& rows = std::get<Rows>(result);
  ASSERT_EQ(rows.columns.size(), 2u);
  EXPECT_EQ(rows.columns[0].name, "id");
  EXPECT_EQ(rows.columns[0].type, 0x0009);  // int
  EXPECT_EQ(rows.columns[1].type, 0x000D);  // varchar (text)
  EXPECT_EQ(rows.columns[0].table, "t");
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(int_value(*rows.rows[0][0]), 7);
  EXPECT_EQ(rows.rows[0][1], std::optional<std::string>("seven"));

  const auto all = std::get<Rows>(client_->query("SELECT id FROM " + table, kOne));
  EXPECT_EQ(all.rows.size(), 2u);
}

TEST_F(CqlClientTest, select_json_returns_one_text_column_per_row) {
  create_schema();
  const std::string table = std::string(kKeyspace) + ".t";
  client_->query("UPDATE " + table + " SET xs = xs + [5] WHERE id = 3", kOne);
  client_->query("UPDATE " + table + " SET xs = xs + [-6] WHERE id = 3", kOne);
  const auto rows = std::get<Rows>(client_->query("SELECT JSON id, xs FROM " + table + " WHERE id = 3", kOne));
  ASSERT_EQ(rows.rows.size(), 1u);
  EXPECT_EQ(rows.columns[0].name, "[json]");
  EXPECT_EQ(rows.rows[0][0], std::optional<std::string>(R"({"id": 3, "xs": [5, -6]})"));
}

TEST_F(CqlClientTest, bad_cql_is_a_server_error_with_the_servers_message) {
  try {
    client_->query("SELEKT nothing", kOne);
    FAIL() << "expected ServerError";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.code(), kSyntaxError);
    EXPECT_FALSE(e.server_message().empty());
    EXPECT_NE(std::string(e.what()).find("syntax error"), std::string::npos) << e.what();
  }
  try {
    client_->query("SELECT * FROM fl_no_such_keyspace.t", kOne);
    FAIL() << "expected ServerError";
  } catch (const ServerError& e) {
    EXPECT_EQ(e.code(), kInvalid) << e.what();
  }
  // An error answer leaves the connection usable.
  EXPECT_TRUE(client_->connected());
  EXPECT_TRUE(std::holds_alternative<Rows>(client_->query("SELECT release_version FROM system.local", kOne)));
}

TEST_F(CqlClientTest, errors_are_store_errors) {
  EXPECT_THROW(client_->query("DROP TABLE fl_no_such_keyspace.t", kOne), StoreError);
}

TEST_F(CqlClientTest, a_query_while_the_server_is_down_is_a_connection_error_and_a_restart_is_picked_up) {
  create_schema();
  client_->query(std::string("INSERT INTO ") + kKeyspace + ".t (id) VALUES (1)", kOne);
  const Endpoint endpoint = client_->options().endpoint;
  std::string why;
  ASSERT_TRUE(testing::stop_cassandra(why)) << why;
  // The old connection is dead and nothing listens: the query fails with the
  // endpoint and the reason, and the client is left closed, not half-open.
  try {
    client_->query("SELECT release_version FROM system.local", kOne);
    ADD_FAILURE() << "expected ConnectionError with the server down";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("cassandra at " + to_string(endpoint) + ": connect"), std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(client_->connected());
  const bool started = testing::start_cassandra(endpoint, why);
  ASSERT_TRUE(started) << why;
  // The next query opens a new connection. The restarted server has a fresh data
  // directory.
  const Result result = client_->query("SELECT release_version FROM system.local", kOne);
  EXPECT_EQ(std::get<Rows>(result).rows.size(), 1u);
  EXPECT_TRUE(client_->connected());
}

TEST_F(CqlClientTest, query_after_close_reconnects) {
  client_->query("SELECT release_version FROM system.local", kOne);
  client_->close();
  EXPECT_FALSE(client_->connected());
  EXPECT_EQ(std::get<Rows>(client_->query("SELECT release_version FROM system.local", kOne)).rows.size(), 1u);
}

}  // namespace
}  // namespace fl::cql
