// Decides whether one history is linearizable: the Wing & Gong backtracking search
// ("Testing for Linearizability of Concurrent Objects", Wing & Gong 1993) with
// Lowe's cache of configurations ("Testing for Linearizability", Lowe 2017, §4), in
// the form Porcupine (Athalye) uses: an event list, a linearized-set bitset, a cache
// and an explicit stack. Two additions keep histories with many indeterminate ops
// (requests lost in partitions) tractable: ordering facts a model can derive from
// what ops observed (Precedence), and never placing an indeterminate op where it
// would change nothing.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <utility>
#include <vector>

#include "rsm/core/assert.hpp"
#include "sim/lin/bitset.hpp"
#include "sim/lin/cache.hpp"
#include "sim/lin/entries.hpp"
#include "sim/lin/models/model.hpp"
#include "sim/lin/precedence.hpp"

namespace fl::sim::lin {

enum class Linearizable { kYes, kNo, kUnknown };

// Why a search gave up without a verdict.
enum class Exhausted { kNone, kSteps, kMemory, kStopped };

// How much work a check may do. One step is one look at one event of the list, so a
// budget in steps gives the same verdict on every machine; the shared budget is
// drawn down across all partitions of a history.
struct Budget {
  std::uint64_t steps_left = 50'000'000;
  // Approximate bytes of Lowe's cache (bitsets and state objects, not their heap).
  std::size_t cache_bytes_max = std::size_t{2} << 30;
  // Polled every 4096 steps; a caller may stop on wall time this way, at the price of
  // determinism, without the checker reading a clock itself. Called from every worker
  // thread when partitions are checked in parallel.
  std::function<bool()> stop_requested;
  // When set, steps_left is a local share refilled from this pool: the one budget of
  // several searches that run at once (check_partitions with jobs > 1).
  std::atomic<std::uint64_t>* pool = nullptr;
  // Whether check_partitions may try the plain search on a small part before
  // deriving the model's implied order (see detail::search_part). Only speed
  // depends on it; tests turn it off to show that.
  bool plain_first = true;

  // Moves up to `chunk` steps from the pool into steps_left; false when it is empty.
  bool refill(std::uint64_t chunk = 4096) {
    if (pool == nullptr) return false;
    std::uint64_t have = pool->load(std::memory_order_relaxed);
    while (have > 0 && !pool->compare_exchange_weak(have, have - std::min(have, chunk), std::memory_order_relaxed)) {
    }
    steps_left += std::min(have, chunk);
    return have > 0;
  }
  // Gives the unspent local share back to the pool.
  void give_back() {
    if (pool == nullptr) return;
    pool->fetch_add(steps_left, std::memory_order_relaxed);
    steps_left = 0;
  }
};

// A verdict and an order of ops: for kYes a witness linearization (every determinate
// op, and the indeterminate ops that took effect before the last of them); otherwise
// the deepest point the search reached, i.e. the longest linearizable prefix found
// (most determinate ops, then fewest indeterminate ones).
struct SearchResult {
  Linearizable verdict = Linearizable::kUnknown;
  Exhausted exhausted = Exhausted::kNone;
  std::uint64_t steps = 0;
  std::vector<std::size_t> deepest;  // indices into the searched ops, in linearization order
};

// The intervals the event list is built from.
template <class Op>
std::vector<Interval> intervals_of(std::span<const Op> ops) {
  std::vector<Interval> out;
  out.reserve(ops.size());
  for (const Op& op : ops) out.push_back(Interval{op.call_us, op.return_us, !op.indeterminate()});
  return out;
}

// One run of the search over one history. Indeterminate ops have no return event
// and the search succeeds as soon as every determinate op is linearized: an
// indeterminate op left over took effect after everything else or not at all, and
// either way no reply observed it.
template <Model M>
class WingGongSearch {
 public:
  using State = typename M::State;

  WingGongSearch(const M& model, std::span<const OpOf<M>> ops, std::span<const Precedence> implied, Budget& budget)
      : model_(model),
        ops_(ops),
        budget_(budget),
        intervals_(intervals_of(ops)),
        list_(intervals_),
        gate_(intervals_, implied),
        linearized_(ops.size()),
        cache_((ops.size() + 63) / 64, ops.size() + 1),
        state_(model.init()) {
    for (const auto& op : ops) known_total_ += op.indeterminate() ? 0 : 1;
    known_left_ = known_total_;
    if (ops.size() > 64 * 64) memory_check_mask_ = 0;
  }

  SearchResult run() {
    std::int32_t entry = list_.first();
    while (known_left_ > 0) {
      if (const Exhausted why = spend_step(); why != Exhausted::kNone) return give_up(why);
      FL_ASSERT(entry != EntryList::kEnd, "a determinate op is left but its return event is gone");
      const Entry& e = list_.at(entry);
      if (e.is_call) {
        entry = try_linearize(entry) ? list_.first() : e.next;
      } else if (stack_.empty()) {
        // The first remaining op must be linearized before this return, and none can be.
        return finish(Linearizable::kNo);
      } else {
        entry = backtrack();
      }
    }
    return finish(Linearizable::kYes);
  }

 private:
  struct Frame {
    std::int32_t call;
    State before;
  };

  // Places the op of `call` next if no implied order holds it back, the model allows
  // it and the resulting configuration is new.
  bool try_linearize(std::int32_t call) {
    const auto op_index = static_cast<std::size_t>(list_.at(call).op);
    if (!gate_.open(op_index)) return false;
    const auto& op = ops_[op_index];
    std::optional<State> next = model_.step(state_, op.input, op.output);
    if (!next || pointless(op_index, *next)) return false;
    linearized_.set(op_index);
    if (!cache_.insert(linearized_, *next, model_.hash(*next))) {
      linearized_.clear(op_index);
      return false;
    }
    stack_.push_back(Frame{call, std::move(state_)});
    state_ = std::move(*next);
    list_.lift(call);
    gate_.placed(op_index);
    if (!op.indeterminate()) --known_left_;
    return true;
  }

  // An indeterminate op that leaves the state as it is need not be placed here: not
  // placing it reaches the same state and keeps it available for later (or never),
  // and no reply has to be explained. Skipping it stops the search from trying every
  // subset of, say, lost inserts of a key that already exists. An op that others must
  // follow is placed anyway, to open their way.
  bool pointless(std::size_t op_index, const State& next) const {
    return ops_[op_index].indeterminate() && !gate_.has_successors(op_index) && next == state_;
  }

  // Undoes the most recent placement; the search resumes with the event after it.
  std::int32_t backtrack() {
    remember_if_deepest();
    Frame top = std::move(stack_.back());
    stack_.pop_back();
    const auto op_index = static_cast<std::size_t>(list_.at(top.call).op);
    state_ = std::move(top.before);
    linearized_.clear(op_index);
    list_.unlift(top.call);
    gate_.unplaced(op_index);
    if (!ops_[op_index].indeterminate()) ++known_left_;
    return list_.at(top.call).next;
  }

  // Depth counts determinate ops first: a prefix padded with guesses about
  // indeterminate ops explains less than one that places as many real replies with
  // fewer guesses. A point is only copied when the search is about to leave it, so
  // the straight descent of a linearizable history copies nothing.
  void remember_if_deepest() {
    const std::size_t known = known_total_ - known_left_;
    const bool deeper = known > deepest_known_ || (known == deepest_known_ && stack_.size() < deepest_.size());
    if (deeper) copy_stack_to_deepest();
  }

  void copy_stack_to_deepest() {
    deepest_known_ = known_total_ - known_left_;
    deepest_.clear();
    for (const Frame& f : stack_) deepest_.push_back(static_cast<std::size_t>(list_.at(f.call).op));
  }

  Exhausted spend_step() {
    if (budget_.steps_left == 0 && !budget_.refill()) return Exhausted::kSteps;
    --budget_.steps_left;
    ++steps_;
    if ((steps_ & memory_check_mask_) == 0 && cache_.approx_bytes() > budget_.cache_bytes_max) {
      return Exhausted::kMemory;
    }
    if ((steps_ & 4095) != 0) return Exhausted::kNone;
    if (budget_.stop_requested && budget_.stop_requested()) return Exhausted::kStopped;
    return Exhausted::kNone;
  }

  SearchResult give_up(Exhausted why) {
    SearchResult r = finish(Linearizable::kUnknown);
    r.exhausted = why;
    return r;
  }

  SearchResult finish(Linearizable verdict) {
    if (verdict == Linearizable::kYes) {
      copy_stack_to_deepest();  // the witness, whatever dead ends came before it
    } else {
      remember_if_deepest();
    }
    SearchResult r;
    r.verdict = verdict;
    r.steps = steps_;
    r.deepest = std::move(deepest_);
    return r;
  }

  const M& model_;
  std::span<const OpOf<M>> ops_;
  Budget& budget_;
  std::vector<Interval> intervals_;
  EntryList list_;
  PrecedenceGate gate_;
  Bitset linearized_;
  LoweCache<State> cache_;
  State state_;
  std::vector<Frame> stack_;
  std::vector<std::size_t> deepest_;
  std::size_t deepest_known_ = 0;
  std::size_t known_total_ = 0;
  std::size_t known_left_ = 0;
  std::uint64_t steps_ = 0;
  // The memory budget is consulted every 4096 steps, like the stop request, or at
  // every step when a cached set is large (long histories): 4096 sets of a million
  // ops would be half a gigabyte past the budget before it is noticed.
  std::uint64_t memory_check_mask_ = 4095;
};

// Searches `ops` for a linearization under `model`, drawing steps from `budget`.
// `implied` are ordering facts every linearization meets (see Precedence); giving
// them only makes the search faster.
template <Model M>
SearchResult search(const M& model, std::span<const OpOf<M>> ops, Budget& budget,
                    std::span<const Precedence> implied = {}) {
  return WingGongSearch<M>(model, ops, implied, budget).run();
}

}  // namespace fl::sim::lin
