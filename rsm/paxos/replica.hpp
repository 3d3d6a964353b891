// A Multi-Paxos replica of the grade-table database, as a sans-IO state machine
// (etcd raft's Step/Ready shape): the runner hands it messages, timer firings and
// client requests with the current time, and executes the Output it fills.
//
// The protocol follows "Paxos Made Simple" (Lamport 2001): §2.2-2.3 for the
// single-decree acceptor rules (promise, accept, adopt the highest-ballot value in
// phase 1) and §3 for the state machine: one leader runs phase 1 once for all slots
// above its executed prefix, then phase 2 per slot. Around it, in the style of
// GigaPaxos: any replica takes client requests and forwards them to the leader;
// the leader batches them; replicas execute decided slots in order (as app steps the
// runner carries out against the Replicable app: the core never calls it), checkpoint every `checkpoint_interval`
// requests and drop the log behind the checkpoint so no replica holds more than `max_log_size` requests; a lagging
// replica catches up from decisions or, once those are collected, from a checkpoint. For liveness under partial
// connectivity (Raft thesis §6.2, §9.6): a leader that has heard from no majority within an election timeout steps down
// (followers acknowledge heartbeats so an idle leader is heard), and a replica that
// hears a working leader ignores other nodes' Prepares until it stops hearing it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/core/replica.hpp"
#include "rsm/paxos/durable.hpp"
#include "rsm/paxos/messages.hpp"
#include "rsm/paxos/variants.hpp"

namespace fl::paxos {

// What a replica is told about its cluster and its limits.
struct Config {
  NodeId self;
  int replicas = 3;
  std::int64_t max_log_size = 400;         // requests held in memory or on disk, at most
  std::int64_t checkpoint_interval = 100;  // executed requests between checkpoints
  int batch_size_max = 16;                 // requests per slot
  int pipeline_max = 8;                    // undecided slots the leader has in flight
  Micros heartbeat_us = 50 * kMillis;
  Micros election_timeout_us = 300 * kMillis;
  Mutation mutation = Mutation::kNone;
};

// The single timer a Paxos replica uses: heartbeat and retransmission on the
// leader, failure detection elsewhere.
inline constexpr std::uint32_t kTickTimer = 1;

class PaxosReplica final : public Replica {
 public:
  PaxosReplica(Config config, std::unique_ptr<Replicable> app);

  void start(const DiskImage& disk, Micros now, Output& out) override;
  void on_message(NodeId from, const Message& message, Micros now, Output& out) override;
  void on_timer(std::uint32_t timer, Micros now, Output& out) override;
  void on_client_request(const Request& request, Micros now, Output& out) override;
  void on_checkpoint(Slot slot, std::string state, Output& out) override;

  std::optional<std::uint64_t> leader_epoch() const override;
  // The log plus, on a leader, requests queued for proposal: both are requests held
  // in memory, and the bound covers them together.
  std::int64_t log_requests_held() const override;
  Replicable& app() override { return *app_; }

  // Observations for tests.
  Ballot promised() const { return promised_; }
  Slot executed() const { return Slot(executed_); }
  Slot checkpoint_slot() const { return Slot(checkpoint_slot_); }
  bool is_leader() const { return std::holds_alternative<Leader>(role_); }
  bool is_candidate() const { return std::holds_alternative<Candidate>(role_); }
  const std::map<std::int64_t, Entry>& log() const { return log_; }

 private:
  // Follows `leader` (if known), whose heartbeats it last heard at `heard_us`.
  struct Follower {
    std::optional<NodeId> leader;
    Ballot leader_ballot;
  };
  // One round of phase 1 for `ballot` over the slots from `from` on. Acceptors report
  // at most `budget` requests each; below `cut` every promiser's report is complete,
  // so only slots below it may be re-proposed from this round.
  struct Phase1 {
    Ballot ballot;
    std::int64_t from = 1;
    std::int64_t budget = kUnlimited;
    Micros started_us = 0;
    std::uint64_t promised_by = 0;              // bitmask of node ids, self included
    std::map<std::int64_t, SlotReport> merged;  // per slot: decided value, else highest-ballot value
    std::int64_t cut = kUnlimited;
    bool sent = false;
  };
  // Campaigns: runs the first phase-1 round of its ballot.
  struct Candidate {
    Phase1 round;
  };
  // Leads `ballot`: proposes batches at `next_slot` onwards. While `recovery` is set,
  // phase 1 has not yet covered every slot (a budget cut the reports short): it
  // re-proposes what it learned and proposes nothing new until a later round,
  // run once the pipeline has drained, covers the rest.
  struct Leader {
    struct Proposal {
      Batch batch;
      std::uint64_t accepted_by = 0;  // bitmask of node ids
    };
    Ballot ballot;
    std::int64_t next_slot = 1;
    std::map<std::int64_t, Proposal> inflight;
    std::int64_t inflight_requests = 0;
    std::vector<Request> pending;  // waiting for room in the pipeline
    std::optional<Phase1> recovery;
  };
  using Role = std::variant<Follower, Candidate, Leader>;

  void dispatch(NodeId from, const Message& message, Micros now, Output& out);
  void tick(Micros now, Output& out);
  void take_request(const Request& request, Output& out);
  void on_prepare(NodeId from, const Prepare& m, Micros now, Output& out);
  void on_promise(NodeId from, const Promise& m, Micros now, Output& out);
  void on_nack(const Nack& m, Micros now);
  void on_accept(NodeId from, const Accept& m, Micros now, Output& out);
  void on_accepted(NodeId from, const Accepted& m, Output& out);
  void on_decide(const Decide& m, Micros now, Output& out);
  void on_heartbeat(NodeId from, const Heartbeat& m, Micros now, Output& out);
  void on_forward(const Forward& m, Output& out);
  void on_catchup(NodeId from, const CatchupRequest& m, Output& out);
  void on_snapshot(const Snapshot& m, Output& out);

  void campaign(Micros now, Output& out);
  // A round of phase 1 from `from` with a budget that keeps the merged reports in bounds.
  Phase1 open_round(Ballot ballot, std::int64_t from, Micros now) const;
  void send_round(Phase1& round, Output& out) const;
  Phase1* current_round();
  void complete_round(Output& out);
  // Re-proposes (or stores, if decided) every slot of `round` below its cut.
  void adopt(Leader& l, const Phase1& round, Output& out);
  // Drops proposals for slots this replica has executed or learned decided elsewhere.
  void retire_inflight();
  void follow(std::optional<NodeId> leader, Ballot ballot, Micros now);
  // Check-quorum: some majority, this replica included, sent it a message within the
  // last election timeout.
  bool hears_quorum(Micros now) const;
  // Leader stickiness (the lease of etcd raft's check-quorum): a Prepare from `from`
  // is ignored while this replica leads with a majority hearing it, or follows
  // another leader it heard within the election timeout. A working leader is then
  // not deposed by a replica that cannot hear it; a leader that stops being heard
  // (or steps down) stops holding anyone within one election timeout, and a new
  // leader's Accepts and heartbeats are never refused this way.
  bool in_lease(NodeId from, Micros now) const;
  void propose_pending(Output& out);
  void propose(Leader& l, std::int64_t slot, Batch batch, Output& out);
  // Registers `slot` (already stored) as in flight and asks acceptors to accept it.
  void send_proposal(Leader& l, std::int64_t slot, Batch batch, Output& out);
  void decide(std::int64_t slot, Output& out);
  void broadcast(const MessagePtr& message, Output& out) const;
  void enqueue(const Request& request, Output& out);

  // Raises the promised ballot durably (synced before any reply leaves).
  void promise(Ballot ballot, Output& out);
  // How much room store() demands. Every store keeps the log plus a leader's queue
  // within max_log_size, except kForce, used only for the next slot to execute
  // (executing it at once frees room). An acceptor also keeps its unexecuted
  // requests within unexecuted_cap(), so a replica that becomes leader has room to
  // merge what others report in phase 1.
  enum class Room { kAcceptor, kAdopt, kForce };
  // Stores `entry` at `slot` in memory and on disk; false if `room` forbids it.
  bool store(std::int64_t slot, Entry entry, Output& out, Room room);
  std::int64_t unexecuted() const { return held_ - executed_since_checkpoint_; }
  // At most half of what the log may hold beyond a checkpoint interval.
  std::int64_t unexecuted_cap() const;
  void execute_ready(Output& out);
  void maybe_checkpoint(Output& out);
  void install(std::int64_t slot, const std::string& state, Output& out);
  void collect_through(std::int64_t slot, Output& out);
  std::int64_t election_deadline_us() const;
  int quorum() const { return config_.replicas / 2 + 1; }
  // The promises a candidate and the acceptances a proposal need, counted apart as
  // in Flexible Paxos; both are quorum() unless a planted bug miscounts one of them.
  int phase1_quorum() const;
  int phase2_quorum() const;

  Config config_;
  std::unique_ptr<Replicable> app_;
  Role role_;
  Ballot promised_;
  std::uint64_t highest_round_seen_ = 0;
  std::map<std::int64_t, Entry> log_;  // slots above checkpoint_slot_
  std::int64_t held_ = 0;              // requests in log_
  std::int64_t executed_ = 0;          // every slot <= executed_ is executed
  std::int64_t checkpoint_slot_ = 0;
  std::string checkpoint_;  // the state at checkpoint_slot_, for lagging peers
  // The slot of the checkpoint the runner is yet to hand back (on_checkpoint).
  std::optional<std::int64_t> checkpoint_awaited_;
  std::int64_t executed_since_checkpoint_ = 0;
  Micros heard_us_ = 0;                // last sign of life from the leader we follow
  std::vector<Micros> heard_from_us_;  // per replica: when a message from it last arrived
  // Requests that entered here and still await a reply: the latest id per client
  // (clients have one request outstanding), so this stays as small as the client set.
  std::map<ClientId, RequestId> awaiting_;
};

}  // namespace fl::paxos
