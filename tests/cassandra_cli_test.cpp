// The faultline command when the Cassandra store cannot be reached: every command
// exits 69 (store unavailable) with a message naming the endpoint and the reason,
// in bounded time, and a sweep or suite reports it for each seed rather than as a
// crashed run (a signal, with the safety exit code). No server is needed: the
// endpoint is a loopback port nothing listens on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdlib>
#include <fstream>
#include <optional>
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
  const Ran r =
      faultline("suite " + scenario("01-one-request.json") + " " + scenario("02-few-requests-one-replica.json") +
                " --seeds 1..2 --jobs 2 --store cassandra --cassandra " + endpoint + " --report " + report);
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_EQ(count(r.out, "store unavailable: cassandra at " + endpoint), 4u) << r.out;
  EXPECT_EQ(r.out.find("signal"), std::string::npos) << r.out;
}

TEST(CassandraCli, run_with_an_unreachable_server_exits_69_naming_the_endpoint) {
  const std::string endpoint = closed_endpoint();
  const Ran r =
      faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra --cassandra " + endpoint);
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_NE(r.out.find("store failed: cassandra at " + endpoint + ": connect"), std::string::npos) << r.out;
}

// Sets (or, with nullopt, unsets) an environment variable for one test, which the
// faultline child inherits, and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::optional<std::string>& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value->c_str(), 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// An instance record as tools/cassandra writes it: pid, HOST:PORT, data directory.
// The file name carries this process's pid: ctest runs these tests in parallel, each
// in its own process, and one must not read another's record.
std::string write_record(const std::string& name, long pid, const std::string& endpoint) {
  const std::string path = ::testing::TempDir() + std::to_string(::getpid()) + "-" + name;
  std::ofstream(path) << pid << "\n" << endpoint << "\n/tmp/faultline-cassandra.none\n";
  return path;
}

TEST(CassandraCli, without_an_endpoint_the_server_tools_cassandra_recorded_is_used) {
  const std::string endpoint = closed_endpoint();
  // This test's own pid stands for the server's: alive, which is what is checked.
  const ScopedEnv record("FL_CASSANDRA_INSTANCE", write_record("live.instance", ::getpid(), endpoint));
  const ScopedEnv no_server("FL_CASSANDRA", std::nullopt);
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra");
  EXPECT_NE(r.out.find("cassandra: " + endpoint + "\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.code, 69) << r.out;
  EXPECT_NE(r.out.find("cassandra at " + endpoint + ": connect"), std::string::npos) << r.out;
}

TEST(CassandraCli, an_explicit_endpoint_beats_the_record_and_a_dead_record_is_ignored) {
  const std::string recorded = closed_endpoint();
  const std::string given = "127.0.0.1:1";
  {
    const ScopedEnv record("FL_CASSANDRA_INSTANCE", write_record("live.instance", ::getpid(), recorded));
    const ScopedEnv server("FL_CASSANDRA", given);
    const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra");
    EXPECT_NE(r.out.find("cassandra: " + given + "\n"), std::string::npos) << r.out;
    const Ran flag =
        faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra --cassandra " + recorded);
    EXPECT_NE(flag.out.find("cassandra: " + recorded + "\n"), std::string::npos) << flag.out;
  }
  // No process has pid 2^31-1 (above any pid_max): the record is stale.
  const ScopedEnv record("FL_CASSANDRA_INSTANCE", write_record("dead.instance", 0x7fffffff, recorded));
  const ScopedEnv no_server("FL_CASSANDRA", std::nullopt);
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --store cassandra");
  EXPECT_NE(r.out.find("cassandra: 127.0.0.1:9042\n"), std::string::npos) << r.out;
}

TEST(CassandraCli, malformed_endpoint_is_bad_usage_in_a_sweep_too) {
  const Ran r =
      faultline("sweep " + scenario("01-one-request.json") + " --seeds 1..2 --store cassandra --cassandra nohostport");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_NE(r.out.find("nohostport"), std::string::npos) << r.out;
}

}  // namespace
