// End-of-run checks on small hand-written runs: for each check, facts that must pass
// and facts that must fail, with the severity that decides the exit code. The
// durability order check is also compared against a brute-force pairwise model.
#include "sim/checks/checks.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace fl::sim {
namespace {

constexpr ClientId kC1{1};

Operation op(OpKind kind, std::int32_t key, std::int32_t value, Micros invoke_us, Micros complete_us,
             Outcome outcome = Outcome::kOk) {
  Operation o;
  // Values are unique per test, so they double as request ids.
  o.request = Request{kC1, RequestId{static_cast<std::uint64_t>(value)}, kind, key, value};
  o.invoke_us = invoke_us;
  o.complete_us = outcome == Outcome::kOk ? complete_us : -1;
  o.outcome = outcome;
  o.attempts = 1;
  return o;
}

Operation append(std::int32_t key, std::int32_t value, Micros invoke_us, Micros complete_us,
                 Outcome outcome = Outcome::kOk) {
  return op(OpKind::kAppend, key, value, invoke_us, complete_us, outcome);
}

ReplicaTable table(std::uint32_t id, std::vector<Row> rows) { return ReplicaTable{NodeId{id}, std::move(rows)}; }

// Facts over `history` (which must outlive them) with the given live tables.
RunFacts facts_of(const History& history, std::vector<ReplicaTable> tables) {
  RunFacts f;
  f.history = &history;
  f.live_tables = std::move(tables);
  f.end_us = 30 * kSeconds;
  f.duration_us = 20 * kSeconds;
  return f;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---------------------------------------------------------------------------
// converged

TEST(Checks, converged_identical_tables_pass) {
  const History h;
  const std::vector<Row> rows = {{1, {10, 11}}, {2, {}}, {3, {12}}};
  const CheckResult r = check_converged(facts_of(h, {table(0, rows), table(1, rows), table(2, rows)}));
  EXPECT_EQ(r.name, "converged");
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
}

TEST(Checks, converged_single_replica_passes) {
  const History h;
  EXPECT_EQ(check_converged(facts_of(h, {table(2, {{1, {5}}})})).verdict, Verdict::kPass);
}

TEST(Checks, converged_without_live_replicas_is_skipped) {
  const History h;
  EXPECT_EQ(check_converged(facts_of(h, {})).verdict, Verdict::kSkip);
}

TEST(Checks, converged_lagging_prefix_is_liveness_failure) {
  const History h;
  const CheckResult r = check_converged(
      facts_of(h, {table(0, {{1, {10, 11, 12}}}), table(1, {{1, {10, 11, 12}}}), table(2, {{1, {10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kLiveness);
  EXPECT_TRUE(contains(r.detail, "r2")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "lags")) << r.detail;
}

TEST(Checks, converged_missing_insert_on_lagging_replica_is_liveness_failure) {
  const History h;
  const CheckResult r = check_converged(facts_of(h, {table(0, {{1, {10}}}), table(1, {{1, {10}}, {2, {}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kLiveness);
}

TEST(Checks, converged_diverging_lists_is_safety_failure) {
  const History h;
  const CheckResult r = check_converged(facts_of(h, {table(0, {{1, {10, 11}}}), table(1, {{1, {10, 12}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "diverge")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "key 1")) << r.detail;
}

TEST(Checks, converged_same_events_in_other_order_is_safety_failure) {
  const History h;
  const CheckResult r = check_converged(facts_of(h, {table(0, {{1, {10, 11}}}), table(1, {{1, {11, 10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
}

TEST(Checks, converged_divergence_behind_a_lagging_first_replica_is_safety_failure) {
  // r0 lags both others, which differ from each other. Comparing each replica only
  // with r0 would call this a lag; r1 and r2 cannot both be right.
  const History h;
  const CheckResult r =
      check_converged(facts_of(h, {table(0, {{1, {10}}}), table(1, {{1, {10, 11}}}), table(2, {{1, {10, 12}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "r1 and r2 diverge")) << r.detail;
}

TEST(Checks, converged_ahead_on_one_key_behind_on_another_is_safety_failure) {
  // Replicas apply one log, so a lagging replica is behind on every key. r0 having
  // applied an append to key 1 that r1 lacks, and r1 one to key 2 that r0 lacks,
  // means they applied different sequences.
  const History h;
  const CheckResult r =
      check_converged(facts_of(h, {table(0, {{1, {10, 11}}, {2, {20}}}), table(1, {{1, {10}}, {2, {20, 21}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
}

TEST(Checks, converged_key_only_on_lagging_side_is_safety_failure) {
  // The replica with more events lacks a key the other has: neither is a prefix.
  const History h;
  const CheckResult r = check_converged(facts_of(h, {table(0, {{1, {10, 11}}}), table(1, {{1, {10}}, {5, {}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
}

// ---------------------------------------------------------------------------
// durable

TEST(Checks, durable_all_acknowledged_appends_present_in_order_pass) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300), append(2, 20, 50, 400)};
  const std::vector<Row> rows = {{1, {10, 11}}, {2, {20}}};
  const CheckResult r = check_durable(facts_of(h, {table(0, rows), table(1, rows)}));
  EXPECT_EQ(r.name, "durable");
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
}

TEST(Checks, durable_without_live_replicas_is_skipped) {
  const History h = {append(1, 10, 0, 100)};
  EXPECT_EQ(check_durable(facts_of(h, {})).verdict, Verdict::kSkip);
}

TEST(Checks, durable_acknowledged_append_missing_everywhere_is_a_safety_failure) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300)};
  const CheckResult r = check_durable(facts_of(h, {table(0, {{1, {10}}}), table(1, {{1, {10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "missing from r0")) << r.detail;
}

// r1 has not applied 11 yet, but r0, which r1 lags, holds it: not lost, only late,
// as `converged` calls the same tables.
TEST(Checks, durable_acknowledged_append_missing_only_from_a_lagging_replica_is_liveness) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300)};
  const CheckResult r = check_durable(facts_of(h, {table(0, {{1, {10, 11}}}), table(1, {{1, {10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kLiveness);
  EXPECT_TRUE(contains(r.detail, "missing from r1, which lags r0")) << r.detail;
}

// Missing from a replica that does not merely lag the one holding it (they diverge)
// is lost there for good: safety.
TEST(Checks, durable_acknowledged_append_missing_from_a_diverged_replica_is_safety) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300)};
  const CheckResult r = check_durable(facts_of(h, {table(0, {{1, {10, 11}}}), table(1, {{1, {10, 12}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "missing from r1")) << r.detail;
}

TEST(Checks, durable_acknowledged_append_under_wrong_key_fails) {
  const History h = {append(1, 10, 0, 100)};
  const CheckResult r = check_durable(facts_of(h, {table(0, {{2, {10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
}

TEST(Checks, durable_non_overlapping_appends_reversed_fails) {
  // 10 was acknowledged before 11 was sent, so every replica must hold 10 first.
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300)};
  const CheckResult r = check_durable(facts_of(h, {table(0, {{1, {11, 10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "follows")) << r.detail;
}

TEST(Checks, durable_overlapping_appends_may_appear_in_either_order) {
  const History h = {append(1, 10, 0, 300), append(1, 11, 100, 200)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{1, {10, 11}}})})).verdict, Verdict::kPass);
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{1, {11, 10}}})})).verdict, Verdict::kPass);
}

TEST(Checks, durable_order_violation_found_across_an_overlapping_middle_append) {
  // Positions: 11, 12, 10. 12 overlaps both others, but 10 completed (t=100) before
  // 11 began (t=200) and still comes after it.
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, 300), append(1, 12, 50, 250)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{1, {11, 12, 10}}})})).verdict, Verdict::kFail);
}

TEST(Checks, durable_appends_to_different_keys_have_no_order) {
  const History h = {append(1, 10, 0, 100), append(2, 20, 200, 300)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{2, {20}}, {1, {10}}})})).verdict, Verdict::kPass);
}

TEST(Checks, durable_unknown_outcome_append_missing_is_fine) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, -1, Outcome::kUnknown),
                     append(1, 12, 250, -1, Outcome::kFail)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{1, {10}}})})).verdict, Verdict::kPass);
}

TEST(Checks, durable_unknown_outcome_append_present_is_fine) {
  const History h = {append(1, 10, 0, 100), append(1, 11, 200, -1, Outcome::kUnknown)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {{1, {10, 11}}})})).verdict, Verdict::kPass);
}

TEST(Checks, durable_ignores_reads_and_inserts) {
  const History h = {op(OpKind::kInsert, 3, 0, 0, 10), op(OpKind::kRead, 3, 0, 20, 30),
                     op(OpKind::kReadAll, 0, 0, 40, 50)};
  EXPECT_EQ(check_durable(facts_of(h, {table(0, {})})).verdict, Verdict::kPass);
}

// The simple model for the order part of durability: every pair of acknowledged
// appends to one key, compared directly.
bool brute_force_order_ok(const History& h, const std::vector<std::int32_t>& list) {
  auto position = [&](std::int32_t v) { return std::find(list.begin(), list.end(), v) - list.begin(); };
  for (const Operation& a : h) {
    for (const Operation& b : h) {
      if (a.complete_us < b.invoke_us && position(a.request.value) > position(b.request.value)) return false;
    }
  }
  return true;
}

RC_GTEST_PROP(Checks, durable_order_matches_pairwise_model, ()) {
  const int n = *rc::gen::inRange(1, 8);
  History h;
  std::vector<std::int32_t> list;
  for (int i = 0; i < n; ++i) {
    const Micros invoke = *rc::gen::inRange(0, 50);
    const Micros complete = invoke + *rc::gen::inRange(0, 20);
    h.push_back(append(7, 100 + i, invoke, complete));
    list.push_back(100 + i);
  }
  // Position in the table is an arbitrary permutation of the acknowledged appends.
  // Fisher-Yates with generated choices, so rapidcheck can shrink a failing order.
  for (std::size_t i = list.size(); i > 1; --i) std::swap(list[i - 1], list[*rc::gen::inRange<std::size_t>(0, i)]);
  const CheckResult r = check_durable(facts_of(h, {table(0, {{7, list}})}));
  RC_ASSERT((r.verdict == Verdict::kPass) == brute_force_order_ok(h, list));
}

// ---------------------------------------------------------------------------
// exactly_once

TEST(Checks, exactly_once_unique_values_pass) {
  const History h;
  const CheckResult r = check_exactly_once(facts_of(h, {table(0, {{1, {10, 11}}, {2, {12}}}), table(1, {{1, {10}}})}));
  EXPECT_EQ(r.name, "exactly_once");
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
}

TEST(Checks, exactly_once_value_twice_in_one_list_fails) {
  const History h;
  const CheckResult r = check_exactly_once(facts_of(h, {table(0, {{1, {10}}}), table(1, {{1, {10, 11, 10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "value 10")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "r1")) << r.detail;
}

TEST(Checks, exactly_once_value_under_two_keys_fails) {
  const History h;
  const CheckResult r = check_exactly_once(facts_of(h, {table(0, {{1, {10}}, {2, {10}}})}));
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "keys 1 and 2")) << r.detail;
}

TEST(Checks, exactly_once_without_live_replicas_is_skipped) {
  const History h;
  EXPECT_EQ(check_exactly_once(facts_of(h, {})).verdict, Verdict::kSkip);
}

// ---------------------------------------------------------------------------
// log_bound and slot_agreement

TEST(Checks, log_bound_at_limit_passes_above_fails) {
  const History h;
  RunFacts f = facts_of(h, {});
  f.max_log_held = 400;
  f.max_log_held_where = "r1 disk t=5000";
  CheckResult r = check_log_bound(f, 400);
  EXPECT_EQ(r.name, "log_bound");
  EXPECT_EQ(r.verdict, Verdict::kPass);
  EXPECT_TRUE(contains(r.detail, "400 of 400")) << r.detail;

  f.max_log_held = 401;
  r = check_log_bound(f, 400);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_TRUE(contains(r.detail, "r1 disk t=5000")) << r.detail;
}

// ---------------------------------------------------------------------------
// liveness. end_us is 30s; the bound is 5s throughout.

constexpr Micros kBound = 5 * kSeconds;

TEST(Checks, liveness_none_is_skipped_even_without_progress) {
  const History h = {append(1, 10, 0, -1, Outcome::kUnknown)};
  const CheckResult r = check_liveness(facts_of(h, {}), Progress::kNone, kBound);
  EXPECT_EQ(r.name, "liveness");
  EXPECT_EQ(r.verdict, Verdict::kSkip);
}

TEST(Checks, liveness_always_passes_when_every_request_is_fast) {
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 2 * kSeconds, 7 * kSeconds)};
  const CheckResult r = check_liveness(facts_of(h, {}), Progress::kAlways, kBound);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
  EXPECT_EQ(r.severity, Severity::kLiveness);
}

TEST(Checks, liveness_always_fails_on_slow_request_during_faults) {
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 2 * kSeconds, 8 * kSeconds)};
  RunFacts f = facts_of(h, {});
  f.last_fault_us = 10 * kSeconds;  // the slow request ran before the last fault
  const CheckResult r = check_liveness(f, Progress::kAlways, kBound);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_EQ(r.severity, Severity::kLiveness);
}

TEST(Checks, liveness_always_fails_on_request_never_completed_before_its_deadline) {
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 2 * kSeconds, -1, Outcome::kUnknown)};
  const CheckResult r = check_liveness(facts_of(h, {}), Progress::kAlways, kBound);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "never completed")) << r.detail;
}

TEST(Checks, liveness_gives_no_verdict_on_request_whose_deadline_is_past_the_end) {
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 26 * kSeconds, -1, Outcome::kUnknown)};
  EXPECT_EQ(check_liveness(facts_of(h, {}), Progress::kAlways, kBound).verdict, Verdict::kPass);
}

TEST(Checks, liveness_fails_when_no_request_completed) {
  const History empty;
  EXPECT_EQ(check_liveness(facts_of(empty, {}), Progress::kAlways, kBound).verdict, Verdict::kFail);
  const History pending = {append(1, 10, 28 * kSeconds, -1, Outcome::kUnknown)};
  EXPECT_EQ(check_liveness(facts_of(pending, {}), Progress::kAfterHeal, kBound).verdict, Verdict::kFail);
}

TEST(Checks, liveness_after_heal_tolerates_slowness_before_the_last_fault) {
  // Invoked at 1s, stuck through a partition healed at 10s, done at 12s: within 5s of
  // the heal. Another took 6s but finished before the heal, so it is not judged.
  const History h = {append(1, 10, 1 * kSeconds, 12 * kSeconds), append(1, 11, 2 * kSeconds, 8 * kSeconds)};
  RunFacts f = facts_of(h, {});
  f.last_fault_us = 10 * kSeconds;
  EXPECT_EQ(check_liveness(f, Progress::kAfterHeal, kBound).verdict, Verdict::kPass);
  // The same history under kAlways fails.
  EXPECT_EQ(check_liveness(f, Progress::kAlways, kBound).verdict, Verdict::kFail);
}

TEST(Checks, liveness_after_heal_fails_on_slow_request_after_the_last_fault) {
  const History h = {append(1, 10, 1 * kSeconds, 16 * kSeconds)};
  RunFacts f = facts_of(h, {});
  f.last_fault_us = 10 * kSeconds;
  const CheckResult r = check_liveness(f, Progress::kAfterHeal, kBound);
  EXPECT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "completed t=16000000")) << r.detail;
}

TEST(Checks, liveness_after_heal_fails_on_request_stuck_after_the_last_fault) {
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 12 * kSeconds, -1, Outcome::kUnknown)};
  RunFacts f = facts_of(h, {});
  f.last_fault_us = 10 * kSeconds;
  EXPECT_EQ(check_liveness(f, Progress::kAfterHeal, kBound).verdict, Verdict::kFail);
}

TEST(Checks, liveness_after_heal_no_verdict_when_heal_is_too_late) {
  // The last fault is at 27s: a request stuck since 5s has until 32s, past the end.
  const History h = {append(1, 10, 0, 1 * kSeconds), append(1, 11, 5 * kSeconds, -1, Outcome::kUnknown)};
  RunFacts f = facts_of(h, {});
  f.last_fault_us = 27 * kSeconds;
  EXPECT_EQ(check_liveness(f, Progress::kAfterHeal, kBound).verdict, Verdict::kPass);
}

// ---------------------------------------------------------------------------
// run_checks

TEST(Checks, run_checks_reports_every_check_in_order) {
  const History h = {append(1, 10, 0, 100)};
  RunFacts f = facts_of(h, {table(0, {{1, {10}}}), table(1, {{1, {10}}})});
  f.invariants.push_back(
      CheckResult{"slot_agreement", Verdict::kPass, Severity::kSafety, true, "judged during the run"});
  const Scenario scenario;
  const std::vector<CheckResult> results = run_checks(f, scenario);
  std::vector<std::string> names;
  for (const CheckResult& r : results) names.push_back(r.name);
  // The invariants judged during the run come first, as they were given.
  EXPECT_EQ(names, (std::vector<std::string>{"slot_agreement", "linearizable", "converged", "durable", "exactly_once",
                                             "log_bound", "liveness"}));
  for (const CheckResult& r : results) {
    EXPECT_EQ(r.verdict, Verdict::kPass) << r.name << ": " << r.detail;
    EXPECT_TRUE(r.enforced) << r.name;
  }
}

TEST(Checks, run_checks_sets_enforced_from_expectations) {
  const History h = {append(1, 10, 0, 100)};
  const RunFacts f = facts_of(h, {table(0, {{1, {10}}})});
  Scenario scenario;
  scenario.expect.converged = false;
  scenario.expect.durable = false;
  scenario.expect.exactly_once = false;
  scenario.expect.log_bound = false;
  scenario.expect.linearizable = false;
  scenario.expect.progress = Progress::kNone;
  for (const CheckResult& r : run_checks(f, scenario)) {
    if (r.name == "slot_agreement") {
      EXPECT_TRUE(r.enforced) << "slot agreement is always enforced";
    } else if (r.name == "liveness") {
      EXPECT_EQ(r.verdict, Verdict::kSkip);
    } else {
      EXPECT_FALSE(r.enforced) << r.name;
    }
  }
}

TEST(Checks, run_checks_uses_scenario_log_size_and_liveness_bound) {
  const History h = {append(1, 10, 0, 3 * kSeconds)};
  RunFacts f = facts_of(h, {table(0, {{1, {10}}})});
  f.max_log_held = 50;
  Scenario scenario;
  scenario.cluster.max_log_size = 40;
  scenario.expect.progress = Progress::kAlways;
  scenario.expect.liveness_bound_us = 2 * kSeconds;
  for (const CheckResult& r : run_checks(f, scenario)) {
    if (r.name == "log_bound" || r.name == "liveness") {
      EXPECT_EQ(r.verdict, Verdict::kFail) << r.name << ": " << r.detail;
    }
  }
}

TEST(Checks, verdict_names) {
  EXPECT_EQ(verdict_name(Verdict::kPass), "pass");
  EXPECT_EQ(verdict_name(Verdict::kFail), "FAIL");
  EXPECT_EQ(verdict_name(Verdict::kSkip), "skip");
}

}  // namespace
}  // namespace fl::sim
