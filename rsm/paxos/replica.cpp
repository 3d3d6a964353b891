#include "rsm/paxos/replica.hpp"

#include <algorithm>
#include <bit>

#include "rsm/core/assert.hpp"

namespace fl::paxos {
namespace {

std::uint64_t bit(NodeId id) { return std::uint64_t{1} << id.value; }

template <class M, class... Args>
MessagePtr make(Args&&... args) {
  return std::make_shared<const M>(std::forward<Args>(args)...);
}

std::int64_t weight(const Batch& batch) { return static_cast<std::int64_t>(batch.size()); }

// How an acceptor reports one of its slots in phase 1.
SlotReport report_of(std::int64_t slot, const Entry& entry) {
  return SlotReport{Slot(slot), entry.ballot, entry.batch, entry.decided};
}

}  // namespace

PaxosReplica::PaxosReplica(Config config, std::unique_ptr<Replicable> app) : config_(config), app_(std::move(app)) {
  FL_ASSERT(config_.replicas >= 1 && config_.replicas <= 64, "bitmasks hold at most 64 replicas");
  FL_ASSERT(config_.checkpoint_interval < config_.max_log_size, "the log must have room beyond a checkpoint");
  FL_ASSERT(app_ != nullptr);
  heard_from_us_.assign(static_cast<std::size_t>(config_.replicas), -config_.election_timeout_us);
}

std::optional<std::uint64_t> PaxosReplica::leader_epoch() const {
  if (const auto* l = std::get_if<Leader>(&role_)) return (l->ballot.round << 8) | l->ballot.node.value;
  return std::nullopt;
}

std::int64_t PaxosReplica::log_requests_held() const {
  const auto* l = std::get_if<Leader>(&role_);
  return held_ + (l ? static_cast<std::int64_t>(l->pending.size()) : 0);
}

std::int64_t PaxosReplica::election_deadline_us() const {
  // Replicas wait different times before campaigning, so after a leader fails the
  // next one usually wins alone instead of duelling (a deterministic stand-in for
  // Raft's randomised timeouts: the core may not draw random numbers).
  return config_.election_timeout_us +
         static_cast<Micros>(config_.self.value) * config_.election_timeout_us / config_.replicas;
}

int PaxosReplica::phase1_quorum() const {
  if (config_.mutation == Mutation::kPhase1QuorumHalf) return config_.replicas / 2;
  return quorum();
}

int PaxosReplica::phase2_quorum() const {
  if (config_.mutation == Mutation::kPhase2QuorumHalf) return config_.replicas / 2;
  return quorum();
}

// --- start-up and recovery ---------------------------------------------------------

void PaxosReplica::start(const DiskImage& disk, Micros now, Output& out) {
  Recovered r = recover(disk);
  promised_ = r.promised;
  highest_round_seen_ = promised_.round;
  checkpoint_slot_ = executed_ = r.checkpoint_slot.value;
  if (config_.mutation == Mutation::kRestartSkipsFirstSlot) executed_ = checkpoint_slot_ + 1;
  std::optional<std::string> state;  // a first boot keeps the fresh app's empty state
  if (!r.checkpoint.empty()) state = r.checkpoint;
  out.app.push_back(RestoreStep{Slot(checkpoint_slot_), RestoreSource::kOwnCheckpoint, std::move(state)});
  checkpoint_ = std::move(r.checkpoint);
  log_ = std::move(r.log);
  held_ = 0;
  for (const auto& [slot, entry] : log_) held_ += weight(entry.batch);
  role_ = Follower{};
  heard_us_ = now;
  heard_from_us_.assign(static_cast<std::size_t>(config_.replicas), now - config_.election_timeout_us);
  out.notes.push_back("recovered ckpt=" + std::to_string(checkpoint_slot_) + " log=" + std::to_string(log_.size()) +
                      " promised=" + promised_.describe());
  execute_ready(out);  // replays decided slots above the checkpoint
  out.timers.push_back({kTickTimer, config_.heartbeat_us});
}

// --- inputs ------------------------------------------------------------------------

void PaxosReplica::on_message(NodeId from, const Message& message, Micros now, Output& out) {
  FL_ASSERT(!checkpoint_awaited_, "an input before the runner fed back a checkpoint");
  if (from.value < heard_from_us_.size()) heard_from_us_[from.value] = now;  // any message is a sign of life
  dispatch(from, message, now, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::dispatch(NodeId from, const Message& message, Micros now, Output& out) {
  const auto& m = static_cast<const PaxosMessage&>(message);
  switch (m.kind()) {
    case Kind::kPrepare:
      return on_prepare(from, static_cast<const Prepare&>(m), now, out);
    case Kind::kPromise:
      return on_promise(from, static_cast<const Promise&>(m), now, out);
    case Kind::kNack:
      return on_nack(static_cast<const Nack&>(m), now);
    case Kind::kAccept:
      return on_accept(from, static_cast<const Accept&>(m), now, out);
    case Kind::kAccepted:
      return on_accepted(from, static_cast<const Accepted&>(m), out);
    case Kind::kDecide:
      return on_decide(static_cast<const Decide&>(m), now, out);
    case Kind::kHeartbeat:
      return on_heartbeat(from, static_cast<const Heartbeat&>(m), now, out);
    case Kind::kHeartbeatAck:
      return;  // on_message noted that the sender hears us
    case Kind::kForward:
      return on_forward(static_cast<const Forward&>(m), out);
    case Kind::kCatchupRequest:
      return on_catchup(from, static_cast<const CatchupRequest&>(m), out);
    case Kind::kSnapshot:
      return on_snapshot(static_cast<const Snapshot&>(m), out);
  }
  FL_ASSERT(false, "unknown paxos message kind");
}

void PaxosReplica::on_timer(std::uint32_t timer, Micros now, Output& out) {
  FL_ASSERT(timer == kTickTimer, "unknown timer " + std::to_string(timer));
  FL_ASSERT(!checkpoint_awaited_, "an input before the runner fed back a checkpoint");
  tick(now, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::tick(Micros now, Output& out) {
  out.timers.push_back({kTickTimer, config_.heartbeat_us});
  if (auto* l = std::get_if<Leader>(&role_)) {
    if (!hears_quorum(now)) {
      // Check-quorum (Raft thesis §6.2): a leader no majority has answered for an
      // election timeout may be cut off from it one way only, its heartbeats still
      // holding the others back from electing; stepping down frees them.
      out.notes.push_back("step down b=" + l->ballot.describe() + ": no majority heard");
      follow(std::nullopt, l->ballot, now);
      return;
    }
    broadcast(make<Heartbeat>(l->ballot, Slot(executed_)), out);
    // Retransmit undecided proposals to whoever has not accepted them: the network
    // may have lost the Accept or the Accepted.
    for (const auto& [slot, p] : l->inflight) {
      MessagePtr accept = make<Accept>(l->ballot, Slot(slot), p.batch);
      if (config_.mutation == Mutation::kRetransmitPendingBatch) {
        const auto n = std::min<std::size_t>(l->pending.size(), static_cast<std::size_t>(config_.batch_size_max));
        accept = make<Accept>(l->ballot, Slot(slot), Batch(l->pending.begin(), l->pending.begin() + n));
      }
      for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
        if (!(p.accepted_by & bit(NodeId(i)))) out.messages.emplace_back(NodeId(i), accept);
      }
    }
    if (l->recovery && l->recovery->sent) send_round(*l->recovery, out);  // lost Prepares or Promises
    propose_pending(out);
    return;
  }
  Micros since = now - heard_us_;
  if (const auto* c = std::get_if<Candidate>(&role_)) since = now - c->round.started_us;
  if (since >= election_deadline_us()) campaign(now, out);
}

void PaxosReplica::on_client_request(const Request& request, Micros, Output& out) {
  FL_ASSERT(!checkpoint_awaited_, "an input before the runner fed back a checkpoint");
  take_request(request, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::take_request(const Request& request, Output& out) {
  if (config_.mutation == Mutation::kLocalReads && (request.op == OpKind::kRead || request.op == OpKind::kReadAll)) {
    out.app.push_back(ReadStep{request});  // answered from this replica's copy, unordered
    return;
  }
  awaiting_[request.client] = request.id;
  if (std::holds_alternative<Leader>(role_)) return enqueue(request, out);
  if (const auto* f = std::get_if<Follower>(&role_); f && f->leader) {
    out.messages.emplace_back(*f->leader, make<Forward>(request));
  }
  // With no leader known the request is dropped; the client times out and retries.
}

// --- phase 1 -----------------------------------------------------------------------

PaxosReplica::Phase1 PaxosReplica::open_round(Ballot ballot, std::int64_t from, Micros now) const {
  Phase1 round;
  round.ballot = ballot;
  round.from = from;
  round.started_us = now;
  round.promised_by = bit(config_.self);
  // Each other promiser of a quorum may add up to `budget` requests to our log; their
  // sum must fit beside what we hold. adopt() still stops at the bound, so a report
  // that overshoots (an acceptor always reports at least one slot) only shortens
  // the round.
  const std::int64_t room = config_.max_log_size - log_requests_held();
  round.budget = std::max<std::int64_t>(1, room / std::max(1, quorum() - 1));
  // The candidate is one of its own promisers: what it accepted is a report too
  // (the kForgetOwnAccepted bug leaves it out).
  if (config_.mutation == Mutation::kForgetOwnAccepted) return round;
  for (auto it = log_.lower_bound(from); it != log_.end(); ++it) {
    round.merged[it->first] = report_of(it->first, it->second);
  }
  return round;
}

void PaxosReplica::send_round(Phase1& round, Output& out) const {
  round.sent = true;
  MessagePtr prepare = make<Prepare>(round.ballot, Slot(round.from), round.budget);
  for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
    if (!(round.promised_by & bit(NodeId(i)))) out.messages.emplace_back(NodeId(i), prepare);
  }
}

PaxosReplica::Phase1* PaxosReplica::current_round() {
  if (auto* c = std::get_if<Candidate>(&role_)) return &c->round;
  if (auto* l = std::get_if<Leader>(&role_); l && l->recovery && l->recovery->sent) return &*l->recovery;
  return nullptr;
}

void PaxosReplica::campaign(Micros now, Output& out) {
  const Ballot ballot{std::max(highest_round_seen_, promised_.round) + 1, config_.self};
  promise(ballot, out);
  role_ = Candidate{open_round(ballot, executed_ + 1, now)};
  out.notes.push_back("campaign b=" + ballot.describe());
  send_round(std::get<Candidate>(role_).round, out);
  if (phase1_quorum() == 1) complete_round(out);
}

void PaxosReplica::on_prepare(NodeId from, const Prepare& m, Micros now, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, m.ballot.round);
  if (in_lease(from, now)) return;
  // Paxos Made Simple §2.3: promise only ballots at least as high as any promised.
  const bool stale =
      config_.mutation == Mutation::kPromiseRoundOnly ? m.ballot.round < promised_.round : m.ballot < promised_;
  if (stale) {
    out.messages.emplace_back(from, make<Nack>(promised_));
    return;
  }
  promise(m.ballot, out);
  if (!std::holds_alternative<Follower>(role_) || std::get<Follower>(role_).leader_ballot < m.ballot) {
    follow(std::nullopt, m.ballot, now);
  }
  std::vector<SlotReport> reports;
  std::int64_t reported = 0;
  Slot truncated(kUnlimited);
  for (auto it = log_.lower_bound(m.from.value); it != log_.end(); ++it) {
    const std::int64_t w = weight(it->second.batch);
    if (!reports.empty() && reported + w > m.budget) {
      truncated = Slot(it->first);
      break;
    }
    reported += w;
    reports.push_back(report_of(it->first, it->second));
  }
  out.messages.emplace_back(from, make<Promise>(m.ballot, Slot(checkpoint_slot_), std::move(reports), truncated));
}

void PaxosReplica::on_promise(NodeId from, const Promise& m, Micros now, Output& out) {
  Phase1* round = current_round();
  if (!round || round->ballot != m.ballot) return;  // a promise for an abandoned round
  if (round->promised_by & bit(from)) return;       // a duplicate
  if (m.checkpoint_slot.value >= round->from) {
    // The acceptor has collected slots we never executed: we cannot learn their
    // values from promises. Catch up from its checkpoint first; someone else leads.
    out.notes.push_back("behind " + replica_name(from) + " ckpt=" + std::to_string(m.checkpoint_slot.value));
    out.messages.emplace_back(from, make<CatchupRequest>(Slot(executed_ + 1)));
    follow(std::nullopt, promised_, now);
    return;
  }
  for (const SlotReport& r : m.entries) {
    if (r.slot.value <= executed_) continue;
    if (config_.mutation == Mutation::kSkipValueAdoption) break;
    auto [it, fresh] = round->merged.try_emplace(r.slot.value, r);
    if (fresh || it->second.decided || config_.mutation == Mutation::kAdoptFirstReport) continue;
    // A decided value is final; otherwise adopt the value of the highest ballot
    // (Paxos Made Simple §2.2, P2c).
    bool newer = r.ballot > it->second.ballot;
    if (config_.mutation == Mutation::kAdoptLowestBallot) newer = r.ballot < it->second.ballot;
    if (config_.mutation == Mutation::kAdoptLastReport) newer = r.ballot != it->second.ballot;
    if (r.decided || newer) it->second = r;
  }
  round->cut = std::min(round->cut, m.truncated_at.value);
  round->promised_by |= bit(from);
  if (std::popcount(round->promised_by) >= phase1_quorum()) complete_round(out);
}

void PaxosReplica::complete_round(Output& out) {
  Phase1 round;
  if (auto* c = std::get_if<Candidate>(&role_)) {
    round = std::move(c->round);
    role_ = Leader{round.ballot, round.from, {}, 0, {}, std::nullopt};
    out.notes.push_back("leader b=" + round.ballot.describe());
    broadcast(make<Heartbeat>(round.ballot, Slot(executed_)), out);
  } else {
    auto& l = std::get<Leader>(role_);
    round = std::move(*l.recovery);
    l.recovery.reset();
  }
  adopt(std::get<Leader>(role_), round, out);
  execute_ready(out);
  propose_pending(out);
}

void PaxosReplica::adopt(Leader& l, const Phase1& round, Output& out) {
  const std::int64_t first = std::max(round.from, executed_ + 1);
  // Below the cut every promiser reported all it had, so a slot nobody reported is
  // truly empty and gets a no-op; at and above it we know too little to propose.
  auto end = round.merged.lower_bound(round.cut);
  const std::int64_t last = round.cut != kUnlimited       ? round.cut - 1
                            : end == round.merged.begin() ? first - 1
                                                          : std::prev(end)->first;
  std::int64_t cut = round.cut;
  for (std::int64_t slot = first; slot <= last; ++slot) {
    auto it = round.merged.find(slot);
    const bool decided = it != round.merged.end() && it->second.decided;
    Entry entry{decided ? it->second.ballot : l.ballot, it == round.merged.end() ? Batch{} : it->second.batch, decided};
    Batch batch = entry.batch;
    if (!store(slot, std::move(entry), out, Room::kAdopt)) {
      cut = slot;  // no room to hold more now: a later round takes it from here
      break;
    }
    if (!decided) send_proposal(l, slot, std::move(batch), out);
  }
  l.next_slot = std::max(l.next_slot, std::min(cut, last + 1));
  if (cut != kUnlimited) {
    Phase1 rest;
    rest.ballot = l.ballot;
    rest.from = cut;
    l.recovery = std::move(rest);  // sent by propose_pending once the pipeline drains
    out.notes.push_back("phase 1 continues from s=" + std::to_string(cut));
  }
}

void PaxosReplica::on_nack(const Nack& m, Micros now) {
  highest_round_seen_ = std::max(highest_round_seen_, m.promised.round);
  Ballot mine;
  if (const auto* l = std::get_if<Leader>(&role_)) mine = l->ballot;
  if (const auto* c = std::get_if<Candidate>(&role_)) mine = c->round.ballot;
  if (!mine.empty() && mine < m.promised) follow(std::nullopt, m.promised, now);
}

// --- phase 2 -----------------------------------------------------------------------

void PaxosReplica::on_accept(NodeId from, const Accept& m, Micros now, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, m.ballot.round);
  if (m.ballot < promised_) {  // Paxos Made Simple §2.2: a promise forbids older ballots
    out.messages.emplace_back(from, make<Nack>(promised_));
    return;
  }
  promise(m.ballot, out);
  follow(from, m.ballot, now);
  const std::int64_t slot = m.slot.value;
  const auto it = log_.find(slot);
  const bool known_decided = slot <= executed_ || (it != log_.end() && it->second.decided);
  // A decided slot keeps its value; the ballot rules guarantee the leader proposes
  // that same value, so acknowledging it is safe and lets the leader finish.
  if (!known_decided && !store(slot, Entry{m.ballot, m.batch, false}, out, Room::kAcceptor)) {
    out.notes.push_back("log full: refuse s=" + std::to_string(slot));
    out.messages.emplace_back(from, make<CatchupRequest>(Slot(executed_ + 1)));
    return;
  }
  if (config_.mutation != Mutation::kAcceptUnsynced) out.sync = true;  // durable before Accepted leaves
  out.messages.emplace_back(from, make<Accepted>(m.ballot, m.slot));
}

void PaxosReplica::on_accepted(NodeId from, const Accepted& m, Output& out) {
  auto* l = std::get_if<Leader>(&role_);
  if (!l || l->ballot != m.ballot) return;
  auto it = l->inflight.find(m.slot.value);
  if (it == l->inflight.end()) return;  // decided already
  it->second.accepted_by |= bit(from);
  if (std::popcount(it->second.accepted_by) >= phase2_quorum()) decide(m.slot.value, out);
}

void PaxosReplica::decide(std::int64_t slot, Output& out) {
  auto& l = std::get<Leader>(role_);
  auto node = l.inflight.extract(slot);
  FL_ASSERT(!node.empty());
  l.inflight_requests -= weight(node.mapped().batch);
  if (slot <= executed_) {
    // Learned from a peer and executed meanwhile; the followers may still need it.
    broadcast(make<Decide>(Slot(slot), std::move(node.mapped().batch)), out);
    return;
  }
  auto it = log_.find(slot);
  FL_ASSERT(it != log_.end(), "leader lost its own proposal at slot " + std::to_string(slot));
  it->second.decided = true;
  out.writes.push_back(log_record(Slot(slot), it->second));
  broadcast(make<Decide>(Slot(slot), std::move(node.mapped().batch)), out);
  execute_ready(out);
  propose_pending(out);
}

void PaxosReplica::on_decide(const Decide& m, Micros now, Output& out) {
  const std::int64_t slot = m.slot.value;
  if (slot <= executed_) return;
  if (const auto* l = std::get_if<Leader>(&role_); l && slot >= l->next_slot && !l->recovery) {
    // A slot we never proposed was chosen: a newer leader exists. Step down.
    out.notes.push_back("deposed: s=" + std::to_string(slot) + " decided elsewhere");
    follow(std::nullopt, promised_, now);
  }
  auto it = log_.find(slot);
  if (it != log_.end() && it->second.decided) return;
  const Ballot ballot = it != log_.end() ? it->second.ballot : Ballot{};
  // The next slot to execute is always taken: executing it at once frees room.
  if (!store(slot, Entry{ballot, m.batch, true}, out, slot == executed_ + 1 ? Room::kForce : Room::kAcceptor)) return;
  execute_ready(out);
}

// --- leader ------------------------------------------------------------------------

void PaxosReplica::on_forward(const Forward& m, Output& out) {
  if (std::holds_alternative<Leader>(role_)) enqueue(m.request, out);
}

void PaxosReplica::enqueue(const Request& request, Output& out) {
  auto& l = std::get<Leader>(role_);
  // Queued requests count toward the bound with the log; beyond it the client's
  // timeout and retry are the backpressure.
  if (log_requests_held() >= config_.max_log_size) return;
  l.pending.push_back(request);
  propose_pending(out);
}

void PaxosReplica::propose_pending(Output& out) {
  auto* l = std::get_if<Leader>(&role_);
  if (!l) return;
  if (l->recovery) {
    // Nothing new may be proposed until phase 1 has covered every slot; its next
    // round waits for the pipeline to drain, so the reports have room.
    if (!l->recovery->sent && l->inflight.empty()) {
      Phase1 round = open_round(l->ballot, std::max(l->recovery->from, executed_ + 1), 0);
      l->recovery = std::move(round);
      send_round(*l->recovery, out);
      if (phase1_quorum() == 1) complete_round(out);
    }
    return;
  }
  while (!l->pending.empty() && static_cast<int>(l->inflight.size()) < config_.pipeline_max) {
    // Unexecuted requests stay within unexecuted_cap() on every replica (acceptors
    // refuse more), which leaves a new leader room to merge what others report.
    const std::int64_t room = unexecuted_cap() - unexecuted();
    const std::int64_t n = std::min<std::int64_t>({config_.batch_size_max, room, weight(l->pending)});
    if (n <= 0) return;
    Batch batch(l->pending.begin(), l->pending.begin() + n);
    if (config_.mutation == Mutation::kBatchDropsLast && n == config_.batch_size_max) batch.pop_back();
    // The kBatchOverlap bug: a full batch is cut from the queue one short, so its last
    // request is proposed again at the head of the next batch.
    const bool overlap = config_.mutation == Mutation::kBatchOverlap && n == config_.batch_size_max && n > 1;
    l->pending.erase(l->pending.begin(), l->pending.begin() + (overlap ? n - 1 : n));
    propose(*l, l->next_slot++, std::move(batch), out);
    if (!std::holds_alternative<Leader>(role_)) return;
  }
}

void PaxosReplica::propose(Leader& l, std::int64_t slot, Batch batch, Output& out) {
  const bool stored = store(slot, Entry{l.ballot, batch, false}, out, Room::kAdopt);
  FL_ASSERT(stored, "leader has no room for its own proposal at slot " + std::to_string(slot));
  send_proposal(l, slot, std::move(batch), out);
  if (config_.mutation == Mutation::kExecuteOnSend) {
    if (auto it = log_.find(slot); it != log_.end()) it->second.decided = true;
    execute_ready(out);
  }
}

void PaxosReplica::send_proposal(Leader& l, std::int64_t slot, Batch batch, Output& out) {
  out.sync = true;  // our own acceptance counts toward the quorum: durable first
  l.inflight_requests += weight(batch);
  broadcast(make<Accept>(l.ballot, Slot(slot), batch), out);
  l.inflight[slot] = Leader::Proposal{std::move(batch), bit(config_.self)};
  if (phase2_quorum() == 1) decide(slot, out);
}

void PaxosReplica::broadcast(const MessagePtr& message, Output& out) const {
  for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
    if (i != config_.self.value) out.messages.emplace_back(NodeId(i), message);
  }
}

// --- following and catching up ---------------------------------------------------

void PaxosReplica::follow(std::optional<NodeId> leader, Ballot ballot, Micros now) {
  // The election timer restarts on a sign of life from a leader and when this
  // replica stops leading or campaigning, not on a rival's Prepare alone: a
  // candidate whose promises never reach it (a one-way cut) would otherwise hold
  // back every other campaign for as long as it keeps trying.
  if (!std::holds_alternative<Follower>(role_)) {
    // The kStepDownForgetsClients bug: the leader's queue ends with its term, and the
    // clients awaiting its replies are dropped with it, though they are still owed one.
    if (config_.mutation == Mutation::kStepDownForgetsClients && is_leader()) awaiting_.clear();
    role_ = Follower{};
    heard_us_ = now;
  }
  auto& f = std::get<Follower>(role_);
  if (leader) {
    f.leader = leader;
    f.leader_ballot = ballot;
    heard_us_ = now;
  } else if (f.leader_ballot < ballot) {
    f.leader.reset();  // a newer campaign runs: whoever we followed is deposed
    f.leader_ballot = ballot;
  }
}

bool PaxosReplica::hears_quorum(Micros now) const {
  int heard = 1;  // itself
  for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
    if (i != config_.self.value && now - heard_from_us_[i] < config_.election_timeout_us) ++heard;
  }
  return heard >= quorum();
}

bool PaxosReplica::in_lease(NodeId from, Micros now) const {
  if (std::holds_alternative<Leader>(role_)) return hears_quorum(now);
  const auto* f = std::get_if<Follower>(&role_);
  return f && f->leader && *f->leader != from && now - heard_us_ < config_.election_timeout_us;
}

void PaxosReplica::on_heartbeat(NodeId from, const Heartbeat& m, Micros now, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, m.ballot.round);
  if (m.ballot < promised_) {
    out.messages.emplace_back(from, make<Nack>(promised_));
    return;
  }
  if (const auto* l = std::get_if<Leader>(&role_); l && !(l->ballot < m.ballot)) return;
  follow(from, m.ballot, now);
  out.messages.emplace_back(from, make<HeartbeatAck>(m.ballot));
  const auto next = log_.find(executed_ + 1);
  if (m.executed.value > executed_ && (next == log_.end() || !next->second.decided)) {
    out.messages.emplace_back(from, make<CatchupRequest>(Slot(executed_ + 1)));
  }
}

void PaxosReplica::on_catchup(NodeId from, const CatchupRequest& m, Output& out) {
  std::int64_t start = m.from.value;
  // Before the first checkpoint nothing is collected: decisions alone catch a peer up.
  if (start <= checkpoint_slot_ && checkpoint_slot_ > 0) {
    out.messages.emplace_back(from, make<Snapshot>(Slot(checkpoint_slot_), checkpoint_));
    start = checkpoint_slot_ + 1;
  }
  auto it = config_.mutation == Mutation::kCatchupFromNext ? log_.upper_bound(start) : log_.lower_bound(start);
  for (; it != log_.end(); ++it) {
    if (it->second.decided) out.messages.emplace_back(from, make<Decide>(Slot(it->first), it->second.batch));
  }
}

void PaxosReplica::on_snapshot(const Snapshot& m, Output& out) {
  if (m.slot.value <= executed_) return;
  install(m.slot.value - (config_.mutation == Mutation::kSnapshotSlotLow ? 1 : 0), m.state, out);
  execute_ready(out);
}

// --- durable state, execution, checkpoints -----------------------------------------

void PaxosReplica::promise(Ballot ballot, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, ballot.round);
  if (!(promised_ < ballot)) return;
  promised_ = ballot;
  out.writes.push_back(promised_record(ballot));
  if (config_.mutation != Mutation::kPromiseUnsynced) out.sync = true;
}

bool PaxosReplica::store(std::int64_t slot, Entry entry, Output& out, Room room) {
  FL_ASSERT(slot > executed_, "storing already executed slot " + std::to_string(slot));
  auto it = log_.find(slot);
  const std::int64_t before = it == log_.end() ? 0 : weight(it->second.batch);
  const std::int64_t after = held_ - before + weight(entry.batch);
  const std::int64_t queued = log_requests_held() - held_;  // a leader's pending requests
  if (room != Room::kForce && after + queued > config_.max_log_size) return false;
  if (room == Room::kAcceptor && unexecuted() - before + weight(entry.batch) > unexecuted_cap()) return false;
  out.writes.push_back(log_record(Slot(slot), entry));
  log_[slot] = std::move(entry);
  held_ = after;
  return true;
}

std::int64_t PaxosReplica::unexecuted_cap() const {
  return std::max<std::int64_t>(1, (config_.max_log_size - config_.checkpoint_interval) / 2);
}

void PaxosReplica::execute_ready(Output& out) {
  for (auto it = log_.find(executed_ + 1); it != log_.end() && it->first == executed_ + 1 && it->second.decided;
       it = log_.find(executed_ + 1)) {
    const Batch& batch = it->second.batch;
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
      const Request& request = batch[i];
      auto waiting = awaiting_.find(request.client);
      const bool reply = waiting != awaiting_.end() && waiting->second == request.id;
      if (reply) awaiting_.erase(waiting);
      out.app.push_back(ExecuteStep{Slot(it->first), i, request, reply});
    }
    ++executed_;
    executed_since_checkpoint_ += weight(batch);
    maybe_checkpoint(out);
  }
  retire_inflight();
}

void PaxosReplica::retire_inflight() {
  auto* l = std::get_if<Leader>(&role_);
  if (!l) return;
  // A slot can be executed before our own quorum forms: a peer's Decide or
  // Snapshot may teach us its value first. Its proposal is then finished.
  while (!l->inflight.empty() && l->inflight.begin()->first <= executed_) {
    l->inflight_requests -= weight(l->inflight.begin()->second.batch);
    l->inflight.erase(l->inflight.begin());
  }
  l->next_slot = std::max(l->next_slot, executed_ + 1);
}

void PaxosReplica::maybe_checkpoint(Output& out) {
  const bool due = executed_since_checkpoint_ >= config_.checkpoint_interval;
  // Executing a slot taken beyond the bound (the next one, see on_decide) must
  // give the room back at once.
  const bool over = log_requests_held() > config_.max_log_size && executed_ > checkpoint_slot_;
  if (!due && !over) return;
  checkpoint_slot_ = executed_ - (config_.mutation == Mutation::kCheckpointSlotBehind ? 1 : 0);
  executed_since_checkpoint_ = 0;
  // The record is written when the runner hands the text back (on_checkpoint), still
  // within this Output: the log below is collected in the same durable write.
  out.app.push_back(CheckpointStep{Slot(checkpoint_slot_)});
  checkpoint_awaited_ = checkpoint_slot_;
  collect_through(checkpoint_slot_ + (config_.mutation == Mutation::kCollectPastCheckpoint ? 1 : 0), out);
  out.sync = true;
}

void PaxosReplica::install(std::int64_t slot, const std::string& state, Output& out) {
  out.app.push_back(RestoreStep{Slot(slot), RestoreSource::kPeerCheckpoint, state});
  executed_ = checkpoint_slot_ = slot;
  checkpoint_ = state;
  checkpoint_awaited_.reset();  // the peer's state is newer than any taken before it
  executed_since_checkpoint_ = 0;
  out.writes.push_back(checkpoint_record(Slot(slot), state));
  collect_through(slot, out);
  out.sync = true;
  out.notes.push_back("installed checkpoint s=" + std::to_string(slot));
  retire_inflight();
}

void PaxosReplica::on_checkpoint(Slot slot, std::string state, Output& out) {
  // Several checkpoints may be due in one Output; only the last one asked is kept.
  if (checkpoint_awaited_ != slot.value) return;
  checkpoint_awaited_.reset();
  checkpoint_ = std::move(state);
  out.writes.push_back(checkpoint_record(slot, checkpoint_));
}

void PaxosReplica::collect_through(std::int64_t slot, Output& out) {
  while (!log_.empty() && log_.begin()->first <= slot) {
    held_ -= weight(log_.begin()->second.batch);
    out.writes.push_back(log_erase(Slot(log_.begin()->first)));
    log_.erase(log_.begin());
  }
}

}  // namespace fl::paxos
