// The simulator's agenda: events ordered by (time, insertion sequence), so two
// events at the same microsecond always run in the order they were scheduled.
#pragma once

#include <cstdint>
#include <queue>
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
    heap_.push(Entry{at_us, next_seq_++, std::move(event)});
  }

  bool empty() const { return heap_.empty(); }
  Micros now() const { return now_; }
  Micros next_time() const { return heap_.top().at_us; }
  std::uint64_t scheduled() const { return next_seq_; }

  // Removes the earliest event and advances the clock to its time.
  Event pop() {
    // priority_queue::top is const; the entry is copied out before pop. Events are
    // small (shared pointers and ids), so this costs little.
    Entry entry = heap_.top();
    heap_.pop();
    now_ = entry.at_us;
    return std::move(entry.event);
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

  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  std::uint64_t next_seq_ = 0;
  Micros now_ = 0;
};

}  // namespace fl::sim
