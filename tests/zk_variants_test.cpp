// The planted zk bugs (rsm/coordinated/variants) that the end-of-run checks catch, each on
// one cheap shipped scenario and seed where it was seen caught (issue 12 §3): if one
// of these starts passing, a check or a scenario has gone blind to that bug. The
// correct protocol must pass the very same runs, so a failure is the bug's and not
// the scenario's. Variants the checks miss (masked by snapshot restores, the app's
// dedup, the periodic re-reads, or ZooKeeper rejecting an expired session's writes)
// are listed with the measurements in the commit that added them, not here.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "rsm/coordinated/variants.hpp"
#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

struct Caught {
  std::string_view variant;
  std::string_view scenario;
  std::uint64_t seed;
  std::string_view check;  // an enforced check that must fail
};

// Found with `faultline suite scenarios --seeds 1..5 --protocol zk --variant V`;
// each run takes about 0.1 s.
constexpr Caught kCaught[] = {
    {"no-fence", "17-zk-leader-paused.json", 1, "one_writer_per_epoch"},
    {"claim-without-bump", "15-log-pressure.json", 3, "one_writer_per_epoch"},
    {"resume-after-requested", "14-lossy-network.json", 4, "converged"},
    {"skip-failed-read", "15-log-pressure.json", 5, "converged"},
    {"collect-one-past", "15-log-pressure.json", 3, "durable"},
    {"snapshot-skips-one", "15-log-pressure.json", 1, "converged"},
    {"reply-on-create", "14-lossy-network.json", 1, "linearizable"},
    {"apply-before-log", "23-zk-zookeeper-blip-then-leader-crash.json", 1, "durable"},
    // Caught by the internal invariants alone (or a tight liveness bound): no client
    // sees anything wrong in these runs.
    {"unsorted-listing", "13-nemesis-soak.json", 1, "apply_order"},
    {"resume-at-collected", "10-coordinator-isolated.json", 5, "apply_order"},
    {"log-watch-once", "32-prompt-replies.json", 1, "liveness"},
    {"lead-past-expiry", "16-zk-leader-cut-from-zookeeper.json", 1, "stale_leader_steps_down"},
    {"ack-before-sync", "06-crash-recover-one-then-other.json", 1, "acks_kept"},
    {"restart-claims-blindly", "07-kill-all-restart-all.json", 2, "lowest_id_leads"},
    {"restore-when-level", "09-checkpoint-recovery.json", 1, "restore_only_when_behind"},
    {"collect-to-newest-ack", "34-zk-follower-hiccups.json", 2, "collection_respects_acks"},
    {"skip-unacked-member", "34-zk-follower-hiccups.json", 1, "collection_respects_acks"},
    {"leader-watch-once", "35-zk-failover-after-churn.json", 1, "liveness"},
    // A request dropped instead of held: the client's retry elsewhere gets it ordered.
    {"drop-without-leader", "14-lossy-network.json", 5, "accepted_answered"},
    {"step-down-drops-queue", "10-coordinator-isolated.json", 1, "accepted_answered"},
};

RunResult run_zk(const Caught& c, std::string_view variant) {
  RunOptions options;
  options.seed = c.seed;
  options.protocol = "zk";
  options.variant = std::string(variant);
  return run_scenario(fl::testing::load_shipped(std::string(c.scenario)), options);
}

std::string failed_checks(const RunResult& r) {
  std::string text;
  for (const CheckResult& check : r.checks) {
    if (check.enforced && check.verdict == Verdict::kFail) text += check.name + ": " + check.detail + "\n";
  }
  return text.empty() ? "(none)" : text;
}

TEST(ZkVariants, the_catalogue_has_a_dozen_distinct_named_bugs) {
  std::set<std::string_view> names;
  for (const auto& v : fl::coordinated::variants()) {
    EXPECT_NE(v.mutation, fl::coordinated::ZkMutation::kNone) << v.info.name;
    EXPECT_FALSE(v.info.bug_class.empty()) << v.info.name;
    EXPECT_FALSE(v.info.description.empty()) << v.info.name;
    EXPECT_TRUE(names.insert(v.info.name).second) << "listed twice: " << v.info.name;
  }
  EXPECT_GE(names.size(), 12U);
  for (const Caught& c : kCaught) EXPECT_TRUE(names.contains(c.variant)) << c.variant;
}

TEST(ZkVariants, each_caught_variant_fails_its_check_and_the_correct_protocol_passes_the_same_run) {
  for (const Caught& c : kCaught) {
    SCOPED_TRACE(std::string(c.variant) + " on " + std::string(c.scenario) + " seed " + std::to_string(c.seed));
    const RunResult correct = run_zk(c, "");
    EXPECT_EQ(correct.exit_code(), 0) << failed_checks(correct);
    const RunResult broken = run_zk(c, c.variant);
    EXPECT_NE(broken.exit_code(), 0);
    bool fired = false;
    for (const CheckResult& check : broken.checks) {
      if (check.name == c.check) fired = check.enforced && check.verdict == Verdict::kFail;
    }
    EXPECT_TRUE(fired) << "expected " << c.check << " to fail; failed: " << failed_checks(broken);
  }
}

}  // namespace
}  // namespace fl::sim
