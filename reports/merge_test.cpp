// Shard slicing and `faultline report merge`'s reader: slices are disjoint and cover
// every run; shards merge into task order; and every kind of bad input is refused
// with the file and the reason. The end-to-end comparison with an unsharded sweep is
// in tests/shard_cli_test.cpp.
#include "reports/merge.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fl::reports {
namespace {

ShardPlan plan_of(std::vector<std::string> paths, std::uint64_t first, std::uint64_t last, std::uint64_t count) {
  ShardPlan plan;
  plan.command = paths.size() == 1 ? "sweep" : "suite";
  for (const auto& p : paths) plan.scenarios.push_back({p, "name-of-" + p, "00000000000000aa"});
  plan.first_seed = first;
  plan.last_seed = last;
  plan.count = count;
  return plan;
}

sim::RunOutcome run_of(const PlannedScenario& scenario, std::uint64_t seed) {
  sim::RunOutcome run;
  run.faultline_version = "0.1.0";
  run.scenario_name = scenario.name;
  run.scenario_path = scenario.path;
  run.protocol = "paxos";
  run.store = "sqlite";
  run.seed = seed;
  const bool fails = seed % 4 == 0;  // some failing runs, to exercise report order
  run.checks = {{"converged", fails ? sim::Verdict::kFail : sim::Verdict::kPass, sim::Severity::kSafety, true, "detail",
                 sim::CheckKind::kConverged}};
  run.trace_hash = 0x0123456789abcdef;
  run.figures.committed = static_cast<std::int64_t>(seed);
  run.wall_s = 0.25;
  if (fails) run.reproduce = "faultline run " + scenario.path + " --seed " + std::to_string(seed);
  return run;
}

// The runs of shard `index` of `plan`, built the way the command numbers them.
std::vector<sim::RunOutcome> shard_runs(ShardPlan plan, std::uint64_t index) {
  plan.index = index;
  std::vector<sim::RunOutcome> runs;
  for (const auto& scenario : plan.scenarios) {
    for (std::uint64_t seed = plan.first_seed; seed <= plan.last_seed; ++seed) {
      if (in_shard(*task_number(plan, scenario.path, seed), plan.index, plan.count)) {
        runs.push_back(run_of(scenario, seed));
      }
    }
  }
  return runs;
}

nlohmann::json shard_report_json(ShardPlan plan, std::uint64_t index) {
  const auto runs = shard_runs(plan, index);
  plan.index = index;
  return full_sweep_report(runs, plan, std::nullopt);
}

ShardReport parsed(const std::string& file, const nlohmann::json& report) {
  auto result = parse_shard_report(file, report.dump());
  if (auto* error = std::get_if<MergeError>(&result)) ADD_FAILURE() << error->message();
  return std::get<ShardReport>(std::move(result));
}

std::string parse_error(const std::string& file, const std::string& text) {
  auto result = parse_shard_report(file, text);
  if (std::holds_alternative<ShardReport>(result)) return "(parsed)";
  return std::get<MergeError>(result).message();
}

std::string merge_error(const std::vector<ShardReport>& shards, bool allow_missing = false) {
  auto result = merge_shards(shards, allow_missing);
  if (std::holds_alternative<MergedReport>(result)) return "(merged)";
  return std::get<MergeError>(result).message();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(Shard, slices_are_disjoint_and_cover_every_task_exactly_once) {
  for (const std::size_t scenarios : {1u, 3u}) {
    for (const auto& [first, last] : std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 1}, {1, 10}, {5, 17}}) {
      for (const std::uint64_t count : {1u, 2u, 3u, 7u, 64u}) {
        std::vector<std::string> paths;
        for (std::size_t i = 0; i < scenarios; ++i) paths.push_back("s" + std::to_string(i) + ".json");
        ShardPlan plan = plan_of(paths, first, last, count);
        std::map<std::pair<std::string, std::uint64_t>, int> owners;
        for (std::uint64_t index = 0; index < count; ++index) {
          plan.index = index;
          const auto runs = shard_runs(plan, index);
          EXPECT_EQ(runs.size(), shard_task_count(plan)) << index << "/" << count;
          for (const auto& run : runs) ++owners[{run.scenario_path, run.seed}];
        }
        EXPECT_EQ(owners.size(), scenarios * (last - first + 1));
        for (const auto& [run, shards] : owners) EXPECT_EQ(shards, 1) << run.first << " seed " << run.second;
      }
    }
  }
  // A sweep's shard is the seeds with (seed - A) mod N == I.
  const ShardPlan sweep = plan_of({"s.json"}, 1, 6, 3);
  EXPECT_EQ(*task_number(sweep, "s.json", 5), 4u);
  EXPECT_TRUE(in_shard(4, 1, 3));
  EXPECT_FALSE(task_number(sweep, "s.json", 7).has_value());
  EXPECT_FALSE(task_number(sweep, "other.json", 1).has_value());
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Merge, a_streamed_sweep_report_has_the_bytes_of_the_whole_tree) {
  const ShardPlan plan = plan_of({"a.json", "b.json"}, 1, 5, 2);
  std::vector<sim::RunOutcome> runs = shard_runs(plan, 1);
  runs[0].checks[0].detail = "two\nlines, a quote \" and a bad byte \xff";
  runs[1].crash = "aborted\n  with an indented line";
  runs[1].crash_exit_code = 1;
  const RecheckOutcome recheck{0.5, 2, {}};
  const std::string dir = ::testing::TempDir();
  for (const auto& [name, runs_written, extras] :
       std::vector<std::tuple<std::string, std::vector<sim::RunOutcome>, bool>>{
           {"empty", {}, false}, {"runs", runs, false}, {"extras", runs, true}}) {
    const std::string tree = dir + "stream-tree-" + name + ".json";
    const std::string streamed = dir + "stream-runs-" + name + ".json";
    ShardPlan p = plan;
    p.index = 1;
    const auto shard = extras ? std::optional<ShardPlan>(p) : std::nullopt;
    const auto outcome = extras ? std::optional<RecheckOutcome>(recheck) : std::nullopt;
    ASSERT_EQ(write_json_file(tree, full_sweep_report(runs_written, shard, outcome)), "");
    ASSERT_EQ(write_sweep_report_file(streamed, runs_written, sweep_report_extras(shard, outcome)), "");
    EXPECT_EQ(file_text(streamed), file_text(tree)) << name;
  }
  EXPECT_NE(write_sweep_report_file("/nonexistent/dir/report.json", runs), "");
}

TEST(Merge, run_reports_read_back_as_written) {
  sim::RunOutcome run = run_of({"s.json", "basic", ""}, 8);
  run.crash = "aborted by signal 6 (Aborted)";
  run.crash_exit_code = 1;
  run.figures = {1, 2, 3, 4, 5, 6, 7, -8, 9, 10};
  run.checks.push_back(
      {"liveness", sim::Verdict::kSkip, sim::Severity::kLiveness, false, "undecided", sim::CheckKind::kLiveness});
  const auto read = read_run_report(run_report(run));
  ASSERT_TRUE(std::holds_alternative<sim::RunOutcome>(read)) << std::get<std::string>(read);
  EXPECT_EQ(run_report(std::get<sim::RunOutcome>(read)), run_report(run));
}

TEST(Merge, shards_merge_into_the_order_the_unsharded_command_lists_runs) {
  const ShardPlan plan = plan_of({"a.json", "b.json"}, 1, 5, 3);
  std::vector<ShardReport> shards;
  for (const std::uint64_t index : {2u, 0u, 1u}) {
    shards.push_back(parsed("s" + std::to_string(index), shard_report_json(plan, index)));
  }
  auto result = merge_shards(shards, false);
  ASSERT_TRUE(std::holds_alternative<MergedReport>(result)) << std::get<MergeError>(result).message();
  const auto& merged = std::get<MergedReport>(result);
  ASSERT_EQ(merged.runs.size(), 10u);
  std::vector<sim::RunOutcome> unsharded;
  for (const auto& s : plan.scenarios) {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) unsharded.push_back(run_of(s, seed));
  }
  EXPECT_EQ(full_sweep_report(merged.runs, std::nullopt, std::nullopt), sweep_report(unsharded));
  for (std::size_t k = 0; k < merged.runs.size(); ++k) {
    EXPECT_EQ(merged.runs[k].scenario_path, unsharded[k].scenario_path);
    EXPECT_EQ(merged.runs[k].seed, unsharded[k].seed);
    EXPECT_EQ(shards[merged.run_shard[k]].plan.index, k % 3) << "run " << k << " came from its shard";
  }
  EXPECT_EQ(merged.missing_count, 0u);
}

TEST(Merge, malformed_input_names_the_file_and_the_field) {
  EXPECT_TRUE(contains(parse_error("x/report.json", "{\"runs\": ["), "x/report.json: not valid JSON")) << "truncated";
  EXPECT_EQ(parse_error("x/report.json", "[]"), "x/report.json: expected a JSON object");

  const ShardPlan plan = plan_of({"s.json"}, 1, 6, 3);
  nlohmann::json report = shard_report_json(plan, 1);
  nlohmann::json unsharded = report;
  unsharded.erase("shard");
  EXPECT_TRUE(contains(parse_error("x/report.json", unsharded.dump()),
                       "x/report.json: shard: missing: only the "
                       "reports of `faultline sweep --shard`"));
  nlohmann::json bad_verdict = report;
  bad_verdict["runs"][1]["checks"][0]["verdict"] = "maybe";
  EXPECT_EQ(parse_error("x/report.json", bad_verdict.dump()),
            "x/report.json: runs[1].checks[0].verdict: expected pass, fail or skip, got 'maybe'");
  nlohmann::json bad_seed = report;
  bad_seed["runs"][0]["seed"] = "two";
  EXPECT_EQ(parse_error("x/report.json", bad_seed.dump()),
            "x/report.json: runs[0].seed: expected a non-negative integer");
  nlohmann::json bad_index = report;
  bad_index["shard"]["index"] = 3;
  EXPECT_EQ(parse_error("x/report.json", bad_index.dump()), "x/report.json: shard.index: must be less than count");
  nlohmann::json bad_count = report;
  bad_count["summary"]["passed"] = 0;
  EXPECT_EQ(parse_error("x/report.json", bad_count.dump()),
            "x/report.json: summary.passed: does not count the passing runs listed");
  nlohmann::json bad_verdict_field = report;
  bad_verdict_field["runs"][0]["verdict"] = "fail-safety";  // seed 2, which passed
  EXPECT_TRUE(contains(parse_error("x/report.json", bad_verdict_field.dump()),
                       "runs[0].verdict: 'fail-safety' does not match"));
}

TEST(Merge, a_shard_must_hold_exactly_its_slice) {
  const ShardPlan plan = plan_of({"s.json"}, 1, 6, 3);
  nlohmann::json stray = shard_report_json(plan, 1);  // seeds 2 and 5
  stray["runs"][1]["seed"] = 3;
  EXPECT_TRUE(contains(parse_error("x/report.json", stray.dump()),
                       "x/report.json: runs[1] (name-of-s.json seed 3) belongs to shard 2/3, not to this report's "
                       "shard 1/3"));
  nlohmann::json outside = shard_report_json(plan, 1);
  outside["runs"][1]["seed"] = 8;
  EXPECT_TRUE(contains(parse_error("x/report.json", outside.dump()), "is not part of the sharded sweep"));
  nlohmann::json twice = shard_report_json(plan, 1);
  twice["runs"][1] = twice["runs"][0];
  EXPECT_TRUE(contains(parse_error("x/report.json", twice.dump()), "is listed twice"));
  ShardPlan one = plan;
  one.index = 1;
  const nlohmann::json incomplete = full_sweep_report({run_of(plan.scenarios[0], 2)}, one, std::nullopt);
  EXPECT_EQ(parse_error("x/report.json", incomplete.dump()),
            "x/report.json: shard 1/3 of seeds 1..6 holds 2 runs, but the report lists 1: it is incomplete");
}

TEST(Merge, shards_that_do_not_belong_together_are_refused) {
  const ShardPlan plan = plan_of({"s.json"}, 1, 6, 3);
  const ShardReport s0 = parsed("a/report.json", shard_report_json(plan, 0));
  const ShardReport s1 = parsed("b/report.json", shard_report_json(plan, 1));
  const ShardReport s2 = parsed("c/report.json", shard_report_json(plan, 2));
  EXPECT_EQ(merge_error({s0, s1, s2}), "(merged)");

  ShardReport again = parsed("d/report.json", shard_report_json(plan, 1));
  EXPECT_EQ(merge_error({s0, s1, again, s2}),
            "d/report.json: is shard 1/3, and so is b/report.json: their seeds overlap");

  ShardPlan edited = plan;
  edited.scenarios[0].digest = "00000000000000bb";
  const ShardReport other_file = parsed("e/report.json", shard_report_json(edited, 1));
  EXPECT_TRUE(contains(merge_error({s0, other_file, s2}),
                       "e/report.json: not a shard of the same command as a/report.json: the scenario files"));
  ShardPlan renamed = plan_of({"t.json"}, 1, 6, 3);
  const ShardReport other_scenario = parsed("f/report.json", shard_report_json(renamed, 1));
  EXPECT_TRUE(contains(merge_error({s0, other_scenario, s2}), "f/report.json: not a shard of the same command"));
  ShardPlan longer = plan_of({"s.json"}, 1, 9, 3);
  const ShardReport other_seeds = parsed("g/report.json", shard_report_json(longer, 1));
  EXPECT_TRUE(contains(merge_error({s0, other_seeds, s2}), "the seed range is 1..9 here but 1..6 there"));

  nlohmann::json newer = shard_report_json(plan, 1);
  newer["faultline"] = "0.2.0";
  for (auto& run : newer["runs"]) run["faultline"] = "0.2.0";
  EXPECT_EQ(merge_error({s0, parsed("h/report.json", newer), s2}),
            "h/report.json: written by faultline 0.2.0, but a/report.json by faultline 0.1.0: merge reports of one "
            "faultline version");
}

TEST(Merge, more_shards_than_seeds_leave_some_empty_and_still_merge) {
  const ShardPlan plan = plan_of({"s.json"}, 1, 2, 3);
  std::vector<ShardReport> shards;
  for (const std::uint64_t index : {2u, 0u, 1u}) {
    shards.push_back(parsed("s" + std::to_string(index), shard_report_json(plan, index)));
  }
  EXPECT_TRUE(shards[0].runs.empty());
  EXPECT_EQ(shards[0].version, "") << "an empty sweep names no version";
  auto result = merge_shards(shards, false);
  ASSERT_TRUE(std::holds_alternative<MergedReport>(result)) << std::get<MergeError>(result).message();
  EXPECT_EQ(std::get<MergedReport>(result).runs.size(), 2u);
}

TEST(Merge, a_missing_shard_is_refused_unless_partial) {
  const ShardPlan plan = plan_of({"s.json"}, 1, 6, 3);
  const ShardReport s0 = parsed("a/report.json", shard_report_json(plan, 0));
  const ShardReport s2 = parsed("c/report.json", shard_report_json(plan, 2));
  EXPECT_TRUE(contains(merge_error({s0, s2}),
                       "a/report.json: shard 1/3 of this sharded sweep has no report among "
                       "the inputs"));
  auto result = merge_shards({s0, s2}, true);
  ASSERT_TRUE(std::holds_alternative<MergedReport>(result));
  const auto& merged = std::get<MergedReport>(result);
  EXPECT_EQ(merged.runs.size(), 4u);
  EXPECT_EQ(missing_shards_text(merged), "1/3");
}

TEST(Merge, recheck_outcomes_add_up) {
  const ShardPlan plan = plan_of({"s.json"}, 1, 4, 2);
  std::vector<ShardReport> shards;
  for (const std::uint64_t index : {1u, 0u}) {
    ShardPlan p = plan;
    p.index = index;
    RecheckOutcome outcome{0.5, 1, {}};
    outcome.mismatches.push_back({"name-of-s.json", "s.json", "paxos", "sqlite", index + 1, "0123456789abcdef",
                                  "fedcba9876543210", "faultline run s.json --seed " + std::to_string(index + 1)});
    shards.push_back(parsed("s" + std::to_string(index), full_sweep_report(shard_runs(plan, index), p, outcome)));
  }
  auto result = merge_shards(shards, false);
  ASSERT_TRUE(std::holds_alternative<MergedReport>(result));
  const auto& recheck = std::get<MergedReport>(result).recheck;
  ASSERT_TRUE(recheck.has_value());
  EXPECT_EQ(recheck->rechecked, 2u);
  ASSERT_EQ(recheck->mismatches.size(), 2u);
  EXPECT_EQ(recheck->mismatches[0].seed, 1u) << "in task order";

  shards[1].recheck.reset();
  EXPECT_TRUE(contains(merge_error(shards), "s0: was not run with --recheck, but s1 was"));
}

}  // namespace
}  // namespace fl::reports
