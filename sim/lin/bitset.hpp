// The set of operations linearized so far, as one bit per operation with an
// incrementally maintained hash: the first half of a Lowe cache key ("Testing for
// Linearizability", Lowe 2017, §4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

// A fixed-size bitset whose hash is the xor of a random-looking word per member
// (Zobrist hashing), so adding or removing one op costs O(1) instead of rehashing
// all words at every search step.
class Bitset {
 public:
  explicit Bitset(std::size_t bits) : words_((bits + 63) / 64, 0) {}

  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1U; }
  void set(std::size_t i) {
    if (!test(i)) flip(i);
  }
  void clear(std::size_t i) {
    if (test(i)) flip(i);
  }
  std::uint64_t hash() const { return hash_; }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  void flip(std::size_t i) {
    words_[i / 64] ^= std::uint64_t{1} << (i % 64);
    hash_ ^= mix64(i);
  }

  std::vector<std::uint64_t> words_;
  std::uint64_t hash_ = 0;
};

}  // namespace fl::sim::lin
