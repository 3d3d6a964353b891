// The checks must be able to fail: a deliberately broken Paxos replica (mutation
// testing) is run through the shipped fault scenarios, and some seed must be caught
// by a safety check. If these tests pass with the mutation off, the checkers or the
// scenarios have gone blind.
#include <gtest/gtest.h>

#include <iostream>
#include <string>

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/setup/protocols.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

Scenario load(const std::string& name) { return fl::testing::load_shipped(name); }

ReplicaFactory mutant(const ClusterSpec& cluster, paxos::Mutation mutation) {
  return [cluster, mutation](NodeId id) -> std::unique_ptr<Replica> {
    paxos::Config c = paxos_config(cluster, id);
    c.mutation = mutation;
    return std::make_unique<paxos::PaxosReplica>(c, std::make_unique<GradeApp>(std::make_unique<SqliteStore>()));
  };
}

// The first seed in 1..seeds on which some enforced safety check fails, and why.
std::string first_safety_failure(const Scenario& s, paxos::Mutation mutation, std::uint64_t seeds) {
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    RunOptions options;
    options.seed = seed;
    const RunResult r = run_scenario_with(s, options, mutant(s.cluster, mutation));
    for (const CheckResult& c : r.checks) {
      if (c.enforced && c.verdict == Verdict::kFail && c.severity == Severity::kSafety) {
        return "seed " + std::to_string(seed) + ": " + c.name + ": " + c.detail;
      }
    }
  }
  return "";
}

TEST(Mutation, unmutated_replica_passes_the_same_runs) {
  const Scenario s = load("13-nemesis-soak.json");
  EXPECT_EQ(first_safety_failure(s, paxos::Mutation::kNone, 10), "");
}

TEST(Mutation, leader_that_skips_value_adoption_is_caught) {
  // Ignoring the values reported in phase 1 lets a new leader overwrite a chosen
  // value (Paxos Made Simple §2.2, P2c); leader changes under load expose it.
  const Scenario s = load("13-nemesis-soak.json");
  const std::string failure = first_safety_failure(s, paxos::Mutation::kSkipValueAdoption, 30);
  EXPECT_NE(failure, "") << "no seed in 1..30 caught a leader that forgets chosen values";
  std::cout << "caught: " << failure << "\n";
}

TEST(Mutation, replica_that_never_syncs_is_caught) {
  // Replying before promises and accepted values are durable lets a whole-cluster
  // crash forget acknowledged requests; kill-all then restart-all exposes it.
  const Scenario s = load("07-kill-all-restart-all.json");
  const std::string failure = first_safety_failure(s, paxos::Mutation::kNeverSync, 30);
  EXPECT_NE(failure, "") << "no seed in 1..30 caught replicas that never sync";
  std::cout << "caught: " << failure << "\n";
}

TEST(Mutation, replica_that_answers_reads_locally_is_caught_only_by_linearizability) {
  // Stale reads leave every replica's table intact, so convergence, durability and
  // slot agreement all pass; only the client history shows the anomaly.
  const Scenario s = load("10-coordinator-isolated.json");
  bool caught = false;
  for (std::uint64_t seed = 1; seed <= 20 && !caught; ++seed) {
    RunOptions options;
    options.seed = seed;
    const RunResult r = run_scenario_with(s, options, mutant(s.cluster, paxos::Mutation::kLocalReads));
    for (const CheckResult& c : r.checks) {
      if (c.name == "linearizable" && c.verdict == Verdict::kFail) caught = true;
      if (c.name == "slot_agreement" || c.name == "durable" || c.name == "exactly_once") {
        EXPECT_NE(c.verdict, Verdict::kFail) << "seed " << seed << ": " << c.name << ": " << c.detail;
      }
    }
  }
  EXPECT_TRUE(caught) << "no seed in 1..20 caught stale local reads";
}

}  // namespace
}  // namespace fl::sim

namespace fl::sim {
namespace {

// A zk leader that never believes it was replaced and orders without the /epoch
// check. The client history stays linearizable (ZooKeeper still orders one log), so
// only the internal invariants can see it: two writers in one epoch, and a leader
// that outlives its session. This proves they are not blind.
TEST(ZkMutation, unfenced_leader_is_caught_by_internal_invariants_only) {
  const Scenario s = fl::testing::load_shipped("17-zk-leader-paused.json");
  RunOptions options;
  options.seed = 1;
  const RunResult correct = run_scenario(s, options);
  EXPECT_EQ(correct.exit_code(), 0);
  options.protocol = "zk-bug-no-fence";
  const RunResult broken = run_scenario(s, options);
  EXPECT_EQ(broken.exit_code(), 1);
  for (const CheckResult& c : broken.checks) {
    if (c.name == "one_writer_per_epoch") {
      EXPECT_EQ(c.verdict, Verdict::kFail);
      EXPECT_NE(c.detail.find("both had ordering writes accepted"), std::string::npos) << c.detail;
    } else if (c.name == "stale_leader_steps_down") {
      EXPECT_EQ(c.verdict, Verdict::kFail);
      EXPECT_NE(c.detail.find("still leads"), std::string::npos) << c.detail;
    } else if (c.enforced && c.severity == Severity::kSafety) {
      EXPECT_NE(c.verdict, Verdict::kFail) << c.name << ": " << c.detail;
    }
  }
}

}  // namespace
}  // namespace fl::sim
