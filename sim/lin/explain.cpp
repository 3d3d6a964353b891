#include "sim/lin/explain.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>

#include "sim/lin/precedence.hpp"

namespace fl::sim::lin {

std::string format_us(Micros us) {
  if (us == kNever) return "never";
  const bool negative = us < 0;
  // Unsigned so that the most negative value does not overflow when negated.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(us) : static_cast<std::uint64_t>(us);
  std::string fraction = std::to_string(magnitude % 1'000'000);
  fraction.insert(0, 6 - fraction.size(), '0');
  while (fraction.size() > 3 && fraction.back() == '0') fraction.pop_back();
  return (negative ? "-" : "") + std::to_string(magnitude / 1'000'000) + "." + fraction + "s";
}

std::string format_interval(const Interval& interval) {
  if (!interval.known) return "(t=" + format_us(interval.call_us) + ".., no reply)";
  return "(t=" + format_us(interval.call_us) + ".." + format_us(interval.return_us) + ")";
}

Frontier frontier_after(std::span<const Interval> ops, std::span<const std::size_t> placed,
                        std::span<const Precedence> implied) {
  std::vector<bool> done(ops.size(), false);
  for (std::size_t i : placed) done[i] = true;
  std::vector<std::optional<std::size_t>> waits_for(ops.size());
  for (const Precedence& p : useful_facts(ops, implied)) {
    if (!done[p.before] && !waits_for[p.after]) waits_for[p.after] = p.before;
  }
  Frontier f;
  Micros bound_us = std::numeric_limits<Micros>::max();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    // Strict <: at equal return times the lower index comes first, as in the event list.
    if (done[i] || !ops[i].known || ops[i].return_us >= bound_us) continue;
    bound_us = ops[i].return_us;
    f.bound_by = i;
  }
  // A call at the bound's own time still precedes it: calls sort before returns.
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (done[i] || ops[i].call_us > bound_us) continue;
    if (waits_for[i]) {
      f.held_back.emplace_back(i, *waits_for[i]);
    } else {
      f.candidates.push_back(i);
    }
  }
  const auto by_call = [&](std::size_t a, std::size_t b) { return ops[a].call_us < ops[b].call_us; };
  std::stable_sort(f.candidates.begin(), f.candidates.end(), by_call);
  std::stable_sort(f.held_back.begin(), f.held_back.end(),
                   [&](const auto& a, const auto& b) { return by_call(a.first, b.first); });
  return f;
}

}  // namespace fl::sim::lin
