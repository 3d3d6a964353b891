// The CQL v4 frame layouts of doc/native_protocol_v4.spec, checked byte by byte
// without a server; and the client's typed errors against servers that refuse or
// never answer. Tests against a real Cassandra are in tests/cassandra/.
#include "rsm/store/cql/wire.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <limits>
#include <thread>

#include "rsm/store/cassandra_store.hpp"
#include "rsm/store/cql/client.hpp"

namespace fl::cql {
namespace {

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (int v : values) out.push_back(static_cast<char>(v));
  return out;
}

// Builds response bodies with the spec's notations.
struct Body {
  std::string out;
  Body& i32(std::int32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
    return *this;
  }
  Body& u16(std::uint16_t v) {
    out.push_back(static_cast<char>(v >> 8));
    out.push_back(static_cast<char>(v & 0xff));
    return *this;
  }
  Body& str(const std::string& s) {
    u16(static_cast<std::uint16_t>(s.size()));
    out += s;
    return *this;
  }
  Body& cell(const std::string& s) {
    i32(static_cast<std::int32_t>(s.size()));
    out += s;
    return *this;
  }
};

TEST(CqlWire, startup_frame_is_v4_with_cql_version) {
  const std::string frame = encode_startup(0);
  const std::string body = Body{}.u16(1).str("CQL_VERSION").str("3.0.0").out;
  EXPECT_EQ(frame, bytes({0x04, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, static_cast<int>(body.size())}) + body);
}

TEST(CqlWire, query_frame_carries_consistency_page_size_and_paging_state) {
  const std::string frame = encode_query(3, "SELECT 1", Consistency::kQuorum, 5000, std::string("ps"));
  Body body;
  body.i32(8);
  body.out += "SELECT 1";
  body.u16(0x0004);
  body.out.push_back(0x0c);  // page size | with paging state
  body.i32(5000).cell("ps");
  EXPECT_EQ(frame.substr(0, 5), bytes({0x04, 0x00, 0x00, 0x03, 0x07}));
  EXPECT_EQ(frame.substr(9), body.out);
}

TEST(CqlWire, header_rejects_other_versions_and_huge_bodies) {
  const std::uint8_t v3[kHeaderSize] = {0x83, 0, 0, 0, 0x08, 0, 0, 0, 0};
  EXPECT_THROW(decode_header(v3), ProtocolError);
  const std::uint8_t huge[kHeaderSize] = {0x84, 0, 0, 0, 0x08, 0x7f, 0xff, 0xff, 0xff};
  EXPECT_THROW(decode_header(huge), ProtocolError);
  const std::uint8_t ok[kHeaderSize] = {0x84, 0x08, 0xff, 0xff, 0x08, 0, 0, 1, 2};
  const FrameHeader h = decode_header(ok);
  EXPECT_EQ(h.stream, -1);
  EXPECT_EQ(h.length, 258u);
  EXPECT_EQ(h.flags, 0x08);
}

TEST(CqlWire, warnings_are_split_off_before_the_message) {
  FrameHeader h;
  h.flags = 0x08;
  h.opcode = static_cast<std::uint8_t>(Opcode::kResult);
  const Response r = decode_response(h, Body{}.u16(1).str("batch too large").i32(1).out);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0], "batch too large");
  EXPECT_TRUE(std::holds_alternative<Void>(decode_result(r.body)));
}

TEST(CqlWire, rows_result_with_global_table_spec) {
  Body b;
  b.i32(2).i32(0x0001).i32(2).str("ks").str("grade");
  b.str("id").u16(0x0009);
  b.str("events").u16(0x0020).u16(0x0009);  // list<int>
  b.i32(2);
  b.cell(bytes({0, 0, 0, 7})).i32(-1);
  b.cell(bytes({0xff, 0xff, 0xff, 0xfe})).cell("xyz");
  const Result result = decode_result(b.out);
  const auto& rows = std::get<Rows>(result);
  ASSERT_EQ(rows.columns.size(), 2u);
  EXPECT_EQ(rows.columns[1].name, "events");
  EXPECT_EQ(rows.columns[1].type, 0x0020);
  EXPECT_EQ(rows.columns[0].keyspace, "ks");
  ASSERT_EQ(rows.rows.size(), 2u);
  EXPECT_EQ(int_value(*rows.rows[0][0]), 7);
  EXPECT_EQ(rows.rows[0][1], std::nullopt);
  EXPECT_EQ(int_value(*rows.rows[1][0]), -2);
  EXPECT_FALSE(rows.paging_state.has_value());
}

TEST(CqlWire, rows_result_with_more_pages_keeps_paging_state) {
  const std::string body = Body{}.i32(2).i32(0x0002 | 0x0004).i32(1).cell("state").i32(0).out;
  const auto rows = std::get<Rows>(decode_result(body));
  EXPECT_EQ(rows.paging_state, std::optional<std::string>("state"));
  EXPECT_TRUE(rows.columns.empty());
}

TEST(CqlWire, set_keyspace_and_schema_change_results) {
  EXPECT_EQ(std::get<SetKeyspace>(decode_result(Body{}.i32(3).str("ks").out)).keyspace, "ks");
  const auto table =
      std::get<SchemaChange>(decode_result(Body{}.i32(5).str("CREATED").str("TABLE").str("ks").str("t").out));
  EXPECT_EQ(table.change, "CREATED");
  EXPECT_EQ(table.name, "t");
  const auto ks = std::get<SchemaChange>(decode_result(Body{}.i32(5).str("DROPPED").str("KEYSPACE").str("ks").out));
  EXPECT_EQ(ks.keyspace, "ks");
  EXPECT_EQ(ks.name, "");
}

TEST(CqlWire, truncated_or_unknown_results_are_protocol_errors) {
  EXPECT_THROW(decode_result(Body{}.i32(2).i32(0).out), ProtocolError);
  EXPECT_THROW(decode_result(Body{}.i32(3).u16(10).out), ProtocolError);
  EXPECT_THROW(decode_result(Body{}.i32(4).out), ProtocolError);
  EXPECT_THROW(decode_result(""), ProtocolError);
}

TEST(CqlWire, corrupt_column_and_row_counts_are_protocol_errors_not_allocations) {
  // Without the bound these would reserve 2^31 rows or column specs (bad_alloc),
  // or loop two billion times; each must fail with the counts named instead.
  const std::int32_t huge = std::numeric_limits<std::int32_t>::max();
  const auto expect_protocol_error = [](const std::string& body, const char* says) {
    try {
      decode_result(body);
      ADD_FAILURE() << "expected ProtocolError for: " << says;
    } catch (const ProtocolError& e) {
      EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
    }
  };
  // Global table spec, then 2^31-1 column specs in a few bytes.
  expect_protocol_error(Body{}.i32(2).i32(0x0001).i32(huge).str("ks").str("t").str("id").u16(0x0009).out,
                        "2147483647 columns claimed");
  // One int column, then 2^31-1 rows with one cell present.
  expect_protocol_error(
      Body{}.i32(2).i32(0x0001).i32(1).str("ks").str("t").str("id").u16(0x0009).i32(huge).cell(bytes({0, 0, 0, 1})).out,
      "2147483647 rows claimed");
  // No metadata: the counts alone, with nothing after them.
  expect_protocol_error(Body{}.i32(2).i32(0x0004).i32(huge).i32(huge).out, "rows claimed");
  expect_protocol_error(Body{}.i32(2).i32(0x0004).i32(0).i32(huge).out, "rows without columns");
  expect_protocol_error(Body{}.i32(2).i32(0x0004).i32(1).i32(-5).out, "negative row count");
  // The bound is exact: a row count that the bytes do hold still decodes.
  const auto rows = std::get<Rows>(decode_result(Body{}.i32(2).i32(0x0004).i32(1).i32(2).i32(-1).cell("x").out));
  EXPECT_EQ(rows.rows.size(), 2u);
}

TEST(CqlWire, error_body_becomes_server_error_with_its_message) {
  const ServerError e = decode_error(Body{}.i32(kSyntaxError).str("line 1:0 no viable alternative").out);
  EXPECT_EQ(e.code(), kSyntaxError);
  EXPECT_EQ(e.server_message(), "line 1:0 no viable alternative");
  EXPECT_STREQ(e.what(), "cassandra syntax error: line 1:0 no viable alternative");
}

TEST(CqlClient, parse_endpoint_needs_host_and_port) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:9042")->port, 9042);
  EXPECT_EQ(parse_endpoint("[::1]:19042")->host, "::1");
  EXPECT_FALSE(parse_endpoint("127.0.0.1"));
  EXPECT_FALSE(parse_endpoint(":9042"));
  EXPECT_FALSE(parse_endpoint("h:0"));
  EXPECT_FALSE(parse_endpoint("h:70000"));
  EXPECT_FALSE(parse_endpoint("h:90x"));
}

// A port that was just free: nothing listens there, so a connect is refused.
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

TEST(CqlClient, refused_connection_is_a_connection_error) {
  Client client({{"127.0.0.1", closed_port()}, 2000});
  try {
    client.query("SELECT 1", Consistency::kOne);
    FAIL() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("connect"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(client.connected());
}

TEST(CqlClient, silent_server_is_a_timeout) {
  // The kernel completes the handshake from the listen backlog, but nobody answers.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  Client client({{"127.0.0.1", acceptor.local_endpoint().port()}, 300});
  EXPECT_THROW(client.connect(), TimeoutError);
  EXPECT_FALSE(client.connected());
}

// A server that answers STARTUP with READY, reads one QUERY and then goes away
// without answering: a server that dies mid-request.
TEST(CqlClient, server_gone_mid_request_is_a_connection_error_then_refused_on_reconnect) {
  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  const std::uint16_t port = acceptor.local_endpoint().port();
  std::thread server([&] {
    asio::ip::tcp::socket socket(io);
    acceptor.accept(socket);
    const auto read_frame = [&] {
      std::uint8_t head[kHeaderSize];
      asio::read(socket, asio::buffer(head));
      std::string body((std::size_t{head[5]} << 24) | (std::size_t{head[6]} << 16) | (head[7] << 8) | head[8], '\0');
      asio::read(socket, asio::buffer(body));
    };
    read_frame();  // STARTUP
    const std::uint8_t ready[kHeaderSize] = {
        kResponseVersion, 0, 0, 0, static_cast<std::uint8_t>(Opcode::kReady), 0, 0, 0, 0};
    asio::write(socket, asio::buffer(ready));
    read_frame();  // QUERY, never answered
    acceptor.close();
  });
  Client client({{"127.0.0.1", port}, 5000});
  try {
    client.query("SELECT 1", Consistency::kOne);
    ADD_FAILURE() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("the server closed the connection"), std::string::npos) << e.what();
  }
  server.join();  // the server's socket is closed once its thread ends
  EXPECT_FALSE(client.connected());
  // Nothing listens any more: the next query's reconnect is refused, not hung.
  EXPECT_THROW(client.query("SELECT 1", Consistency::kOne), ConnectionError);
}

TEST(CqlClient, host_names_are_resolved_and_a_bad_one_is_a_bounded_error) {
  // "localhost" takes the resolver path (not a numeric address) and reaches the
  // connect, which is refused.
  try {
    Client({{"localhost", closed_port()}, 2000}).query("SELECT 1", Consistency::kOne);
    ADD_FAILURE() << "expected ConnectionError";
  } catch (const ConnectionError& e) {
    EXPECT_NE(std::string(e.what()).find("cassandra at localhost:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(": connect"), std::string::npos) << e.what();
  }
  // .invalid never resolves (RFC 2606). Without a reachable DNS server the lookup
  // may instead hang, which the connect timeout bounds: either way a StoreError
  // that names the step.
  ClientOptions options{{"faultline-test.invalid", 9042}, 20'000};
  options.connect_timeout_ms = 1000;
  try {
    Client(options).query("SELECT 1", Consistency::kOne);
    ADD_FAILURE() << "expected a StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("resolv"), std::string::npos) << e.what();
  }
}

TEST(CassandraStore, replica_keyspace_is_a_valid_cql_name) {
  EXPECT_EQ(replica_keyspace("Leader-Isolated", 2), "leader_isolated_r2");
  EXPECT_EQ(replica_keyspace("7up", 0), "fl_7up_r0");
  const std::string long_name = replica_keyspace(std::string(100, 'a'), 12);
  EXPECT_EQ(long_name.size(), 48u);
  EXPECT_EQ(long_name.substr(44), "_r12");
}

TEST(CassandraStore, each_session_draws_its_own_keyspace_nonce) {
  // Nothing connects until the first query, so no server is needed here.
  CassandraSettings settings;
  settings.endpoint = {"127.0.0.1", 9042};
  CassandraSession a(settings), b(settings);
  EXPECT_NE(a.nonce(), b.nonce());
  for (const std::string& nonce : {a.nonce(), b.nonce()}) {
    EXPECT_EQ(nonce.size(), 12u) << nonce;
    EXPECT_EQ(nonce.find_first_not_of("0123456789abcdef"), std::string::npos) << nonce;
  }
  // A nonce-led name keeps its nonce whole, whatever the rest of the run name.
  const std::string name = replica_keyspace("fl_" + a.nonce() + "_p4194304_s18446744073709551615", 15);
  EXPECT_LE(name.size(), 48u);
  EXPECT_EQ(name.rfind("fl_" + a.nonce() + "_p", 0), 0u) << name;
}

}  // namespace
}  // namespace fl::cql
