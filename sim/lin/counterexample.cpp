#include "sim/lin/counterexample.hpp"

#include "sim/lin/explain.hpp"
#include "sim/lin/models/grade_model.hpp"
#include "sim/lin/partition.hpp"

namespace fl::sim::lin {

std::optional<Counterexample> find_counterexample(const History& history, std::uint64_t step_budget) {
  const GradeHistory parts = grade_partitions(history);
  if (parts.malformed) return std::nullopt;
  Budget budget;
  budget.steps_left = step_budget;
  return counterexample_of(parts, check_partitions(GradeModel{}, parts.keys, budget));
}

std::optional<Counterexample> counterexample_of(const GradeHistory& parts,
                                                const PartitionedResult<std::int32_t>& result) {
  if (parts.malformed || result.verdict != Linearizable::kNo) return std::nullopt;
  const GradeModel model;

  const std::span<const GradeOp> ops(parts.keys.at(*result.key));
  Counterexample out;
  out.key = *result.key;
  for (std::size_t i : result.search.deepest) out.prefix.push_back({ops[i].client, ops[i].id});
  // The same frontier explain_violation describes, filtered the same way: an op
  // without a reply that would change nothing there is not listed, nor is one that
  // must wait; answered ops that must wait are listed ("must wait for").
  const auto implied = implied_order_of(model, ops);
  const Frontier frontier = frontier_after(intervals_of(ops), result.search.deepest, implied);
  const GradeState state = detail::replay(model, ops, result.search.deepest);
  for (std::size_t i : frontier.candidates) {
    if (!detail::changes_nothing(model, state, ops[i])) out.unplaceable.push_back({ops[i].client, ops[i].id});
  }
  for (const auto& held : frontier.held_back) {
    if (!ops[held.first].indeterminate()) out.unplaceable.push_back({ops[held.first].client, ops[held.first].id});
  }
  return out;
}

}  // namespace fl::sim::lin
