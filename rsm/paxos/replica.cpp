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

}  // namespace

PaxosReplica::PaxosReplica(Config config, std::unique_ptr<Replicable> app)
    : config_(config), app_(std::move(app)) {
  FL_ASSERT(config_.replicas >= 1 && config_.replicas <= 64, "bitmasks hold at most 64 replicas");
  FL_ASSERT(config_.checkpoint_interval < config_.max_log_size, "the log must have room beyond a checkpoint");
  FL_ASSERT(app_ != nullptr);
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

// --- start-up and recovery ---------------------------------------------------------

void PaxosReplica::start(const DiskImage& disk, Micros now, Output& out) {
  Recovered r = recover(disk);
  promised_ = r.promised;
  highest_round_seen_ = promised_.round;
  checkpoint_slot_ = executed_ = r.checkpoint_slot.value;
  if (r.checkpoint.empty()) {
    checkpoint_ = app_->checkpoint();
  } else {
    const auto error = app_->restore(r.checkpoint);
    FL_ASSERT(!error, "own checkpoint does not restore: " + error.value_or(""));
    checkpoint_ = std::move(r.checkpoint);
  }
  log_ = std::move(r.log);
  held_ = 0;
  for (const auto& [slot, entry] : log_) held_ += weight(entry.batch);
  role_ = Follower{};
  heard_us_ = now;
  out.notes.push_back("recovered ckpt=" + std::to_string(checkpoint_slot_) + " log=" + std::to_string(log_.size()) +
                      " promised=" + promised_.describe());
  execute_ready(out);  // replays decided slots above the checkpoint
  out.timers.push_back({kTickTimer, config_.heartbeat_us});
}

// --- inputs ------------------------------------------------------------------------

void PaxosReplica::on_message(NodeId from, const Message& message, Micros now, Output& out) {
  dispatch(from, message, now, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::dispatch(NodeId from, const Message& message, Micros now, Output& out) {
  const auto& m = static_cast<const PaxosMessage&>(message);
  switch (m.kind()) {
    case Kind::kPrepare: return on_prepare(from, static_cast<const Prepare&>(m), now, out);
    case Kind::kPromise: return on_promise(from, static_cast<const Promise&>(m), now, out);
    case Kind::kNack: return on_nack(static_cast<const Nack&>(m), now);
    case Kind::kAccept: return on_accept(from, static_cast<const Accept&>(m), now, out);
    case Kind::kAccepted: return on_accepted(from, static_cast<const Accepted&>(m), out);
    case Kind::kDecide: return on_decide(static_cast<const Decide&>(m), out);
    case Kind::kHeartbeat: return on_heartbeat(from, static_cast<const Heartbeat&>(m), now, out);
    case Kind::kForward: return on_forward(static_cast<const Forward&>(m), out);
    case Kind::kCatchupRequest: return on_catchup(from, static_cast<const CatchupRequest&>(m), out);
    case Kind::kSnapshot: return on_snapshot(static_cast<const Snapshot&>(m), out);
  }
  FL_ASSERT(false, "unknown paxos message kind");
}

void PaxosReplica::on_timer(std::uint32_t timer, Micros now, Output& out) {
  FL_ASSERT(timer == kTickTimer, "unknown timer " + std::to_string(timer));
  tick(now, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::tick(Micros now, Output& out) {
  out.timers.push_back({kTickTimer, config_.heartbeat_us});
  if (auto* l = std::get_if<Leader>(&role_)) {
    broadcast(make<Heartbeat>(l->ballot, Slot(executed_)), out);
    // Retransmit undecided proposals to whoever has not accepted them: the network
    // may have lost the Accept or the Accepted.
    for (const auto& [slot, p] : l->inflight) {
      MessagePtr accept = make<Accept>(l->ballot, Slot(slot), p.batch);
      for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
        if (!(p.accepted_by & bit(NodeId(i)))) out.messages.emplace_back(NodeId(i), accept);
      }
    }
    return;
  }
  Micros since = now - heard_us_;
  if (const auto* c = std::get_if<Candidate>(&role_)) since = now - c->started_us;
  if (since >= election_deadline_us()) campaign(now, out);
}

void PaxosReplica::on_client_request(const Request& request, Micros, Output& out) {
  take_request(request, out);
  if (config_.mutation == Mutation::kNeverSync) out.sync = false;
}

void PaxosReplica::take_request(const Request& request, Output& out) {
  awaiting_[request.client] = request.id;
  if (std::holds_alternative<Leader>(role_)) return enqueue(request, out);
  if (const auto* f = std::get_if<Follower>(&role_); f && f->leader) {
    out.messages.emplace_back(*f->leader, make<Forward>(request));
  }
  // With no leader known the request is dropped; the client times out and retries.
}

// --- phase 1 -----------------------------------------------------------------------

void PaxosReplica::campaign(Micros now, Output& out) {
  const Ballot ballot{std::max(highest_round_seen_, promised_.round) + 1, config_.self};
  promise(ballot, out);
  Candidate c{ballot, executed_ + 1, now, bit(config_.self), {}};
  for (auto it = log_.lower_bound(c.from); it != log_.end(); ++it) {
    c.merged[it->first] = SlotReport{Slot(it->first), it->second.ballot, it->second.batch, it->second.decided};
  }
  role_ = std::move(c);
  out.notes.push_back("campaign b=" + ballot.describe());
  broadcast(make<Prepare>(ballot, Slot(executed_ + 1)), out);
  if (quorum() == 1) become_leader(std::get<Candidate>(role_), out);
}

void PaxosReplica::on_prepare(NodeId from, const Prepare& m, Micros now, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, m.ballot.round);
  // Paxos Made Simple §2.3: promise only ballots at least as high as any promised.
  if (m.ballot < promised_) {
    out.messages.emplace_back(from, make<Nack>(promised_));
    return;
  }
  promise(m.ballot, out);
  if (!std::holds_alternative<Follower>(role_) || std::get<Follower>(role_).leader_ballot < m.ballot) {
    follow(std::nullopt, m.ballot, now);
  }
  std::vector<SlotReport> reports;
  for (auto it = log_.lower_bound(m.from.value); it != log_.end(); ++it) {
    reports.push_back(SlotReport{Slot(it->first), it->second.ballot, it->second.batch, it->second.decided});
  }
  out.messages.emplace_back(from, make<Promise>(m.ballot, Slot(checkpoint_slot_), std::move(reports)));
}

void PaxosReplica::on_promise(NodeId from, const Promise& m, Micros now, Output& out) {
  auto* c = std::get_if<Candidate>(&role_);
  if (!c || c->ballot != m.ballot) return;  // a promise for an abandoned campaign
  if (m.checkpoint_slot.value >= c->from) {
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
    auto [it, fresh] = c->merged.try_emplace(r.slot.value, r);
    if (fresh || it->second.decided) continue;
    // A decided value is final; otherwise adopt the value of the highest ballot
    // (Paxos Made Simple §2.2, P2c).
    if (r.decided || r.ballot > it->second.ballot) it->second = r;
  }
  c->promised_by |= bit(from);
  if (std::popcount(c->promised_by) >= quorum()) become_leader(*c, out);
}

void PaxosReplica::become_leader(Candidate& c, Output& out) {
  std::map<std::int64_t, SlotReport> merged = std::move(c.merged);
  const std::int64_t from = c.from;
  role_ = Leader{c.ballot, from, {}, 0, {}};
  Leader& l = std::get<Leader>(role_);
  out.notes.push_back("leader b=" + l.ballot.describe());
  broadcast(make<Heartbeat>(l.ballot, Slot(executed_)), out);
  const std::int64_t last = merged.empty() ? executed_ : std::max(executed_, merged.rbegin()->first);
  // Re-propose every slot some acceptor may have accepted, in our ballot, and fill
  // the gaps with no-ops so execution is never stuck behind a hole.
  for (std::int64_t slot = std::max(from, executed_ + 1); slot <= last; ++slot) {
    auto it = merged.find(slot);
    if (it != merged.end() && it->second.decided) {
      store(slot, Entry{it->second.ballot, it->second.batch, true}, out, true);
      continue;
    }
    propose(l, slot, it == merged.end() ? Batch{} : it->second.batch, out, true);
  }
  l.next_slot = std::max(l.next_slot, last + 1);
  execute_ready(out);
  propose_pending(out);
}

void PaxosReplica::on_nack(const Nack& m, Micros now) {
  highest_round_seen_ = std::max(highest_round_seen_, m.promised.round);
  Ballot mine;
  if (const auto* l = std::get_if<Leader>(&role_)) mine = l->ballot;
  if (const auto* c = std::get_if<Candidate>(&role_)) mine = c->ballot;
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
  if (!known_decided && !store(slot, Entry{m.ballot, m.batch, false}, out, false)) {
    out.notes.push_back("log full: refuse s=" + std::to_string(slot));
    out.messages.emplace_back(from, make<CatchupRequest>(Slot(executed_ + 1)));
    return;
  }
  out.sync = true;  // the accepted value is durable before Accepted leaves
  out.messages.emplace_back(from, make<Accepted>(m.ballot, m.slot));
}

void PaxosReplica::on_accepted(NodeId from, const Accepted& m, Output& out) {
  auto* l = std::get_if<Leader>(&role_);
  if (!l || l->ballot != m.ballot) return;
  auto it = l->inflight.find(m.slot.value);
  if (it == l->inflight.end()) return;  // decided already
  it->second.accepted_by |= bit(from);
  if (std::popcount(it->second.accepted_by) >= quorum()) decide(m.slot.value, out);
}

void PaxosReplica::decide(std::int64_t slot, Output& out) {
  auto& l = std::get<Leader>(role_);
  auto node = l.inflight.extract(slot);
  FL_ASSERT(!node.empty());
  l.inflight_requests -= weight(node.mapped().batch);
  auto it = log_.find(slot);
  FL_ASSERT(it != log_.end(), "leader lost its own proposal at slot " + std::to_string(slot));
  it->second.decided = true;
  out.writes.push_back(log_record(Slot(slot), it->second));
  broadcast(make<Decide>(Slot(slot), std::move(node.mapped().batch)), out);
  execute_ready(out);
  propose_pending(out);
}

void PaxosReplica::on_decide(const Decide& m, Output& out) {
  const std::int64_t slot = m.slot.value;
  if (slot <= executed_) return;
  auto it = log_.find(slot);
  if (it != log_.end() && it->second.decided) return;
  const Ballot ballot = it != log_.end() ? it->second.ballot : Ballot{};
  // The next slot to execute is always taken: executing it at once frees room.
  if (!store(slot, Entry{ballot, m.batch, true}, out, slot == executed_ + 1)) return;
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
  while (!l->pending.empty() && static_cast<int>(l->inflight.size()) < config_.pipeline_max) {
    // Unexecuted requests may not exceed max_log_size - checkpoint_interval, so a
    // replica that executes in step with us never holds more than max_log_size
    // (up to checkpoint_interval - 1 executed-but-not-checkpointed, plus these).
    const std::int64_t unexecuted = held_ - executed_since_checkpoint_;
    const std::int64_t room = config_.max_log_size - config_.checkpoint_interval - unexecuted;
    const std::int64_t n = std::min<std::int64_t>({config_.batch_size_max, room, weight(l->pending)});
    if (n <= 0) return;
    Batch batch(l->pending.begin(), l->pending.begin() + n);
    l->pending.erase(l->pending.begin(), l->pending.begin() + n);
    propose(*l, l->next_slot++, std::move(batch), out);
    if (!std::holds_alternative<Leader>(role_)) return;
  }
}

void PaxosReplica::propose(Leader& l, std::int64_t slot, Batch batch, Output& out, bool force) {
  const bool stored = store(slot, Entry{l.ballot, batch, false}, out, force);
  FL_ASSERT(stored, "leader has no room for its own proposal at slot " + std::to_string(slot));
  out.sync = true;  // our own acceptance counts toward the quorum: durable first
  l.inflight_requests += weight(batch);
  broadcast(make<Accept>(l.ballot, Slot(slot), batch), out);
  l.inflight[slot] = Leader::Proposal{std::move(batch), bit(config_.self)};
  if (quorum() == 1) decide(slot, out);
}

void PaxosReplica::broadcast(const MessagePtr& message, Output& out) const {
  for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(config_.replicas); ++i) {
    if (i != config_.self.value) out.messages.emplace_back(NodeId(i), message);
  }
}

// --- following and catching up ---------------------------------------------------

void PaxosReplica::follow(std::optional<NodeId> leader, Ballot ballot, Micros now) {
  if (!std::holds_alternative<Follower>(role_)) role_ = Follower{};
  auto& f = std::get<Follower>(role_);
  if (leader) {
    f.leader = leader;
    f.leader_ballot = ballot;
  } else if (f.leader_ballot < ballot) {
    f.leader.reset();  // a newer campaign runs: whoever we followed is deposed
    f.leader_ballot = ballot;
  }
  heard_us_ = now;
}

void PaxosReplica::on_heartbeat(NodeId from, const Heartbeat& m, Micros now, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, m.ballot.round);
  if (m.ballot < promised_) {
    out.messages.emplace_back(from, make<Nack>(promised_));
    return;
  }
  if (const auto* l = std::get_if<Leader>(&role_); l && !(l->ballot < m.ballot)) return;
  follow(from, m.ballot, now);
  const auto next = log_.find(executed_ + 1);
  if (m.executed.value > executed_ && (next == log_.end() || !next->second.decided)) {
    out.messages.emplace_back(from, make<CatchupRequest>(Slot(executed_ + 1)));
  }
}

void PaxosReplica::on_catchup(NodeId from, const CatchupRequest& m, Output& out) {
  std::int64_t start = m.from.value;
  if (start <= checkpoint_slot_) {
    out.messages.emplace_back(from, make<Snapshot>(Slot(checkpoint_slot_), checkpoint_));
    start = checkpoint_slot_ + 1;
  }
  for (auto it = log_.lower_bound(start); it != log_.end(); ++it) {
    if (it->second.decided) out.messages.emplace_back(from, make<Decide>(Slot(it->first), it->second.batch));
  }
}

void PaxosReplica::on_snapshot(const Snapshot& m, Output& out) {
  if (m.slot.value <= executed_) return;
  install(m.slot.value, m.state, out);
  execute_ready(out);
}

// --- durable state, execution, checkpoints -----------------------------------------

void PaxosReplica::promise(Ballot ballot, Output& out) {
  highest_round_seen_ = std::max(highest_round_seen_, ballot.round);
  if (!(promised_ < ballot)) return;
  promised_ = ballot;
  out.writes.push_back(promised_record(ballot));
  out.sync = true;
}

bool PaxosReplica::store(std::int64_t slot, Entry entry, Output& out, bool force) {
  FL_ASSERT(slot > executed_, "storing already executed slot " + std::to_string(slot));
  auto it = log_.find(slot);
  const std::int64_t before = it == log_.end() ? 0 : weight(it->second.batch);
  const std::int64_t after = held_ - before + weight(entry.batch);
  const std::int64_t queued = log_requests_held() - held_;  // a leader's pending requests
  if (!force && after + queued > config_.max_log_size) return false;
  out.writes.push_back(log_record(Slot(slot), entry));
  log_[slot] = std::move(entry);
  held_ = after;
  return true;
}

void PaxosReplica::execute_ready(Output& out) {
  for (auto it = log_.find(executed_ + 1); it != log_.end() && it->first == executed_ + 1 && it->second.decided;
       it = log_.find(executed_ + 1)) {
    const Batch& batch = it->second.batch;
    for (std::uint32_t i = 0; i < batch.size(); ++i) {
      const Request& request = batch[i];
      Response response = app_->execute(request);
      out.applied.push_back(Applied{Slot(it->first), i, request});
      auto waiting = awaiting_.find(request.client);
      if (waiting != awaiting_.end() && waiting->second == request.id) {
        out.replies.push_back(ClientReply{request.client, request.id, std::move(response)});
        awaiting_.erase(waiting);
      }
    }
    ++executed_;
    executed_since_checkpoint_ += weight(batch);
    maybe_checkpoint(out);
  }
}

void PaxosReplica::maybe_checkpoint(Output& out) {
  const bool due = executed_since_checkpoint_ >= config_.checkpoint_interval;
  // Executing a slot taken beyond the bound (the next one, see on_decide) must
  // give the room back at once.
  const bool over = log_requests_held() > config_.max_log_size && executed_ > checkpoint_slot_;
  if (!due && !over) return;
  checkpoint_ = app_->checkpoint();
  checkpoint_slot_ = executed_;
  executed_since_checkpoint_ = 0;
  out.writes.push_back(checkpoint_record(Slot(checkpoint_slot_), checkpoint_));
  collect_through(checkpoint_slot_, out);
  out.sync = true;
}

void PaxosReplica::install(std::int64_t slot, const std::string& state, Output& out) {
  const auto error = app_->restore(state);
  FL_ASSERT(!error, "peer checkpoint does not restore: " + error.value_or(""));
  executed_ = checkpoint_slot_ = slot;
  checkpoint_ = state;
  executed_since_checkpoint_ = 0;
  out.writes.push_back(checkpoint_record(Slot(slot), state));
  collect_through(slot, out);
  out.sync = true;
  out.notes.push_back("installed checkpoint s=" + std::to_string(slot));
}

void PaxosReplica::collect_through(std::int64_t slot, Output& out) {
  while (!log_.empty() && log_.begin()->first <= slot) {
    held_ -= weight(log_.begin()->second.batch);
    out.writes.push_back(log_erase(Slot(log_.begin()->first)));
    log_.erase(log_.begin());
  }
}

}  // namespace fl::paxos
