// Handler-level tests of the Multi-Paxos replica, driven by hand-built messages
// (no simulator): each test names the rule of "Paxos Made Simple" it pins down.
#include "rsm/paxos/replica.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <nlohmann/json.hpp>

#include "rsm/paxos/testing.hpp"

namespace fl::paxos {
namespace {

using testing::append;
using testing::carry_out;
using testing::LogApp;
using testing::sent;

Config config(std::uint32_t self, int replicas = 3) {
  Config c;
  c.self = NodeId(self);
  c.replicas = replicas;
  c.max_log_size = 40;
  c.checkpoint_interval = 10;
  c.batch_size_max = 4;
  return c;
}

// One replica with its disk (synced writes only matter for restarts in these tests).
struct Node {
  explicit Node(Config c) : replica(c, std::make_unique<LogApp>()) {}
  PaxosReplica replica;
  DiskImage disk;
  LogApp& app() { return static_cast<LogApp&>(replica.app()); }
  void apply(const Output& out) {
    for (const auto& w : out.writes) {
      if (w.value)
        disk[w.key] = *w.value;
      else
        disk.erase(w.key);
    }
  }
};

// A lossless cluster that delivers messages in FIFO order, for whole-protocol tests.
struct Cluster {
  explicit Cluster(int n) {
    for (int i = 0; i < n; ++i) nodes.push_back(std::make_unique<Node>(config(static_cast<std::uint32_t>(i), n)));
    for (auto& node : nodes) run(*node, [&](Output& out) { node->replica.start({}, now, out); });
  }
  void run(Node& node, const std::function<void(Output&)>& input) {
    Output out;
    input(out);
    carry_out(node.replica, out);
    node.apply(out);
    std::uint32_t self = 0;
    while (nodes[self].get() != &node) ++self;
    for (auto& [to, m] : out.messages) queue.push_back({NodeId(self), to, m});
    for (auto& r : out.replies) replies.push_back(r);
  }
  void deliver_all() {
    while (!queue.empty()) {
      auto [from, to, m] = queue.front();
      queue.pop_front();
      Node& node = *nodes[to.value];
      run(node, [&](Output& out) { node.replica.on_message(from, *m, now, out); });
    }
  }
  void tick(std::uint32_t who) {
    Node& node = *nodes[who];
    run(node, [&](Output& out) { node.replica.on_timer(kTickTimer, now, out); });
  }
  struct InFlight {
    NodeId from, to;
    MessagePtr m;
  };
  std::vector<std::unique_ptr<Node>> nodes;
  std::deque<InFlight> queue;
  std::vector<ClientReply> replies;
  Micros now = 0;
};

TEST(PaxosAcceptor, accept_rejects_stale_ballot) {
  // Paxos Made Simple §2.2 (P1a): an acceptor that promised n accepts no ballot below n.
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(2), Prepare(Ballot{5, NodeId(2)}, Slot(1)), 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(0), Accept(Ballot{3, NodeId(0)}, Slot(1), {append(1, 1, 7)}), 0, out);
  carry_out(n.replica, out);
  EXPECT_TRUE(sent<Accepted>(out, Kind::kAccepted).empty());
  const auto nacks = sent<Nack>(out, Kind::kNack);
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0]->promised, (Ballot{5, NodeId(2)}));
  EXPECT_TRUE(n.replica.log().empty());
  EXPECT_TRUE(out.writes.empty());
}

TEST(PaxosAcceptor, prepare_rejects_lower_ballot_and_promises_higher) {
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(2), Prepare(Ballot{4, NodeId(2)}, Slot(1)), 0, out);
  carry_out(n.replica, out);
  ASSERT_EQ(sent<Promise>(out, Kind::kPromise).size(), 1u);
  EXPECT_TRUE(out.sync) << "a promise must be durable before it is sent";
  out.clear();
  n.replica.on_message(NodeId(0), Prepare(Ballot{4, NodeId(0)}, Slot(1)), 0, out);
  carry_out(n.replica, out);
  EXPECT_TRUE(sent<Promise>(out, Kind::kPromise).empty());
  EXPECT_EQ(sent<Nack>(out, Kind::kNack).size(), 1u);
}

TEST(PaxosAcceptor, accepted_value_is_synced_before_the_reply) {
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(0), Accept(Ballot{1, NodeId(0)}, Slot(1), {append(1, 1, 7)}), 0, out);
  carry_out(n.replica, out);
  ASSERT_EQ(sent<Accepted>(out, Kind::kAccepted).size(), 1u);
  EXPECT_TRUE(out.sync);
  ASSERT_FALSE(out.writes.empty());
  EXPECT_EQ(out.writes.back().key, "log/00000000000000000001");
  EXPECT_EQ(out.writes.back().weight, 1);
}

TEST(PaxosAcceptor, promise_reports_accepted_values_from_the_requested_slot) {
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_message(NodeId(0), Accept(Ballot{1, NodeId(0)}, Slot(1), {append(1, 1, 7)}), 0, out);
  carry_out(n.replica, out);
  n.replica.on_message(NodeId(0), Accept(Ballot{1, NodeId(0)}, Slot(2), {append(1, 2, 8)}), 0, out);
  carry_out(n.replica, out);
  out.clear();
  // Later than an election timeout: r0 is no longer heard, so r1 answers r2's Prepare.
  n.replica.on_message(NodeId(2), Prepare(Ballot{2, NodeId(2)}, Slot(2)), kSeconds, out);
  carry_out(n.replica, out);
  const auto promises = sent<Promise>(out, Kind::kPromise);
  ASSERT_EQ(promises.size(), 1u);
  ASSERT_EQ(promises[0]->entries.size(), 1u);
  EXPECT_EQ(promises[0]->entries[0].slot, Slot(2));
  EXPECT_EQ(promises[0]->entries[0].ballot, (Ballot{1, NodeId(0)}));
  EXPECT_EQ(promises[0]->entries[0].batch, Batch{append(1, 2, 8)});
}

TEST(PaxosCandidate, phase1_picks_highest_ballot_among_promises_and_fills_gaps) {
  // Paxos Made Simple §2.2 (P2c): for each slot the new leader proposes the value
  // accepted in the highest ballot among a majority's promises.
  Node n(config(0, 5));  // 5 replicas: needs 3 promises
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_timer(kTickTimer, 10 * kSeconds, out);
  carry_out(n.replica, out);
  const Ballot ballot = n.replica.promised();
  const Batch low{append(1, 1, 100)}, high{append(2, 1, 200)};
  out.clear();
  n.replica.on_message(NodeId(1), Promise(ballot, Slot(0), {SlotReport{Slot(1), Ballot{1, NodeId(1)}, low, false}}), 0,
                       out);
  carry_out(n.replica, out);
  EXPECT_TRUE(n.replica.is_candidate());
  n.replica.on_message(NodeId(2),
                       Promise(ballot, Slot(0),
                               {SlotReport{Slot(1), Ballot{2, NodeId(2)}, high, false},
                                SlotReport{Slot(3), Ballot{1, NodeId(1)}, low, false}}),
                       0, out);
  carry_out(n.replica, out);
  ASSERT_TRUE(n.replica.is_leader());
  std::map<std::int64_t, Batch> proposed;
  for (const Accept* a : sent<Accept>(out, Kind::kAccept)) proposed[a->slot.value] = a->batch;
  ASSERT_EQ(proposed.size(), 3u);
  EXPECT_EQ(proposed[1], high) << "slot 1 must carry the highest-ballot value";
  EXPECT_TRUE(proposed[2].empty()) << "the gap at slot 2 is filled with a no-op";
  EXPECT_EQ(proposed[3], low);
}

TEST(PaxosCandidate, a_decided_value_wins_over_a_higher_ballot) {
  Node n(config(0));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_timer(kTickTimer, 10 * kSeconds, out);
  carry_out(n.replica, out);
  const Ballot ballot = n.replica.promised();
  const Batch decided{append(1, 1, 100)};
  out.clear();
  n.replica.on_message(NodeId(1), Promise(ballot, Slot(0), {SlotReport{Slot(1), Ballot{1, NodeId(1)}, decided, true}}),
                       0, out);
  carry_out(n.replica, out);
  ASSERT_TRUE(n.replica.is_leader());
  EXPECT_EQ(n.replica.executed(), Slot(1));
  EXPECT_EQ(static_cast<LogApp&>(n.replica.app()).executed, std::vector<std::string>{describe(decided[0])});
}

TEST(PaxosCandidate, a_candidate_behind_a_checkpoint_catches_up_instead_of_leading) {
  Node n(config(0));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_timer(kTickTimer, 10 * kSeconds, out);
  carry_out(n.replica, out);
  const Ballot ballot = n.replica.promised();
  out.clear();
  n.replica.on_message(NodeId(1), Promise(ballot, Slot(20), {}), 0, out);
  carry_out(n.replica, out);
  EXPECT_FALSE(n.replica.is_leader());
  EXPECT_EQ(sent<CatchupRequest>(out, Kind::kCatchupRequest).size(), 1u);
}

TEST(PaxosCluster, a_request_is_decided_executed_everywhere_and_answered_once) {
  Cluster c(3);
  c.now = 10 * kSeconds;
  c.tick(0);
  c.deliver_all();
  ASSERT_TRUE(c.nodes[0]->replica.is_leader());
  // The request enters at a follower, which forwards it to the leader.
  c.run(*c.nodes[2], [&](Output& out) { c.nodes[2]->replica.on_client_request(append(7, 1, 42), c.now, out); });
  c.deliver_all();
  ASSERT_EQ(c.replies.size(), 1u);
  EXPECT_EQ(c.replies[0].id, RequestId(1));
  for (auto& node : c.nodes) EXPECT_EQ(node->app().executed, std::vector<std::string>{describe(append(7, 1, 42))});
}

TEST(PaxosCluster, logs_are_collected_behind_checkpoints_and_stay_bounded) {
  Cluster c(3);
  c.now = 10 * kSeconds;
  c.tick(0);
  c.deliver_all();
  for (std::uint64_t i = 1; i <= 200; ++i) {
    c.run(*c.nodes[0], [&](Output& out) { c.nodes[0]->replica.on_client_request(append(1, i, int(i)), c.now, out); });
    c.deliver_all();
    for (auto& node : c.nodes) ASSERT_LE(node->replica.log_requests_held(), 40);
  }
  for (auto& node : c.nodes) {
    EXPECT_EQ(node->app().executed.size(), 200u);
    EXPECT_GE(node->replica.checkpoint_slot().value, 190);
  }
}

TEST(PaxosCluster, a_restarted_replica_recovers_from_checkpoint_plus_log) {
  Cluster c(3);
  c.now = 10 * kSeconds;
  c.tick(0);
  c.deliver_all();
  for (std::uint64_t i = 1; i <= 25; ++i) {
    c.run(*c.nodes[0], [&](Output& out) { c.nodes[0]->replica.on_client_request(append(1, i, int(i)), c.now, out); });
    c.deliver_all();
  }
  const auto before = c.nodes[1]->app().executed;
  ASSERT_EQ(before.size(), 25u);
  // Rebuild r1 from its disk alone.
  const DiskImage disk = c.nodes[1]->disk;
  auto fresh = std::make_unique<Node>(config(1));
  fresh->disk = disk;
  Output out;
  fresh->replica.start(disk, c.now, out);
  carry_out(fresh->replica, out);
  EXPECT_GE(fresh->replica.checkpoint_slot().value, 20);
  EXPECT_EQ(fresh->app().executed, before);
}

TEST(PaxosCluster, a_lagging_replica_catches_up_from_a_snapshot) {
  Cluster c(3);
  c.now = 10 * kSeconds;
  c.tick(0);
  c.deliver_all();
  // r2 misses everything: drop whatever is addressed to it.
  for (std::uint64_t i = 1; i <= 30; ++i) {
    c.run(*c.nodes[0], [&](Output& out) { c.nodes[0]->replica.on_client_request(append(1, i, int(i)), c.now, out); });
    while (!c.queue.empty()) {
      auto m = c.queue.front();
      c.queue.pop_front();
      if (m.to == NodeId(2) || m.from == NodeId(2)) continue;
      Node& node = *c.nodes[m.to.value];
      c.run(node, [&](Output& out) { node.replica.on_message(m.from, *m.m, c.now, out); });
    }
  }
  EXPECT_EQ(c.nodes[2]->app().executed.size(), 0u);
  c.now += 50 * kMillis;
  c.tick(0);  // heartbeat: r2 sees it is behind and asks for what it missed
  c.deliver_all();
  EXPECT_EQ(c.nodes[2]->app().executed, c.nodes[0]->app().executed);
  EXPECT_EQ(c.nodes[2]->replica.executed(), c.nodes[0]->replica.executed());
}

TEST(PaxosAcceptor, promise_reports_within_the_budget_and_says_where_it_stopped) {
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  for (std::int64_t slot = 1; slot <= 3; ++slot) {
    const auto v = static_cast<std::int32_t>(slot);
    n.replica.on_message(
        NodeId(0), Accept(Ballot{1, NodeId(0)}, Slot(slot), {append(1, 2 * slot, v), append(2, slot, v)}), 0, out);
    carry_out(n.replica, out);
  }
  out.clear();
  n.replica.on_message(NodeId(2), Prepare(Ballot{2, NodeId(2)}, Slot(1), 3), kSeconds, out);
  carry_out(n.replica, out);
  const auto promises = sent<Promise>(out, Kind::kPromise);
  ASSERT_EQ(promises.size(), 1u);
  EXPECT_EQ(promises[0]->entries.size(), 1u) << "two requests per slot: a budget of 3 covers one slot";
  EXPECT_EQ(promises[0]->truncated_at, Slot(2));
}

TEST(PaxosCandidate, a_new_leader_reproposes_only_below_the_cut_and_continues_phase1_later) {
  Node n(config(0));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_timer(kTickTimer, 10 * kSeconds, out);
  carry_out(n.replica, out);
  const Ballot ballot = n.replica.promised();
  out.clear();
  n.replica.on_message(
      NodeId(1),
      Promise(ballot, Slot(0), {SlotReport{Slot(1), Ballot{1, NodeId(1)}, {append(1, 1, 5)}, false}}, Slot(2)), 0, out);
  carry_out(n.replica, out);
  ASSERT_TRUE(n.replica.is_leader());
  const auto accepts = sent<Accept>(out, Kind::kAccept);
  ASSERT_EQ(accepts.size(), 2u) << "slot 1 to both peers, nothing at or above the cut";
  EXPECT_EQ(accepts[0]->slot, Slot(1));
  // A client request must wait: slots from 2 on are not yet covered by phase 1.
  out.clear();
  n.replica.on_client_request(append(9, 1, 99), 0, out);
  carry_out(n.replica, out);
  EXPECT_TRUE(sent<Accept>(out, Kind::kAccept).empty());
}

TEST(PaxosLeader, a_slot_learned_from_a_peer_finishes_its_own_proposal_without_harm) {
  // Regression: a leader executed (and collected) a slot it still had in flight after
  // a late Decide from a previous leader, then aborted when its own quorum formed.
  Cluster c(3);
  c.now = 10 * kSeconds;
  c.tick(0);
  c.deliver_all();
  ASSERT_TRUE(c.nodes[0]->replica.is_leader());
  c.run(*c.nodes[0], [&](Output& out) { c.nodes[0]->replica.on_client_request(append(1, 1, 7), c.now, out); });
  // Before any Accepted arrives, a Decide for slot 1 with the same value comes in.
  Node& leader = *c.nodes[0];
  c.run(leader,
        [&](Output& out) { leader.replica.on_message(NodeId(1), Decide(Slot(1), {append(1, 1, 7)}), c.now, out); });
  EXPECT_EQ(leader.replica.executed(), Slot(1));
  c.deliver_all();  // the Accepted quorum for slot 1 now arrives: must not abort
  EXPECT_TRUE(leader.replica.is_leader());
  c.run(leader, [&](Output& out) { leader.replica.on_client_request(append(1, 2, 8), c.now, out); });
  c.deliver_all();
  c.now += 50 * kMillis;
  c.tick(0);  // followers that never saw slot 1 decided learn it from the heartbeat
  c.deliver_all();
  for (auto& node : c.nodes) EXPECT_EQ(node->app().executed.size(), 2u);
}

TEST(PaxosFollower, ignores_a_rivals_prepare_while_its_leader_is_heard_then_answers_it) {
  // Leader stickiness: a replica that cannot hear the leader must not depose it
  // through followers that do; once the leader falls silent for an election timeout,
  // the same Prepare is answered.
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_message(NodeId(0), Heartbeat(Ballot{1, NodeId(0)}, Slot(0)), 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(2), Prepare(Ballot{2, NodeId(2)}, Slot(1)), 100 * kMillis, out);
  carry_out(n.replica, out);
  EXPECT_TRUE(out.messages.empty());
  EXPECT_TRUE(n.replica.promised().empty()) << "nothing promised to r2";
  n.replica.on_message(NodeId(2), Prepare(Ballot{2, NodeId(2)}, Slot(1)), 400 * kMillis, out);
  carry_out(n.replica, out);
  EXPECT_EQ(sent<Promise>(out, Kind::kPromise).size(), 1u);
  EXPECT_EQ(n.replica.promised(), (Ballot{2, NodeId(2)}));
}

TEST(PaxosFollower, a_sticky_follower_still_takes_a_new_leaders_higher_ballot) {
  // Stickiness holds back campaigns only: a leader elected without this replica is
  // followed as soon as its Accepts or heartbeats arrive.
  Node n(config(1));
  Output out;
  n.replica.start({}, 0, out);
  carry_out(n.replica, out);
  n.replica.on_message(NodeId(0), Heartbeat(Ballot{1, NodeId(0)}, Slot(0)), 0, out);
  carry_out(n.replica, out);
  out.clear();
  n.replica.on_message(NodeId(2), Accept(Ballot{2, NodeId(2)}, Slot(1), {append(1, 1, 7)}), 10 * kMillis, out);
  carry_out(n.replica, out);
  EXPECT_EQ(sent<Accepted>(out, Kind::kAccepted).size(), 1u);
  out.clear();
  n.replica.on_message(NodeId(2), Heartbeat(Ballot{2, NodeId(2)}, Slot(0)), 20 * kMillis, out);
  carry_out(n.replica, out);
  EXPECT_EQ(sent<HeartbeatAck>(out, Kind::kHeartbeatAck).size(), 1u);
  n.replica.on_message(NodeId(0), Heartbeat(Ballot{1, NodeId(0)}, Slot(0)), 30 * kMillis, out);
  carry_out(n.replica, out);
  EXPECT_EQ(sent<Nack>(out, Kind::kNack).size(), 1u) << "the old leader learns it was replaced";
}

TEST(PaxosLeader, steps_down_when_no_majority_has_answered_for_an_election_timeout) {
  // Check-quorum (Raft thesis §6.2): heartbeat acks keep an idle leader in office;
  // without them it becomes a follower, so followers that still hear it stop
  // waiting for it and elect past it.
  for (const bool acked : {true, false}) {
    Node n(config(0));
    Output out;
    n.replica.start({}, 0, out);
    carry_out(n.replica, out);
    n.replica.on_timer(kTickTimer, 10 * kSeconds, out);
    carry_out(n.replica, out);
    const Ballot ballot = n.replica.promised();
    n.replica.on_message(NodeId(1), Promise(ballot, Slot(0), {}), 10 * kSeconds, out);
    carry_out(n.replica, out);
    ASSERT_TRUE(n.replica.is_leader());
    for (Micros t = 10 * kSeconds + 50 * kMillis; t <= 10 * kSeconds + 600 * kMillis; t += 50 * kMillis) {
      if (acked) n.replica.on_message(NodeId(2), HeartbeatAck(ballot), t, out);
      n.replica.on_timer(kTickTimer, t, out);
      carry_out(n.replica, out);
    }
    EXPECT_EQ(n.replica.is_leader(), acked);
  }
}

// The core never calls its app (with a Cassandra store every call is network IO): it
// lists app steps, and the runner carries them out. An app that counts calls shows it.
class CountingApp final : public Replicable {
 public:
  explicit CountingApp(int& calls) : calls_(calls) {}
  Response execute(const Request&) override {
    ++calls_;
    return {};
  }
  std::string checkpoint() override {
    ++calls_;
    return {};
  }
  std::optional<std::string> restore(std::string_view) override {
    ++calls_;
    return std::nullopt;
  }
  std::vector<Row> rows() override {
    ++calls_;
    return {};
  }
  std::uint64_t state_digest() override {
    ++calls_;
    return 0;
  }

 private:
  int& calls_;
};

// A one-replica cluster leads at once and decides each request as it arrives.
PaxosReplica solo_leader(std::unique_ptr<Replicable> app, Output& out) {
  PaxosReplica r(config(0, 1), std::move(app));
  r.start({}, 0, out);
  r.on_timer(kTickTimer, 10 * kSeconds, out);
  return r;
}

TEST(PaxosAppSteps, a_decided_request_is_an_execute_step_not_a_call) {
  int calls = 0;
  Output out;
  PaxosReplica r = solo_leader(std::make_unique<CountingApp>(calls), out);
  ASSERT_TRUE(r.is_leader());
  out.clear();
  r.on_client_request(append(1, 1, 7), 10 * kSeconds, out);
  EXPECT_EQ(calls, 0);
  ASSERT_EQ(out.app.size(), 1u);
  const auto* step = std::get_if<ExecuteStep>(&out.app[0]);
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->slot, Slot(1));
  EXPECT_EQ(step->index, 0u);
  EXPECT_EQ(step->request, append(1, 1, 7));
  EXPECT_TRUE(step->reply) << "the request entered here, so this replica owes the reply";
  EXPECT_TRUE(out.replies.empty()) << "the runner replies once it has the response";
  carry_out(r, out);
  EXPECT_EQ(calls, 2) << "execute, then the digest for Applied";
  ASSERT_EQ(out.replies.size(), 1u);
  ASSERT_EQ(out.applied.size(), 1u);
  EXPECT_EQ(out.applied[0].slot, Slot(1));
}

TEST(PaxosAppSteps, a_checkpoint_is_written_and_served_with_the_text_handed_back) {
  Output out;
  PaxosReplica r = solo_leader(std::make_unique<LogApp>(), out);
  ASSERT_TRUE(r.is_leader());
  for (std::uint64_t i = 1; i <= 10; ++i) {  // checkpoint_interval requests
    out.clear();
    r.on_client_request(append(1, i, static_cast<std::int32_t>(i)), 10 * kSeconds, out);
  }
  ASSERT_FALSE(out.app.empty());
  const auto* step = std::get_if<CheckpointStep>(&out.app.back());
  ASSERT_NE(step, nullptr);
  EXPECT_EQ(step->slot, Slot(10));
  EXPECT_EQ(r.checkpoint_slot(), Slot(10));
  const auto checkpoint_writes = [&] {
    return std::count_if(out.writes.begin(), out.writes.end(), [](const DiskWrite& w) { return w.key == "ckpt"; });
  };
  EXPECT_EQ(checkpoint_writes(), 0) << "the core has no text to write until the runner hands it back";
  r.on_checkpoint(Slot(10), "STATE", out);
  ASSERT_EQ(checkpoint_writes(), 1);
  EXPECT_EQ(out.writes.back().value, "10|STATE");
  EXPECT_TRUE(out.sync);
  out.clear();
  r.on_message(NodeId(0), CatchupRequest(Slot(1)), 10 * kSeconds, out);
  const auto snapshots = sent<Snapshot>(out, Kind::kSnapshot);
  ASSERT_EQ(snapshots.size(), 1u);
  EXPECT_EQ(snapshots[0]->state, "STATE");
}

}  // namespace
}  // namespace fl::paxos
