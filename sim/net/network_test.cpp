// Network: the fault model decides each message's fate. Injected faults must do
// exactly what the scenario says (a one-way cut blocks one direction only), and the
// delays must stay inside the configured bounds.
#include "sim/net/network.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace fl::sim {
namespace {

constexpr NodeId kR0{0}, kR1{1}, kR2{2};
constexpr NodeId kClient{7};  // endpoints >= replicas are clients

NetworkParams quiet(Micros latency_us, Micros jitter_us) {
  NetworkParams p;
  p.latency_us = latency_us;
  p.jitter_us = jitter_us;
  return p;
}

TEST(Network, delay_stays_within_latency_plus_jitter) {
  Network net(3, quiet(1000, 500), Rng(1));
  Micros lo = 1'000'000, hi = 0;
  for (int i = 0; i < 5000; ++i) {
    const Fate f = net.send(kR0, kR1);
    ASSERT_TRUE(f.drop_reason.empty());
    ASSERT_EQ(f.copies, 1);
    ASSERT_GE(f.delays_us[0], 1000);
    ASSERT_LE(f.delays_us[0], 1500);
    lo = std::min(lo, f.delays_us[0]);
    hi = std::max(hi, f.delays_us[0]);
  }
  // Jitter is inclusive at both ends and actually spreads the delays.
  EXPECT_EQ(lo, 1000);
  EXPECT_EQ(hi, 1500);
}

TEST(Network, zero_jitter_gives_exact_latency) {
  Network net(2, quiet(2500, 0), Rng(2));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(net.send(kR0, kR1).delays_us[0], 2500);
}

TEST(Network, reorder_adds_bounded_extra_delay) {
  NetworkParams p = quiet(1000, 100);
  p.reorder = 1.0;
  p.reorder_delay_us = 20'000;
  Network net(2, p, Rng(3));
  Micros hi = 0;
  for (int i = 0; i < 2000; ++i) {
    const Micros d = net.send(kR0, kR1).delays_us[0];
    ASSERT_GE(d, 1000);
    ASSERT_LE(d, 1000 + 100 + 20'000);
    hi = std::max(hi, d);
  }
  EXPECT_GT(hi, 1100) << "reordering never added delay";
}

TEST(Network, loss_one_drops_everything) {
  NetworkParams p = quiet(1000, 500);
  p.loss = 1.0;
  Network net(3, p, Rng(4));
  for (int i = 0; i < 1000; ++i) {
    const Fate f = net.send(kR0, kR2);
    ASSERT_EQ(f.drop_reason, "lost");
    ASSERT_EQ(f.copies, 0);
  }
}

TEST(Network, loss_half_drops_about_half) {
  NetworkParams p = quiet(1000, 500);
  p.loss = 0.5;
  Network net(2, p, Rng(5));
  int lost = 0;
  constexpr int kSends = 20'000;
  for (int i = 0; i < kSends; ++i) lost += net.send(kR0, kR1).drop_reason == "lost" ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(lost) / kSends, 0.5, 0.02);
}

TEST(Network, duplicate_one_gives_two_copies_within_bounds) {
  NetworkParams p = quiet(1000, 500);
  p.duplicate = 1.0;
  Network net(2, p, Rng(6));
  bool copies_differ = false;
  for (int i = 0; i < 500; ++i) {
    const Fate f = net.send(kR1, kR0);
    ASSERT_TRUE(f.drop_reason.empty());
    ASSERT_EQ(f.copies, 2);
    for (Micros d : f.delays_us) {
      ASSERT_GE(d, 1000);
      ASSERT_LE(d, 1500);
    }
    copies_differ |= f.delays_us[0] != f.delays_us[1];
  }
  // Each copy draws its own delay, so duplicates can arrive in either order.
  EXPECT_TRUE(copies_differ);
}

TEST(Network, message_to_self_is_immediate_despite_faults) {
  NetworkParams p = quiet(1000, 500);
  p.loss = 1.0;
  p.duplicate = 1.0;
  Network net(2, p, Rng(7));
  net.block(kR0, kR0);
  const Fate f = net.send(kR0, kR0);
  EXPECT_TRUE(f.drop_reason.empty());
  EXPECT_EQ(f.copies, 1);
  EXPECT_EQ(f.delays_us[0], 0);
}

TEST(Network, block_one_direction_leaves_the_other_open) {
  Network net(3, quiet(1000, 0), Rng(8));
  net.block(kR0, kR1);
  EXPECT_TRUE(net.blocked(kR0, kR1));
  EXPECT_FALSE(net.blocked(kR1, kR0));
  EXPECT_TRUE(net.any_blocked());

  const Fate cut = net.send(kR0, kR1);
  EXPECT_EQ(cut.drop_reason, "partitioned");
  EXPECT_EQ(cut.copies, 0);
  const Fate reverse = net.send(kR1, kR0);
  EXPECT_TRUE(reverse.drop_reason.empty());
  EXPECT_EQ(reverse.copies, 1);
  // Links not named by the cut are untouched.
  EXPECT_TRUE(net.send(kR0, kR2).drop_reason.empty());
  EXPECT_TRUE(net.send(kR2, kR1).drop_reason.empty());
}

TEST(Network, partition_blocks_between_groups_not_within) {
  // Groups {r0} and {r1, r2}: a symmetric partition is a cut in both directions.
  Network net(3, quiet(1000, 0), Rng(9));
  for (NodeId other : {kR1, kR2}) {
    net.block(kR0, other);
    net.block(other, kR0);
  }
  for (NodeId other : {kR1, kR2}) {
    EXPECT_EQ(net.send(kR0, other).drop_reason, "partitioned");
    EXPECT_EQ(net.send(other, kR0).drop_reason, "partitioned");
  }
  EXPECT_TRUE(net.send(kR1, kR2).drop_reason.empty());
  EXPECT_TRUE(net.send(kR2, kR1).drop_reason.empty());
}

TEST(Network, partition_wins_over_loss_as_drop_reason) {
  NetworkParams p = quiet(1000, 0);
  p.loss = 1.0;
  Network net(2, p, Rng(10));
  net.block(kR0, kR1);
  EXPECT_EQ(net.send(kR0, kR1).drop_reason, "partitioned");
}

TEST(Network, heal_clears_every_block) {
  Network net(3, quiet(1000, 0), Rng(11));
  net.block(kR0, kR1);
  net.block(kR0, kR1);  // blocking twice is the same as once
  net.block(kR2, kR0);
  net.heal();
  EXPECT_FALSE(net.any_blocked());
  for (NodeId a : {kR0, kR1, kR2}) {
    for (NodeId b : {kR0, kR1, kR2}) {
      EXPECT_FALSE(net.blocked(a, b));
      EXPECT_TRUE(net.send(a, b).drop_reason.empty());
    }
  }
  // Blocks after a heal work again.
  net.block(kR1, kR2);
  EXPECT_TRUE(net.any_blocked());
  EXPECT_TRUE(net.blocked(kR1, kR2));
}

TEST(Network, clients_are_never_partitioned) {
  Network net(3, quiet(1000, 0), Rng(12));
  for (NodeId a : {kR0, kR1, kR2}) {
    for (NodeId b : {kR0, kR1, kR2}) {
      if (a != b) net.block(a, b);
    }
  }
  EXPECT_FALSE(net.blocked(kR0, kClient));
  EXPECT_FALSE(net.blocked(kClient, kR2));
  EXPECT_TRUE(net.send(kR0, kClient).drop_reason.empty());
  EXPECT_TRUE(net.send(kClient, kR2).drop_reason.empty());
}

TEST(Network, set_params_applies_to_later_sends) {
  Network net(2, quiet(1000, 0), Rng(13));
  EXPECT_EQ(net.send(kR0, kR1).delays_us[0], 1000);
  NetworkParams lossy = net.params();
  lossy.loss = 1.0;
  net.set_params(lossy);
  EXPECT_EQ(net.params().loss, 1.0);
  EXPECT_EQ(net.send(kR0, kR1).drop_reason, "lost");
  net.set_params(quiet(3000, 0));
  EXPECT_EQ(net.send(kR0, kR1).delays_us[0], 3000);
}

TEST(Network, same_rng_same_fates) {
  NetworkParams p = quiet(1000, 700);
  p.loss = 0.2;
  p.duplicate = 0.2;
  p.reorder = 0.2;
  Network a(3, p, Rng::stream(5, "network"));
  Network b(3, p, Rng::stream(5, "network"));
  for (int i = 0; i < 1000; ++i) {
    const NodeId from{static_cast<std::uint32_t>(i % 3)}, to{static_cast<std::uint32_t>((i + 1) % 3)};
    const Fate fa = a.send(from, to), fb = b.send(from, to);
    ASSERT_EQ(fa.drop_reason, fb.drop_reason);
    ASSERT_EQ(fa.copies, fb.copies);
    ASSERT_EQ(fa.delays_us[0], fb.delays_us[0]);
    ASSERT_EQ(fa.delays_us[1], fb.delays_us[1]);
  }
}

TEST(NetworkDeathTest, block_rejects_non_replica_endpoints) {
  Network net(3, quiet(1000, 0), Rng(14));
  EXPECT_DEATH(net.block(kR0, kClient), "to.value");
  EXPECT_DEATH(net.block(kClient, kR0), "from.value");
}

}  // namespace
}  // namespace fl::sim
