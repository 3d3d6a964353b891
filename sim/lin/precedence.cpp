#include "sim/lin/precedence.hpp"

#include <string>

#include "rsm/core/assert.hpp"

namespace fl::sim::lin {

std::vector<Precedence> useful_facts(std::span<const Interval> ops, std::span<const Precedence> facts) {
  std::vector<Precedence> out;
  for (const Precedence& f : facts) {
    FL_ASSERT(f.before < ops.size() && f.after < ops.size(), "precedence names op " + std::to_string(f.before) +
                                                                 " or " + std::to_string(f.after) + " of " +
                                                                 std::to_string(ops.size()));
    const Interval& before = ops[f.before];
    const Interval& after = ops[f.after];
    if (f.before == f.after) continue;
    if (before.known && before.return_us < after.call_us) continue;  // implied
    if (after.known && after.return_us < before.call_us) continue;   // contradicted
    out.push_back(f);
  }
  return out;
}

// A compressed adjacency list built by counting sort, so that the walk over an
// op's successors is over one contiguous range in the order the facts were given.
PrecedenceGate::PrecedenceGate(std::span<const Interval> ops, std::span<const Precedence> all_facts)
    : waiting_(ops.size(), 0), first_(ops.size() + 1, 0) {
  const std::vector<Precedence> facts = useful_facts(ops, all_facts);
  for (const Precedence& f : facts) {
    ++first_[f.before + 1];
    ++waiting_[f.after];
  }
  for (std::size_t i = 0; i < ops.size(); ++i) first_[i + 1] += first_[i];
  successors_.resize(facts.size());
  std::vector<std::size_t> next(first_.begin(), first_.end() - 1);
  for (const Precedence& f : facts) successors_[next[f.before]++] = static_cast<std::uint32_t>(f.after);
}

void PrecedenceGate::shift(std::size_t op, int delta) {
  for (std::size_t i = first_[op]; i < first_[op + 1]; ++i) waiting_[successors_[i]] += delta;
}

}  // namespace fl::sim::lin
