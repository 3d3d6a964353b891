// Determinism is a feature: the same scenario and seed give the same trace hash,
// run after run (in-process here; tools/same-hash compares Debug with Release).
#include <gtest/gtest.h>

#include <string>

#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

Scenario load(const std::string& name) { return fl::testing::load_shipped(name); }

class SameSeedSameHash : public ::testing::TestWithParam<std::string> {};

TEST_P(SameSeedSameHash, two_runs_give_the_same_trace_hash) {
  const Scenario scenario = load(GetParam());
  for (std::uint64_t seed : {1u, 7u, 42u}) {
    RunOptions options;
    options.seed = seed;
    const RunResult a = run_scenario(scenario, options);
    const RunResult b = run_scenario(scenario, options);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << GetParam() << " seed " << seed;
    EXPECT_EQ(a.figures.events, b.figures.events);
    EXPECT_EQ(a.history.size(), b.history.size());
  }
}

TEST_P(SameSeedSameHash, different_seeds_give_different_runs) {
  const Scenario scenario = load(GetParam());
  RunOptions one, two;
  one.seed = 1;
  two.seed = 2;
  EXPECT_NE(run_scenario(scenario, one).trace_hash, run_scenario(scenario, two).trace_hash);
}

// The paxos scenarios run with --protocol zk are as repeatable.
TEST(SameSeedSameHashZk, paxos_scenarios_under_zk_repeat_exactly) {
  for (const char* name : {"13-nemesis-soak.json", "14-lossy-network.json", "15-log-pressure.json"}) {
    const Scenario scenario = load(name);
    RunOptions options;
    options.seed = 5;
    options.protocol = "zk";
    const RunResult a = run_scenario(scenario, options);
    const RunResult b = run_scenario(scenario, options);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << name;
    EXPECT_EQ(a.figures.committed, b.figures.committed) << name;
    EXPECT_GT(a.figures.committed, 0) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, SameSeedSameHash,
                         ::testing::Values("03-requests-to-all-replicas.json", "08-rolling-restarts.json",
                                           "10-coordinator-isolated.json", "13-nemesis-soak.json",
                                           "14-lossy-network.json", "16-zk-leader-cut-from-zookeeper.json",
                                           "17-zk-leader-paused.json", "19-zk-zookeeper-restart.json",
                                           "20-zk-fast-leader-restart.json"),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return "s" + name;
                         });

}  // namespace
}  // namespace fl::sim
