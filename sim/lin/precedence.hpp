// Ordering facts beyond real-time order (see Precedence in model.hpp), kept in the
// form the search needs: whether an op may be linearized now, updated in O(degree)
// as ops are linearized and taken back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sim/lin/entries.hpp"
#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

// The facts that tell the search something: not those real-time order already
// implies, nor those it contradicts. A contradicted fact can only come from a
// history that is not linearizable, which the model's steps then show in terms a
// person can follow, instead of as two ops that wait on each other.
std::vector<Precedence> useful_facts(std::span<const Interval> ops, std::span<const Precedence> facts);

// For each op, how many of the ops it must follow are not linearized yet.
class PrecedenceGate {
 public:
  // Keeps the useful ones of `facts`, which must name ops of `ops`.
  PrecedenceGate(std::span<const Interval> ops, std::span<const Precedence> facts);

  // True when every op that `op` must follow is linearized.
  bool open(std::size_t op) const { return waiting_[op] == 0; }
  // True when some op must follow `op`.
  bool has_successors(std::size_t op) const { return first_[op + 1] > first_[op]; }
  // Records that `op` was linearized, or taken back by a backtrack.
  void placed(std::size_t op) { shift(op, -1); }
  void unplaced(std::size_t op) { shift(op, +1); }

 private:
  void shift(std::size_t op, int delta);

  std::vector<std::int32_t> waiting_;
  std::vector<std::size_t> first_;  // successors of op i are successors_[first_[i] .. first_[i+1])
  std::vector<std::uint32_t> successors_;
};

}  // namespace fl::sim::lin
