// The swarm nemesis: per seed, which fault kinds are on and how often and how long
// each strikes (Groce et al., "Swarm Testing", ISSTA 2012), then a schedule in which
// faults of different kinds overlap. Planned ahead from the seed alone, so it cannot
// know which replica leads: a fault aimed at "leader" is undone by an action that
// needs no name (resume every replica, restart every replica no other fault holds),
// and a network fault aimed at it overlaps no other network fault, because a heal
// removes every partition and cut and the others are then applied again by name.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "rsm/core/assert.hpp"
#include "sim/scenario/nemesis.hpp"

namespace fl::sim {
namespace {

// A lagging replica stays down at least this long, so the others can move on
// (checkpoint and collect their logs) without it.
constexpr Micros kLaggingHeadStartUs = 1 * kSeconds;
// It is crashed again at most this soon after its restart, while it catches up.
constexpr Micros kLaggingRecrashMaxUs = 500 * kMillis;
// A burst adds at most this much latency (the scenario's election timeouts are
// hundreds of milliseconds; the burst slows the cluster, it does not partition it).
constexpr Micros kBurstLatencyMaxUs = 20 * kMillis;
constexpr Micros kNever = std::numeric_limits<Micros>::max();

std::size_t index_of(SwarmKind kind) { return static_cast<std::size_t>(kind); }

Micros round_ms(double us) { return static_cast<Micros>(std::llround(us / static_cast<double>(kMillis))) * kMillis; }

// Two decimals, so traces and descriptions show what the run really used.
double hundredths(double x) { return std::floor(x * 100.0) / 100.0; }

// Log-uniform in [lo, hi], in whole milliseconds when the bounds allow: short and
// long durations are equally likely orders of magnitude.
Micros log_uniform(Rng& rng, Micros lo, Micros hi) {
  FL_ASSERT(lo > 0);
  if (hi <= lo) return lo;
  const double a = std::log(static_cast<double>(lo));
  const double b = std::log(static_cast<double>(hi));
  return std::clamp(round_ms(std::exp(a + rng.unit() * (b - a))), lo, hi);
}

// Uniform in [lo, hi], in whole milliseconds when the bounds allow. Occurrences of
// a kind are uniform below the longest (drawn log-uniformly per seed), so a seed whose
// faults may last seconds mostly has long ones, and the mix of short and long faults
// varies from seed to seed rather than within one.
Micros uniform(Rng& rng, Micros lo, Micros hi) {
  if (hi <= lo) return lo;
  return std::clamp(round_ms(static_cast<double>(lo) + rng.unit() * static_cast<double>(hi - lo)), lo, hi);
}

// Whether this run can host the kind at all (the parser already rejected kinds
// named in "kinds" that the cluster cannot host; zk ones depend on the protocol).
bool hostable(SwarmKind kind, const NemesisSpec& spec, int replicas, bool has_zk) {
  if (std::find(spec.kinds.begin(), spec.kinds.end(), kind) == spec.kinds.end()) return false;
  switch (kind) {
    case SwarmKind::kCrash:
    case SwarmKind::kLagging:
      return spec.crashed_max >= 1;
    case SwarmKind::kPartition:
    case SwarmKind::kCut:
      return replicas >= 2;
    case SwarmKind::kBridge:
      return replicas >= 3;
    case SwarmKind::kZkCrash:
    case SwarmKind::kZkCut:
      return has_zk;
    default:
      return true;
  }
}

std::string name(int replica) { return "r" + std::to_string(replica); }

// A fault of the swarm between its start and its end, and what it holds meanwhile.
struct ActiveFault {
  SwarmKind kind;
  Micros end_us = 0;
  NodeSet down{};                        // replicas it crashed, by name
  bool down_now = false;                 // whether `down` is crashed right now (lagging restarts in between)
  bool leader_down = false;              // it crashed "leader", whichever replica that was
  NodeSet paused{};                      // the replica it paused, by name
  bool leader_paused = false;            // it paused "leader"
  std::optional<FaultAction> network{};  // its partition or cut, by name, applied again after heals
  bool network_exclusive = false;        // its partition or cut names "leader": nothing may overlap it
  std::optional<FaultAction> undo{};     // kill_all, burst, zk_crash: what ends it
  std::vector<std::pair<Micros, FaultAction>> steps{};  // lagging: restart, then crash again
};

// Plans the faults of one run from the drawn configuration; see the file comment.
class SwarmPlanner {
 public:
  SwarmPlanner(const NemesisSpec& spec, int replicas, Micros stop_us, const SwarmConfig& config, Rng& rng)
      : spec_(spec), replicas_(replicas), stop_us_(stop_us), config_(config) {
    // One stream per kind, so one kind's draws never shift another's arrivals.
    for (std::size_t k = 0; k < kSwarmKindCount; ++k) rngs_.emplace_back(rng.next());
    for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
      next_arrival_[k] = config_.kinds[k].enabled ? spec_.start_us + gap(k) : kNever;
    }
  }

  std::vector<TimedFault> plan() {
    for (Micros t = next_instant(); t < stop_us_; t = next_instant()) {
      end_faults(t);
      for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
        if (next_arrival_[k] != t) continue;
        start(static_cast<SwarmKind>(k), t);
        next_arrival_[k] = t + gap(k);
      }
    }
    for (ActiveFault& f : active_) f.end_us = stop_us_;
    end_faults(stop_us_);
    FL_ASSERT(active_.empty());
    return std::move(out_);
  }

 private:
  Micros gap(std::size_t k) {
    return std::max<Micros>(kMillis, round_ms(static_cast<double>(rngs_[k].exponential(config_.kinds[k].gap_us))));
  }
  Micros length(SwarmKind kind) {
    return uniform(rngs_[index_of(kind)], spec_.fault_min_us, config_.kinds[index_of(kind)].longest_us);
  }

  Micros next_instant() const {
    Micros t = *std::min_element(next_arrival_.begin(), next_arrival_.end());
    for (const ActiveFault& f : active_) {
      t = std::min(t, f.end_us);
      if (!f.steps.empty()) t = std::min(t, f.steps.front().first);
    }
    return t;
  }

  void emit(Micros t, FaultAction action) { out_.push_back(TimedFault{t, std::move(action), "nemesis"}); }

  // Steps and ends due at t, in start order; one heal, and the surviving partitions
  // and cuts again, if a network fault ended.
  void end_faults(Micros t) {
    bool heal = false;
    for (std::size_t i = 0; i < active_.size();) {
      ActiveFault& f = active_[i];
      // At the stop, steps still due are dropped: the end restarts what is down.
      while (t < stop_us_ && !f.steps.empty() && f.steps.front().first == t) {
        emit(t, f.steps.front().second);
        f.down_now = std::holds_alternative<Crash>(f.steps.front().second);
        f.steps.erase(f.steps.begin());
      }
      if (f.end_us > t) {
        ++i;
        continue;
      }
      ActiveFault ended = std::move(f);
      active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(i));
      heal = finish(t, ended) || heal;
    }
    if (!heal) return;
    emit(t, Heal{});
    for (const ActiveFault& f : active_) {
      if (f.network) emit(t, *f.network);
    }
  }

  // Emits what undoes `f` (already out of active_); true if it was a network fault.
  bool finish(Micros t, const ActiveFault& f) {
    if (f.network || f.network_exclusive) return true;
    if (f.leader_down) emit(t, Restart{replicas_not_held()});
    if (!f.down.empty() && f.down_now) emit(t, Restart{f.down});
    if (f.leader_paused) emit(t, Resume{all_replicas()});
    if (!f.paused.empty()) emit(t, Resume{f.paused});
    if (f.undo) emit(t, *f.undo);
    return false;
  }

  void start(SwarmKind kind, Micros t);
  void start_crash(Micros t, Rng& rng);
  void start_pause(Micros t, Rng& rng);
  void start_lagging(Micros t, Rng& rng);
  void start_network(SwarmKind kind, Micros t, Rng& rng);
  std::optional<FaultAction> named_network_fault(SwarmKind kind, Rng& rng);
  FaultAction leader_network_fault(SwarmKind kind, Rng& rng);
  void start_burst(Micros t, Rng& rng);

  bool active(SwarmKind kind) const {
    return std::any_of(active_.begin(), active_.end(), [&](const ActiveFault& f) { return f.kind == kind; });
  }
  bool leader_crash_active() const {
    return std::any_of(active_.begin(), active_.end(), [](const ActiveFault& f) { return f.leader_down; });
  }
  bool exclusive_network_active() const {
    return std::any_of(active_.begin(), active_.end(), [](const ActiveFault& f) { return f.network_exclusive; });
  }
  bool network_active() const {
    return std::any_of(active_.begin(), active_.end(),
                       [](const ActiveFault& f) { return f.network || f.network_exclusive; });
  }
  // Replicas held down by crash and lagging faults (a leader crash counts one).
  int down_count() const {
    int n = 0;
    for (const ActiveFault& f : active_) n += static_cast<int>(f.down.size()) + (f.leader_down ? 1 : 0);
    return n;
  }
  NodeSet all_replicas() const {
    NodeSet all;
    for (int r = 0; r < replicas_; ++r) all.push_back(name(r));
    return all;
  }
  // Replicas no active fault holds down by name (a lagging one counts while up, too).
  NodeSet replicas_not_held() const {
    NodeSet free;
    for (const std::string& r : all_replicas()) {
      const bool held = std::any_of(active_.begin(), active_.end(), [&](const ActiveFault& f) {
        return std::find(f.down.begin(), f.down.end(), r) != f.down.end();
      });
      if (!held) free.push_back(r);
    }
    return free;
  }
  // `count` distinct names from `pool`, sorted (Fisher-Yates with the project's generator).
  static NodeSet pick(NodeSet pool, std::size_t count, Rng& rng) {
    for (std::size_t i = pool.size(); i > 1; --i) std::swap(pool[i - 1], pool[rng.below(i)]);
    pool.resize(std::min(count, pool.size()));
    std::sort(pool.begin(), pool.end());
    return pool;
  }

  const NemesisSpec& spec_;
  int replicas_;
  Micros stop_us_;
  SwarmConfig config_;
  std::vector<Rng> rngs_;
  std::array<Micros, kSwarmKindCount> next_arrival_{};
  std::vector<ActiveFault> active_;  // in start order
  std::vector<TimedFault> out_;
};

void SwarmPlanner::start(SwarmKind kind, Micros t) {
  Rng& rng = rngs_[index_of(kind)];
  const bool node_faults = active(SwarmKind::kCrash) || active(SwarmKind::kLagging) || active(SwarmKind::kPause);
  if (active(SwarmKind::kKillAll) && (kind == SwarmKind::kCrash || kind == SwarmKind::kPause ||
                                      kind == SwarmKind::kLagging || kind == SwarmKind::kKillAll)) {
    return;  // kill_all restarts every replica: it overlaps no other node fault
  }
  switch (kind) {
    case SwarmKind::kCrash:
      return start_crash(t, rng);
    case SwarmKind::kPause:
      return start_pause(t, rng);
    case SwarmKind::kLagging:
      return start_lagging(t, rng);
    case SwarmKind::kKillAll:
      if (node_faults) return;
      emit(t, KillAll{});
      active_.push_back(ActiveFault{.kind = kind, .end_us = t + length(kind), .undo = RestartAll{}});
      return;
    case SwarmKind::kBurst:
      return start_burst(t, rng);
    case SwarmKind::kZkCrash:
      if (active(kind)) return;
      emit(t, Crash{{"zk"}});
      active_.push_back(ActiveFault{.kind = kind, .end_us = t + length(kind), .undo = Restart{{"zk"}}});
      return;
    default:
      return start_network(kind, t, rng);
  }
}

// 1..crashed_max replicas by name, or the leader, within what crashed_max leaves.
void SwarmPlanner::start_crash(Micros t, Rng& rng) {
  const int room = spec_.crashed_max - down_count();
  const bool at_leader = rng.bernoulli(config_.leader_share);
  if (room <= 0) return;
  ActiveFault f{.kind = SwarmKind::kCrash, .end_us = t + length(SwarmKind::kCrash)};
  if (at_leader && !leader_crash_active()) {
    f.leader_down = true;
    emit(t, Crash{{"leader"}});
  } else {
    const NodeSet pool = replicas_not_held();
    if (pool.empty()) return;
    const auto most = std::min<std::uint64_t>(static_cast<std::uint64_t>(room), pool.size());
    f.down = pick(pool, 1 + rng.below(most), rng);
    f.down_now = true;
    emit(t, Crash{f.down});
  }
  active_.push_back(std::move(f));
}

// One replica by name, or the leader; one pause at a time, so a pause of "leader"
// can end by resuming every replica.
void SwarmPlanner::start_pause(Micros t, Rng& rng) {
  const bool at_leader = rng.bernoulli(config_.leader_share);
  if (active(SwarmKind::kPause)) return;
  ActiveFault f{.kind = SwarmKind::kPause, .end_us = t + length(SwarmKind::kPause)};
  if (at_leader) {
    f.leader_paused = true;
    emit(t, Pause{{"leader"}});
  } else {
    const NodeSet pool = replicas_not_held();
    if (pool.empty()) return;
    f.paused = pick(pool, 1, rng);
    emit(t, Pause{f.paused});
  }
  active_.push_back(std::move(f));
}

// Down for a while (the others checkpoint and collect their logs), restarted, then
// crashed again while it catches up, and restarted at the end.
void SwarmPlanner::start_lagging(Micros t, Rng& rng) {
  if (spec_.crashed_max - down_count() <= 0) return;
  const NodeSet pool = replicas_not_held();
  if (pool.empty()) return;
  ActiveFault f{.kind = SwarmKind::kLagging, .down = pick(pool, 1, rng), .down_now = true};
  const Micros restart_us = t + kLaggingHeadStartUs + length(SwarmKind::kLagging);
  const Micros recrash_us = restart_us + kMillis * rng.between(1, kLaggingRecrashMaxUs / kMillis);
  f.end_us = recrash_us + length(SwarmKind::kLagging);
  f.steps = {{restart_us, Restart{f.down}}, {recrash_us, Crash{f.down}}};
  emit(t, Crash{f.down});
  active_.push_back(std::move(f));
}

void SwarmPlanner::start_network(SwarmKind kind, Micros t, Rng& rng) {
  const bool at_leader = kind != SwarmKind::kBridge && rng.bernoulli(config_.leader_share);
  if (exclusive_network_active()) return;
  ActiveFault f{.kind = kind, .end_us = t + length(kind)};
  if (at_leader && !network_active()) {
    f.network_exclusive = true;
    emit(t, leader_network_fault(kind, rng));
  } else {
    f.network = named_network_fault(kind, rng);
    emit(t, *f.network);
  }
  active_.push_back(std::move(f));
}

// The leader alone, cut from everyone else (both ways or one way), or from ZooKeeper.
FaultAction SwarmPlanner::leader_network_fault(SwarmKind kind, Rng& rng) {
  const NodeSet leader{"leader"};
  if (kind == SwarmKind::kPartition) return Partition{{leader, {"*"}}};
  const std::uint64_t shape = rng.below(kind == SwarmKind::kZkCut ? 3 : 2);
  const NodeSet other = kind == SwarmKind::kZkCut ? NodeSet{"zk"} : NodeSet{"*"};
  if (shape == 2) return Partition{{leader, other}};
  return shape == 0 ? Cut{leader, other} : Cut{other, leader};
}

// Partitions and cuts by name only: "*" resolves to the same nodes every time, so
// applying them again after a heal restores exactly what was there.
std::optional<FaultAction> SwarmPlanner::named_network_fault(SwarmKind kind, Rng& rng) {
  NodeSet order = all_replicas();
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  const auto n = static_cast<std::uint64_t>(order.size());
  auto slice = [&](std::uint64_t from, std::uint64_t to) {
    NodeSet s(order.begin() + static_cast<std::ptrdiff_t>(from), order.begin() + static_cast<std::ptrdiff_t>(to));
    std::sort(s.begin(), s.end());
    return s;
  };
  if (kind == SwarmKind::kPartition) {
    // Groups of any size, the last one "*" (with ZooKeeper in zk runs): a minority
    // or a majority alone, or (one time in three) three groups where none may hold
    // a majority.
    const std::uint64_t first = 1 + rng.below(n - 1);
    if (n >= 3 && first < n - 1 && rng.below(3) == 0) {
      const std::uint64_t second = first + 1 + rng.below(n - 1 - first);
      return Partition{{slice(0, first), slice(first, second), {"*"}}};
    }
    return Partition{{slice(0, first), {"*"}}};
  }
  if (kind == SwarmKind::kBridge) {
    // order[0] is the bridge: named in no group, it reaches both halves.
    const std::uint64_t split = 2 + rng.below(n - 2);
    return Partition{{slice(1, split), slice(split, n)}};
  }
  const NodeSet one = slice(0, 1);
  const NodeSet other = kind == SwarmKind::kZkCut ? NodeSet{"zk"} : NodeSet{"*"};
  const std::uint64_t shape = rng.below(kind == SwarmKind::kZkCut ? 3 : 2);
  if (shape == 2) return Partition{{one, other}};
  return shape == 0 ? FaultAction{Cut{one, other}} : FaultAction{Cut{other, one}};
}

void SwarmPlanner::start_burst(Micros t, Rng& rng) {
  if (active(SwarmKind::kBurst)) return;
  const NetworkSpec& base = spec_.base_network;
  const BurstDraw& most = config_.burst;
  NetworkChange change;
  change.latency_us = base.latency_us + round_ms(rng.unit() * static_cast<double>(most.extra_latency_max_us));
  change.loss = hundredths(rng.unit() * most.loss_max);
  change.duplicate = hundredths(rng.unit() * most.duplicate_max);
  change.reorder = hundredths(rng.unit() * most.reorder_max);
  emit(t, change);
  NetworkChange back;
  back.latency_us = base.latency_us;
  back.loss = base.loss;
  back.duplicate = base.duplicate;
  back.reorder = base.reorder;
  active_.push_back(ActiveFault{.kind = SwarmKind::kBurst, .end_us = t + length(SwarmKind::kBurst), .undo = back});
}

}  // namespace

SwarmConfig draw_swarm(const NemesisSpec& spec, int replicas, bool has_zk, Rng& rng) {
  SwarmConfig c;
  std::vector<std::size_t> candidates;
  // Every kind draws its coin, rate and length, hostable or not, so a kind that is
  // added to or dropped from "kinds" leaves the others' draws alone.
  for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
    SwarmKindDraw& d = c.kinds[k];
    const bool coin = rng.bernoulli(0.5);
    d.gap_us = log_uniform(rng, spec.gap_min_us, spec.gap_max_us);
    d.longest_us = log_uniform(rng, spec.fault_min_us, spec.fault_max_us);
    if (!hostable(static_cast<SwarmKind>(k), spec, replicas, has_zk)) continue;
    candidates.push_back(k);
    d.enabled = coin;
  }
  c.leader_share = hundredths(rng.unit());
  c.burst.loss_max = 0.05 + hundredths(rng.unit() * 0.25);
  c.burst.duplicate_max = hundredths(rng.unit() * 0.2);
  c.burst.reorder_max = hundredths(rng.unit() * 0.5);
  c.burst.extra_latency_max_us = round_ms(rng.unit() * static_cast<double>(kBurstLatencyMaxUs));
  const bool none = std::none_of(c.kinds.begin(), c.kinds.end(), [](const SwarmKindDraw& d) { return d.enabled; });
  if (none && !candidates.empty()) c.kinds[candidates[rng.below(candidates.size())]].enabled = true;
  return c;
}

std::vector<TimedFault> expand_swarm(const NemesisSpec& spec, int replicas, bool has_zk, Micros stop_us, Rng rng) {
  const SwarmConfig config = draw_swarm(spec, replicas, has_zk, rng);
  return SwarmPlanner(spec, replicas, stop_us, config, rng).plan();
}

std::string describe_swarm(const NemesisSpec& spec, int replicas, bool has_zk, std::uint64_t seed) {
  if (!spec.swarm) return "";
  Rng rng = Rng::stream(seed, "nemesis");
  const SwarmConfig c = draw_swarm(spec, replicas, has_zk, rng);
  std::string on, off;
  for (std::size_t k = 0; k < kSwarmKindCount; ++k) {
    const SwarmKindDraw& d = c.kinds[k];
    const std::string kind(kSwarmKindNames[k]);
    if (!d.enabled) {
      if (std::find(spec.kinds.begin(), spec.kinds.end(), static_cast<SwarmKind>(k)) != spec.kinds.end()) {
        off += " " + kind;
      }
      continue;
    }
    on += " " + kind + "(every ~" + format_duration(d.gap_us) + ", up to " + format_duration(d.longest_us);
    if (k == index_of(SwarmKind::kCrash)) on += ", crashed_max " + std::to_string(spec.crashed_max);
    if (k == index_of(SwarmKind::kBurst)) {
      char text[96];
      std::snprintf(text, sizeof text, ", loss<=%.2f dup<=%.2f reorder<=%.2f latency+<=%s", c.burst.loss_max,
                    c.burst.duplicate_max, c.burst.reorder_max, format_duration(c.burst.extra_latency_max_us).c_str());
      on += text;
    }
    on += ")";
  }
  char share[32];
  std::snprintf(share, sizeof share, "%.0f%%", c.leader_share * 100.0);
  return "swarm:" + (on.empty() ? std::string(" nothing") : on) +
         "; off:" + (off.empty() ? std::string(" none") : off) + "; aimed at the leader: " + share;
}

}  // namespace fl::sim
