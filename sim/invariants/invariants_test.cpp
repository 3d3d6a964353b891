// Each invariant on small hand-written event streams: facts that must pass and
// facts that must fail, with the evidence naming the replicas and positions. The
// end-to-end proof that each can fail on a real protocol bug is the planted-bug
// catalogue (tests/mutation_test.cpp and `faultline power`).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rsm/paxos/messages.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

const NodeId kR0(0), kR1(1);

Request append(std::uint32_t client, std::int64_t id, std::int32_t value) {
  return Request{ClientId(client), RequestId(static_cast<std::uint64_t>(id)), OpKind::kAppend, 1, value};
}

void executed(Invariant& inv, Micros now, NodeId node, std::int64_t slot, std::uint32_t index, const Request& r,
              std::uint64_t digest = 0) {
  const Applied a{Slot(slot), index, r, digest};
  inv.on_event(now, ev::Executed{node, a});
}

void restored(Invariant& inv, Micros now, NodeId node, std::int64_t slot, std::uint64_t digest = 0) {
  const Restored r{Slot(slot), RestoreSource::kOwnCheckpoint, digest};
  inv.on_event(now, ev::StateRestored{node, r});
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SlotAgreement, same_request_at_a_position_passes_a_different_one_fails) {
  auto inv = make_slot_agreement();
  executed(*inv, 10, kR0, 1, 0, append(1, 1, 5));
  executed(*inv, 20, kR1, 1, 0, append(1, 1, 5));
  EXPECT_FALSE(inv->violation());
  executed(*inv, 30, kR1, 2, 0, append(2, 1, 6));
  executed(*inv, 40, kR0, 2, 0, append(1, 2, 7));
  ASSERT_TRUE(inv->violation());
  EXPECT_EQ(inv->violation()->at_us, 40);
  EXPECT_TRUE(contains(inv->violation()->evidence, "slot 2.0: r1 applied c2#1")) << inv->violation()->evidence;
  EXPECT_EQ(inv->result().verdict, Verdict::kFail);
}

TEST(ApplyOrder, restart_replays_from_its_restore_point_but_a_replay_within_an_incarnation_fails) {
  auto inv = make_apply_order();
  restored(*inv, 0, kR0, 0);
  executed(*inv, 10, kR0, 1, 0, append(1, 1, 5));
  executed(*inv, 11, kR0, 1, 1, append(1, 2, 6));
  executed(*inv, 12, kR0, 2, 0, append(1, 3, 7));
  inv->on_event(20, ev::Booted{kR0, 2});
  restored(*inv, 20, kR0, 1);  // its checkpoint after slot 1: slot 2 runs again, legitimately
  executed(*inv, 21, kR0, 2, 0, append(1, 3, 7));
  EXPECT_FALSE(inv->violation());
  executed(*inv, 22, kR0, 2, 0, append(1, 3, 7));  // the same position twice in one incarnation
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "r0 executed 2.0")) << inv->violation()->evidence;
}

TEST(ApplyOrder, a_restore_behind_the_applied_position_fails) {
  auto inv = make_apply_order();
  restored(*inv, 0, kR1, 0);
  executed(*inv, 10, kR1, 3, 0, append(1, 1, 5));
  restored(*inv, 11, kR1, 2);
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "restored the state after slot 2")) << inv->violation()->evidence;
}

TEST(ApplyOrder, skipping_a_position_another_replica_executed_fails_at_the_end) {
  auto inv = make_apply_order();
  restored(*inv, 0, kR0, 0);
  restored(*inv, 0, kR1, 0);
  executed(*inv, 10, kR0, 1, 0, append(1, 1, 5));
  executed(*inv, 11, kR1, 1, 0, append(1, 1, 5));
  executed(*inv, 12, kR1, 3, 0, append(1, 3, 7));  // r1 jumps over slot 2 ...
  executed(*inv, 13, kR0, 2, 0, append(1, 2, 6));  // ... which r0 executes later
  executed(*inv, 14, kR0, 3, 0, append(1, 3, 7));
  EXPECT_FALSE(inv->violation());
  inv->finish(20);
  ASSERT_TRUE(inv->violation());
  EXPECT_EQ(inv->violation()->at_us, 12);
  EXPECT_TRUE(contains(inv->violation()->evidence, "without executing 2.0")) << inv->violation()->evidence;
}

TEST(ApplyOrder, a_slot_that_starts_past_request_zero_fails) {
  auto inv = make_apply_order();
  restored(*inv, 0, kR0, 0);
  executed(*inv, 10, kR0, 1, 1, append(1, 1, 5));
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "began slot 1 at request 1")) << inv->violation()->evidence;
}

TEST(StateAgreement, equal_digests_pass_a_different_digest_after_the_same_position_fails) {
  auto inv = make_state_agreement();
  restored(*inv, 0, kR0, 0, 100);
  restored(*inv, 0, kR1, 0, 100);
  executed(*inv, 10, kR0, 1, 0, append(1, 1, 5), 111);
  executed(*inv, 11, kR1, 1, 0, append(1, 1, 5), 111);
  EXPECT_FALSE(inv->violation());
  executed(*inv, 12, kR0, 2, 0, append(1, 2, 6), 222);
  executed(*inv, 13, kR1, 2, 0, append(1, 2, 6), 223);
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "after 2.0")) << inv->violation()->evidence;
}

TEST(StateAgreement, a_restored_checkpoint_must_hold_the_state_after_its_slot) {
  auto inv = make_state_agreement();
  restored(*inv, 0, kR0, 0, 100);
  executed(*inv, 10, kR0, 1, 0, append(1, 1, 5), 111);
  executed(*inv, 11, kR0, 3, 0, append(1, 2, 6), 333);  // slot 2 was a no-op
  restored(*inv, 12, kR1, 2, 111);                       // the state after 2 is the one after 1.0
  restored(*inv, 13, kR1, 0, 100);                       // and the empty state is the empty state
  EXPECT_FALSE(inv->violation());
  restored(*inv, 14, kR1, 3, 111);  // a checkpoint labelled 3 that lacks 3.0
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "r1 restored its own checkpoint of slot 3"))
      << inv->violation()->evidence;
}

TEST(DedupOnlyRetries, a_request_ordered_twice_needs_two_arrivals_or_two_forwards) {
  auto inv = make_dedup_only_retries();
  const Request twice = append(1, 1, 5), once = append(2, 1, 6);
  inv->on_event(1, ev::RequestArrived{ClientId(1), kR0, twice});
  inv->on_event(2, ev::RequestArrived{ClientId(1), kR1, twice});  // a client retry
  inv->on_event(3, ev::RequestArrived{ClientId(2), kR0, once});
  executed(*inv, 10, kR0, 1, 0, twice);
  executed(*inv, 11, kR0, 2, 0, twice);
  executed(*inv, 12, kR1, 1, 0, twice);  // the same position on another replica is no repeat
  executed(*inv, 13, kR0, 3, 0, once);
  EXPECT_FALSE(inv->violation());
  const paxos::Forward forward(once);  // one forward is not a retry ...
  inv->on_event(14, ev::Delivered{kR1, kR0, forward});
  executed(*inv, 15, kR0, 4, 0, once);
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "reached the replicas once")) << inv->violation()->evidence;
}

TEST(DedupOnlyRetries, a_forward_delivered_twice_is_a_retry) {
  auto inv = make_dedup_only_retries();
  const Request r = append(1, 1, 5);
  inv->on_event(1, ev::RequestArrived{ClientId(1), kR1, r});
  const paxos::Forward forward(r);
  inv->on_event(2, ev::Delivered{kR1, kR0, forward});
  inv->on_event(3, ev::Delivered{kR1, kR0, forward});  // the network duplicated it
  executed(*inv, 10, kR0, 1, 0, r);
  executed(*inv, 11, kR0, 2, 0, r);
  EXPECT_FALSE(inv->violation());
}

TEST(PromisesKept, an_accept_below_an_earlier_promise_fails_even_after_a_restart) {
  auto inv = make_promises_kept();
  const paxos::Ballot low{3, kR1}, high{5, kR1};
  const paxos::Promise promise(high, Slot(0), {});
  const paxos::Accepted accepted_high(high, Slot(1)), accepted_low(low, Slot(1));
  inv->on_event(1, ev::Sent{kR0, kR1, promise, 1});
  inv->on_event(2, ev::Sent{kR0, kR1, accepted_high, 1});
  EXPECT_FALSE(inv->violation());
  inv->on_event(3, ev::Crashed{kR0});
  inv->on_event(4, ev::Booted{kR0, 2});
  inv->on_event(5, ev::Sent{kR0, kR1, accepted_low, 1});
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "r0 accepted ballot 3.1 after it had promised 5.1"))
      << inv->violation()->evidence;
}

TEST(PromisesKept, a_candidate_promises_its_own_ballot) {
  auto inv = make_promises_kept();
  const paxos::Prepare prepare(paxos::Ballot{7, kR0}, Slot(1));
  const paxos::Promise older(paxos::Ballot{6, kR1}, Slot(0), {});
  inv->on_event(1, ev::Sent{kR0, kR1, prepare, 1});
  inv->on_event(2, ev::Sent{kR0, kR1, older, 1});
  ASSERT_TRUE(inv->violation());
}

}  // namespace
}  // namespace fl::sim
