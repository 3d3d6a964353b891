// A linearizability counterexample as data rather than text, for pictures that mark
// the operations involved (the HTML report): the key, the longest linearizable
// prefix the search found, and the answered operations that may come next but
// cannot be placed there. The text of the same counterexample is the linearizable
// check's detail (check.hpp, explain.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sim/history.hpp"
#include "sim/lin/models/grade_model.hpp"
#include "sim/lin/partition.hpp"

namespace fl::sim::lin {

// One client operation, as "c<client>#<id>" names it.
struct OpRef {
  std::uint32_t client = 0;
  std::uint64_t id = 0;
  bool operator==(const OpRef&) const = default;
};

struct Counterexample {
  std::int32_t key = 0;
  std::vector<OpRef> prefix;  // in linearization order
  // The ops the counterexample text lists after the prefix, in its order: those that
  // may come next but cannot, then those that must wait for an op not yet placed.
  std::vector<OpRef> unplaceable;
};

// Searches `history` the way check_linearizable does (same model, same order of
// keys, same budget) and returns the counterexample of the first illegal key;
// nullopt when the history is linearizable, undecided within the budget, or
// malformed as a whole (then there is no key to show).
std::optional<Counterexample> find_counterexample(const History& history, std::uint64_t step_budget = 50'000'000);

// The counterexample of a search that has already run over `parts` (its result
// `result`), so the check that judged a history can keep it as data without a
// second search; nullopt unless `result` says not linearizable.
std::optional<Counterexample> counterexample_of(const GradeHistory& parts,
                                                const PartitionedResult<std::int32_t>& result);

}  // namespace fl::sim::lin
