// The random nemesis, expanded ahead of time into explicit timed faults.
//
// Classic mode: at a fixed interval it undoes its previous fault and injects a new
// one drawn by weight (crash, partition, one-way cut, whole-cluster kill). Swarm
// mode (Groce et al., "Swarm Testing", ISSTA 2012): per seed it draws which fault
// kinds are enabled and how often and how long each strikes, then lets faults of
// different kinds overlap. Either way the schedule is a pure function of the spec,
// the cluster's shape and the seed: the nemesis never looks at world state, so a
// schedule can be printed, shrunk and replayed as a plain fault list.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/rng.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// The whole nemesis schedule of one run, in the exact order the World applies it
// (times ascending; actions at one instant in list order), every fault with origin
// "nemesis". `duration_us` is the scenario's, for a spec whose stop is 0. The random
// choices come from Rng::stream(seed, "nemesis") only.
std::vector<TimedFault> expand_nemesis(const NemesisSpec& spec, int replicas, bool has_zk, Micros duration_us,
                                       std::uint64_t seed);

// What the swarm drew for one kind.
struct SwarmKindDraw {
  bool enabled = false;
  Micros gap_us = 0;      // mean time between occurrences (exponential inter-arrival)
  Micros longest_us = 0;  // each occurrence lasts uniformly in [fault_min, longest]
};

// The upper bounds of a burst's network parameters; each burst draws below them.
struct BurstDraw {
  double loss_max = 0.0;
  double duplicate_max = 0.0;
  double reorder_max = 0.0;
  Micros extra_latency_max_us = 0;
};

// The per-seed swarm configuration: which kinds, how often, how long.
struct SwarmConfig {
  std::array<SwarmKindDraw, kSwarmKindCount> kinds{};
  // Chance that a crash, pause, partition, cut or zk_cut aims at "leader" (resolved
  // when it fires) rather than at a random replica.
  double leader_share = 0.0;
  BurstDraw burst;
};

// Draws the swarm configuration from the start of the nemesis stream. Only kinds in
// spec.kinds that this run can host are enabled (zk kinds need has_zk); at least one
// is, if any can be.
SwarmConfig draw_swarm(const NemesisSpec& spec, int replicas, bool has_zk, Rng& rng);

// One line naming the enabled kinds with their rates and durations, the disabled
// ones and the leader share, for `run` to print with the seed. Empty for a classic spec.
std::string describe_swarm(const NemesisSpec& spec, int replicas, bool has_zk, std::uint64_t seed);

// Serves an expanded schedule to the World one instant at a time: the World pushes a
// tick at each of times(), and each tick returns that instant's actions in order.
class Nemesis {
 public:
  explicit Nemesis(std::vector<TimedFault> schedule);

  // The distinct instants of the schedule, ascending.
  std::vector<Micros> times() const;
  // The actions of the next instant. `last` is true for the final one (checked).
  std::vector<FaultAction> tick(bool last);

 private:
  std::vector<TimedFault> schedule_;
  std::size_t next_ = 0;
};

// The swarm half of expand_nemesis (sim/scenario/nemesis_swarm.cpp), for a spec with swarm set.
std::vector<TimedFault> expand_swarm(const NemesisSpec& spec, int replicas, bool has_zk, Micros stop_us, Rng rng);

}  // namespace fl::sim
