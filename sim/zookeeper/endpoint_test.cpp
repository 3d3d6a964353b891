// zkserver::Endpoint: the ZooKeeper server as the World hosts it. What is
// ZooKeeper's own lives here: sessions survive a restart with fresh clocks (ZooKeeper
// persists them in its snapshot), its one timer is the next session deadline, and it
// publishes its own facts.
#include "sim/zookeeper/endpoint.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace fl::sim::zkserver {
namespace {

namespace wire = fl::zookeeper;

constexpr NodeId kR0{0}, kZk{3};

struct Recorder final : EventSink {
  void on_event(Micros, const RunEvent& event) override {
    kinds.push_back(std::visit(
        [](const auto& e) -> std::string {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, ev::ZkHandled>) return "handled";
          if constexpr (std::is_same_v<E, ev::ZkExpired>) return "expired";
          if constexpr (std::is_same_v<E, ev::ZkDown>) return "down";
          if constexpr (std::is_same_v<E, ev::ZkUp>) return "up";
          return "other";
        },
        event));
    if (const auto* h = std::get_if<ev::ZkHandled>(&event)) replied.push_back(h->reply != nullptr);
  }
  std::vector<std::string> kinds;
  std::vector<bool> replied;
};

wire::RequestMessage request(std::uint64_t connection, wire::SessionId session, std::int32_t xid, wire::Body body) {
  return wire::RequestMessage(wire::ConnectionId(connection), session, wire::Xid(xid), std::move(body));
}

const wire::Reply& reply_in(const Effects& effects) {
  return dynamic_cast<const wire::ReplyMessage&>(*effects.sends.back().second).reply;
}

TEST(ZkEndpoint, a_connect_request_opens_its_connection) {
  const auto connect = request(7, wire::SessionId(0), 0, wire::Connect{1 * kSeconds, {}, {}});
  const auto ping = request(7, wire::SessionId(5), 1, wire::Ping{});
  ASSERT_TRUE(stream_frame(connect).has_value());
  EXPECT_EQ(stream_frame(connect)->connection, 7u);
  EXPECT_TRUE(stream_frame(connect)->opens);
  ASSERT_TRUE(stream_frame(ping).has_value());
  EXPECT_FALSE(stream_frame(ping)->opens);
  EXPECT_FALSE(stream_frame(*connection_reset(7)).has_value()) << "a reset is local, not on the connection";
}

TEST(ZkEndpoint, publishes_each_handled_request_with_its_reply_and_arms_the_expiry_timer) {
  Recorder facts;
  Endpoint zk(kZk, facts);
  const Effects opened = zk.on_message(kR0, request(1, wire::SessionId(0), 0, wire::Connect{1 * kSeconds, {}, {}}), 0);
  ASSERT_EQ(reply_in(opened).code, wire::Code::kOk);
  EXPECT_EQ(facts.kinds, (std::vector<std::string>{"handled"}));
  EXPECT_EQ(facts.replied, (std::vector<bool>{true}));
  ASSERT_TRUE(opened.timer_at_us.has_value());
  EXPECT_GE(*opened.timer_at_us, 1 * kSeconds) << "the session's deadline";
}

TEST(ZkEndpoint, a_restart_keeps_sessions_and_restarts_their_clocks) {
  Recorder facts;
  Endpoint zk(kZk, facts);
  const Effects opened = zk.on_message(kR0, request(1, wire::SessionId(0), 0, wire::Connect{1 * kSeconds, {}, {}}), 0);
  const wire::SessionId session = reply_in(opened).session;
  zk.crash(500 * kMillis, "test");
  // Down far longer than the session timeout: the session must not have expired.
  const Effects up = zk.restart(5 * kSeconds, "test");
  ASSERT_TRUE(up.timer_at_us.has_value());
  EXPECT_GE(*up.timer_at_us, 6 * kSeconds) << "the session clock restarts at the restart";
  const Effects resumed =
      zk.on_message(kR0, request(2, wire::SessionId(0), 0, wire::Connect{1 * kSeconds, session, {}}), 5 * kSeconds);
  EXPECT_EQ(reply_in(resumed).code, wire::Code::kOk);
  EXPECT_EQ(facts.kinds, (std::vector<std::string>{"handled", "down", "up", "handled"}));
}

TEST(ZkEndpoint, the_timer_expires_a_silent_session_and_says_so) {
  Recorder facts;
  Endpoint zk(kZk, facts);
  const Effects opened = zk.on_message(kR0, request(1, wire::SessionId(0), 0, wire::Connect{1 * kSeconds, {}, {}}), 0);
  const Effects fired = zk.on_timer(*opened.timer_at_us);
  EXPECT_FALSE(fired.timer_at_us.has_value()) << "no session left to expire";
  EXPECT_EQ(facts.kinds, (std::vector<std::string>{"handled", "expired"}));
}

}  // namespace
}  // namespace fl::sim::zkserver
