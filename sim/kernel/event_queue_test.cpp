// EventQueue: the simulator's agenda must order by (time, insertion sequence), the
// determinism rule that makes two events at one microsecond run in a fixed order.
#include "sim/kernel/event_queue.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fl::sim {
namespace {

TEST(EventQueue, starts_empty_at_time_zero) {
  EventQueue<int> q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.now(), 0);
  EXPECT_EQ(q.scheduled(), 0u);
}

TEST(EventQueue, pops_in_time_order) {
  EventQueue<std::string> q;
  q.push(300, "c");
  q.push(100, "a");
  q.push(200, "b");
  EXPECT_EQ(q.next_time(), 100);
  EXPECT_EQ(q.pop(), "a");
  EXPECT_EQ(q.pop(), "b");
  EXPECT_EQ(q.pop(), "c");
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, ties_pop_in_insertion_order) {
  EventQueue<int> q;
  for (int i = 0; i < 50; ++i) q.push(7, i);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(q.pop(), i);
}

TEST(EventQueue, ties_interleaved_with_other_times_keep_insertion_order) {
  EventQueue<int> q;
  q.push(10, 0);
  q.push(5, 1);
  q.push(10, 2);
  q.push(5, 3);
  q.push(10, 4);
  std::vector<int> order;
  while (!q.empty()) order.push_back(q.pop());
  EXPECT_EQ(order, (std::vector<int>{1, 3, 0, 2, 4}));
}

TEST(EventQueue, now_advances_to_popped_event_time) {
  EventQueue<int> q;
  q.push(40, 1);
  q.push(90, 2);
  q.pop();
  EXPECT_EQ(q.now(), 40);
  // Scheduling "now" is allowed and runs after what is already due at this time.
  q.push(40, 3);
  EXPECT_EQ(q.next_time(), 40);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.now(), 40);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.now(), 90);
}

TEST(EventQueue, scheduled_counts_every_push) {
  EventQueue<int> q;
  q.push(1, 1);
  q.push(1, 2);
  q.pop();
  q.push(3, 3);
  EXPECT_EQ(q.scheduled(), 3u);
}

TEST(EventQueueDeathTest, push_in_the_past_panics) {
  EventQueue<int> q;
  q.push(100, 1);
  q.pop();
  EXPECT_DEATH(q.push(99, 2), "event scheduled in the past");
}

// The model: a vector kept stably sorted by time. Stability is exactly the
// "insertion sequence breaks ties" rule, with none of the heap's cleverness
// (etcd quorum/quick_test.go style: optimized structure vs. a simple one).
struct ModelEvent {
  Micros at_us;
  int id;
};

RC_GTEST_PROP(EventQueue, matches_stably_sorted_vector_model, (const std::vector<std::pair<bool, std::uint8_t>>& ops)) {
  EventQueue<int> q;
  std::vector<ModelEvent> model;
  Micros model_now = 0;
  int next_id = 0;
  for (const auto& [is_push, delta] : ops) {
    if (is_push || model.empty()) {
      // Small deltas make ties common, which is what the property is about.
      const Micros at = model_now + delta % 4;
      q.push(at, next_id);
      model.push_back({at, next_id});
      std::stable_sort(model.begin(), model.end(),
                       [](const ModelEvent& a, const ModelEvent& b) { return a.at_us < b.at_us; });
      ++next_id;
    } else {
      RC_ASSERT(!q.empty());
      RC_ASSERT(q.next_time() == model.front().at_us);
      const int got = q.pop();
      RC_ASSERT(got == model.front().id);
      model_now = model.front().at_us;
      model.erase(model.begin());
      RC_ASSERT(q.now() == model_now);
    }
    RC_ASSERT(q.empty() == model.empty());
  }
  while (!model.empty()) {
    RC_ASSERT(q.pop() == model.front().id);
    RC_ASSERT(q.now() == model.front().at_us);
    model.erase(model.begin());
  }
  RC_ASSERT(q.empty());
}

}  // namespace
}  // namespace fl::sim
