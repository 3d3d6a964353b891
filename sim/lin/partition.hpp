// P-compositionality (Herlihy & Wing 1990, "Linearizability", §3.3 locality; Horn &
// Kroening 2015, "Faster linearizability checking via P-compositionality"): a
// history of independent objects is linearizable iff each object's sub-history is,
// so a history is split per key and each small part is searched on its own.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/lin/explain.hpp"
#include "sim/lin/models/model.hpp"
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

template <class M, class Key>
using Part = std::pair<const Key, std::vector<OpOf<M>>>;

// Parts up to this many ops try the plain search first (see search_part). In longer
// ones each step costs more (the linearized set grows), so the implied order's
// pruning pays for itself there.
inline constexpr std::size_t kPlainFirstOpsMax = 1024;

// Steps the plain search may take on a part before the implied order is derived:
// enough for the straight descent of an easy history (about one step per op, a few
// more where clients overlap), few enough that giving up costs little.
inline std::uint64_t plain_attempt_steps(std::size_t ops) { return 2 * static_cast<std::uint64_t>(ops) + 32; }

// Takes `steps` from `budget` (its local share, then its pool); false if it holds
// fewer, in which case it is left empty.
inline bool charge(Budget& budget, std::uint64_t steps) {
  while (budget.steps_left < steps) {
    steps -= budget.steps_left;
    budget.steps_left = 0;
    if (!budget.refill()) return false;
  }
  budget.steps_left -= steps;
  return true;
}

// Searches one part. Most small parts of a real history are easy: the plain search
// linearizes them in about one step per op, and deriving the model's implied
// order first (a pass over every pair of concurrent ops) would cost more than the
// search itself. So the plain search runs first on a small step allowance; only a
// part it cannot settle as linearizable within it is searched again with the
// implied order. The facts never change a verdict, so this changes only speed; a
// violation or an exhausted budget is always reported from the second search, so
// counterexamples and budgets read as they would without the first.
template <Model M, class Key>
SearchResult search_part(const M& model, const Part<M, Key>& part, Budget& budget) {
  const std::span<const OpOf<M>> ops(part.second);
  std::uint64_t plain_steps = 0;
  if constexpr (requires { model.implied_order(ops); }) {
    if (!budget.plain_first || ops.size() > kPlainFirstOpsMax) {
      return search(model, ops, budget, implied_order_of(model, ops));
    }
    Budget plain;
    plain.steps_left =
        std::min(plain_attempt_steps(ops.size()), budget.steps_left + (budget.pool ? budget.pool->load() : 0));
    plain.cache_bytes_max = budget.cache_bytes_max;
    SearchResult r = search(model, ops, plain);
    if (!charge(budget, r.steps)) {
      r.verdict = Linearizable::kUnknown;
      r.exhausted = Exhausted::kSteps;
      return r;
    }
    if (r.verdict == Linearizable::kYes) return r;
    plain_steps = r.steps;
  }
  const std::vector<Precedence> implied = implied_order_of(model, ops);
  SearchResult r = search(model, ops, budget, implied);
  r.steps += plain_steps;
  return r;
}

// Whether the walk over parts in search order ends at a part with result `r`: an
// illegal part does, and so does an undecided one unless it ran out of memory only
// (another part may still prove a violation).
inline bool decides(const SearchResult& r) {
  return r.verdict == Linearizable::kNo || (r.verdict == Linearizable::kUnknown && r.exhausted != Exhausted::kMemory);
}

// Folds one part's result into `out`; true when the walk ends there.
template <Model M, class Key>
bool fold(const M& model, const Part<M, Key>& part, SearchResult r, PartitionedResult<Key>& out) {
  out.steps += r.steps;
  if (r.verdict == Linearizable::kYes) return false;
  if (r.verdict == Linearizable::kUnknown && out.verdict == Linearizable::kUnknown) {
    // An earlier part already ran out of memory; it stays the one reported.
    return decides(r);
  }
  out.verdict = r.verdict;
  out.exhausted = r.exhausted;
  out.key = part.first;
  out.key_ops = part.second.size();
  if (r.verdict == Linearizable::kNo) {
    const std::span<const OpOf<M>> ops(part.second);
    out.explanation = explain_violation(model, ops, r, implied_order_of(model, ops));
  }
  out.search = std::move(r);
  return decides(out.search);
}

// `jobs` threads take parts in search order from a shared counter and draw steps
// from one pool. A part that decides the walk cancels the parts after it; every part
// before it runs to its end, so the verdict and the key reported are those of the
// sequential walk whenever the step budget suffices.
template <Model M, class Key>
PartitionedResult<Key> check_in_parallel(const M& model, const std::vector<const Part<M, Key>*>& order, Budget& budget,
                                         unsigned jobs) {
  std::atomic<std::uint64_t> pool(budget.steps_left);
  std::atomic<std::size_t> next(0);
  std::atomic<std::size_t> decided_at(order.size());  // lowest index of a deciding part
  std::vector<std::optional<SearchResult>> results(order.size());
  const auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < decided_at.load(); i = next.fetch_add(1)) {
      Budget local = budget;
      local.steps_left = 0;
      local.pool = &pool;
      local.stop_requested = [&, i] {
        return decided_at.load() < i || (budget.stop_requested && budget.stop_requested());
      };
      SearchResult r = search_part(model, *order[i], local);
      local.give_back();
      if (decides(r)) {
        std::size_t seen = decided_at.load();
        while (i < seen && !decided_at.compare_exchange_weak(seen, i)) {
        }
      }
      if (r.verdict == Linearizable::kYes) r.deepest = {};  // witnesses are not reported
      results[i] = std::move(r);
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  budget.steps_left = pool.load();
  PartitionedResult<Key> out;
  for (std::size_t i = 0; i < order.size() && results[i]; ++i) {
    if (fold(model, *order[i], std::move(*results[i]), out)) break;
  }
  return out;
}

}  // namespace detail

// Checks each part under `model`, smallest first, stopping at the first illegal one
// (see detail::decides). With `jobs` > 1, that many threads check parts at once; the
// model's step must then be safe to call from several threads (the shipped models
// are: they keep no state of their own), and Budget::cache_bytes_max holds per thread.
template <Model M, class Key>
PartitionedResult<Key> check_partitions(const M& model, const std::map<Key, std::vector<OpOf<M>>>& parts,
                                        Budget& budget, unsigned jobs = 1) {
  const auto order = detail::search_order(parts);
  if (jobs > 1 && order.size() > 1) {
    return detail::check_in_parallel(model, order, budget,
                                     static_cast<unsigned>(std::min<std::size_t>(jobs, order.size())));
  }
  PartitionedResult<Key> out;
  for (const auto* part : order) {
    if (detail::fold(model, *part, detail::search_part(model, *part, budget), out)) break;
  }
  return out;
}

}  // namespace fl::sim::lin
