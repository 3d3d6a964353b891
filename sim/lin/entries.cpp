#include "sim/lin/entries.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>

#include "rsm/core/assert.hpp"

namespace fl::sim::lin {
namespace {

// Sort key of one event: time, then calls before returns, then op index so that the
// order is total and does not depend on the sort algorithm.
struct Event {
  Micros time_us;
  int kind;  // 0 call, 1 return
  std::int32_t op;

  bool operator<(const Event& o) const { return std::tie(time_us, kind, op) < std::tie(o.time_us, o.kind, o.op); }
};

std::vector<Event> sorted_events(std::span<const Interval> ops) {
  std::vector<Event> events;
  events.reserve(ops.size() * 2);
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto op = static_cast<std::int32_t>(i);
    events.push_back(Event{ops[i].call_us, 0, op});
    if (!ops[i].known) continue;
    FL_ASSERT(ops[i].return_us >= ops[i].call_us, "op " + std::to_string(i) + " returns before it is called");
    events.push_back(Event{ops[i].return_us, 1, op});
  }
  std::sort(events.begin(), events.end());
  return events;
}

}  // namespace

EntryList::EntryList(std::span<const Interval> ops) {
  FL_ASSERT(ops.size() < static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() / 2));
  const std::vector<Event> events = sorted_events(ops);
  entries_.resize(events.size() + 1);
  std::vector<std::int32_t> call_of(ops.size(), kEnd);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto index = static_cast<std::int32_t>(i + 1);
    Entry& e = entries_[i + 1];
    e.op = events[i].op;
    e.is_call = events[i].kind == 0;
    e.prev = index - 1;
    e.next = i + 1 < events.size() ? index + 1 : kEnd;
    if (e.is_call) {
      call_of[static_cast<std::size_t>(e.op)] = index;
    } else {
      mut(call_of[static_cast<std::size_t>(e.op)]).match = index;
    }
  }
  entries_[0].next = events.empty() ? kEnd : 1;
}

void EntryList::unlink(std::int32_t index) {
  const Entry& e = at(index);
  mut(e.prev).next = e.next;
  if (e.next != kEnd) mut(e.next).prev = e.prev;
}

void EntryList::relink(std::int32_t index) {
  const Entry& e = at(index);
  mut(e.prev).next = index;
  if (e.next != kEnd) mut(e.next).prev = index;
}

void EntryList::lift(std::int32_t call) {
  unlink(call);
  if (at(call).match != kEnd) unlink(at(call).match);
}

// Reverse order of lift: the return goes back first, because the call's neighbours
// were recorded before the return was taken out.
void EntryList::unlift(std::int32_t call) {
  if (at(call).match != kEnd) relink(at(call).match);
  relink(call);
}

}  // namespace fl::sim::lin
