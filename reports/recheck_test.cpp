// --recheck's decisions, without running anything: which runs are picked, how the
// rerun's hash is read from `faultline run`'s output, and that two different hashes
// are a mismatch naming both and the reproduce command (the end-to-end pass is in
// tests/shard_cli_test.cpp; a real binary cannot be made nondeterministic on purpose).
#include "reports/recheck.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace fl::reports {
namespace {

sim::RunOutcome first_run(const std::string& hash) {
  sim::RunOutcome run;
  run.faultline_version = "0.1.0";
  run.scenario_name = "nemesis-soak";
  run.scenario_path = "scenarios/13-nemesis-soak.json";
  run.protocol = "paxos";
  run.store = "sqlite";
  run.seed = 7;
  if (!hash.empty()) run.trace_hash = std::stoull(hash, nullptr, 16);
  run.reproduce = "faultline run scenarios/13-nemesis-soak.json --seed 7 --protocol paxos --store sqlite";
  return run;
}

// What `faultline run` prints, shortened: the hash line comes last.
std::string run_output(const std::string& hash) {
  return "seed: 7\nscenario: nemesis-soak (scenarios/13-nemesis-soak.json)\ncheck converged pass\n"
         "verdict: PASS\ntrace-hash: " +
         hash + "\n";
}

TEST(Recheck, different_hashes_are_a_mismatch_naming_both_and_the_reproduce_command) {
  const auto mismatch = compare_recheck(first_run("0123456789abcdef"), run_output("fedcba9876543210"));
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_EQ(mismatch->first_hash, "0123456789abcdef");
  EXPECT_EQ(mismatch->second_hash, "fedcba9876543210");
  EXPECT_EQ(mismatch->seed, 7u);
  const std::string text = recheck_mismatch_text(*mismatch);
  EXPECT_NE(text.find("0123456789abcdef"), std::string::npos) << text;
  EXPECT_NE(text.find("fedcba9876543210"), std::string::npos) << text;
  EXPECT_NE(text.find("reproduce: " + first_run("").reproduce), std::string::npos) << text;

  RecheckOutcome outcome{0.1, 20, {*mismatch}};
  EXPECT_NE(recheck_summary_text(outcome).find("NOT DETERMINISTIC (exit 3)"), std::string::npos);
  const std::string markdown = recheck_markdown(outcome);
  EXPECT_NE(markdown.find("fedcba9876543210"), std::string::npos) << markdown;
}

TEST(Recheck, equal_hashes_pass) {
  EXPECT_FALSE(compare_recheck(first_run("0123456789abcdef"), run_output("0123456789abcdef")).has_value());
  const RecheckOutcome outcome{0.5, 3, {}};
  EXPECT_NE(recheck_summary_text(outcome).find("every trace hash the same"), std::string::npos);
}

TEST(Recheck, a_rerun_that_prints_no_hash_is_a_mismatch) {
  const auto mismatch = compare_recheck(first_run("0123456789abcdef"), "seed: 7\nAssertion failed: ...\n");
  ASSERT_TRUE(mismatch.has_value());
  EXPECT_EQ(mismatch->second_hash, "");
  EXPECT_NE(recheck_mismatch_text(*mismatch).find("no trace hash"), std::string::npos);
}

TEST(Recheck, the_hash_is_the_last_well_formed_hash_line) {
  EXPECT_EQ(trace_hash_in_output("trace-hash: 1111111111111111\ntrace-hash: 2222222222222222\n"), "2222222222222222");
  EXPECT_EQ(trace_hash_in_output("trace-hash: 2222222222222222"), "2222222222222222") << "no final newline";
  EXPECT_EQ(trace_hash_in_output("trace-hash: 12345\n"), "") << "too short";
  EXPECT_EQ(trace_hash_in_output("xtrace-hash: 2222222222222222\n"), "") << "not at a line start";
  EXPECT_EQ(trace_hash_in_output(""), "");
}

TEST(Recheck, picks_the_fraction_evenly_first_included_at_least_one) {
  EXPECT_TRUE(recheck_picks(10, 0.0).empty());
  EXPECT_TRUE(recheck_picks(0, 0.5).empty());
  EXPECT_EQ(recheck_picks(10, 0.001), std::vector<std::size_t>{0}) << "at least one when the fraction is positive";
  EXPECT_EQ(recheck_picks(10, 1.0).size(), 10u);
  EXPECT_EQ(recheck_picks(200, 0.1).size(), 20u) << "200 x 0.1 must not round up to 21";
  EXPECT_EQ(recheck_picks(3, 0.5).size(), 2u) << "rounds up";
  for (const std::size_t n : {1u, 7u, 100u, 1001u}) {
    for (const double fraction : {0.01, 0.1, 0.33, 0.5, 0.9}) {
      const auto picks = recheck_picks(n, fraction);
      ASSERT_FALSE(picks.empty());
      EXPECT_EQ(picks.front(), 0u);
      EXPECT_EQ(std::set<std::size_t>(picks.begin(), picks.end()).size(), picks.size()) << "distinct";
      EXPECT_TRUE(std::is_sorted(picks.begin(), picks.end()));
      EXPECT_LT(picks.back(), n);
      EXPECT_EQ(picks, recheck_picks(n, fraction)) << "deterministic";
    }
  }
  // Evenly spread: a quarter of 100 is every fourth.
  const auto quarter = recheck_picks(100, 0.25);
  for (std::size_t j = 0; j < quarter.size(); ++j) EXPECT_EQ(quarter[j], 4 * j);
}

TEST(Recheck, json_reads_back_what_it_wrote) {
  const auto mismatch = compare_recheck(first_run("0123456789abcdef"), run_output("fedcba9876543210"));
  const RecheckOutcome outcome{0.25, 4, {*mismatch}};
  const auto read = read_recheck_json(recheck_json(outcome));
  ASSERT_TRUE(std::holds_alternative<RecheckOutcome>(read)) << std::get<std::string>(read);
  EXPECT_EQ(recheck_json(std::get<RecheckOutcome>(read)), recheck_json(outcome));
  auto broken = recheck_json(outcome);
  broken["mismatches"][0].erase("recheck_hash");
  const auto error = read_recheck_json(broken);
  ASSERT_TRUE(std::holds_alternative<std::string>(error));
  EXPECT_EQ(std::get<std::string>(error), "mismatches[0].recheck_hash: missing");
}

}  // namespace
}  // namespace fl::reports
