// Property: random fault schedules (crashes, restarts, partitions, one-way cuts,
// whole-cluster kills) never break Paxos safety, and once everything is healed and
// restarted the cluster converges, loses no acknowledged append, keeps its logs
// bounded and serves requests again. rapidcheck shrinks a failing schedule.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "sim/run.hpp"
#include "sim/scenario.hpp"

namespace fl::sim {
namespace {

// (time in 100 ms steps, action, node a, node b): a compact, shrinkable fault.
using RawFault = std::tuple<int, int, int, int>;

NodeSet node(int r) { return {"r" + std::to_string(r)}; }

FaultAction action_of(const RawFault& f) {
  const auto [t, kind, a, b] = f;
  switch (kind) {
    case 0: return Crash{node(a)};
    case 1: return Restart{node(a)};
    case 2: return Partition{{node(a), {"*"}}};
    case 3: return Cut{node(a), node(b)};
    case 4: return KillAll{};
    case 5: return RestartAll{};
    default: return Heal{};
  }
}

std::string describe_schedule(const std::vector<RawFault>& raw) {
  static const char* names[] = {"crash", "restart", "partition-off", "cut", "kill_all", "restart_all", "heal"};
  std::string s;
  for (const auto& [t, kind, a, b] : raw) {
    s += "  at " + std::to_string(t * 100) + "ms " + names[kind] + " r" + std::to_string(a);
    if (kind == 3) s += "->r" + std::to_string(b);
    s += "\n";
  }
  return s;
}

Scenario scenario_for(const std::vector<RawFault>& raw) {
  Scenario s;
  s.name = "random-schedule";
  s.cluster.max_log_size = 40;  // small, so checkpoints and log collection happen often
  s.cluster.checkpoint_interval = 10;
  s.workload.clients = 3;
  s.workload.keys = 4;
  s.workload.rate_hz = 30;
  s.duration_us = 8 * kSeconds;
  s.quiesce_us = 8 * kSeconds;
  s.expect.progress = Progress::kAfterHeal;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    s.faults.push_back({std::get<0>(raw[i]) * 100 * kMillis, action_of(raw[i]), "faults[" + std::to_string(i) + "]"});
  }
  // The liveness phase: heal everything and bring every replica back.
  s.faults.push_back({7500 * kMillis, Heal{}, "final-heal"});
  s.faults.push_back({7500 * kMillis, RestartAll{}, "final-restart"});
  std::stable_sort(s.faults.begin(), s.faults.end(),
                   [](const TimedFault& x, const TimedFault& y) { return x.at_us < y.at_us; });
  return s;
}

RC_GTEST_PROP(PaxosRecovery, random_fault_schedules_keep_every_check, ()) {
  auto raw = *rc::gen::container<std::vector<RawFault>>(
      rc::gen::tuple(rc::gen::inRange(3, 70), rc::gen::inRange(0, 7), rc::gen::inRange(0, 3), rc::gen::inRange(0, 3)));
  if (raw.size() > 8) raw.resize(8);
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  RunOptions options;
  options.seed = seed;
  const RunResult result = run_scenario(scenario_for(raw), options);
  for (const CheckResult& c : result.checks) {
    if (c.enforced && c.verdict == Verdict::kFail) {
      RC_FAIL("seed " + std::to_string(seed) + ": " + c.name + ": " + c.detail + "\nschedule:\n" +
              describe_schedule(raw));
    }
  }
}

}  // namespace
}  // namespace fl::sim
