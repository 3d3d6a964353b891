#include "sim/lin/event_list.hpp"

#include <utility>

#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

struct EventList::Node {
  Node* prev;
  std::size_t refs;  // lists ending here plus nodes whose prev this is
  std::size_t size;
  std::uint64_t hash;
  std::int32_t value;
};

namespace {
constexpr std::uint64_t kEmptyHash = 0x243f6a8885a308d3ULL;
}  // namespace

EventList::EventList(const EventList& other) : tail_(other.tail_) {
  if (tail_ != nullptr) ++tail_->refs;
}

EventList::EventList(EventList&& other) noexcept : tail_(std::exchange(other.tail_, nullptr)) {}

EventList& EventList::operator=(const EventList& other) {
  EventList copy(other);
  std::swap(tail_, copy.tail_);
  return *this;
}

EventList& EventList::operator=(EventList&& other) noexcept {
  std::swap(tail_, other.tail_);
  return *this;
}

EventList::~EventList() { release(tail_); }

void EventList::release(Node* node) {
  while (node != nullptr && --node->refs == 0) {
    Node* prev = node->prev;
    delete node;
    node = prev;
  }
}

EventList EventList::appended(std::int32_t value) const {
  if (tail_ != nullptr) ++tail_->refs;
  const std::uint64_t h = mix64(hash() ^ static_cast<std::uint32_t>(value));
  return EventList(new Node{tail_, 1, size() + 1, h, value});
}

std::size_t EventList::size() const { return tail_ == nullptr ? 0 : tail_->size; }

std::uint64_t EventList::hash() const { return tail_ == nullptr ? kEmptyHash : tail_->hash; }

std::vector<std::int32_t> EventList::to_vector() const {
  std::vector<std::int32_t> out(size());
  std::size_t i = out.size();
  for (const Node* n = tail_; n != nullptr; n = n->prev) out[--i] = n->value;
  return out;
}

bool EventList::equals(std::span<const std::int32_t> events) const {
  if (events.size() != size()) return false;
  std::size_t i = events.size();
  for (const Node* n = tail_; n != nullptr; n = n->prev) {
    if (events[--i] != n->value) return false;
  }
  return true;
}

// Walks back only until the two lists meet in a shared node: lists built from a
// common prefix are equal there.
bool EventList::operator==(const EventList& other) const {
  if (size() != other.size() || hash() != other.hash()) return false;
  const Node* a = tail_;
  const Node* b = other.tail_;
  for (; a != b; a = a->prev, b = b->prev) {
    if (a->value != b->value) return false;
  }
  return true;
}

}  // namespace fl::sim::lin
