// Lowe's memoization for the Wing & Gong search ("Testing for Linearizability",
// Lowe 2017, §4): a configuration (set of linearized ops, model state) that was
// reached once need not be explored again, because what can follow depends only on
// that pair. Porcupine (Athalye) keeps the same cache.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "rsm/core/assert.hpp"
#include "sim/lin/bitset.hpp"
#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

// A hash set of (linearized set, state) pairs with flat storage: the sets of all
// entries share one word array, so an insertion allocates nothing most of the time.
// Lookup never iterates in hash order, so the set cannot influence a verdict's text.
template <class State>
class LoweCache {
 public:
  // `expected` entries fit before the first growth: a history of n ops usually
  // caches about n configurations, and thousands of small per-key searches should
  // not each clear a large table.
  // The reservation is capped at kReserveBytes of sets: with a million ops a set is
  // 125 KB, and reserving one per op up front would ask for 125 GB before the memory
  // budget is ever consulted.
  explicit LoweCache(std::size_t words_per_set, std::size_t expected = 512) : words_(words_per_set) {
    const std::size_t set_bytes = std::max<std::size_t>(1, words_per_set * sizeof(std::uint64_t));
    expected = std::min(expected, std::max<std::size_t>(512, kReserveBytes / set_bytes));
    slots_.assign(std::bit_ceil(std::max<std::size_t>(16, expected * 2)), 0);
    hashes_.reserve(expected);
    states_.reserve(expected);
    set_words_.reserve(expected * words_per_set);
  }

  static constexpr std::size_t kReserveBytes = std::size_t{64} << 20;

  // Adds the pair unless an equal one is present; true if it was new. `state_hash`
  // is the model's hash of `state`.
  bool insert(const Bitset& set, const State& state, std::uint64_t state_hash) {
    const std::uint64_t hash = set.hash() ^ mix64(state_hash + 0x5bd1e995ULL);
    const std::size_t slot = find_slot(hash, set, state);
    if (slots_[slot] != 0) return false;
    FL_ASSERT(hashes_.size() < 0xffffffffULL, "Lowe cache index overflow");
    hashes_.push_back(hash);
    states_.push_back(state);
    set_words_.insert(set_words_.end(), set.words().begin(), set.words().end());
    slots_[slot] = static_cast<std::uint32_t>(hashes_.size());
    if (hashes_.size() * 2 > slots_.size()) grow();
    return true;
  }

  std::size_t size() const { return hashes_.size(); }

  // Memory held, not counting heap storage owned by the states themselves; the
  // search compares it with its memory budget.
  std::size_t approx_bytes() const {
    return set_words_.size() * sizeof(std::uint64_t) + states_.size() * sizeof(State) +
           hashes_.size() * sizeof(std::uint64_t) + slots_.size() * sizeof(std::uint32_t);
  }

 private:
  // Linear probing: the slot holding an equal entry, or the empty slot where it goes.
  std::size_t find_slot(std::uint64_t hash, const Bitset& set, const State& state) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
      const std::uint32_t index_plus_one = slots_[slot];
      if (index_plus_one == 0) return slot;
      if (matches(index_plus_one - 1, hash, set, state)) return slot;
    }
  }

  bool matches(std::size_t index, std::uint64_t hash, const Bitset& set, const State& state) const {
    if (hashes_[index] != hash) return false;
    const auto first = set_words_.begin() + static_cast<std::ptrdiff_t>(index * words_);
    return std::equal(set.words().begin(), set.words().end(), first) && states_[index] == state;
  }

  // Doubles the table and re-places every entry by its stored hash.
  void grow() {
    std::vector<std::uint32_t> bigger(slots_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::size_t index = 0; index < hashes_.size(); ++index) {
      std::size_t slot = hashes_[index] & mask;
      while (bigger[slot] != 0) slot = (slot + 1) & mask;
      bigger[slot] = static_cast<std::uint32_t>(index + 1);
    }
    slots_ = std::move(bigger);
  }

  std::size_t words_;
  std::vector<std::uint64_t> set_words_;  // entry i's set is words [i*words_, (i+1)*words_)
  std::vector<State> states_;
  std::vector<std::uint64_t> hashes_;
  std::vector<std::uint32_t> slots_;  // power-of-two table: 0 is empty, else entry index + 1
};

}  // namespace fl::sim::lin
