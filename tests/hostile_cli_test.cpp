// The command against input meant to break it (issue "Robustness"): each case must
// end in a message naming the file, field or option and the reason, with exit 64,
// before any run starts — never a crash, a hang, a silent pass or a different
// experiment than the one asked for.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/run_binary.hpp"

namespace {

using fl::testing::faultline;
using fl::testing::Ran;

std::string scenario(const std::string& name) { return std::string(FL_SOURCE_DIR) + "/scenarios/" + name; }

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HostileCli, zookeeper_named_under_a_protocol_without_one_is_refused_before_the_run) {
  const std::string path = write_temp("crash-zk.json", R"({"name": "x", "faults": [{"at": "1s", "crash": "zk"}]})");
  const Ran r = faultline("run " + path + " --seed 1");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_TRUE(contains(r.out, "faults[0] names \"zk\"")) << r.out;
  EXPECT_FALSE(contains(r.out, "verdict:")) << r.out;
  // A zk scenario run as paxos would turn its partitions into nothing.
  const Ran as_paxos = faultline("run " + scenario("19-zk-zookeeper-restart.json") + " --protocol paxos");
  EXPECT_EQ(as_paxos.code, 64) << as_paxos.out;
  EXPECT_TRUE(contains(as_paxos.out, "runs without one")) << as_paxos.out;
  const Ran sweep = faultline("sweep " + scenario("19-zk-zookeeper-restart.json") + " --protocol paxos --seeds 1..2");
  EXPECT_EQ(sweep.code, 64) << sweep.out;
  // Under a protocol with ZooKeeper it runs (and fails liveness: nothing restarts it).
  const Ran as_zk = faultline("run " + path + " --seed 1 --protocol zk");
  EXPECT_NE(as_zk.code, 64) << as_zk.out;
  EXPECT_TRUE(contains(as_zk.out, "verdict:")) << as_zk.out;
}

TEST(HostileCli, options_are_judged_before_the_header) {
  for (const std::string option : {"--protocol bogus", "--store bogus", "--report /proc/forbidden/x"}) {
    const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 " + option);
    EXPECT_EQ(r.code, 64) << option << "\n" << r.out;
    EXPECT_FALSE(contains(r.out, "seed: ")) << option << "\n" << r.out;
    EXPECT_FALSE(contains(r.out, "verdict:")) << option << "\n" << r.out;
  }
}

TEST(HostileCli, a_trace_that_cannot_be_written_in_full_is_an_error) {
  if (!std::filesystem::exists("/dev/full")) GTEST_SKIP() << "no /dev/full here";
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --trace /dev/full");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_TRUE(contains(r.out, "/dev/full")) << r.out;
}

TEST(HostileCli, a_scenario_device_or_deep_nesting_ends_in_a_message) {
  const Ran zero = faultline("run /dev/zero --seed 1");
  EXPECT_EQ(zero.code, 64) << zero.out;
  EXPECT_TRUE(contains(zero.out, "larger than the limit")) << zero.out;
  std::string deep;
  for (int i = 0; i < 100'000; ++i) deep += "{\"a\":";
  deep += "1";
  deep += std::string(100'000, '}');
  const Ran nested = faultline("run " + write_temp("deep.json", deep) + " --seed 1");
  EXPECT_EQ(nested.code, 64) << nested.out.substr(0, 300);
  EXPECT_TRUE(contains(nested.out, "nesting deeper than 32 levels")) << nested.out.substr(0, 300);
}

TEST(HostileCli, check_refuses_a_directory_an_empty_history_and_deep_nesting) {
  const Ran dir = faultline("check " + std::string(FL_SOURCE_DIR) + "/scenarios --model grade");
  EXPECT_EQ(dir.code, 64) << dir.out;
  EXPECT_TRUE(contains(dir.out, "is a directory")) << dir.out;
  const Ran empty = faultline("check " + write_temp("empty.json", "\n") + " --model grade");
  EXPECT_EQ(empty.code, 64) << empty.out;
  EXPECT_TRUE(contains(empty.out, "no client events")) << empty.out;
  const Ran deep = faultline("check " + write_temp("deep.edn", std::string(10'000, '[') + std::string(10'000, ']')) +
                             " --model grade");
  EXPECT_EQ(deep.code, 64) << deep.out;
  EXPECT_TRUE(contains(deep.out, "nesting deeper than 64 levels")) << deep.out;
}

TEST(HostileCli, a_seed_range_too_large_to_hold_is_refused_at_once) {
  for (const std::string seeds : {"0..18446744073709551615", "1..100000000000"}) {
    const Ran r = faultline("sweep " + scenario("01-one-request.json") + " --seeds " + seeds);
    EXPECT_EQ(r.code, 64) << seeds << "\n" << r.out.substr(0, 300);
    EXPECT_TRUE(contains(r.out, "split it with --shard")) << r.out.substr(0, 300);
  }
}

TEST(HostileCli, a_stray_word_and_the_internal_error_code_are_explained) {
  const Ran bench = faultline("bench nope");
  EXPECT_EQ(bench.code, 64) << bench.out;
  EXPECT_TRUE(contains(bench.out, "unknown bench 'nope'")) << bench.out;
  EXPECT_TRUE(contains(faultline("--help").out, "70 internal error"));
}

}  // namespace
