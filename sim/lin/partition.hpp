// P-compositionality (Herlihy & Wing 1990, "Linearizability", §3.3 locality; Horn &
// Kroening 2015, "Faster linearizability checking via P-compositionality"): a
// history of independent objects is linearizable iff each object's sub-history is,
// so a history is split per key and each small part is searched on its own.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/lin/explain.hpp"
#include "sim/lin/model.hpp"
#include "sim/lin/search.hpp"

namespace fl::sim::lin {

// Splits ops by `key_of(op)`, keeping their order within each part. A std::map, so
// every later walk over the parts is in key order.
template <class Op, class KeyOf>
auto partition_by(std::span<const Op> ops, KeyOf key_of) {
  std::map<std::decay_t<decltype(key_of(ops.front()))>, std::vector<Op>> parts;
  for (const Op& op : ops) parts[key_of(op)].push_back(op);
  return parts;
}

// The verdict over all parts; for kNo and kUnknown the part that decided it.
template <class Key>
struct PartitionedResult {
  Linearizable verdict = Linearizable::kYes;
  Exhausted exhausted = Exhausted::kNone;
  std::optional<Key> key;   // the illegal part, or the undecided one
  std::size_t key_ops = 0;  // operations in that part
  std::uint64_t steps = 0;  // over every part searched
  SearchResult search;      // of that part
  std::string explanation;  // for kNo: the counterexample within that part
};

namespace detail {

// Smallest parts first (then by key): cheap parts are decided before a large one can
// spend the shared budget, so a violation in a small part is not lost to `unknown`.
template <class Key, class Ops>
std::vector<const std::pair<const Key, Ops>*> search_order(const std::map<Key, Ops>& parts) {
  std::vector<const std::pair<const Key, Ops>*> order;
  for (const auto& part : parts) order.push_back(&part);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto* a, const auto* b) { return a->second.size() < b->second.size(); });
  return order;
}

}  // namespace detail

// Checks each part under `model` (with the model's implied order, if it has the
// hook), stopping at the first illegal one. A part left undecided for lack of memory
// does not stop the walk (another part may still prove a violation); running out of
// steps or being stopped does.
template <Model M, class Key>
PartitionedResult<Key> check_partitions(const M& model, const std::map<Key, std::vector<OpOf<M>>>& parts,
                                        Budget& budget) {
  PartitionedResult<Key> out;
  for (const auto* part : detail::search_order(parts)) {
    const std::span<const OpOf<M>> ops(part->second);
    const std::vector<Precedence> implied = implied_order_of(model, ops);
    SearchResult r = search(model, ops, budget, implied);
    out.steps += r.steps;
    if (r.verdict == Linearizable::kYes) continue;
    if (r.verdict == Linearizable::kUnknown && out.verdict == Linearizable::kUnknown) {
      if (r.exhausted == Exhausted::kMemory) continue;
      break;  // the first undecided part stays the one reported
    }
    out.verdict = r.verdict;
    out.exhausted = r.exhausted;
    out.key = part->first;
    out.key_ops = ops.size();
    if (r.verdict == Linearizable::kNo) out.explanation = explain_violation(model, ops, r, implied);
    out.search = std::move(r);
    if (out.verdict == Linearizable::kNo || out.exhausted != Exhausted::kMemory) break;
  }
  return out;
}

}  // namespace fl::sim::lin
