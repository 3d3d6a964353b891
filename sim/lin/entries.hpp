// The event list of the Wing & Gong search ("Testing for Linearizability", Lowe
// 2017, §3; Porcupine's entry list): every call and return in time order, doubly
// linked so that linearizing an op lifts its two events out in O(1) and
// backtracking puts them back in O(1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rsm/core/types.hpp"

namespace fl::sim::lin {

// When an operation was in flight; `known` is false for an indeterminate op, which
// gets no return event at all (it never has to be linearized).
struct Interval {
  Micros call_us = 0;
  Micros return_us = 0;
  bool known = true;
};

// One call or return event. Links are entry indices; kEnd marks the list's end and
// entry 0 is a head sentinel that is never lifted.
struct Entry {
  std::int32_t op = -1;     // index of the operation in the input span
  std::int32_t match = -1;  // for a call: its return entry, or kEnd when indeterminate
  std::int32_t prev = -1;
  std::int32_t next = -1;
  bool is_call = false;
};

// The list itself. Entries at equal time are ordered calls first, then returns (as
// Porcupine does): equal microsecond stamps do not tell which happened first (the
// simulator's event sequence is not in the history), so such ops are treated as
// concurrent and the checker never invents a real-time order it cannot see.
class EntryList {
 public:
  static constexpr std::int32_t kEnd = -1;

  // Builds the list for `ops`; a known op must not return before it is called.
  explicit EntryList(std::span<const Interval> ops);

  // The first event still in the list, or kEnd.
  std::int32_t first() const { return entries_[0].next; }
  const Entry& at(std::int32_t index) const { return entries_[static_cast<std::size_t>(index)]; }

  // Removes a call event and its return event (the op is now linearized).
  void lift(std::int32_t call);
  // Undoes the matching lift; lifts must be undone in reverse order.
  void unlift(std::int32_t call);

 private:
  Entry& mut(std::int32_t index) { return entries_[static_cast<std::size_t>(index)]; }
  void unlink(std::int32_t index);
  void relink(std::int32_t index);

  std::vector<Entry> entries_;
};

}  // namespace fl::sim::lin
