// RunOutcome: the run's one result type. A run keeps its linearizability
// counterexample from the search that judged it (no second search for the report),
// checks are found by kind, the exit code follows from the checks unless the run
// crashed, and the JSON the worker pool ships reads back to the same outcome,
// timeline included, so the page drawn in the parent is the one the child would draw.
#include "sim/outcome.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "reports/json_report.hpp"
#include "reports/timeline_json.hpp"
#include "sim/exit_codes.hpp"
#include "sim/lin/check.hpp"
#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

RunOutcome recorded_run(const std::string& file, std::uint64_t seed, const std::string& protocol) {
  RunOptions options;
  options.seed = seed;
  options.protocol = protocol;
  options.record_timeline = true;
  return run_scenario(fl::testing::load_shipped(file), options);
}

TEST(RunOutcome, keeps_the_counterexample_of_the_search_that_judged_it) {
  const RunOutcome run = recorded_run("15-log-pressure.json", 1, "paxos-bug-local-reads");
  const CheckResult* lin = run.check(CheckKind::kLinearizable);
  ASSERT_NE(lin, nullptr);
  ASSERT_EQ(lin->verdict, Verdict::kFail) << "the local-reads mutant should fail here; pick another seed";
  EXPECT_EQ(lin->name, "linearizable");
  ASSERT_TRUE(run.counterexample.has_value());
  const auto again = lin::find_counterexample(run.history);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(run.counterexample->key, again->key);
  EXPECT_EQ(run.counterexample->prefix, again->prefix);
  EXPECT_EQ(run.counterexample->unplaceable, again->unplaceable);
  EXPECT_EQ(run.exit_code(), kExitSafety);
}

TEST(RunOutcome, a_passing_run_has_no_counterexample_and_names_itself) {
  const RunOutcome run = recorded_run("01-one-request.json", 1, "");
  EXPECT_EQ(run.exit_code(), kExitOk);
  EXPECT_FALSE(run.counterexample.has_value());
  EXPECT_EQ(run.scenario_name, "one-request");
  EXPECT_EQ(run.protocol, "paxos");
  EXPECT_EQ(run.store, "sqlite");
  EXPECT_EQ(run.seed, 1u);
  EXPECT_EQ(run.check(CheckKind::kConverged)->name, "converged");
  EXPECT_EQ(run.check(CheckKind::kLiveness)->name, "liveness");
}

TEST(RunOutcome, crash_text_decides_the_exit_code_and_hides_the_hash) {
  RunOutcome run;
  run.checks.push_back({"durable", Verdict::kFail, Severity::kLiveness, true, "lags", CheckKind::kDurable});
  run.trace_hash = 0xabc;
  EXPECT_EQ(run.exit_code(), kExitLiveness);
  EXPECT_EQ(run.trace_hash_text(), "0000000000000abc");
  run.crash = "aborted by signal 6";
  run.crash_exit_code = kExitSafety;
  EXPECT_EQ(run.exit_code(), kExitSafety);
  EXPECT_EQ(run.trace_hash_text(), "");
}

TEST(RunOutcome, json_round_trip_keeps_everything_a_report_reads) {
  RunOutcome run = recorded_run("15-log-pressure.json", 2, "zk");
  run.scenario_path = "scenarios/15-log-pressure.json";
  run.reproduce = "faultline run scenarios/15-log-pressure.json --seed 2 --protocol zk";
  run.faultline_version = "test";
  run.wall_s = 0.5;
  const RunOutcome back = nlohmann::json(run).get<RunOutcome>();
  EXPECT_EQ(reports::run_report(back), reports::run_report(run));
  for (std::size_t i = 0; i < run.checks.size(); ++i) EXPECT_EQ(back.checks[i].kind, run.checks[i].kind);
  EXPECT_EQ(back.history.size(), run.history.size());
  ASSERT_TRUE(back.timeline);
  EXPECT_EQ(back.timeline->messages().size(), run.timeline->messages().size());
  EXPECT_EQ(reports::timeline_json(back), reports::timeline_json(run)) << "the page draws the same from either";
}

TEST(RunOutcome, json_without_a_timeline_carries_no_history) {
  RunOutcome run = recorded_run("01-one-request.json", 1, "");
  run.timeline.reset();
  const nlohmann::json j = run;
  EXPECT_FALSE(j.contains("history"));
  EXPECT_FALSE(j.contains("timeline"));
  EXPECT_TRUE(j.get<RunOutcome>().history.empty());
}

}  // namespace
}  // namespace fl::sim
