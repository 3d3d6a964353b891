// Each invariant on small hand-written event streams: facts that must pass and
// facts that must fail, with the evidence naming the replicas and positions. The
// end-to-end proof that each can fail on a real protocol bug is the planted-bug
// catalogue (tests/mutation_test.cpp and `faultline power`).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rsm/app/replicable.hpp"
#include "rsm/app/testing.hpp"
#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/replica.hpp"
#include "rsm/paxos/messages.hpp"
#include "sim/invariants/invariant.hpp"
#include "sim/zookeeper/handled.hpp"
#include "sim/zookeeper/node.hpp"

namespace fl::sim {
namespace {

const NodeId kR0(0), kR1(1), kR2(2);
const Micros kOneArrival[] = {1};  // a message the network delivers once

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
  inv->on_event(20, ev::Booted{kR0, 2, "restart"});
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
  restored(*inv, 12, kR1, 2, 111);                      // the state after 2 is the one after 1.0
  restored(*inv, 13, kR1, 0, 100);                      // and the empty state is the empty state
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
  inv->on_event(1, ev::Sent{kR0, kR1, promise, kOneArrival, ""});
  inv->on_event(2, ev::Sent{kR0, kR1, accepted_high, kOneArrival, ""});
  EXPECT_FALSE(inv->violation());
  inv->on_event(3, ev::Crashed{kR0, "crash"});
  inv->on_event(4, ev::Booted{kR0, 2, "restart"});
  inv->on_event(5, ev::Sent{kR0, kR1, accepted_low, kOneArrival, ""});
  ASSERT_TRUE(inv->violation());
  EXPECT_TRUE(contains(inv->violation()->evidence, "r0 accepted ballot 3.1 after it had promised 5.1"))
      << inv->violation()->evidence;
}

TEST(PromisesKept, a_candidate_promises_its_own_ballot) {
  auto inv = make_promises_kept();
  const paxos::Prepare prepare(paxos::Ballot{7, kR0}, Slot(1));
  const paxos::Promise older(paxos::Ballot{6, kR1}, Slot(0), {});
  inv->on_event(1, ev::Sent{kR0, kR1, prepare, kOneArrival, ""});
  inv->on_event(2, ev::Sent{kR0, kR1, older, kOneArrival, ""});
  ASSERT_TRUE(inv->violation());
}

// The simulated ZooKeeper server and the requests replicas make of it, published
// as the World publishes them: each request with its reply and the facts of it.
class ZkStream {
 public:
  explicit ZkStream(Invariant& inv) : inv_(inv) {}

  // Sends `body` from `from` (opening its session first) and returns the reply.
  fl::zookeeper::Reply write(NodeId from, fl::zookeeper::Body body) {
    auto [it, fresh] = sessions_.try_emplace(from.value);
    if (fresh) it->second = send(from, fl::zookeeper::Connect{10 * kSeconds, {}, {}}, {}).session;
    return send(from, std::move(body), it->second);
  }
  void read(NodeId from, const std::string& path) { write(from, fl::zookeeper::GetData{path, false}); }

  // An ordering write of `requests` requests; returns the entry's path.
  std::string order(NodeId leader, int requests) {
    fl::coordinated::LogEntry entry{1, leader, {}};
    for (int i = 0; i < requests; ++i) entry.requests.push_back(append(9, i + 1, i));
    return write(leader, fl::zookeeper::Create{std::string(fl::coordinated::kLogEntryPrefix),
                                               fl::coordinated::encode_entry(entry),
                                               fl::zookeeper::CreateMode::kPersistentSequential})
        .path;
  }

  // A collection: /snapshot says `through`, and the entries in `doomed` go.
  void collect(NodeId leader, const std::vector<std::string>& doomed) {
    fl::zookeeper::Multi multi;
    const std::string last = doomed.back().substr(fl::coordinated::kLogPath.size() + 1);
    multi.ops.push_back(fl::zookeeper::SetData{std::string(fl::coordinated::kSnapshotPath),
                                               fl::coordinated::encode_snapshot({last, last, "{}"}),
                                               fl::zookeeper::kAnyVersion});
    for (const std::string& path : doomed) multi.ops.push_back(fl::zookeeper::Delete{path, fl::zookeeper::kAnyVersion});
    write(leader, std::move(multi));
  }

  void join(NodeId member, const std::string& acked) {
    write(member,
          fl::zookeeper::Create{fl::coordinated::member_path(member), acked, fl::zookeeper::CreateMode::kEphemeral});
  }

 private:
  fl::zookeeper::Reply send(NodeId from, fl::zookeeper::Body body, fl::zookeeper::SessionId session) {
    now_ += kMillis;
    const fl::zookeeper::RequestMessage request(fl::zookeeper::ConnectionId(from.value + 1), session,
                                                fl::zookeeper::Xid(++xid_), std::move(body));
    const zkserver::NodeOutput out = server_.on_message(from, request, now_);
    for (const auto& [to, message] : out.sends) {
      const auto* reply = dynamic_cast<const fl::zookeeper::ReplyMessage*>(message.get());
      if (reply == nullptr || reply->xid != request.xid) continue;
      inv_.on_event(now_, facts_.of(from, request, reply, server_.service().tree()));
      return reply->reply;
    }
    ADD_FAILURE() << "no reply to " << request.describe();
    return {};
  }

  Invariant& inv_;
  zkserver::ZkNode server_;
  zkserver::HandledFacts facts_;  // as the endpoint publishes them
  std::map<std::uint32_t, fl::zookeeper::SessionId> sessions_;
  Micros now_ = 0;
  std::int32_t xid_ = 0;
};

// r0 leads with six entries of 4 requests in /log; r1 acknowledged the first, r2 all.
struct Collection {
  explicit Collection(std::int64_t max_log_size) : inv(make_collection_respects_acks(max_log_size, 16, 1)), zk(*inv) {
    for (const char* path : {"/members", "/log", "/snapshot"}) zk.write(kR0, fl::zookeeper::Create{path, ""});
    zk.join(kR0, "");
    for (int i = 0; i < 6; ++i) entries.push_back(zk.order(kR0, 4));
    for (const std::string& e : entries) zk.read(kR0, e);
    zk.join(kR1, entries[0].substr(fl::coordinated::kLogPath.size() + 1));
    zk.join(kR2, entries[5].substr(fl::coordinated::kLogPath.size() + 1));
  }
  void leader_reads_acks() {
    zk.read(kR0, fl::coordinated::member_path(kR1));
    zk.read(kR0, fl::coordinated::member_path(kR2));
  }
  std::unique_ptr<Invariant> inv;
  ZkStream zk;
  std::vector<std::string> entries;
};

TEST(CollectionRespectsAcks, collecting_through_the_oldest_acknowledgement_passes) {
  Collection c(400);
  c.leader_reads_acks();
  c.zk.collect(kR0, {c.entries[0]});
  EXPECT_EQ(c.inv->result().verdict, Verdict::kPass) << c.inv->result().detail;
  EXPECT_EQ(c.inv->judged(), 1U);
}

TEST(CollectionRespectsAcks, collecting_past_a_live_member_while_the_log_has_room_fails) {
  Collection c(400);
  c.leader_reads_acks();
  c.zk.collect(kR0, {c.entries[0], c.entries[1], c.entries[2]});
  const CheckResult r = c.inv->result();
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "r0 collected /log through entry 2")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "live member r1 had acknowledged only entry 0")) << r.detail;
  EXPECT_EQ(r.severity, Severity::kLiveness);
}

TEST(CollectionRespectsAcks, a_member_too_far_behind_may_be_collected_past) {
  // Five unread-or-read entries of 4 plus a pipeline of 16 leave no room for one more
  // batch of 16 under a limit of 40: r1 is too far behind to wait for.
  Collection c(40);
  c.leader_reads_acks();
  c.zk.collect(kR0, {c.entries[0], c.entries[1], c.entries[2]});
  EXPECT_EQ(c.inv->result().verdict, Verdict::kPass) << c.inv->result().detail;
}

TEST(CollectionRespectsAcks, a_member_the_leader_never_read_is_not_held_against_it) {
  Collection c(400);
  c.zk.read(kR0, fl::coordinated::member_path(kR2));  // r1's acknowledgement never read
  c.zk.collect(kR0, {c.entries[0], c.entries[1], c.entries[2]});
  EXPECT_EQ(c.inv->result().verdict, Verdict::kPass) << c.inv->result().detail;
}

// A replica as the invariants observe it after a step: only how many requests it holds.
class HoldingReplica final : public Replica {
 public:
  explicit HoldingReplica(std::int64_t held) : held_(held) {}
  void start(const DiskImage&, Micros, Output&) override {}
  void on_message(NodeId, const Message&, Micros, Output&) override {}
  void on_timer(std::uint32_t, Micros, Output&) override {}
  void on_client_request(const Request&, Micros, Output&) override {}
  std::optional<std::uint64_t> leader_epoch() const override { return std::nullopt; }
  std::int64_t log_requests_held() const override { return held_; }
  Replicable& app() override { return app_; }

 private:
  std::int64_t held_;
  fl::testing::NoApp app_;
};

// A client request reaching `node`, and the end of the step that handles it with
// `held` requests held after it.
void arrives(Invariant& inv, Micros now, NodeId node, const Request& r, std::int64_t held = 0) {
  inv.on_event(now, ev::RequestArrived{r.client, node, r});
  const HoldingReplica replica(held);
  inv.on_event(now, ev::Stepped{node, replica, held});
}

void replies(Invariant& inv, Micros now, NodeId node, const Request& r) {
  const ClientReply reply{r.client, r.id, Response{}};
  inv.on_event(now, ev::Replied{node, reply, NodeId(9), kOneArrival});
}

void step_ends(Invariant& inv, Micros now, NodeId node, std::int64_t held = 0) {
  const HoldingReplica replica(held);
  inv.on_event(now, ev::Stepped{node, replica, held});
}

// The ordering multi a zk leader sends to ZooKeeper with `requests` in one /log entry.
fl::zookeeper::RequestMessage ordering_write(NodeId leader, std::vector<Request> requests) {
  const std::string entry = fl::coordinated::encode_entry(fl::coordinated::LogEntry{1, leader, std::move(requests)});
  fl::zookeeper::Multi multi;
  multi.ops.push_back(fl::zookeeper::Create{std::string(fl::coordinated::kLogEntryPrefix), entry,
                                            fl::zookeeper::CreateMode::kPersistentSequential});
  return fl::zookeeper::RequestMessage(fl::zookeeper::ConnectionId(1), fl::zookeeper::SessionId(1),
                                       fl::zookeeper::Xid(1), std::move(multi));
}

TEST(AcceptedAnswered, a_replica_answers_what_it_accepted_and_executes_unless_it_crashed_or_the_client_moved_on) {
  auto inv = make_accepted_answered(false, 400);
  const Request answered = append(1, 1, 5), superseded = append(2, 1, 6), next = append(2, 2, 7),
                lost = append(3, 1, 8);
  inv->on_event(1, ev::RequestArrived{ClientId(1), kR0, answered});
  replies(*inv, 10, kR0, answered);  // the reply goes out before the apply is published
  executed(*inv, 10, kR0, 1, 0, answered);
  inv->on_event(2, ev::RequestArrived{ClientId(2), kR1, superseded});
  inv->on_event(3, ev::RequestArrived{ClientId(2), kR1, next});  // the client moved on
  executed(*inv, 11, kR1, 1, 1, superseded);
  inv->on_event(4, ev::RequestArrived{ClientId(3), kR1, lost});
  inv->on_event(5, ev::Crashed{kR1, "crash"});  // a crash loses the table of awaited clients
  inv->on_event(6, ev::Booted{kR1, 2, "restart"});
  executed(*inv, 12, kR1, 1, 2, lost);
  inv->finish(20);
  EXPECT_FALSE(inv->violation()) << inv->violation()->evidence;
  EXPECT_EQ(inv->result().severity, Severity::kLiveness);
}

TEST(AcceptedAnswered, executing_an_awaited_request_without_answering_it_fails) {
  auto inv = make_accepted_answered(false, 400);
  const Request r = append(3, 17, 9);
  inv->on_event(5, ev::RequestArrived{ClientId(3), kR1, r});
  executed(*inv, 30, kR1, 4, 2, r);
  EXPECT_FALSE(inv->violation());  // an answer may still come
  inv->on_event(40, ev::RequestArrived{ClientId(3), kR1, append(3, 18, 10)});
  ASSERT_TRUE(inv->violation());
  EXPECT_EQ(inv->violation()->at_us, 30);
  EXPECT_EQ(inv->violation()->replicas, std::vector<NodeId>{kR1});
  EXPECT_TRUE(contains(inv->violation()->evidence, "r1 accepted c3#17 append(1,9) at t=5, executed it at 4.2 at t=30"))
      << inv->violation()->evidence;
  EXPECT_TRUE(contains(inv->violation()->evidence, "did not answer it before c3#18")) << inv->violation()->evidence;
  EXPECT_EQ(inv->result().verdict, Verdict::kFail);
}

TEST(AcceptedAnswered, zk_requests_passed_on_held_or_refused_for_room_pass) {
  auto inv = make_accepted_answered(true, 4);
  const Request forwarded = append(1, 1, 5), ordered = append(2, 1, 6), refused = append(3, 1, 7),
                held = append(4, 1, 8), crashed = append(5, 1, 9), rejected = append(6, 1, 10);
  arrives(*inv, 1, kR1, forwarded, 1);
  const fl::coordinated::ForwardMessage forward(forwarded);
  inv->on_event(1, ev::Sent{kR1, kR0, forward, kOneArrival, ""});
  arrives(*inv, 2, kR0, ordered, 1);
  const fl::zookeeper::RequestMessage write = ordering_write(kR0, {forwarded, ordered});
  inv->on_event(3, ev::Sent{kR0, NodeId(3), write, kOneArrival, ""});
  arrives(*inv, 4, kR2, refused, 4);  // at the log bound: the client's retry is the backpressure
  arrives(*inv, 5, kR1, crashed, 1);
  inv->on_event(6, ev::Crashed{kR1, "crash"});
  arrives(*inv, 7, kR0, rejected);
  replies(*inv, 7, kR0, rejected);  // answered without being executed: say, an error
  step_ends(*inv, 7, kR0);
  arrives(*inv, 8, kR2, held, 1);  // still held at the end: no leader known yet, say
  inv->finish(20);
  EXPECT_FALSE(inv->violation()) << inv->violation()->evidence;
  EXPECT_EQ(inv->judged(), 4u);  // three passed on (one by its answer), and that one answered
}

TEST(AcceptedAnswered, a_zk_request_dropped_fails_though_a_retry_got_it_ordered_and_answered) {
  auto inv = make_accepted_answered(true, 400);
  const Request r = append(4, 2, 11);
  arrives(*inv, 5, kR2, r);    // r2 takes it and passes it on nowhere
  arrives(*inv, 600, kR0, r);  // the client's retry, which r0 orders
  const fl::zookeeper::RequestMessage write = ordering_write(kR0, {r});
  inv->on_event(601, ev::Sent{kR0, NodeId(3), write, kOneArrival, ""});
  replies(*inv, 610, kR0, r);
  executed(*inv, 610, kR0, 3, 0, r);
  step_ends(*inv, 610, kR0);
  replies(*inv, 612, kR2, r);  // r2 answers too, but only because it executes it
  executed(*inv, 612, kR2, 3, 0, r);
  step_ends(*inv, 612, kR2);
  EXPECT_FALSE(inv->violation());
  inv->finish(1000);
  ASSERT_TRUE(inv->violation());
  EXPECT_EQ(inv->violation()->at_us, 5);
  EXPECT_EQ(inv->violation()->replicas, std::vector<NodeId>{kR2});
  EXPECT_TRUE(contains(inv->violation()->evidence, "r2 accepted c4#2 append(1,11) at t=5 and never forwarded it"))
      << inv->violation()->evidence;
  EXPECT_TRUE(contains(inv->violation()->evidence, "r0 executed it at 3.0 at t=610")) << inv->violation()->evidence;
}

TEST(AcceptedAnswered, a_paxos_run_does_not_judge_passing_on) {
  auto inv = make_accepted_answered(false, 400);
  arrives(*inv, 5, kR2, append(4, 2, 11));  // a follower that knows no leader drops it, by design
  inv->finish(1000);
  EXPECT_FALSE(inv->violation());
}

}  // namespace
}  // namespace fl::sim
