// StreamLinks: a connection delivers, once each and in send order, a prefix of what
// was sent on it, and each end hears of a break only after what was in flight toward
// it has arrived (RFC 793's reliable, ordered byte stream, as ZooKeeper's sessions
// rely on it: Programmer's Guide, "ZooKeeper Sessions").
#include "sim/net/stream.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace fl::sim {
namespace {

constexpr NodeId kR0{0}, kR1{1}, kZk{2};

NetworkParams rough() {
  NetworkParams p;
  p.latency_us = 1000;
  p.jitter_us = 900;
  p.loss = 0.2;
  p.duplicate = 0.5;
  p.reorder = 0.5;
  p.reorder_delay_us = 20'000;
  return p;
}

struct Rig {
  Network net{3, rough(), Rng(7)};
  StreamLinks links{3};
  Rig() { links.accept_on(kZk); }
};

TEST(StreamLinks, only_links_to_the_accepting_server_are_streams) {
  Rig rig;
  EXPECT_TRUE(rig.links.is_stream(kR0, kZk));
  EXPECT_TRUE(rig.links.is_stream(kZk, kR1));
  EXPECT_FALSE(rig.links.is_stream(kR0, kR1));
  EXPECT_EQ(rig.links.connection(kZk, kR1, 4), (Connection{kR1, kZk, 4}));
  EXPECT_EQ(rig.links.connection(kR1, kZk, 4), (Connection{kR1, kZk, 4}));
}

TEST(StreamLinks, delivers_once_and_in_send_order_despite_loss_duplication_and_reordering) {
  Rig rig;
  const Connection c{kR0, kZk, 1};
  Micros last = 0;
  for (Micros now = 0; now < 100'000; now += 100) {
    const StreamLinks::Sent sent = rig.links.send(rig.net, c, kR0, kZk, now == 0, now);
    ASSERT_EQ(sent.fate.copies, 1) << "a stream neither drops nor duplicates without a partition";
    ASSERT_FALSE(sent.breaks);
    const Micros arrival = now + sent.fate.delays_us[0];
    ASSERT_GE(arrival, last) << "overtook an earlier message at " << now;
    last = arrival;
  }
}

TEST(StreamLinks, nothing_is_delivered_on_a_broken_connection) {
  Rig rig;
  const Connection c{kR0, kZk, 1};
  ASSERT_EQ(rig.links.send(rig.net, c, kR0, kZk, true, 0).fate.copies, 1);
  ASSERT_TRUE(rig.links.break_connection(c, 10).has_value());
  for (NodeId from : {kR0, kZk}) {
    const NodeId to = from == kR0 ? kZk : kR0;
    const StreamLinks::Sent sent = rig.links.send(rig.net, c, from, to, false, 20);
    EXPECT_EQ(sent.fate.copies, 0);
    EXPECT_EQ(sent.fate.drop_reason, "reset");
    EXPECT_FALSE(sent.breaks) << "already broken: nothing more to break";
  }
  EXPECT_FALSE(rig.links.break_connection(c, 30).has_value()) << "a connection breaks once";
  // Another connection of the same client is unaffected.
  EXPECT_EQ(rig.links.send(rig.net, Connection{kR0, kZk, 2}, kR0, kZk, true, 40).fate.copies, 1);
}

TEST(StreamLinks, each_end_hears_of_a_break_after_what_was_in_flight_toward_it) {
  Rig rig;
  const Connection c{kR1, kZk, 3};
  Micros to_server = 0, to_client = 0;
  for (Micros now = 0; now < 5000; now += 50) {
    const auto up = rig.links.send(rig.net, c, kR1, kZk, now == 0, now);
    to_server = std::max(to_server, now + up.fate.delays_us[0]);
    const auto down = rig.links.send(rig.net, c, kZk, kR1, false, now);
    to_client = std::max(to_client, now + down.fate.delays_us[0]);
  }
  const auto notice = rig.links.break_connection(c, 5000);
  ASSERT_TRUE(notice.has_value());
  EXPECT_GE(notice->server_at_us, to_server);
  EXPECT_GE(notice->client_at_us, to_client);
  EXPECT_GE(notice->server_at_us, 5000 + kStreamRetransmitUs);
  EXPECT_GE(notice->client_at_us, 5000 + kStreamRetransmitUs);
}

TEST(StreamLinks, a_partition_drops_the_message_and_breaks_the_connection) {
  Rig rig;
  const Connection c{kR0, kZk, 1};
  rig.net.block(kR0, kZk);
  const StreamLinks::Sent sent = rig.links.send(rig.net, c, kR0, kZk, true, 0);
  EXPECT_EQ(sent.fate.copies, 0);
  EXPECT_EQ(sent.fate.drop_reason, "partitioned");
  EXPECT_TRUE(sent.breaks);
}

TEST(StreamLinks, opening_needs_the_handshake_both_ways) {
  Rig rig;
  rig.net.block(kZk, kR0);  // one-way cut: the request could go, the answer could not
  const StreamLinks::Sent opening = rig.links.send(rig.net, Connection{kR0, kZk, 1}, kR0, kZk, true, 0);
  EXPECT_EQ(opening.fate.copies, 0);
  EXPECT_EQ(opening.fate.drop_reason, "handshake");
  EXPECT_TRUE(opening.breaks);
  // A connection opened before the cut still carries the direction that is not cut.
  rig.net.heal();
  const Connection open{kR0, kZk, 2};
  ASSERT_EQ(rig.links.send(rig.net, open, kR0, kZk, true, 0).fate.copies, 1);
  rig.net.block(kZk, kR0);
  EXPECT_EQ(rig.links.send(rig.net, open, kR0, kZk, false, 10).fate.copies, 1);
}

TEST(StreamLinks, open_connections_lists_an_ends_unbroken_connections_in_order) {
  Rig rig;
  for (std::uint64_t id : {2, 1}) {
    rig.links.send(rig.net, Connection{kR1, kZk, id}, kR1, kZk, true, 0);
    rig.links.send(rig.net, Connection{kR0, kZk, id}, kR0, kZk, true, 0);
  }
  ASSERT_TRUE(rig.links.break_connection(Connection{kR0, kZk, 1}, 0).has_value());
  EXPECT_EQ(rig.links.open_connections(kR0), (std::vector<Connection>{{kR0, kZk, 2}}));
  EXPECT_EQ(rig.links.open_connections(kZk), (std::vector<Connection>{{kR0, kZk, 2}, {kR1, kZk, 1}, {kR1, kZk, 2}}));
}

// Property: under random partitions, heals and breaks, what each connection delivers
// in each direction is a prefix of what was sent, in order, and arrives before that
// end hears of the break.
TEST(StreamLinks, every_connection_delivers_a_prefix_of_what_was_sent) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Network net(3, rough(), Rng(seed));
    StreamLinks links(3);
    links.accept_on(kZk);
    Rng dice(seed * 31);
    struct Direction {
      int sent = 0;
      int delivered = 0;
      Micros last_arrival = 0;
    };
    struct State {
      Direction up, down;
      std::optional<BreakNotice> notice;
    };
    std::map<Connection, State> states;
    for (Micros now = 0; now < 200'000; now += 100) {
      const NodeId client = dice.bernoulli(0.5) ? kR0 : kR1;
      const Connection c{client, kZk, static_cast<std::uint64_t>(dice.between(1, 4))};
      State& state = states[c];
      const bool upward = dice.bernoulli(0.5);
      Direction& d = upward ? state.up : state.down;
      const NodeId from = upward ? client : kZk;
      const NodeId to = upward ? kZk : client;
      const auto sent = links.send(net, c, from, to, state.up.sent + state.down.sent == 0, now);
      ++d.sent;
      if (sent.fate.copies == 1) {
        ASSERT_EQ(d.delivered + 1, d.sent) << "seed " << seed << ": delivered after a gap";
        ASSERT_FALSE(state.notice) << "seed " << seed << ": delivered after the break";
        ++d.delivered;
        d.last_arrival = std::max(d.last_arrival, now + sent.fate.delays_us[0]);
      }
      if (sent.breaks) state.notice = links.break_connection(c, now);
      if (dice.bernoulli(0.01)) net.block(from, to);
      if (dice.bernoulli(0.02)) net.heal();
      if (dice.bernoulli(0.005)) {
        if (auto notice = links.break_connection(c, now)) state.notice = notice;
      }
    }
    for (const auto& [c, state] : states) {
      if (!state.notice) continue;
      EXPECT_GE(state.notice->server_at_us, state.up.last_arrival) << "seed " << seed;
      EXPECT_GE(state.notice->client_at_us, state.down.last_arrival) << "seed " << seed;
    }
  }
}

}  // namespace
}  // namespace fl::sim
