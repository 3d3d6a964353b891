#include "sim/kernel/rng.hpp"

#include <cmath>

#include "rsm/core/assert.hpp"

namespace fl::sim {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Rng Rng::stream(std::uint64_t seed, std::string_view name) {
  // FNV-1a of the name, mixed with the seed: a stable, platform-independent key.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  std::uint64_t state = seed ^ h;
  return Rng(splitmix64(state));
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = splitmix64(state);
}

std::uint64_t Rng::next() {
  const auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

namespace {

// The full 128-bit product of two 64-bit words as (high, low), in ISO C++: the
// compiler's __int128 is an extension that -Wpedantic rejects, and the result must
// not depend on which compiler built the run.
struct Wide {
  std::uint64_t hi;
  std::uint64_t lo;
};

Wide multiply_wide(std::uint64_t a, std::uint64_t b) {
  const std::uint64_t a_lo = a & 0xffffffffULL, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xffffffffULL, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo;
  const std::uint64_t hi_lo = a_hi * b_lo;
  const std::uint64_t lo_hi = a_lo * b_hi;
  const std::uint64_t hi_hi = a_hi * b_hi;
  // The middle column cannot overflow: at most (2^32-1)^2 + 2(2^32-1) = 2^64-1.
  const std::uint64_t middle = (lo_lo >> 32) + (hi_lo & 0xffffffffULL) + lo_hi;
  return Wide{hi_hi + (hi_lo >> 32) + (middle >> 32), (middle << 32) | (lo_lo & 0xffffffffULL)};
}

}  // namespace

std::uint64_t Rng::below(std::uint64_t bound) {
  FL_ASSERT(bound > 0);
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  Wide m = multiply_wide(next(), bound);
  if (m.lo < bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    while (m.lo < threshold) m = multiply_wide(next(), bound);
  }
  return m.hi;
}

std::int64_t Rng::between(std::int64_t lo, std::int64_t hi) {
  FL_ASSERT(lo <= hi);
  // Unsigned arithmetic: hi - lo and lo + offset overflow int64 for wide ranges.
  const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
  if (span == 0) return static_cast<std::int64_t>(next());  // the full 64-bit range
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + below(span));
}

double Rng::unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool Rng::bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return unit() < p;
}

Micros Rng::exponential(Micros mean_us) {
  if (mean_us <= 0) return 0;
  // Inverse transform; 1 - unit() is in (0, 1], so the log is finite.
  const double x = -std::log(1.0 - unit()) * static_cast<double>(mean_us);
  return static_cast<Micros>(std::llround(x));
}

}  // namespace fl::sim
