// faultline shrink on planted bugs: the smaller scenario still fails the same check
// with the same seed, is nowhere larger than the input, and reads back from its file
// to a run that fails again. The search runs in this process (sim::shrink with
// run_scenario); the command is tested through the binary.
#include "sim/shrink.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "sim/observe/trace.hpp"
#include "sim/run.hpp"
#include "sim/scenario/write.hpp"
#include "sim/setup/protocol_names.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

using fl::testing::faultline;
using fl::testing::load_shipped;
using fl::testing::Ran;

RunOptions variant_options(std::uint64_t seed, const std::string& protocol, const std::string& variant) {
  RunOptions o;
  o.seed = seed;
  o.protocol = protocol;
  o.variant = variant;
  return o;
}

RunCandidates in_process(const RunOptions& options) {
  return [options](const std::vector<Scenario>& candidates) {
    std::vector<CandidateRun> out;
    for (const Scenario& s : candidates) out.push_back({false, run_scenario(s, options).checks});
    return out;
  };
}

struct Shrunk {
  ShrinkTarget target;
  ShrinkResult result;
};

Shrunk shrink_shipped(const std::string& file, const RunOptions& options, int budget, int batch = 1) {
  const Scenario input = load_shipped(file);
  const auto target = first_failing_check(run_scenario(input, options).checks);
  EXPECT_TRUE(target.has_value()) << file << " does not fail";
  if (!target) return {};
  ShrinkOptions o;
  o.target = *target;
  o.seed = options.seed;
  o.has_zk = is_zk_protocol(effective_scenario(input, options).cluster.protocol);
  o.budget_runs = budget;
  o.batch = batch;
  return {*target, shrink(input, in_process(options), o)};
}

// The shrunk scenario, written and read back, fails the target again and is no
// larger than the input in any dimension.
void expect_smaller_and_failing(const Shrunk& s, const RunOptions& options) {
  auto loaded = parse_scenario(write_scenario(s.result.scenario), "shrunk.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<ScenarioError>(loaded).message();
  EXPECT_TRUE(fails_target(run_scenario(std::get<Scenario>(loaded), options).checks, s.target));
  EXPECT_TRUE(no_larger(s.result.after, s.result.before))
      << describe_size(s.result.after) << " vs " << describe_size(s.result.before);
  EXPECT_GT(s.result.runs, 0);
  std::cout << s.target.check << ": " << describe_shrink(s.result) << " (" << s.result.runs << " runs)\n";
}

TEST(Shrink, skip_adoption_nemesis_soak_keeps_slot_agreement_failing) {
  // A leader that ignores phase-1 reports (Paxos Made Simple §2.3) needs a leader
  // change under load; the nemesis's 16 faults shrink to the one that forces it.
  const RunOptions options = variant_options(2, "paxos", "skip-adoption");
  const Shrunk s = shrink_shipped("13-nemesis-soak.json", options, 300);
  EXPECT_EQ(s.target.check, "slot_agreement");
  EXPECT_EQ(s.result.nemesis, NemesisFate::kReplaced);
  EXPECT_FALSE(s.result.scenario.nemesis.has_value());
  EXPECT_LT(s.result.after.faults, s.result.nemesis_faults);
  expect_smaller_and_failing(s, options);
}

TEST(Shrink, never_sync_kill_all_keeps_slot_agreement_failing) {
  // Every seed of 1..30 fails this one (faultline sweep ... --variant never-sync).
  const RunOptions options = variant_options(1, "paxos", "never-sync");
  const Shrunk s = shrink_shipped("07-kill-all-restart-all.json", options, 300);
  EXPECT_EQ(s.target.check, "slot_agreement");
  EXPECT_LT(s.result.after.clients, s.result.before.clients);
  EXPECT_NE(s.result.after.requests_max, 0);
  EXPECT_LT(s.result.after.duration_us, s.result.before.duration_us);
  expect_smaller_and_failing(s, options);
}

TEST(Shrink, zk_without_fencing_keeps_one_writer_per_epoch_failing) {
  const RunOptions options = variant_options(1, "zk", "no-fence");
  const Shrunk s = shrink_shipped("17-zk-leader-paused.json", options, 150);
  EXPECT_EQ(s.target.check, "one_writer_per_epoch");
  EXPECT_EQ(s.result.after.faults, 2u) << "the pause and the resume are the bug's trigger";
  expect_smaller_and_failing(s, options);
}

TEST(Shrink, result_does_not_depend_on_the_batch_size) {
  const RunOptions options = variant_options(1, "paxos", "never-sync");
  const Shrunk one = shrink_shipped("07-kill-all-restart-all.json", options, 300, 1);
  const Shrunk three = shrink_shipped("07-kill-all-restart-all.json", options, 300, 3);
  EXPECT_EQ(write_scenario(one.result.scenario), write_scenario(three.result.scenario));
  EXPECT_GE(three.result.runs, one.result.runs);
}

TEST(Shrink, stops_at_the_budget_with_a_failing_scenario) {
  const RunOptions options = variant_options(2, "paxos", "skip-adoption");
  const Shrunk s = shrink_shipped("13-nemesis-soak.json", options, 5);
  EXPECT_TRUE(s.result.budget_exhausted);
  EXPECT_LE(s.result.runs, 5);
  expect_smaller_and_failing(s, options);
}

TEST(Shrink, nemesis_as_faults_runs_the_same_as_the_nemesis_even_at_equal_times) {
  // Scenario faults at the very instants the nemesis acts: a restart of every
  // replica before each nemesis action. The World fires the scenario's first.
  Scenario s = load_shipped("13-nemesis-soak.json");
  const auto nemesis = expand_nemesis(*s.nemesis, 3, false, s.duration_us, 4);
  for (std::size_t i = 0; i < nemesis.size(); i += 3) {
    s.faults.push_back(TimedFault{nemesis[i].at_us, RestartAll{}, "faults[" + std::to_string(i) + "]"});
  }
  Scenario listed = s;
  listed.faults = nemesis_as_faults(s, 4, false);
  listed.nemesis.reset();
  ASSERT_EQ(listed.faults.size(), s.faults.size() + nemesis.size());
  RunOptions options;
  options.seed = 4;
  const RunResult a = run_scenario(s, options);
  const RunResult b = run_scenario(listed, options);
  ASSERT_EQ(a.checks.size(), b.checks.size());
  for (std::size_t i = 0; i < a.checks.size(); ++i) EXPECT_EQ(a.checks[i].detail, b.checks[i].detail);
  EXPECT_EQ(a.figures.delivered, b.figures.delivered);
  EXPECT_EQ(a.figures.applied, b.figures.applied);
  EXPECT_EQ(a.figures.faults, b.figures.faults);
  EXPECT_EQ(a.history.size(), b.history.size());
}

TEST(Shrink, target_is_the_first_enforced_failure_with_its_severity) {
  std::vector<CheckResult> checks = {
      {"slot_agreement", Verdict::kPass, Severity::kSafety, true, ""},
      {"linearizable", Verdict::kFail, Severity::kSafety, false, ""},  // not enforced
      {"converged", Verdict::kFail, Severity::kLiveness, true, ""},
      {"durable", Verdict::kFail, Severity::kSafety, true, ""},
  };
  const auto target = first_failing_check(checks);
  ASSERT_TRUE(target);
  EXPECT_EQ(target->check, "converged");
  EXPECT_EQ(target->severity, Severity::kLiveness);
  EXPECT_TRUE(fails_target(checks, *target));
  checks[2].severity = Severity::kSafety;  // a divergence is not the lag being shrunk
  EXPECT_FALSE(fails_target(checks, *target));
  EXPECT_FALSE(fails_target(checks, {"linearizable", Severity::kSafety}));
  checks[2].verdict = Verdict::kPass;
  checks[3].verdict = Verdict::kPass;
  EXPECT_FALSE(first_failing_check(checks));
}

std::string scenario_path(const std::string& name) { return std::string(FL_SOURCE_DIR) + "/scenarios/" + name; }

TEST(ShrinkCli, writes_a_smaller_scenario_that_run_fails_again) {
  const std::string out = ::testing::TempDir() + "kill-all.shrunk.json";
  std::remove(out.c_str());
  const Ran r = faultline("shrink " + scenario_path("07-kill-all-restart-all.json") +
                          " --seed 1 --protocol paxos --variant never-sync --budget 200 --jobs 1 --out " + out);
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("removed: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("shrink: "), std::string::npos) << "a progress line on stderr\n" << r.out;
  const std::string again = "run " + out + " --seed 1 --protocol paxos --variant never-sync";
  EXPECT_NE(r.out.find(again), std::string::npos) << r.out;
  const Ran rerun = faultline(again);
  EXPECT_EQ(rerun.code, 1) << rerun.out;
  EXPECT_NE(rerun.out.find("check slot_agreement  FAIL"), std::string::npos) << rerun.out;
}

TEST(ShrinkCli, a_passing_run_has_nothing_to_shrink) {
  const Ran r = faultline("shrink " + scenario_path("01-one-request.json") + " --seed 1 --out " + ::testing::TempDir() +
                          "never-written.json");
  EXPECT_EQ(r.code, 4) << r.out;
  EXPECT_NE(r.out.find("nothing to shrink"), std::string::npos) << r.out;
  const Ran check = faultline("shrink " + scenario_path("17-zk-leader-paused.json") +
                              " --seed 1 --protocol zk --variant no-fence --check linearizable");
  EXPECT_EQ(check.code, 4) << check.out;
}

TEST(ShrinkCli, bad_usage_and_bad_input_exit_64) {
  const std::string s = scenario_path("07-kill-all-restart-all.json");
  EXPECT_EQ(faultline("shrink " + s + " --seed 1 --budgte 5").code, 64);
  EXPECT_EQ(faultline("shrink " + s).code, 64) << "--seed is required";
  EXPECT_EQ(faultline("shrink " + s + " --seed 1 --jobs 0").code, 64);
  EXPECT_EQ(faultline("shrink " + s + " --seed 1 --variant no-such-bug").code, 64);
  EXPECT_EQ(faultline("shrink " + s + " --seed 1 --variant never-sync --check no_such_check").code, 64);
  const Ran missing = faultline("shrink /nonexistent/s.json --seed 1");
  EXPECT_EQ(missing.code, 64);
  EXPECT_NE(missing.out.find("/nonexistent/s.json"), std::string::npos) << missing.out;
  const std::string bad = ::testing::TempDir() + "bad-shrink.json";
  std::ofstream(bad) << R"({"name": "x", "workload": {"clients": 0}})";
  const Ran malformed = faultline("shrink " + bad + " --seed 1");
  EXPECT_EQ(malformed.code, 64);
  EXPECT_NE(malformed.out.find("workload.clients"), std::string::npos) << malformed.out;
}

}  // namespace
}  // namespace fl::sim
