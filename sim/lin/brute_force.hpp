// A deliberately simple linearizability checker, kept as the reference the
// optimized search is compared with in property tests (as etcd's quorum/quick_test.go
// compares its quorum code with a naive one). Exponential: for a handful of ops only.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {
namespace detail {

// Whether op `i` may be linearized before every other unplaced op: no determinate
// op still unplaced returned strictly before `i` was called (equal times are
// concurrent, as in the search's event list).
template <class Op>
bool may_go_next(std::span<const Op> ops, const std::vector<bool>& placed, std::size_t i) {
  for (std::size_t j = 0; j < ops.size(); ++j) {
    if (j == i || placed[j] || ops[j].indeterminate()) continue;
    if (ops[j].return_us < ops[i].call_us) return false;
  }
  return true;
}

template <Model M>
bool brute_force_from(const M& model, std::span<const OpOf<M>> ops, std::vector<bool>& placed,
                      const typename M::State& state) {
  bool all_known_placed = true;
  for (std::size_t i = 0; i < ops.size(); ++i) all_known_placed &= placed[i] || ops[i].indeterminate();
  if (all_known_placed) return true;  // indeterminate ops left over may be omitted
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (placed[i] || !may_go_next(ops, placed, i)) continue;
    auto next = model.step(state, ops[i].input, ops[i].output);
    if (!next) continue;
    placed[i] = true;
    const bool found = brute_force_from(model, ops, placed, *next);
    placed[i] = false;
    if (found) return true;
  }
  return false;
}

}  // namespace detail

// True if some order of the determinate ops and of any subset of the indeterminate
// ones respects real-time order and is legal for `model`, found by trying them all.
template <Model M>
bool brute_force_linearizable(const M& model, std::span<const OpOf<M>> ops) {
  std::vector<bool> placed(ops.size(), false);
  return detail::brute_force_from(model, ops, placed, model.init());
}

}  // namespace fl::sim::lin
