#include "rsm/coordinated/replica.hpp"

#include <utility>

#include "rsm/core/assert.hpp"

namespace fl::coordinated {

ZkReplica::ZkReplica(ReplicaConfig config, std::unique_ptr<Replicable> app)
    : config_(config), app_(std::move(app)), reader_(*app_, view_) {
  FL_ASSERT(app_ != nullptr);
  FL_ASSERT(config_.batch_size_max > 0, "a /log entry holds at least one request");
  FL_ASSERT(config_.pipeline_max > 0, "the leader needs room for one ordering write");
  FL_ASSERT(config_.tick_us > 0);
}

void ZkReplica::start(const DiskImage& disk, Micros now, Output& out) {
  Zk zk = context(now, out);
  election_.set_restarted(reader_.start(disk, out));
  open_session(zk);
  out.timers.push_back({kZkTickTimer, config_.tick_us});
}

// A fresh client whose connection ids no earlier session of this replica used. Each
// part forgets what belonged to the old session: its calls never answer now.
void ZkReplica::open_session(Zk& zk) {
  session_.open(config_, zk.now);
  election_.on_new_session();
  reader_.on_new_session();
  leader_calls_.on_new_session();
  intake_.on_new_session();
  if (orderer_) orderer_->on_new_session();  // only a planted bug leads across sessions
  if (config_.mutation != ZkMutation::kLeadPastExpiry) step_down("session replaced", zk);
  session_.start(zk.now, zk.out);
}

void ZkReplica::on_message(NodeId from, const Message& message, Micros now, Output& out) {
  (void)from;
  Zk zk = context(now, out);
  if (const auto* forward = dynamic_cast<const ForwardMessage*>(&message)) {
    // Only the leader orders; a forward that reaches anyone else is dropped and the
    // client retries (following it on could loop between stale views).
    if (orderer_ && orderer_->has_room(config_)) {
      orderer_->enqueue(forward->request);
      orderer_->order(zk);
    }
    return;
  }
  if (!session_.started()) return;
  for (const ClientEvent& event : session_.client().on_message(message, now, out)) handle(event, zk);
}

void ZkReplica::on_timer(std::uint32_t timer, Micros now, Output& out) {
  Zk zk = context(now, out);
  if (timer == kZkClientTimer) {
    if (!session_.started()) return;
    for (const ClientEvent& event : session_.client().on_timer(now, out)) handle(event, zk);
    return;
  }
  FL_ASSERT(timer == kZkTickTimer, "unknown timer " + std::to_string(timer));
  tick(zk);
}

void ZkReplica::tick(Zk& zk) {
  zk.out.timers.push_back({kZkTickTimer, config_.tick_us});
  const Client& client = session_.client();
  if (client.state() == SessionState::kExpired || client.state() == SessionState::kClosed) return open_session(zk);
  // ZooKeeper expires a session a timeout after it last heard from the client, which
  // was no earlier than we last heard from it: after a whole timeout of silence our
  // session is gone or about to be, and a successor may lead. Fencing stops our
  // writes either way, but a leader that never notices keeps claiming leadership to
  // its peers and clients (Curator's LeaderLatch gives it up on connection loss too).
  const bool silent =
      client.state() != SessionState::kConnected && zk.now - client.last_heard_us() >= client.timeout_us();
  if (orderer_ && silent && config_.mutation != ZkMutation::kLeadPastExpiry) {
    step_down("no word from ZooKeeper for a session timeout", zk);
  }
  if (!zk.connected()) return;
  intake_.submit_stalled(orderer_ ? &*orderer_ : nullptr, zk);
  if (orderer_) {
    orderer_->tick(zk);
  } else if (election_.other_leads(config_)) {
    forward_waiting(zk);
  }
  // Watches say when /leader changes, but a replica that relied on them alone would
  // follow a dead leader forever after one lost notification: re-read it once per
  // session timeout (by then a dead leader's session has expired).
  if (election_.due(zk.now, config_)) election_.elect(zk);
  reader_.poll(zk);  // a safety net; the /log watch does the work
}

void ZkReplica::on_client_request(const Request& request, Micros now, Output& out) {
  Zk zk = context(now, out);
  intake_.await(request);
  if (orderer_) {
    if (orderer_->has_room(config_)) orderer_->enqueue(request);
    orderer_->order(zk);
  } else if (election_.other_leads(config_)) {
    intake_.forward(request, *election_.leader(), now, out);
  } else if (log_requests_held() < config_.max_log_size && config_.mutation != ZkMutation::kDropWithoutLeader) {
    intake_.waiting().push_back(request);  // no leader known yet: held until there is one
  }
}

std::optional<std::uint64_t> ZkReplica::leader_epoch() const {
  if (!orderer_ || !orderer_->epoch().bumped()) return std::nullopt;
  return orderer_->epoch().number;
}

std::int64_t ZkReplica::log_requests_held() const {
  if (orderer_) return orderer_->held();
  return std::ssize(intake_.waiting()) + leader_calls_.requests;
}

// ---- events from the ZooKeeper client ----

void ZkReplica::handle(const ClientEvent& event, Zk& zk) {
  if (const auto* c = std::get_if<Completion>(&event)) return dispatch(*c, zk);
  if (const auto* w = std::get_if<WatchNotice>(&event)) return on_watch(*w, zk);
  on_session(std::get<SessionChange>(event), zk);
}

void ZkReplica::on_session(const SessionChange& s, Zk& zk) {
  zk.note(std::string("zk session ") + state_name(s.state));
  switch (s.state) {
    case SessionState::kConnected:
      // First connect, or a reconnect within the session: (re)establish everything;
      // each step is idempotent.
      session_.on_connected(zk);
      election_.on_connection_lost();
      reader_.on_connected(zk);
      return;
    case SessionState::kConnecting:
      // Connection lost: pending calls failed with ConnectionLoss. A leader keeps its
      // role while the session may still be alive (the tick gives it up after a
      // session timeout of silence); if it expires sooner, the fence stops its writes.
      election_.on_connection_lost();
      reader_.on_connection_lost();
      session_.on_connection_lost();
      if (orderer_) orderer_->collector().abort();
      return;
    case SessionState::kExpired:
      if (config_.mutation != ZkMutation::kLeadPastExpiry) step_down("session expired", zk);
      return;  // the tick opens a new session
    case SessionState::kClosed:
      return;
  }
}

void ZkReplica::on_watch(const WatchNotice& w, Zk& zk) {
  if (w.path == kLogPath) return reader_.read(zk);
  if (w.path == kPendingPath) {
    if (orderer_) orderer_->on_pending_watch(zk);  // only the leader watches /pending
    return;
  }
  if (w.path == kLeaderPath || w.path == kMembersPath) election_.on_watch(w, zk);
}

void ZkReplica::dispatch(const Completion& c, Zk& zk) {
  const std::optional<Call> call = session_.take(c.xid);
  if (!call) return;  // a call of an earlier session, or one we issued no purpose for
  const Reply& r = c.reply;
  if (const auto* op = std::get_if<SessionOp>(&*call)) return session_.on_reply(*op, r, zk);
  if (const auto* op = std::get_if<ElectionOp>(&*call)) return election_.on_reply(*op, r, zk);
  if (const auto* op = std::get_if<ReaderOp>(&*call)) return reader_.on_reply(*op, r, zk);
  if (const auto* op = std::get_if<OrdererOp>(&*call)) return on_orderer_reply(*op, r, zk);
  intake_.on_submitted(std::get<Submit>(std::get<IntakeOp>(*call)), r, zk.now);
}

void ZkReplica::on_orderer_reply(const OrdererOp& op, const Reply& r, Zk& zk) {
  if (const auto* p = std::get_if<Order>(&op)) return on_ordered(*p, r, zk);
  if (const auto* p = std::get_if<Collect>(&op)) return on_collected(*p, r, zk);
  if (std::holds_alternative<PendingChildren>(op)) leader_calls_.pending_listing = false;
  if (!orderer_) return;  // the rest is only for the leadership that is current
  if (std::holds_alternative<PendingChildren>(op)) return orderer_->on_pending_children(r, zk);
  if (const auto* p = std::get_if<PendingData>(&op)) return orderer_->on_pending_data(*p, r, zk);
  if (const auto* p = std::get_if<CollectMembers>(&op)) return orderer_->on_collect_members(*p, r, zk);
  orderer_->on_collect_ack(std::get<CollectAck>(op), r, zk);
}

void ZkReplica::on_ordered(const Order& p, const Reply& r, Zk& zk) {
  FL_ASSERT(leader_calls_.writes > 0, "an ordering write answered that was not in flight");
  FL_ASSERT(leader_calls_.requests >= p.requests, "more requests answered than in flight");
  leader_calls_.requests -= p.requests;
  --leader_calls_.writes;
  // Whatever happened to the write, its /pending children are settled: deleted with
  // it, or still there for a later listing to take again.
  if (orderer_) orderer_->release_pending(p.pending);
  if (r.code == Code::kBadVersion) return step_down("fenced: /epoch moved on", zk);
  if (r.code == Code::kConnectionLoss) {
    view_.in_doubt += p.requests;
    ++view_.doubts;
    return;
  }
  // Any other failure (expiry): the requests are not in the log; their clients
  // retry, and the app's dedup keeps writes exactly-once.
  if (r.code != Code::kOk) return;
  if (config_.mutation == ZkMutation::kReplyOnCreate) {
    for (const Request& request : p.batch) {
      const bool write = request.op == fl::OpKind::kInsert || request.op == fl::OpKind::kAppend;
      if (write) reply_if_awaited(request, Response{}, zk.out);  // a write's answer is just "ok"
    }
  }
  // Count the new entry at once: it is in /log now, whether or not we have read it.
  for (const OpResult& result : r.results) {
    if (result.path.starts_with(kLogEntryPrefix)) {
      view_.entry_sizes.emplace(result.path.substr(kLogPath.size() + 1), p.requests);
    }
  }
  if (orderer_) orderer_->order(zk);
}

void ZkReplica::on_collected(const Collect& p, const Reply& r, Zk& zk) {
  if (orderer_) orderer_->collector().on_collected();
  if (r.code != Code::kOk) {
    const bool fenced =
        config_.mutation != ZkMutation::kNoFence && !r.results.empty() && r.results.front().code == Code::kBadVersion;
    if (fenced) return step_down("fenced: /epoch moved on", zk);
    zk.note(std::string("collect failed: ") + code_name(r.code));
    reader_.read(zk);  // our view of /snapshot or /log was stale: refresh it
    return;
  }
  const std::size_t set_at = config_.mutation != ZkMutation::kNoFence ? 1 : 0;
  if (set_at < r.results.size() && r.results[set_at].stat) view_.snapshot_version = r.results[set_at].stat->version;
  for (const std::string& name : p.deleted) view_.entry_sizes.erase(name);
  view_.collected = p.collected;
  view_.snapshot_through = p.through;
  if (orderer_) orderer_->order(zk);
}

// ---- moving between follower and leader ----

void ZkReplica::step_down(const std::string& why, Zk& zk) {
  if (!orderer_) return;
  if (config_.mutation == ZkMutation::kNoFence) return;  // the bug: it never believes it was replaced
  zk.note("step down: " + why);
  FL_ASSERT(intake_.waiting().empty(), "requests waited outside the orderer while leading");
  // Queued requests go to the next leader, which finds their /pending nodes too.
  intake_.waiting() = orderer_->give_up(config_.mutation == ZkMutation::kStepDownDropsQueue);
  orderer_.reset();
  election_.forget_self(config_);
}

void ZkReplica::become_leader() {
  if (orderer_) return orderer_->forget_epoch();
  orderer_.emplace(view_, leader_calls_, *app_, reader_, std::move(intake_.waiting()));
  intake_.waiting().clear();
}

void ZkReplica::start_leading(const Stat& epoch, Zk& zk) {
  FL_ASSERT(orderer_.has_value(), "an epoch for a replica that does not lead");
  orderer_->start(epoch, zk);
  orderer_->order(zk);
}

void ZkReplica::abandon_leading() {
  FL_ASSERT(orderer_.has_value());
  FL_ASSERT(!orderer_->epoch().bumped(), "abandoning a leadership that ordered");
  intake_.waiting() = orderer_->give_up(false);
  orderer_.reset();
}

void ZkReplica::forward_waiting(Zk& zk) {
  const std::optional<NodeId> leader = election_.leader();
  FL_ASSERT(leader.has_value(), "forwarding without a known leader");
  FL_ASSERT(*leader != config_.self, "forwarding to ourselves");
  if (orderer_) {  // a planted bug (no-fence) keeps leading while another holds /leader
    auto& queue = orderer_->queue();
    for (; !queue.empty(); queue.pop_front()) intake_.forward(queue.front().request, *leader, zk.now, zk.out);
    return;
  }
  auto& waiting = intake_.waiting();
  for (; !waiting.empty(); waiting.pop_front()) intake_.forward(waiting.front(), *leader, zk.now, zk.out);
}

void ZkReplica::entry_applied(Zk& zk) {
  if (!orderer_) return;
  orderer_->collect(zk);
  orderer_->order(zk);
}

}  // namespace fl::coordinated
