// The faultline command when the Cassandra store cannot be reached: every command
// exits 69 (store unavailable) with a message naming the endpoint and the reason,
// in bounded time, and a sweep or suite reports it for each seed rather than as a
// crashed run (a signal, with the safety exit code). No server is needed: the
// endpoint is a loopback port nothing listens on.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <string>

#include "tests/run_binary.hpp"

namespace {

using fl::testing::faultline;
using fl::testing::Ran;

std::string scenario(const std::string& name) { return std::string(FL_SOURCE_DIR) + "/scenarios/" + name; }

// A loopback port that was just free: connecting to it is refused at once.
std::string closed_endpoint() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return "127.0.0.1:" + std::to_string(acceptor.local_endpoint().port());
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CassandraCli, sweep_with_an_unreachable_server_exits_69_naming_the_endpoint_for_every_seed) {
  const std::string endpoint = closed_endpoint();
  const Ran r = faultline("sweep " + scenario("01-one-request.json") + " --seeds 1..3 --jobs 2 --store cassandra " +
                          "--cassandra " + endpoint);
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_EQ(count(r.out, "store unavailable: cassandra at " + endpoint + ": connect"), 3u) << r.out;
  EXPECT_NE(r.out.find("3 seeds, 0 passed, 3 failed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("signal"), std::string::npos) << "a store error must not abort the child: " << r.out;
}

TEST(CassandraCli, suite_with_an_unreachable_server_exits_69) {
  const std::string endpoint = closed_endpoint();
  const std::string report = ::testing::TempDir() + "unavailable-suite";
  const Ran r = faultline("suite " + scenario("01-one-request.json") + " " + scenario("02-few-requests-one-replica.json") +
                          " --seeds 1..2 --jobs 2 --store cassandra --cassandra " + endpoint + " --report " + report);
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_EQ(count(r.out, "store unavailable: cassandra at " + endpoint), 4u) << r.out;
  EXPECT_EQ(r.out.find("signal"), std::string::npos) << r.out;
}

TEST(CassandraCli, run_with_an_unreachable_server_exits_69_naming_the_endpoint) {
  const std::string endpoint = closed_endpoint();
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra --cassandra " + endpoint);
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_NE(r.out.find("store failed: cassandra at " + endpoint + ": connect"), std::string::npos) << r.out;
}

TEST(CassandraCli, malformed_endpoint_is_bad_usage_in_a_sweep_too) {
  const Ran r = faultline("sweep " + scenario("01-one-request.json") + " --seeds 1..2 --store cassandra --cassandra nohostport");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_NE(r.out.find("nohostport"), std::string::npos) << r.out;
}

}  // namespace
