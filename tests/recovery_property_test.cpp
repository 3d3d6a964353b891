// Property: random fault schedules (crashes, restarts, partitions, one-way cuts,
// whole-cluster kills) never break Paxos safety, and once everything is healed and
// restarted the cluster converges, loses no acknowledged append, keeps its logs
// bounded and serves requests again. rapidcheck shrinks a failing schedule.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "rsm/app/grade_app.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/setup/protocols.hpp"

namespace fl::sim {
namespace {

// (time in 100 ms steps, action, node a, node b): a compact, shrinkable fault.
using RawFault = std::tuple<int, int, int, int>;

NodeSet node(int r) { return {"r" + std::to_string(r)}; }

// A replica that crashes at `at` (100 ms steps) and is never restarted: restarts of
// it are left out of the schedule, and the liveness phase brings back only the others.
struct Dead {
  int replica = 0;
  int at = 0;
};

// The replicas other than the dead one (all three without one).
NodeSet survivors(const std::optional<Dead>& dead) {
  NodeSet out;
  for (int r = 0; r < 3; ++r) {
    if (!dead || r != dead->replica) out.push_back("r" + std::to_string(r));
  }
  return out;
}

// True for a raw fault that would bring the dead replica back: it is left out.
bool revives(const RawFault& f, const std::optional<Dead>& dead) {
  return dead && std::get<1>(f) == 1 && std::get<2>(f) == dead->replica;
}

// Kinds 0-6 are for every protocol; 7-11 involve the ZooKeeper node (zk runs only).
constexpr int kKinds = 7;
constexpr int kZkKinds = 12;

FaultAction action_of(const RawFault& f) {
  const auto [t, kind, a, b] = f;
  switch (kind) {
    case 0:
      return Crash{node(a)};
    case 1:
      return Restart{node(a)};
    case 2:
      return Partition{{node(a), {"*"}}};
    case 3:
      return Cut{node(a), node(b)};
    case 4:
      return KillAll{};
    case 5:
      return RestartAll{};
    case 7:
      return Partition{{node(a), {"zk"}}};
    case 8:
      return Pause{node(a)};
    case 9:
      return Resume{{"*"}};
    case 10:
      return Crash{{"zk"}};
    case 11:
      return Restart{{"zk"}};
    default:
      return Heal{};
  }
}

// The failing schedule as a scenario file, so `faultline run FILE --seed N`
// reproduces it outside the test (scenarios/README.md documents the format).
std::string scenario_file(const std::vector<RawFault>& raw, const std::string& protocol = "paxos",
                          const std::optional<Dead>& dead = std::nullopt) {
  nlohmann::json faults = nlohmann::json::array();
  if (dead)
    faults.push_back({{"at", std::to_string(dead->at * 100) + "ms"}, {"crash", "r" + std::to_string(dead->replica)}});
  for (const RawFault& fault : raw) {
    if (revives(fault, dead)) continue;
    const auto [t, kind, a, b] = fault;
    nlohmann::json f{{"at", std::to_string(t * 100) + "ms"}};
    const std::string r = "r" + std::to_string(a);
    switch (kind) {
      case 0:
        f["crash"] = r;
        break;
      case 1:
        f["restart"] = r;
        break;
      case 2:
        f["partition"] = {{r}, {"*"}};
        break;
      case 3:
        f["cut"] = {{"from", {r}}, {"to", {"r" + std::to_string(b)}}};
        break;
      case 4:
        f["kill_all"] = true;
        break;
      case 5:
        if (dead) {
          f["restart"] = survivors(dead);
        } else {
          f["restart_all"] = true;
        }
        break;
      case 7:
        f["partition"] = {{r}, {"zk"}};
        break;
      case 8:
        f["pause"] = r;
        break;
      case 9:
        f["resume"] = "*";
        break;
      case 10:
        f["crash"] = "zk";
        break;
      case 11:
        f["restart"] = "zk";
        break;
      default:
        f["heal"] = true;
        break;
    }
    faults.push_back(f);
  }
  faults.push_back({{"at", "7500ms"}, {"heal", true}});
  if (dead) {
    faults.push_back({{"at", "7500ms"}, {"restart", survivors(dead)}});
  } else {
    faults.push_back({{"at", "7500ms"}, {"restart_all", true}});
  }
  if (protocol != "paxos") {
    faults.push_back({{"at", "7500ms"}, {"resume", "*"}});
    faults.push_back({{"at", "7500ms"}, {"restart", "zk"}});
  }
  const nlohmann::json scenario{
      {"name", "random-schedule"},
      {"cluster", {{"protocol", protocol}, {"max_log_size", 40}, {"checkpoint_interval", 10}}},
      {"workload", {{"clients", 3}, {"keys", 4}, {"rate_hz", 30}}},
      {"faults", faults},
      {"duration", "8s"},
      {"quiesce", "8s"},
      {"expect", {{"progress", "after-heal"}}}};
  return scenario.dump(2);
}

Scenario scenario_for(const std::vector<RawFault>& raw, const std::string& protocol = "paxos",
                      const std::optional<Dead>& dead = std::nullopt) {
  Scenario s;
  s.name = "random-schedule";
  s.cluster.protocol = protocol;
  s.cluster.max_log_size = 40;  // small, so checkpoints and log collection happen often
  s.cluster.checkpoint_interval = 10;
  s.workload.clients = 3;
  s.workload.keys = 4;
  s.workload.rate_hz = 30;
  s.duration_us = 8 * kSeconds;
  s.quiesce_us = 8 * kSeconds;
  s.expect.progress = Progress::kAfterHeal;
  const auto origin = [&] { return "faults[" + std::to_string(s.faults.size()) + "]"; };
  if (dead) s.faults.push_back({dead->at * 100 * kMillis, Crash{node(dead->replica)}, origin()});
  for (const RawFault& f : raw) {
    if (revives(f, dead)) continue;
    FaultAction action = action_of(f);
    if (dead && std::holds_alternative<RestartAll>(action)) action = Restart{survivors(dead)};
    s.faults.push_back({std::get<0>(f) * 100 * kMillis, action, origin()});
  }
  // The liveness phase: heal everything and bring every replica back (but the dead one).
  s.faults.push_back({7500 * kMillis, Heal{}, origin()});
  if (dead) {
    s.faults.push_back({7500 * kMillis, Restart{survivors(dead)}, origin()});
  } else {
    s.faults.push_back({7500 * kMillis, RestartAll{}, origin()});
  }
  if (protocol != "paxos") {
    s.faults.push_back({7500 * kMillis, Resume{{"*"}}, origin()});
    s.faults.push_back({7500 * kMillis, Restart{{"zk"}}, origin()});
  }
  std::stable_sort(s.faults.begin(), s.faults.end(),
                   [](const TimedFault& x, const TimedFault& y) { return x.at_us < y.at_us; });
  return s;
}

TEST(PaxosRecovery, the_printed_scenario_file_reproduces_the_schedule_exactly) {
  // The reproduction printed on failure must be the very run the property made.
  const std::vector<RawFault> raw{{5, 0, 1, 0},  {20, 2, 0, 0}, {40, 6, 0, 0}, {45, 3, 2, 1},
                                  {50, 4, 0, 0}, {60, 5, 0, 0}, {65, 1, 1, 0}};
  auto parsed = parse_scenario(scenario_file(raw), "printed");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ScenarioError>(parsed).message();
  RunOptions options;
  options.seed = 11;
  EXPECT_EQ(run_scenario(std::get<Scenario>(parsed), options).trace_hash,
            run_scenario(scenario_for(raw), options).trace_hash);
}

// Up to 8 random faults, then heal and bring everything back; every enforced check
// must pass, and a failure prints the scenario file that reproduces it.
void random_schedule_keeps_every_check(const std::string& protocol, int kinds,
                                       const std::optional<Dead>& dead = std::nullopt) {
  auto raw = *rc::gen::container<std::vector<RawFault>>(rc::gen::tuple(
      rc::gen::inRange(3, 70), rc::gen::inRange(0, kinds), rc::gen::inRange(0, 3), rc::gen::inRange(0, 3)));
  if (raw.size() > 8) raw.resize(8);
  const auto seed = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
  RunOptions options;
  options.seed = seed;
  const RunResult result = run_scenario(scenario_for(raw, protocol, dead), options);
  for (const CheckResult& c : result.checks) {
    if (c.enforced && c.verdict == Verdict::kFail) {
      RC_FAIL("seed " + std::to_string(seed) + ": " + c.name + ": " + c.detail +
              "\nreproduce with `faultline run FILE --seed " + std::to_string(seed) + "` where FILE holds:\n" +
              scenario_file(raw, protocol, dead));
    }
  }
}

RC_GTEST_PROP(PaxosRecovery, random_fault_schedules_keep_every_check, ()) {
  random_schedule_keeps_every_check("paxos", kKinds);
}

// The same for the zk protocol, with faults of ZooKeeper itself and of the links to
// it, and pauses (a leader acting on stale beliefs after it resumes).
RC_GTEST_PROP(ZkRecovery, random_fault_schedules_keep_every_check, ()) {
  random_schedule_keeps_every_check("zk", kZkKinds);
}

// The same with one replica down for good while ZooKeeper is cut off, crashes and
// restarts around it: the cluster must not rely on every replica coming back (a
// final restart of all would hide a leaderless or stuck pair of survivors).
RC_GTEST_PROP(ZkRecovery, a_replica_down_for_good_amid_zookeeper_faults_keeps_every_check, ()) {
  const Dead dead{*rc::gen::inRange(0, 3), *rc::gen::inRange(3, 30)};
  random_schedule_keeps_every_check("zk", kZkKinds, dead);
}

TEST(ZkRecovery, the_printed_scenario_file_reproduces_the_schedule_exactly) {
  const std::vector<RawFault> raw{{5, 7, 0, 0},   {20, 8, 1, 0}, {30, 9, 0, 0}, {40, 10, 0, 0},
                                  {45, 11, 0, 0}, {50, 0, 0, 0}, {55, 5, 0, 0}, {60, 1, 0, 0}};
  for (const std::optional<Dead> dead : {std::optional<Dead>{}, std::optional<Dead>{Dead{0, 10}}}) {
    auto parsed = parse_scenario(scenario_file(raw, "zk", dead), "printed");
    ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ScenarioError>(parsed).message();
    RunOptions options;
    options.seed = 11;
    const RunResult from_file = run_scenario(std::get<Scenario>(parsed), options);
    EXPECT_EQ(from_file.trace_hash, run_scenario(scenario_for(raw, "zk", dead), options).trace_hash);
    if (dead) {
      // r0 stays down: its restart is left out, restart_all spares it, and it is not
      // among the live tables at the end.
      EXPECT_EQ(std::get<Scenario>(parsed).faults.size(), raw.size() - 1 + 1 + 4);
      ASSERT_EQ(from_file.final_tables.size(), 2u);
      EXPECT_EQ(from_file.final_tables[0].id, NodeId(1));
      EXPECT_EQ(from_file.final_tables[1].id, NodeId(2));
    }
  }
}

TEST(PaxosRecovery, shrinking_reduces_a_failing_schedule_for_a_broken_replica) {
  // Replicas that never sync lose acknowledged writes when replicas crash. rapidcheck
  // must find that and shrink the schedule that shows it: the last failing schedule
  // it tries is its result, no longer than the first, and minimal in the sense
  // shrinking guarantees: leaving out any one of its faults makes the run pass.
  // (How small depends on rapidcheck's random seed, so no absolute size is asserted.)
  const auto never_sync = [](NodeId id) -> std::unique_ptr<Replica> {
    paxos::Config c = paxos_config(scenario_for({}).cluster, id);
    c.mutation = paxos::Mutation::kNeverSync;
    return std::make_unique<paxos::PaxosReplica>(c, std::make_unique<GradeApp>(std::make_unique<SqliteStore>()));
  };
  const auto fails = [&](const std::vector<RawFault>& raw) {
    RunOptions options;
    options.seed = 5;
    return run_scenario_with(scenario_for(raw), options, never_sync).exit_code() == 1;
  };
  std::size_t first_failing = 0;
  std::vector<RawFault> smallest;
  const bool held = rc::check("never-sync replicas survive random schedules", [&] {
    auto raw = *rc::gen::container<std::vector<RawFault>>(rc::gen::tuple(
        rc::gen::inRange(3, 70), rc::gen::inRange(0, 7), rc::gen::inRange(0, 3), rc::gen::inRange(0, 3)));
    if (raw.size() > 8) raw.resize(8);
    const bool failed = fails(raw);
    if (failed) {
      if (first_failing == 0) first_failing = raw.size();
      smallest = raw;
    }
    RC_ASSERT(!failed);
  });
  ASSERT_FALSE(held) << "a replica that never syncs must fail some schedule";
  EXPECT_LE(smallest.size(), first_failing);
  for (std::size_t i = 0; i < smallest.size(); ++i) {
    std::vector<RawFault> without = smallest;
    without.erase(without.begin() + static_cast<std::ptrdiff_t>(i));
    EXPECT_FALSE(fails(without)) << "fault " << i << " of the shrunk schedule is not needed:\n"
                                 << scenario_file(smallest);
  }
}

}  // namespace
}  // namespace fl::sim
