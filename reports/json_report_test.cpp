// report.json: the fields of a passing run, a safety failure, a liveness failure and a
// crash; the order and summary of a sweep; writing the file; and text that is not
// valid UTF-8 (a report must never fail to serialise because of one odd byte).
#include "reports/json_report.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fl::reports {
namespace {

using nlohmann::json;

sim::CheckResult check(std::string name, sim::Verdict verdict, sim::Severity severity, std::string detail = "") {
  sim::CheckResult c{std::move(name), verdict, severity, true, std::move(detail)};
  c.kind = sim::check_kind_of(c.name);
  return c;
}

sim::RunOutcome passing_run(std::string scenario = "basic", std::uint64_t seed = 7) {
  sim::RunOutcome run;
  run.faultline_version = "0.1.0";
  run.scenario_name = scenario;
  run.scenario_path = "scenarios/" + scenario + ".json";
  run.protocol = "paxos";
  run.store = "sqlite";
  run.seed = seed;
  run.checks = {check("converged", sim::Verdict::kPass, sim::Severity::kSafety),
                check("liveness", sim::Verdict::kPass, sim::Severity::kLiveness)};
  run.trace_hash = 0x0123456789abcdef;
  run.figures.events = 100;
  run.figures.delivered = 80;
  run.figures.dropped = 3;
  run.figures.applied = 40;
  run.figures.faults = 2;
  run.figures.leader_changes = 1;
  run.figures.trace_lines = 150;
  run.figures.committed = 30;
  run.figures.max_log_held = 12;
  run.figures.simulated_us = 15'000'000;
  run.wall_s = 0.25;
  run.reproduce = "faultline run " + run.scenario_path + " --seed " + std::to_string(seed);
  return run;
}

sim::RunOutcome safety_failure(std::string scenario = "basic", std::uint64_t seed = 7) {
  sim::RunOutcome run = passing_run(std::move(scenario), seed);
  run.checks[0] = check("converged", sim::Verdict::kFail, sim::Severity::kSafety, "r0 and r1 differ at key 3");
  return run;
}

sim::RunOutcome crashed_run(std::string scenario = "basic", std::uint64_t seed = 7) {
  sim::RunOutcome run = passing_run(std::move(scenario), seed);
  run.crash_exit_code = 134;
  run.crash = "killed by signal 6 (Aborted)\nassertion failed: slot < size";
  run.checks.clear();
  return run;
}

TEST(JsonReport, passing_run_has_every_field_and_no_reproduce) {
  const json r = run_report(passing_run());
  EXPECT_EQ(r["faultline"], "0.1.0");
  EXPECT_EQ(r["scenario"], (json{{"name", "basic"}, {"path", "scenarios/basic.json"}}));
  EXPECT_EQ(r["protocol"], "paxos");
  EXPECT_EQ(r["store"], "sqlite");
  EXPECT_EQ(r["seed"], 7u);
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_EQ(r["exit_code"], 0);
  EXPECT_EQ(r["trace_hash"], "0123456789abcdef");
  EXPECT_DOUBLE_EQ(r["wall_s"].get<double>(), 0.25);
  EXPECT_FALSE(r.contains("reproduce"));
  EXPECT_FALSE(r.contains("crash"));
  ASSERT_EQ(r["checks"].size(), 2u);
  EXPECT_EQ(
      r["checks"][0],
      (json{{"name", "converged"}, {"verdict", "pass"}, {"severity", "safety"}, {"enforced", true}, {"detail", ""}}));
  EXPECT_EQ(r["checks"][1]["severity"], "liveness");
}

TEST(JsonReport, figures_are_named_fields) {
  const json f = run_report(passing_run())["figures"];
  EXPECT_EQ(f, (json{{"events", 100},
                     {"delivered", 80},
                     {"dropped", 3},
                     {"applied", 40},
                     {"faults", 2},
                     {"leader_changes", 1},
                     {"trace_lines", 150},
                     {"committed", 30},
                     {"max_log_held", 12},
                     {"simulated_us", 15'000'000}}));
}

TEST(JsonReport, safety_failure_carries_detail_and_reproduce) {
  const json r = run_report(safety_failure());
  EXPECT_EQ(r["verdict"], "fail-safety");
  EXPECT_EQ(r["exit_code"], 1);
  EXPECT_EQ(r["checks"][0]["verdict"], "fail");
  EXPECT_EQ(r["checks"][0]["detail"], "r0 and r1 differ at key 3");
  EXPECT_EQ(r["reproduce"], "faultline run scenarios/basic.json --seed 7");
}

TEST(JsonReport, liveness_failure_is_its_own_verdict) {
  sim::RunOutcome run = passing_run();
  run.checks[1] = check("liveness", sim::Verdict::kFail, sim::Severity::kLiveness, "request stuck for 6s");
  const json r = run_report(run);
  EXPECT_EQ(r["verdict"], "fail-liveness");
  EXPECT_TRUE(r.contains("reproduce"));
}

TEST(JsonReport, crashed_run_keeps_crash_text_and_reproduce) {
  const json r = run_report(crashed_run());
  EXPECT_EQ(r["verdict"], "crashed");
  EXPECT_EQ(r["exit_code"], 134);
  EXPECT_EQ(r["crash"], "killed by signal 6 (Aborted)\nassertion failed: slot < size");
  EXPECT_EQ(r["checks"], json::array());
  EXPECT_EQ(r["trace_hash"], "");
  EXPECT_TRUE(r.contains("reproduce"));
}

TEST(JsonReport, crash_text_wins_over_exit_code_and_unknown_exit_codes_are_crashes) {
  sim::RunOutcome run = passing_run();
  run.crash = "timed out";
  EXPECT_EQ(run_verdict(run), RunVerdict::kCrashed);
  run.crash_exit_code = 0;
  EXPECT_EQ(run_verdict(run), RunVerdict::kCrashed) << "crash text with exit code 0 is still a crash";
  run.crash_exit_code = 64;
  EXPECT_EQ(run_verdict(run), RunVerdict::kCrashed);
  run.crash.clear();
  EXPECT_EQ(run_verdict(run), RunVerdict::kPass) << "without crash text the checks decide";
}

// A store that could not be reached says nothing about the protocol: its own verdict,
// not a crash, even though the pool records why in the crash text.
TEST(JsonReport, unreachable_store_is_its_own_verdict) {
  sim::RunOutcome run = crashed_run();
  run.crash_exit_code = kExitUnavailable;
  run.crash = "store unavailable: cassandra at 127.0.0.1:1: connect: Connection refused";
  const json r = run_report(run);
  EXPECT_EQ(r["verdict"], "store-unavailable");
  EXPECT_EQ(r["crash"], run.crash);
  EXPECT_TRUE(r.contains("reproduce"));
}

TEST(JsonReport, unenforced_and_skipped_checks_are_reported_as_such) {
  sim::RunOutcome run = passing_run();
  run.checks.push_back(sim::CheckResult{"log_bound", sim::Verdict::kFail, sim::Severity::kSafety, false, "held 500"});
  run.checks.push_back(sim::CheckResult{"linearizable", sim::Verdict::kSkip, sim::Severity::kSafety, true, "too long"});
  const json r = run_report(run);
  EXPECT_EQ(r["verdict"], "pass");
  EXPECT_EQ(r["checks"][2]["enforced"], false);
  EXPECT_EQ(r["checks"][2]["verdict"], "fail");
  EXPECT_EQ(r["checks"][3]["verdict"], "skip");
}

TEST(JsonReport, same_input_same_bytes_with_keys_in_order) {
  const std::string a = run_report(safety_failure()).dump();
  EXPECT_EQ(a, run_report(safety_failure()).dump());
  // Keys come out alphabetically, whatever order they were added in.
  std::vector<std::string> keys;
  const json parsed = json::parse(a);
  for (const auto& item : parsed.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"checks", "exit_code", "faultline", "figures", "protocol", "reproduce",
                                            "scenario", "seed", "store", "trace_hash", "verdict", "wall_s"}));
}

std::vector<std::pair<std::string, std::uint64_t>> order_of(const json& sweep) {
  std::vector<std::pair<std::string, std::uint64_t>> order;
  for (const auto& r : sweep["runs"]) order.emplace_back(r["scenario"]["name"], r["seed"]);
  return order;
}

TEST(JsonReport, sweep_lists_failing_runs_first_then_by_scenario_and_seed) {
  const std::vector<sim::RunOutcome> runs = {passing_run("zeta", 1),    passing_run("alpha", 3),
                                             safety_failure("zeta", 2), passing_run("alpha", 1),
                                             crashed_run("beta", 9),    safety_failure("beta", 4)};
  const json sweep = sweep_report(runs);
  using Row = std::pair<std::string, std::uint64_t>;
  EXPECT_EQ(order_of(sweep),
            (std::vector<Row>{{"beta", 4}, {"beta", 9}, {"zeta", 2}, {"alpha", 1}, {"alpha", 3}, {"zeta", 1}}));
}

TEST(JsonReport, sweep_summary_counts_crashes_as_failures) {
  const std::vector<sim::RunOutcome> runs = {passing_run("a", 1), safety_failure("a", 2), crashed_run("a", 3)};
  const json sweep = sweep_report(runs);
  EXPECT_EQ(sweep["faultline"], "0.1.0");
  EXPECT_EQ(sweep["summary"], (json{{"runs", 3}, {"passed", 1}, {"failed", 2}}));
  EXPECT_EQ(sweep["runs"][0]["verdict"], "fail-safety");
  EXPECT_FALSE(sweep["runs"][2].contains("reproduce"));
}

TEST(JsonReport, sweep_order_does_not_depend_on_input_order) {
  std::vector<sim::RunOutcome> runs = {passing_run("a", 1), safety_failure("b", 2), crashed_run("a", 3),
                                       passing_run("b", 1)};
  const std::string forward = sweep_report(runs).dump();
  std::reverse(runs.begin(), runs.end());
  EXPECT_EQ(sweep_report(runs).dump(), forward);
}

TEST(JsonReport, empty_sweep_is_still_a_report) {
  const json sweep = sweep_report({});
  EXPECT_EQ(sweep["runs"], json::array());
  EXPECT_EQ(sweep["summary"]["runs"], 0);
  EXPECT_EQ(sweep["faultline"], "");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(JsonReport, write_json_file_round_trips) {
  const std::string path = ::testing::TempDir() + "fl_json_report_test.json";
  const json report = sweep_report({passing_run(), safety_failure("b", 3)});
  EXPECT_EQ(write_json_file(path, report), "");
  EXPECT_EQ(json::parse(read_file(path)), report);
  std::remove(path.c_str());
}

TEST(JsonReport, write_json_file_reports_errors_instead_of_throwing) {
  const std::string path = ::testing::TempDir() + "no-such-dir/fl/report.json";
  std::string error;
  EXPECT_NO_THROW(error = write_json_file(path, run_report(passing_run())));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("No such file"), std::string::npos) << error;
}

TEST(JsonReport, invalid_utf8_in_a_detail_is_replaced_not_thrown) {
  sim::RunOutcome run = safety_failure();
  run.checks[0].detail = "bad \xC3\x28 byte, overlong \xC0\xAF, surrogate \xED\xA0\x80, ok \xC3\xA9";
  const json r = run_report(run);
  std::string dumped;
  EXPECT_NO_THROW(dumped = r.dump());
  EXPECT_EQ(r["checks"][0]["detail"],
            "bad \xEF\xBF\xBD( byte, overlong \xEF\xBF\xBD\xEF\xBF\xBD, surrogate "
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD, ok \xC3\xA9");
}

TEST(JsonReport, valid_utf8_keeps_every_valid_sequence) {
  const std::string text = "a\x01 \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF";
  EXPECT_EQ(valid_utf8(text), text);
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // past U+10FFFF
  EXPECT_EQ(valid_utf8("cut \xE2\x82"), "cut \xEF\xBF\xBD\xEF\xBF\xBD");
}

}  // namespace
}  // namespace fl::reports
