// The simulator's agenda: events ordered by (time, insertion sequence), so two
// events at the same microsecond always run in the order they were scheduled.
#pragma once

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "rsm/core/assert.hpp"
#include "rsm/core/types.hpp"

namespace fl::sim {

template <class Event>
class EventQueue {
 public:
  // Schedules `event` at absolute time `at_us`; never in the past.
  void push(Micros at_us, Event event) {
    FL_ASSERT(at_us >= now_, "event scheduled in the past");
    heap_.push_back(Entry{at_us, next_seq_++, std::move(event)});
    std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  bool empty() const { return heap_.empty(); }
  Micros now() const { return now_; }
  Micros next_time() const { return heap_.front().at_us; }
  std::uint64_t scheduled() const { return next_seq_; }

  // Removes the earliest event and advances the clock to its time.
  Event pop() {
    // A hand-rolled binary heap rather than std::priority_queue, whose const top()
    // would force a copy of every event (replies carry vectors).
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    Event event = std::move(heap_.back().event);
    now_ = heap_.back().at_us;
    heap_.pop_back();
    return event;
  }

 private:
  struct Entry {
    Micros at_us;
    std::uint64_t seq;
    Event event;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      if (a.at_us != b.at_us) return a.at_us > b.at_us;
      return a.seq > b.seq;
    }
  };

  std::vector<Entry> heap_;  // a max-heap under Later, so the earliest entry is in front
  std::uint64_t next_seq_ = 0;
  Micros now_ = 0;
};

}  // namespace fl::sim
