// A persistent (immutable, prefix-sharing) list of appended events: the state of one
// grade-table key in the linearizability search. Copying a state is then O(1), and
// Lowe's cache can hold thousands of states of a long list without copying it each time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace fl::sim::lin {

// An immutable list of ints; `appended` shares the whole list it extends. Each node
// carries the list's size and a rolling hash, so size, hash and most inequalities
// are O(1). Reference counts are not atomic: a list must stay on one thread, which
// holds because each search builds its own lists from the empty one.
class EventList {
 public:
  EventList() = default;
  EventList(const EventList& other);
  EventList(EventList&& other) noexcept;
  EventList& operator=(const EventList& other);
  EventList& operator=(EventList&& other) noexcept;
  ~EventList();

  // This list with `value` added at the end.
  EventList appended(std::int32_t value) const;

  std::size_t size() const;
  std::uint64_t hash() const;
  std::vector<std::int32_t> to_vector() const;
  // True if this list holds exactly `events`, in order.
  bool equals(std::span<const std::int32_t> events) const;
  bool operator==(const EventList& other) const;

 private:
  struct Node;
  explicit EventList(Node* tail) : tail_(tail) {}
  // Drops one reference to `node` and frees every node that no list uses any more,
  // iteratively so that a long chain cannot overflow the stack.
  static void release(Node* node);

  Node* tail_ = nullptr;
};

}  // namespace fl::sim::lin
