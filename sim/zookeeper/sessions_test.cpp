// Session timeouts and expiry deadlines (ZooKeeper Programmer's Guide, "ZooKeeper
// Sessions": the server negotiates a timeout between 2 and 20 ticks; Administrator's
// Guide: tickTime, minSessionTimeout, maxSessionTimeout).
#include "sim/zookeeper/sessions.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace fl::sim::zkserver {
namespace {

constexpr Micros kTick = 100 * kMillis;

SessionConfig config_with_tick(Micros tick_us) {
  SessionConfig c;
  c.tick_us = tick_us;
  return c;
}

TEST(ZkSessions, timeout_is_clamped_to_two_and_twenty_ticks) {
  const SessionTable table(config_with_tick(kTick));
  EXPECT_EQ(table.negotiate(0), 2 * kTick);
  EXPECT_EQ(table.negotiate(150 * kMillis), 2 * kTick);
  EXPECT_EQ(table.negotiate(700 * kMillis), 700 * kMillis);
  EXPECT_EQ(table.negotiate(20 * kTick), 20 * kTick);
  EXPECT_EQ(table.negotiate(30 * kSeconds), 20 * kTick);
}

TEST(ZkSessions, zookeeper_default_tick_gives_four_to_forty_seconds) {
  const SessionTable table(config_with_tick(2 * kSeconds));
  EXPECT_EQ(table.negotiate(1 * kSeconds), 4 * kSeconds);
  EXPECT_EQ(table.negotiate(60 * kSeconds), 40 * kSeconds);
}

TEST(ZkSessions, configured_bounds_replace_the_tick_defaults) {
  SessionConfig c = config_with_tick(kTick);
  c.min_session_timeout_us = 1 * kSeconds;
  c.max_session_timeout_us = 5 * kSeconds;
  const SessionTable table(c);
  EXPECT_EQ(table.negotiate(100 * kMillis), 1 * kSeconds);
  EXPECT_EQ(table.negotiate(9 * kSeconds), 5 * kSeconds);
}

TEST(ZkSessions, ids_count_up_from_the_first_and_are_not_reused) {
  SessionTable table(config_with_tick(kTick));
  const OpenedSession a = table.open(kSeconds, 0);
  const OpenedSession b = table.open(kSeconds, 0);
  EXPECT_EQ(a.id, SessionId{1});
  EXPECT_EQ(b.id, SessionId{2});
  EXPECT_EQ(a.timeout_us, kSeconds);
  ASSERT_TRUE(table.remove(b.id));
  EXPECT_EQ(table.open(kSeconds, 0).id, SessionId{3});
}

// ExpiryQueue.roundToNextInterval: deadlines land on the tick after now + timeout.
TEST(ZkSessions, deadline_rounds_up_to_the_next_tick) {
  SessionTable table(config_with_tick(kTick));
  const SessionId id = table.open(1 * kSeconds, 30 * kMillis).id;
  EXPECT_EQ(table.deadline(id), 1100 * kMillis);
  EXPECT_TRUE(table.due(1099 * kMillis).empty());
  EXPECT_EQ(table.due(1100 * kMillis), std::vector<SessionId>{id});
  EXPECT_EQ(table.next_deadline(), 1100 * kMillis);
}

TEST(ZkSessions, touch_pushes_the_deadline_out) {
  SessionTable table(config_with_tick(kTick));
  const SessionId id = table.open(1 * kSeconds, 0).id;
  ASSERT_TRUE(table.touch(id, 900 * kMillis));
  EXPECT_EQ(table.deadline(id), 2 * kSeconds);
  EXPECT_TRUE(table.due(1500 * kMillis).empty());
}

TEST(ZkSessions, due_orders_by_deadline_then_id) {
  SessionTable table(config_with_tick(kTick));
  const SessionId a = table.open(2 * kSeconds, 0).id;
  const SessionId b = table.open(1 * kSeconds, 0).id;
  const SessionId c = table.open(1 * kSeconds, 0).id;
  EXPECT_EQ(table.due(5 * kSeconds), (std::vector<SessionId>{b, c, a}));
}

TEST(ZkSessions, removed_session_is_not_alive_and_cannot_be_touched) {
  SessionTable table(config_with_tick(kTick));
  const SessionId id = table.open(kSeconds, 0).id;
  ASSERT_TRUE(table.remove(id));
  EXPECT_FALSE(table.alive(id));
  EXPECT_FALSE(table.touch(id, 1));
  EXPECT_FALSE(table.remove(id));
  EXPECT_FALSE(table.next_deadline().has_value());
  EXPECT_FALSE(table.touch(SessionId{99}, 1));
}

TEST(ZkSessions, refresh_all_restarts_every_clock) {
  SessionTable table(config_with_tick(kTick));
  const SessionId id = table.open(1 * kSeconds, 0).id;
  table.refresh_all(10 * kSeconds);
  EXPECT_EQ(table.deadline(id), 11100 * kMillis);
}

}  // namespace
}  // namespace fl::sim::zkserver
