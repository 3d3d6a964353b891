// The nemesis expanded ahead of time: the classic mode gives exactly what the
// tick-driven nemesis gave, and the swarm mode keeps its promises (undone by the stop,
// crashed_max respected, "leader" faults undone without a name, zk faults in zk runs
// only, overlapping faults, every kind on for some seeds and off for others).
#include "sim/scenario/nemesis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

// The nemesis as it was before schedules were expanded (commit f873325), kept
// verbatim as the reference: each tick undoes the previous fault, then draws one.
class TickNemesis {
 public:
  TickNemesis(const NemesisSpec& spec, int replicas, Rng rng) : spec_(spec), replicas_(replicas), rng_(rng) {}

  std::vector<FaultAction> tick(bool last) {
    std::vector<FaultAction> actions = std::move(undo_);
    undo_.clear();
    if (!last) actions.push_back(draw());
    return actions;
  }

 private:
  NodeSet random_subset(int size) {
    std::vector<int> ids(static_cast<std::size_t>(replicas_));
    for (int i = 0; i < replicas_; ++i) ids[static_cast<std::size_t>(i)] = i;
    for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng_.below(i)]);
    ids.resize(static_cast<std::size_t>(size));
    std::sort(ids.begin(), ids.end());
    NodeSet names;
    for (int id : ids) names.push_back("r" + std::to_string(id));
    return names;
  }

  FaultAction draw() {
    const double total = spec_.crash + spec_.partition + spec_.cut + spec_.kill_all;
    double x = rng_.unit() * total;
    if ((x -= spec_.crash) < 0) {
      const int count = 1 + static_cast<int>(rng_.below(static_cast<std::uint64_t>(spec_.crashed_max)));
      NodeSet nodes = random_subset(count);
      undo_.push_back(Restart{nodes});
      return Crash{nodes};
    }
    if ((x -= spec_.partition) < 0) {
      const auto half = static_cast<std::uint64_t>(std::max(1, (replicas_ - 1) / 2));
      const int minority = 1 + static_cast<int>(rng_.below(half));
      NodeSet side = random_subset(std::min(minority, replicas_ - 1));
      undo_.push_back(Heal{});
      return Partition{{side, {"*"}}};
    }
    if ((x -= spec_.cut) < 0) {
      NodeSet from = random_subset(1);
      undo_.push_back(Heal{});
      return Cut{from, {"*"}};
    }
    undo_.push_back(RestartAll{});
    return KillAll{};
  }

  NemesisSpec spec_;
  int replicas_;
  Rng rng_;
  std::vector<FaultAction> undo_;
};

// What the World did with a TickNemesis: a tick at start, start + interval, ...
// before stop, and a last one at stop.
std::vector<TimedFault> drive_ticks(const NemesisSpec& spec, int replicas, Micros duration_us, std::uint64_t seed) {
  TickNemesis nemesis(spec, replicas, Rng::stream(seed, "nemesis"));
  const Micros stop = spec.stop_us > 0 ? spec.stop_us : duration_us;
  std::vector<TimedFault> out;
  for (Micros t = spec.start_us; t < stop; t += spec.interval_us) {
    for (auto& a : nemesis.tick(false)) out.push_back(TimedFault{t, a, "nemesis"});
  }
  for (auto& a : nemesis.tick(true)) out.push_back(TimedFault{stop, a, "nemesis"});
  return out;
}

// A readable, comparable form of a fault.
std::string names(const NodeSet& set) {
  std::string s = "[";
  for (std::size_t i = 0; i < set.size(); ++i) s += (i ? "," : "") + set[i];
  return s + "]";
}

std::string show(const FaultAction& action) {
  return std::visit(
      [](const auto& a) -> std::string {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, Crash>) return "crash " + names(a.nodes);
        if constexpr (std::is_same_v<T, Restart>) return "restart " + names(a.nodes);
        if constexpr (std::is_same_v<T, Pause>) return "pause " + names(a.nodes);
        if constexpr (std::is_same_v<T, Resume>) return "resume " + names(a.nodes);
        if constexpr (std::is_same_v<T, KillAll>) return "kill_all";
        if constexpr (std::is_same_v<T, RestartAll>) return "restart_all";
        if constexpr (std::is_same_v<T, Partition>) {
          std::string s = "partition";
          for (const auto& g : a.groups) s += " " + names(g);
          return s;
        }
        if constexpr (std::is_same_v<T, Cut>) return "cut " + names(a.from) + "->" + names(a.to);
        if constexpr (std::is_same_v<T, Heal>) return "heal";
        if constexpr (std::is_same_v<T, NetworkChange>) {
          char text[128];
          std::snprintf(text, sizeof text, "network latency=%lld loss=%.2f dup=%.2f reorder=%.2f",
                        static_cast<long long>(a.latency_us.value_or(-1)), a.loss.value_or(-1),
                        a.duplicate.value_or(-1), a.reorder.value_or(-1));
          return text;
        }
      },
      action);
}

std::vector<std::string> show(const std::vector<TimedFault>& faults) {
  std::vector<std::string> lines;
  for (const auto& f : faults) lines.push_back(std::to_string(f.at_us) + " " + show(f.action) + " (" + f.origin + ")");
  return lines;
}

TEST(Nemesis, classic_expansion_matches_the_tick_driven_nemesis_of_the_soak_scenario) {
  const Scenario s = fl::testing::load_shipped("13-nemesis-soak.json");
  ASSERT_TRUE(s.nemesis.has_value());
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    for (bool zk : {false, true}) {
      EXPECT_EQ(show(expand_nemesis(*s.nemesis, s.cluster.replicas, zk, s.duration_us, seed)),
                show(drive_ticks(*s.nemesis, s.cluster.replicas, s.duration_us, seed)))
          << "seed " << seed;
    }
  }
}

TEST(Nemesis, classic_expansion_matches_the_tick_driven_nemesis_for_every_weight_and_a_default_stop) {
  NemesisSpec spec;
  spec.interval_us = 700 * kMillis;
  spec.start_us = 300 * kMillis;
  spec.stop_us = 0;  // the end of the workload
  spec.kill_all = 0.5;
  spec.crashed_max = 2;
  for (std::uint64_t seed = 1; seed <= 30; ++seed) {
    const auto expanded = expand_nemesis(spec, 5, false, 9 * kSeconds, seed);
    EXPECT_EQ(show(expanded), show(drive_ticks(spec, 5, 9 * kSeconds, seed))) << "seed " << seed;
    EXPECT_EQ(expanded.back().at_us, 9 * kSeconds);
  }
}

TEST(Nemesis, serves_a_schedule_one_instant_at_a_time) {
  const std::vector<TimedFault> schedule = {{100, Crash{{"r1"}}, "nemesis"},
                                            {200, Restart{{"r1"}}, "nemesis"},
                                            {200, Partition{{{"r0"}, {"*"}}}, "nemesis"},
                                            {300, Heal{}, "nemesis"}};
  Nemesis nemesis(schedule);
  EXPECT_EQ(nemesis.times(), (std::vector<Micros>{100, 200, 300}));
  EXPECT_EQ(nemesis.tick(false).size(), 1u);
  const auto second = nemesis.tick(false);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<Restart>(second[0]));
  EXPECT_TRUE(std::holds_alternative<Partition>(second[1]));
  EXPECT_TRUE(std::holds_alternative<Heal>(nemesis.tick(true).at(0)));
}

// ---------------------------------------------------------------------------
// Swarm

NemesisSpec swarm_spec(int crashed_max, bool all_kinds) {
  NemesisSpec spec;
  spec.swarm = true;
  spec.start_us = 1 * kSeconds;
  spec.stop_us = 24 * kSeconds;
  spec.crashed_max = crashed_max;
  if (all_kinds) {
    spec.kinds.clear();
    for (std::size_t k = 0; k < kSwarmKindCount; ++k) spec.kinds.push_back(static_cast<SwarmKind>(k));
  }
  spec.base_network.loss = 0.01;
  return spec;
}

bool names_any(const NodeSet& set, const std::string& name) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

// What a schedule has done so far, as far as it can be known without a world: a
// fault aimed at "leader" holds some replica, unknown which.
class ScheduleModel {
 public:
  ScheduleModel(const NemesisSpec& spec, int replicas, bool has_zk)
      : spec_(spec), replicas_(replicas), has_zk_(has_zk) {}

  void apply(const TimedFault& f) {
    std::visit([&](const auto& a) { on(a); }, f.action);
    if (crashed_.size() + static_cast<std::size_t>(leader_crashed_) > static_cast<std::size_t>(spec_.crashed_max)) {
      ADD_FAILURE() << "more than crashed_max replicas down at t=" << f.at_us;
    }
  }

  // Everything undone: what the quiet period after the stop needs.
  void expect_clean() const {
    EXPECT_TRUE(crashed_.empty());
    EXPECT_EQ(leader_crashed_, 0);
    EXPECT_FALSE(zk_down_);
    EXPECT_TRUE(paused_.empty());
    EXPECT_EQ(leader_paused_, 0);
    EXPECT_FALSE(killed_);
    EXPECT_TRUE(network_.empty());
    EXPECT_EQ(loss_, spec_.base_network.loss);
    EXPECT_EQ(latency_us_, spec_.base_network.latency_us);
  }

  bool node_fault_active() const { return !crashed_.empty() || leader_crashed_ > 0 || killed_; }
  bool network_fault_active() const { return !network_.empty(); }
  bool pause_active() const { return !paused_.empty() || leader_paused_ > 0; }

 private:
  void check_zk(const NodeSet& set) const {
    if (!has_zk_ && names_any(set, "zk")) ADD_FAILURE() << "a zk fault in a run without ZooKeeper";
  }
  void on(const Crash& a) {
    check_zk(a.nodes);
    if (!names_any(a.nodes, "zk")) {
      EXPECT_FALSE(killed_) << "a replica crash during a kill_all";
    }
    for (const auto& n : a.nodes) {
      if (n == "leader")
        ++leader_crashed_;
      else if (n == "zk")
        zk_down_ = true;
      else
        EXPECT_TRUE(crashed_.insert(n).second) << n << " crashed twice";
    }
  }
  void on(const Restart& a) {
    // A restart naming a running replica is the one that ends a crash of "leader":
    // it names every replica that no other fault holds, so none this model knows down.
    const bool complement = std::any_of(a.nodes.begin(), a.nodes.end(),
                                        [&](const std::string& n) { return n != "zk" && !crashed_.contains(n); });
    for (const auto& n : a.nodes) {
      if (n == "zk")
        zk_down_ = false;
      else if (complement)
        EXPECT_FALSE(crashed_.contains(n)) << "restarting " << n << ", held by another fault";
      else
        crashed_.erase(n);
    }
    if (complement) leader_crashed_ = 0;
  }
  void on(const Pause& a) {
    EXPECT_FALSE(pause_active()) << "two pauses at once";
    if (names_any(a.nodes, "leader"))
      ++leader_paused_;
    else
      paused_.insert(a.nodes.begin(), a.nodes.end());
  }
  void on(const Resume& a) {
    if (a.nodes.size() == static_cast<std::size_t>(replicas_)) leader_paused_ = 0;
    for (const auto& n : a.nodes) paused_.erase(n);
  }
  void on(const KillAll&) {
    EXPECT_FALSE(node_fault_active() || pause_active()) << "kill_all overlapping another node fault";
    killed_ = true;
  }
  void on(const RestartAll&) { killed_ = false; }
  void network(const FaultAction& a, bool leader, bool zk) {
    if (zk && !has_zk_) ADD_FAILURE() << "a zk fault in a run without ZooKeeper";
    // A partition or cut of "leader" is applied once and never again after a heal.
    EXPECT_FALSE(leader_network_) << "a network fault overlapping one aimed at the leader";
    if (leader) {
      EXPECT_TRUE(network_.empty()) << "a network fault aimed at the leader overlapping another";
    }
    leader_network_ = leader;
    network_.push_back(show(a));
  }
  void on(const Partition& a) {
    bool leader = false, zk = false;
    for (const auto& g : a.groups) leader |= names_any(g, "leader"), zk |= names_any(g, "zk");
    network(a, leader, zk);
  }
  void on(const Cut& a) {
    network(a, names_any(a.from, "leader") || names_any(a.to, "leader"),
            names_any(a.from, "zk") || names_any(a.to, "zk"));
  }
  void on(const Heal&) {
    network_.clear();
    leader_network_ = false;
  }
  void on(const NetworkChange& a) {
    if (a.loss) loss_ = *a.loss;
    if (a.latency_us) latency_us_ = *a.latency_us;
  }

  const NemesisSpec& spec_;
  int replicas_;
  bool has_zk_;
  std::set<std::string> crashed_;
  int leader_crashed_ = 0;
  bool zk_down_ = false;
  std::set<std::string> paused_;
  int leader_paused_ = 0;
  bool killed_ = false;
  std::vector<std::string> network_;
  bool leader_network_ = false;
  double loss_ = spec_.base_network.loss;
  Micros latency_us_ = spec_.base_network.latency_us;
};

struct Shape {
  int replicas;
  int crashed_max;
  bool has_zk;
};

TEST(Swarm, every_schedule_stays_within_its_promises_and_is_undone_by_the_stop) {
  for (const Shape shape : {Shape{3, 1, false}, Shape{3, 1, true}, Shape{5, 2, false}, Shape{5, 2, true},
                            Shape{2, 1, true}, Shape{1, 0, false}}) {
    const NemesisSpec spec = swarm_spec(shape.crashed_max, shape.replicas >= 3 && shape.crashed_max >= 1);
    for (std::uint64_t seed = 1; seed <= 300; ++seed) {
      const auto schedule = expand_nemesis(spec, shape.replicas, shape.has_zk, 30 * kSeconds, seed);
      SCOPED_TRACE("replicas " + std::to_string(shape.replicas) + " zk " + std::to_string(shape.has_zk) + " seed " +
                   std::to_string(seed));
      ScheduleModel model(spec, shape.replicas, shape.has_zk);
      Micros last = 0;
      for (const TimedFault& f : schedule) {
        ASSERT_GE(f.at_us, std::max(last, spec.start_us));
        ASSERT_LE(f.at_us, spec.stop_us);
        EXPECT_EQ(f.origin, "nemesis");
        last = f.at_us;
        model.apply(f);
        if (::testing::Test::HasFailure()) return;
      }
      model.expect_clean();
    }
  }
}

TEST(Swarm, the_schedule_is_a_function_of_the_seed) {
  const NemesisSpec spec = swarm_spec(2, true);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    EXPECT_EQ(show(expand_nemesis(spec, 5, true, 30 * kSeconds, seed)),
              show(expand_nemesis(spec, 5, true, 30 * kSeconds, seed)));
    EXPECT_EQ(describe_swarm(spec, 5, true, seed), describe_swarm(spec, 5, true, seed));
  }
  EXPECT_NE(show(expand_nemesis(spec, 5, true, 30 * kSeconds, 1)),
            show(expand_nemesis(spec, 5, true, 30 * kSeconds, 2)));
}

// Faults overlap: some seeds crash a replica during a partition, and some keep a
// replica paused across the heal of another fault.
TEST(Swarm, faults_of_different_kinds_overlap) {
  const NemesisSpec spec = swarm_spec(1, true);
  int crash_in_partition = 0, pause_across_heal = 0, reapplied = 0;
  for (std::uint64_t seed = 1; seed <= 100; ++seed) {
    ScheduleModel model(spec, 3, true);
    std::optional<Micros> healed_at;
    for (const TimedFault& f : expand_nemesis(spec, 3, true, 30 * kSeconds, seed)) {
      const bool network = std::holds_alternative<Partition>(f.action) || std::holds_alternative<Cut>(f.action);
      if (std::holds_alternative<Crash>(f.action) && model.network_fault_active()) ++crash_in_partition;
      if (std::holds_alternative<Heal>(f.action) && model.pause_active()) ++pause_across_heal;
      if (network && healed_at == f.at_us) ++reapplied;
      if (std::holds_alternative<Heal>(f.action)) healed_at = f.at_us;
      model.apply(f);
    }
  }
  EXPECT_GT(crash_in_partition, 0);
  EXPECT_GT(pause_across_heal, 0);
  EXPECT_GT(reapplied, 0);
}

TEST(Swarm, zk_kinds_only_in_zk_runs_and_the_same_other_draws_either_way) {
  const NemesisSpec spec = swarm_spec(1, true);
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    Rng a = Rng::stream(seed, "nemesis"), b = Rng::stream(seed, "nemesis");
    const SwarmConfig with = draw_swarm(spec, 3, true, a);
    const SwarmConfig without = draw_swarm(spec, 3, false, b);
    EXPECT_FALSE(without.kinds[static_cast<std::size_t>(SwarmKind::kZkCrash)].enabled);
    EXPECT_FALSE(without.kinds[static_cast<std::size_t>(SwarmKind::kZkCut)].enabled);
    for (std::size_t k = 0; k < static_cast<std::size_t>(SwarmKind::kZkCrash); ++k) {
      EXPECT_EQ(with.kinds[k].gap_us, without.kinds[k].gap_us);
    }
  }
}

// Swarm testing's point: each kind is on for some seeds and off for others, so
// different seeds explore different mixes. Prints how often each kind is on.
TEST(Swarm, each_kind_is_enabled_on_about_half_of_the_seeds) {
  const NemesisSpec spec = swarm_spec(1, true);
  std::array<int, kSwarmKindCount> on{};
  int total = 0;
  const int seeds = 1000;
  for (std::uint64_t seed = 1; seed <= seeds; ++seed) {
    Rng rng = Rng::stream(seed, "nemesis");
    const SwarmConfig c = draw_swarm(spec, 3, true, rng);
    for (std::size_t k = 0; k < kSwarmKindCount; ++k) on[k] += c.kinds[k].enabled ? 1 : 0;
    total += static_cast<int>(std::count_if(c.kinds.begin(), c.kinds.end(), [](const auto& d) { return d.enabled; }));
  }
  std::string counts;
  for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
    counts += std::string(kSwarmKindNames[k]) + "=" + std::to_string(on[k]) + " ";
    EXPECT_GT(on[k], seeds * 4 / 10) << kSwarmKindNames[k];
    EXPECT_LT(on[k], seeds * 6 / 10) << kSwarmKindNames[k];
  }
  std::printf("swarm kinds enabled over seeds 1..%d (3 replicas, zk): %s; mean %.2f kinds per seed\n", seeds,
              counts.c_str(), static_cast<double>(total) / seeds);
}

TEST(Swarm, describe_names_the_drawn_kinds_and_is_empty_for_the_classic_nemesis) {
  const NemesisSpec spec = swarm_spec(1, true);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Rng rng = Rng::stream(seed, "nemesis");
    const SwarmConfig c = draw_swarm(spec, 3, true, rng);
    const std::string line = describe_swarm(spec, 3, true, seed);
    ASSERT_EQ(line.rfind("swarm: ", 0), 0u) << line;
    for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
      const std::string name(kSwarmKindNames[k]);
      const bool listed_on = line.find(" " + name + "(every ~") != std::string::npos;
      EXPECT_EQ(listed_on, c.kinds[k].enabled) << line;
    }
  }
  EXPECT_EQ(describe_swarm(NemesisSpec{}, 3, true, 1), "");
}

TEST(Swarm, kill_all_only_when_listed_in_kinds) {
  NemesisSpec spec = swarm_spec(1, false);  // the default kinds
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    for (const TimedFault& f : expand_nemesis(spec, 3, true, 30 * kSeconds, seed)) {
      ASSERT_FALSE(std::holds_alternative<KillAll>(f.action)) << "seed " << seed;
    }
  }
  spec.kinds = {SwarmKind::kKillAll};
  const auto schedule = expand_nemesis(spec, 3, true, 30 * kSeconds, 1);
  ASSERT_FALSE(schedule.empty());
  EXPECT_TRUE(std::holds_alternative<KillAll>(schedule.front().action));
}

// ---------------------------------------------------------------------------
// Parsing

std::string scenario_with_nemesis(const std::string& nemesis, const std::string& cluster = "{}") {
  return R"({"name": "n", "cluster": )" + cluster + R"(, "nemesis": )" + nemesis + "}";
}

ScenarioError parse_error(const std::string& text) {
  auto parsed = parse_scenario(text, "s.json");
  if (!std::holds_alternative<ScenarioError>(parsed)) {
    ADD_FAILURE() << "parsed: " << text;
    return {};
  }
  return std::get<ScenarioError>(parsed);
}

TEST(SwarmScenario, knobs_are_read_with_their_defaults) {
  auto parsed = parse_scenario(R"({"name": "n", "network": {"loss": 0.02},
      "nemesis": {"swarm": true, "kinds": ["crash", "kill_all"], "gap_min": "500ms", "gap_max": "2s",
                  "fault_min": "10ms", "fault_max": "1s", "stop": "8s"}})",
                               "s.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ScenarioError>(parsed).message();
  const NemesisSpec& n = *std::get<Scenario>(parsed).nemesis;
  EXPECT_TRUE(n.swarm);
  EXPECT_EQ(n.kinds, (std::vector<SwarmKind>{SwarmKind::kCrash, SwarmKind::kKillAll}));
  EXPECT_EQ(n.gap_min_us, 500 * kMillis);
  EXPECT_EQ(n.fault_max_us, 1 * kSeconds);
  EXPECT_DOUBLE_EQ(n.base_network.loss, 0.02);

  parsed =
      parse_scenario(scenario_with_nemesis(R"({"swarm": true})", R"({"replicas": 2, "protocol": "zk"})"), "s.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(parsed));
  const NemesisSpec& d = *std::get<Scenario>(parsed).nemesis;
  EXPECT_EQ(d.gap_max_us, 8 * kSeconds);
  EXPECT_EQ(d.fault_min_us, 50 * kMillis);
  // The default kinds less bridge (needs 3 replicas) and kill_all (only when listed).
  EXPECT_EQ(std::count(d.kinds.begin(), d.kinds.end(), SwarmKind::kBridge), 0);
  EXPECT_EQ(std::count(d.kinds.begin(), d.kinds.end(), SwarmKind::kKillAll), 0);
  EXPECT_EQ(d.kinds.size(), kSwarmKindCount - 2);
}

TEST(SwarmScenario, errors_name_the_field) {
  auto e = parse_error(scenario_with_nemesis(R"({"swarm": true, "interval": "1s"})"));
  EXPECT_EQ(e.field, "nemesis.interval");
  EXPECT_EQ(e.reason.rfind("not used by the swarm nemesis", 0), 0u) << e.reason;
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": true, "kill_all": 1})")).field, "nemesis.kill_all");
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"kinds": ["crash"]})")).reason, "only used when \"swarm\" is true");
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": true, "gap_mim": "1s"})")).field, "nemesis.gap_mim");
  e = parse_error(scenario_with_nemesis(R"({"swarm": true, "kinds": ["crash", "gc"]})"));
  EXPECT_EQ(e.field, "nemesis.kinds[1]");
  EXPECT_EQ(e.reason.rfind("unknown kind \"gc\" (allowed: crash, pause, lagging", 0), 0u) << e.reason;
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": true, "kinds": ["cut", "cut"]})")).field,
            "nemesis.kinds[1]");
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": true, "kinds": []})")).field, "nemesis.kinds");
  e = parse_error(scenario_with_nemesis(R"({"swarm": true, "kinds": ["bridge"]})", R"({"replicas": 2})"));
  EXPECT_EQ(e.field, "nemesis.kinds[0]");
  EXPECT_EQ(e.reason, "\"bridge\" needs at least 3 replicas");
  e = parse_error(scenario_with_nemesis(R"({"swarm": true, "kinds": ["lagging"], "crashed_max": 0})"));
  EXPECT_EQ(e.reason, "\"lagging\" needs crashed_max of at least 1");
  e = parse_error(scenario_with_nemesis(R"({"swarm": true, "gap_min": "9s"})"));
  EXPECT_EQ(e.field, "nemesis.gap_min");
  EXPECT_EQ(e.reason, "gap_max (8s) must not be below gap_min (9s)");
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": true, "fault_min": "0s"})")).field, "nemesis.fault_min");
  EXPECT_EQ(parse_error(scenario_with_nemesis(R"({"swarm": 1})")).field, "nemesis.swarm");
}

TEST(SwarmScenario, shipped_swarm_scenarios_parse_as_swarms) {
  for (const char* file : {"26-swarm-paxos.json", "27-swarm-zk.json"}) {
    const Scenario s = fl::testing::load_shipped(file);
    ASSERT_TRUE(s.nemesis.has_value()) << file;
    EXPECT_TRUE(s.nemesis->swarm) << file;
    EXPECT_FALSE(describe_swarm(*s.nemesis, s.cluster.replicas, true, 1).empty());
  }
}

}  // namespace
}  // namespace fl::sim
