// Turns a failed search into a counterexample a person can follow: the longest
// linearizable prefix the search found, the state it leaves, and why each operation
// that real-time order allows next cannot be placed there (the "frontier" of Lowe
// 2017, §3).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "rsm/core/assert.hpp"
#include "sim/lin/entries.hpp"
#include "sim/lin/models/model.hpp"
#include "sim/lin/search.hpp"

namespace fl::sim::lin {

// "1.200s", "0.000250s", "12.5s": seconds with at least millisecond digits and no
// trailing zeros beyond them, exact to the microsecond.
std::string format_us(Micros us);

// "(t=1.200s..1.350s)", or "(t=1.200s.., no reply)" for an indeterminate op.
std::string format_interval(const Interval& interval);

// The ops that may come next once `placed` are linearized: all not yet placed that
// were called no later than the earliest return among the determinate ones left
// (`bound_by`, which must itself come before anything called after it) and that
// no implied order holds back. Those it does hold back are listed apart, each with
// one op it waits for.
struct Frontier {
  std::vector<std::size_t> candidates;                         // by call time, then index
  std::vector<std::pair<std::size_t, std::size_t>> held_back;  // (op, an op it must follow)
  std::optional<std::size_t> bound_by;
};
Frontier frontier_after(std::span<const Interval> ops, std::span<const std::size_t> placed,
                        std::span<const Precedence> implied = {});

// "c2#7 read(3) -> ok [1,5] (t=1.200s..1.350s)".
template <Model M>
std::string describe_op(const M& model, const OpOf<M>& op) {
  return "c" + std::to_string(op.client) + "#" + std::to_string(op.id) + " " + model.describe(op.input, op.output) +
         " " + format_interval(Interval{op.call_us, op.return_us, !op.indeterminate()});
}

namespace detail {

inline constexpr std::size_t kPrefixShown = 10;

// The prefix, ending with its last kPrefixShown ops (the ones that matter).
template <Model M>
std::string describe_prefix(const M& model, std::span<const OpOf<M>> ops, std::span<const std::size_t> prefix) {
  std::string out = "longest linearizable prefix found: " + std::to_string(prefix.size()) + " of " +
                    std::to_string(ops.size()) + " operations";
  out += prefix.empty() ? " (none)\n" : "\n";
  const std::size_t first = prefix.size() > kPrefixShown ? prefix.size() - kPrefixShown : 0;
  if (first > 0) out += "  ... " + std::to_string(first) + " earlier operations, then\n";
  for (std::size_t i = first; i < prefix.size(); ++i) out += "  " + describe_op(model, ops[prefix[i]]) + "\n";
  return out;
}

// An indeterminate op that would leave `state` as it is: the search never places
// such an op (see WingGongSearch::pointless), so listing it would only distract.
template <Model M>
bool changes_nothing(const M& model, const typename M::State& state, const OpOf<M>& op) {
  if (!op.indeterminate()) return false;
  auto next = model.step(state, op.input, op.output);
  return next && *next == state;
}

// Why `op` cannot follow the prefix, whose last op (if any) is `last`.
template <Model M>
std::string why_not(const M& model, const typename M::State& state, const OpOf<M>& op, const OpOf<M>* last) {
  const std::string name = describe_op(model, op);
  if (model.step(state, op.input, op.output)) {
    return name + " could be placed here, but no order of the remaining operations works after it";
  }
  const std::string when = last == nullptr ? "initially"
                                           : "after c" + std::to_string(last->client) + "#" + std::to_string(last->id) +
                                                 " " + model.describe(last->input, last->output);
  std::string text = name + " cannot be placed: " + when + " " + model.describe_state(state);
  if constexpr (requires { model.describe_mismatch(state, op.input, op.output); }) {
    const std::string mismatch = model.describe_mismatch(state, op.input, op.output);
    if (!mismatch.empty()) text += "; " + mismatch;
  }
  return text;
}

// The state after `prefix`, which the search found linearizable.
template <Model M>
typename M::State replay(const M& model, std::span<const OpOf<M>> ops, std::span<const std::size_t> prefix) {
  typename M::State state = model.init();
  for (std::size_t i : prefix) {
    auto next = model.step(state, ops[i].input, ops[i].output);
    FL_ASSERT(next.has_value(), "the deepest prefix of the search does not replay");
    state = std::move(*next);
  }
  return state;
}

// One line per op that may come next, saying why it fails there. Ops without a reply
// that would change nothing or must wait are only counted: they never are what the
// history lacks.
template <Model M>
std::string describe_frontier(const M& model, std::span<const OpOf<M>> ops, const typename M::State& state,
                              const OpOf<M>* last, Frontier frontier) {
  std::erase_if(frontier.candidates, [&](std::size_t i) { return changes_nothing(model, state, ops[i]); });
  const auto unanswered =
      std::erase_if(frontier.held_back, [&](const auto& h) { return ops[h.first].indeterminate(); });
  const std::size_t n = frontier.candidates.size() + frontier.held_back.size();
  std::string out = n == 1 ? "then the only operation that may come next fails:\n"
                           : "then each of the " + std::to_string(n) + " operations that may come next fails:\n";
  for (std::size_t i : frontier.candidates) out += "  " + why_not(model, state, ops[i], last) + "\n";
  for (const auto& [i, waits_for] : frontier.held_back) {
    out += "  " + describe_op(model, ops[i]) + " must wait for " + describe_op(model, ops[waits_for]) +
           " (implied by what the operations saw)\n";
  }
  if (unanswered == 1) out += "  (1 operation without a reply is not listed: it can only take effect later)\n";
  if (unanswered > 1) {
    out += "  (" + std::to_string(unanswered) +
           " operations without a reply are not listed: they can only take effect later)\n";
  }
  return out;
}

}  // namespace detail

// The counterexample text for a search that answered kNo over `ops` with the
// implied order `implied`.
template <Model M>
std::string explain_violation(const M& model, std::span<const OpOf<M>> ops, const SearchResult& result,
                              std::span<const Precedence> implied = {}) {
  const typename M::State state = detail::replay(model, ops, result.deepest);
  const Frontier frontier = frontier_after(intervals_of(ops), result.deepest, implied);
  const OpOf<M>* last = result.deepest.empty() ? nullptr : &ops[result.deepest.back()];
  std::string out = detail::describe_prefix<M>(model, ops, result.deepest);
  out += detail::describe_frontier(model, ops, state, last, frontier);
  if (frontier.bound_by) {
    const auto& b = ops[*frontier.bound_by];
    out += "(every other remaining operation was called after c" + std::to_string(b.client) + "#" +
           std::to_string(b.id) + " returned at " + format_us(b.return_us) + ", so one of these must come next)";
  }
  return out;
}

}  // namespace fl::sim::lin
