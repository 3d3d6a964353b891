// The planted Paxos bugs of rsm/paxos/variants against the shipped scenarios: for
// each bug some shipped scenario catches, one cheap scenario and seed known to catch
// it, and the check that must fire there (the correct protocol passes the same run).
// The bugs no shipped scenario catches are shown doing what their description says
// in rsm/paxos/variants_test.cpp instead.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rsm/paxos/variants.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

struct Catch {
  const char* variant;
  const char* scenario;
  std::uint64_t seed;
  const char* check;  // the enforced check that must fail
  Severity severity;
};

// Measured with `faultline suite scenarios --seeds 1..5` and the nemesis soak for
// seeds 1..100 (each row is the cheapest catching run found there).
constexpr Catch kCatches[] = {
    {"phase1-quorum-half", "11-minority-partition.json", 5, "slot_agreement", Severity::kSafety},
    {"phase2-quorum-half", "12-one-way-cut.json", 2, "slot_agreement", Severity::kSafety},
    {"adopt-first-report", "13-nemesis-soak.json", 31, "slot_agreement", Severity::kSafety},
    // A new leader holding an older-ballot value and a chosen newer-ballot one for a
    // slot: 36 sets it up for r0 (first round) and r2 (second round) to merge.
    {"adopt-lowest-ballot", "36-paxos-competing-accepted-values.json", 1, "slot_agreement", Severity::kSafety},
    {"adopt-last-report", "36-paxos-competing-accepted-values.json", 1, "slot_agreement", Severity::kSafety},
    {"forget-own-accepted", "36-paxos-competing-accepted-values.json", 1, "slot_agreement", Severity::kSafety},
    {"execute-on-send", "12-one-way-cut.json", 1, "slot_agreement", Severity::kSafety},
    {"restart-skips-first-slot", "07-kill-all-restart-all.json", 1, "durable", Severity::kSafety},
    // A checkpoint labelled one slot early: a restart replays a slot onto a state that
    // has it, which the dedup table hides from clients but not from the state digest.
    {"checkpoint-slot-behind", "24-zk-tiny-log-leader-handover.json", 3, "state_agreement", Severity::kSafety},
    {"catchup-from-next", "14-lossy-network.json", 1, "converged", Severity::kLiveness},
    {"snapshot-slot-low", "14-lossy-network.json", 1, "state_agreement", Severity::kSafety},
    // With batch_size_max 1 every batch is full, so every request is dropped.
    {"batch-drops-last", "24-zk-tiny-log-leader-handover.json", 1, "liveness", Severity::kLiveness},
    {"retransmit-pending-batch", "15-log-pressure.json", 1, "liveness", Severity::kLiveness},
    // Proposed twice, executed once: only the dedup check sees the second ordering.
    {"batch-overlap", "15-log-pressure.json", 5, "dedup_only_retries", Severity::kSafety},
    // Executed but never answered by the old leader: the client's retry is answered
    // from the dedup table, so only accepted_answered sees the missing reply.
    {"step-down-forgets-clients", "12-one-way-cut.json", 4, "accepted_answered", Severity::kLiveness},
};

RunResult run_variant(const Catch& c, const std::string& variant) {
  RunOptions options;
  options.seed = c.seed;
  options.protocol = "paxos";
  options.variant = variant;
  return run_scenario(fl::testing::load_shipped(c.scenario), options);
}

const CheckResult* find_check(const RunResult& r, const std::string& name) {
  for (const CheckResult& c : r.checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

TEST(PaxosVariants, catalogue_names_are_unique_and_every_row_is_described) {
  std::set<std::string_view> names;
  for (const auto& v : paxos::variants()) {
    EXPECT_TRUE(names.insert(v.info.name).second) << v.info.name;
    EXPECT_FALSE(v.info.bug_class.empty()) << v.info.name;
    EXPECT_FALSE(v.info.description.empty()) << v.info.name;
  }
  EXPECT_GE(names.size(), 12u);
}

TEST(PaxosVariants, each_caught_bug_fails_its_check_where_the_correct_protocol_passes) {
  for (const Catch& c : kCatches) {
    SCOPED_TRACE(std::string(c.variant) + " on " + c.scenario + " seed " + std::to_string(c.seed));
    const RunResult correct = run_variant(c, "");
    EXPECT_EQ(correct.exit_code(), 0);
    const RunResult broken = run_variant(c, c.variant);
    const CheckResult* check = find_check(broken, c.check);
    ASSERT_NE(check, nullptr);
    EXPECT_TRUE(check->enforced);
    EXPECT_EQ(check->verdict, Verdict::kFail);
    EXPECT_EQ(check->severity, c.severity);
    EXPECT_EQ(broken.exit_code(), c.severity == Severity::kSafety ? 1 : 2);
  }
}

TEST(PaxosVariants, collecting_past_the_checkpoint_trips_the_leaders_own_assertion) {
  // The leader erases the proposal it still has in flight; when the quorum forms it
  // cannot find it and the always-on assertion aborts the run (a sweep lists the seed).
  const std::string scenario = std::string(FL_SOURCE_DIR) + "/scenarios/15-log-pressure.json";
  const auto ran =
      fl::testing::faultline("run " + scenario + " --seed 2 --protocol paxos --variant collect-past-checkpoint");
  EXPECT_EQ(ran.code, 128 + 6) << ran.out;  // SIGABRT
  EXPECT_NE(ran.out.find("leader lost its own proposal"), std::string::npos) << ran.out;
  EXPECT_EQ(fl::testing::faultline("run " + scenario + " --seed 2 --protocol paxos").code, 0);
}

}  // namespace
}  // namespace fl::sim
