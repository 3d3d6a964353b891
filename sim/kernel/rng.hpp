// Seeded randomness for one run: xoshiro256** seeded through splitmix64, with the
// project's own distribution helpers (std:: distributions differ between standard
// libraries, which would break "same seed, same trace" across machines).
#pragma once

#include <cstdint>
#include <string_view>

#include "rsm/core/types.hpp"

namespace fl::sim {

class Rng {
 public:
  // A generator for one named sub-stream of a run's seed. Streams depend only on
  // (seed, name), never on how much another stream has drawn, so adding a fault
  // does not shift the workload's choices.
  static Rng stream(std::uint64_t seed, std::string_view name);

  explicit Rng(std::uint64_t seed);

  std::uint64_t next();
  // Uniform in [0, bound) without modulo bias (Lemire). bound must be > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [lo, hi], inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double unit();
  bool bernoulli(double p);
  // Exponentially distributed duration with the given mean, rounded to microseconds.
  Micros exponential(Micros mean_us);

 private:
  std::uint64_t s_[4];
};

// splitmix64 step: also used to derive seeds and to mix hashes.
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace fl::sim
