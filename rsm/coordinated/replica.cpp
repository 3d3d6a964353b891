#include "rsm/coordinated/replica.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "rsm/core/assert.hpp"

namespace fl::coordinated {
namespace {

constexpr std::string_view kCheckpointKey = "zk/checkpoint";

std::string entry_path(const std::string& child) { return std::string(kLogPath) + "/" + child; }
std::string pending_path(const std::string& child) { return std::string(kPendingPath) + "/" + child; }

// "<through>\n<app checkpoint>": the local checkpoint on the replica's own disk.
std::string checkpoint_text(const std::string& through, const std::string& state) { return through + "\n" + state; }

std::optional<std::uint32_t> parse_id(std::string_view text) {
  std::uint32_t id = 0;
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return id;
}

// The slot of a /log entry name, as Applied reports it; -1 before the first entry
// (sequence numbers start at 0).
Slot position(const std::string& entry_name) {
  if (entry_name.empty()) return Slot(-1);
  const auto seq = log_seq(entry_name);
  FL_ASSERT(seq.has_value(), "not a /log entry name: " + entry_name);
  return Slot(*seq);
}

}  // namespace

std::string ForwardMessage::describe() const { return "Forward " + fl::describe(request); }

ZkReplica::ZkReplica(ReplicaConfig config, std::unique_ptr<Replicable> app)
    : config_(config), app_(std::move(app)) {}

void ZkReplica::start(const DiskImage& disk, Micros now, Output& out) {
  if (auto it = disk.find(std::string(kCheckpointKey)); it != disk.end()) {
    const auto cut = it->second.find('\n');
    FL_ASSERT(cut != std::string::npos, "malformed local checkpoint");
    applied_ = it->second.substr(0, cut);
    checkpointed_ = applied_;
    restarted_ = true;
    const auto error = app_->restore(std::string_view(it->second).substr(cut + 1));
    FL_ASSERT(!error, "local checkpoint does not restore");
    out.notes.push_back("restored local checkpoint through " + (applied_.empty() ? "(none)" : applied_));
  }
  out.restored.emplace_back(out.applied.size(),
                            Restored{position(applied_), RestoreSource::kOwnCheckpoint, app_->state_digest()});
  requested_ = applied_;
  open_session(now, out);
  out.timers.push_back({kZkTickTimer, config_.tick_us});
}

// A new session (at start, and after the old one expired): a fresh client whose
// connection ids no earlier session of this replica used. The client counts its
// reconnects up from the first id, so each session has 2^16 ids to itself.
void ZkReplica::open_session(Micros now, Output& out) {
  ClientConfig c;
  c.server = config_.zookeeper;
  c.session_timeout_us = config_.session_timeout_us;
  c.timer = kZkClientTimer;
  c.connection = ConnectionId((static_cast<std::uint64_t>(now) << 24) | ((sessions_opened_ & 0xFF) << 16));
  ++sessions_opened_;
  client_.emplace(c);
  calls_.clear();
  registered_ = false;
  electing_ = false;
  log_reading_ = false;
  log_again_ = false;
  abort_collect();
  acking_ = false;
  acked_.clear();  // a new session registers a new /members node, with the position in it
  leader_watched_ = false;
  log_watched_ = false;
  pending_listing_ = false;
  pending_taken_.clear();  // the old session's reads of /pending never complete
  for (auto& [client, f] : forwarded_) f.submitted = false;  // nor do its /pending writes
  writes_in_flight_ = 0;
  in_flight_ = 0;
  leader_.reset();
  if (config_.mutation != ZkMutation::kLeadPastExpiry) step_down("session replaced", out);
  ++log_round_;  // replies of the old session's reads never arrive; start over
  requested_ = applied_;
  client_->start(now, out);
}

void ZkReplica::call(std::optional<Xid> xid, Purpose purpose) {
  if (xid) calls_.emplace(xid->value, std::move(purpose));
}

void ZkReplica::on_message(NodeId from, const Message& message, Micros now, Output& out) {
  (void)from;
  if (const auto* forward = dynamic_cast<const ForwardMessage*>(&message)) {
    // Only the leader orders; a forward that reaches anyone else is dropped and the
    // client retries (following it on could loop between stale views).
    if (leading_ && log_requests_held() < config_.max_log_size) {
      queue_.push_back({forward->request, {}});
      order(now, out);
    }
    return;
  }
  if (!client_) return;
  for (const ClientEvent& event : client_->on_message(message, now, out)) handle(event, now, out);
}

void ZkReplica::on_timer(std::uint32_t timer, Micros now, Output& out) {
  if (timer == kZkClientTimer) {
    if (!client_) return;
    for (const ClientEvent& event : client_->on_timer(now, out)) handle(event, now, out);
    return;
  }
  if (timer != kZkTickTimer) return;
  out.timers.push_back({kZkTickTimer, config_.tick_us});
  if (client_->state() == SessionState::kExpired || client_->state() == SessionState::kClosed) {
    open_session(now, out);
    return;
  }
  // ZooKeeper expires a session a timeout after it last heard from the client, which
  // was no earlier than we last heard from it: after a whole timeout of silence our
  // session is gone or about to be, and a successor may lead. Fencing stops our
  // writes either way, but a leader that never notices keeps claiming leadership to
  // its peers and clients (Curator's LeaderLatch gives it up on connection loss too).
  if (leading_ && client_->state() != SessionState::kConnected &&
      now - client_->last_heard_us() >= client_->timeout_us() && config_.mutation != ZkMutation::kLeadPastExpiry) {
    step_down("no word from ZooKeeper for a session timeout", out);
  }
  if (client_->state() != SessionState::kConnected) return;
  submit_stalled(now, out);
  if (leading_) {
    if (pending_dirty_ || now - pending_listed_us_ >= config_.session_timeout_us) list_pending(now, out);
    order(now, out);
    collect(now, out);
  } else if (leader_ && *leader_ != config_.self) {
    while (!queue_.empty()) {
      forward(queue_.front().request, now, out);
      queue_.pop_front();
    }
  }
  // Watches say when /leader changes, but a replica that relied on them alone would
  // follow a dead leader forever after one lost notification: re-read it once per
  // session timeout (by then a dead leader's session has expired).
  if (!electing_ && (!leader_ || now - leader_checked_us_ >= config_.session_timeout_us)) elect(now, out);
  if (!log_reading_) read_log(now, out);  // a safety net; the /log watch does the work
}

void ZkReplica::on_client_request(const Request& request, Micros now, Output& out) {
  awaiting_[request.client.value] = request.id.value;
  forwarded_.erase(request.client.value);  // the client moved on (or retries here)
  if (leading_) {
    if (log_requests_held() < config_.max_log_size) queue_.push_back({request, {}});
    order(now, out);
  } else if (leader_ && *leader_ != config_.self) {
    forward(request, now, out);
  } else if (log_requests_held() < config_.max_log_size && config_.mutation != ZkMutation::kDropWithoutLeader) {
    queue_.push_back({request, {}});  // no leader known yet: held until there is one
  }
}

std::optional<std::uint64_t> ZkReplica::leader_epoch() const {
  if (!leading_ || leading_->epoch == 0) return std::nullopt;
  return leading_->epoch;
}

std::int64_t ZkReplica::log_requests_held() const { return std::ssize(queue_) + in_flight_; }

// ---- events from the ZooKeeper client ----

void ZkReplica::handle(const ClientEvent& event, Micros now, Output& out) {
  if (const auto* c = std::get_if<Completion>(&event)) return on_completion(*c, now, out);
  if (const auto* w = std::get_if<WatchNotice>(&event)) return on_watch(*w, now, out);
  on_session(std::get<SessionChange>(event), now, out);
}

void ZkReplica::on_session(const SessionChange& s, Micros now, Output& out) {
  out.notes.push_back(std::string("zk session ") + state_name(s.state));
  switch (s.state) {
    case SessionState::kConnected:
      // First connect, or a reconnect within the session: (re)establish everything;
      // each step is idempotent.
      for (std::string_view path : {kMembersPath, kLogPath, kEpochPath, kPendingPath}) {
        call(client_->create(std::string(path), "", CreateMode::kPersistent, now, out), Setup{});
      }
      call(client_->create(std::string(kSnapshotPath), encode_snapshot({}), CreateMode::kPersistent, now, out),
           Setup{});
      call(client_->create(member_path(config_.self), checkpointed_, CreateMode::kEphemeral, now, out), Register{});
      electing_ = false;
      acking_ = false;
      log_reading_ = false;
      ++log_round_;
      requested_ = resume_after();
      read_log(now, out);
      return;
    case SessionState::kConnecting:
      // Connection lost: pending calls failed with ConnectionLoss. A leader keeps its
      // role while the session may still be alive (the tick gives it up after a
      // session timeout of silence); if it expires sooner, the fence stops its writes.
      electing_ = false;
      log_reading_ = false;
      acking_ = false;
      abort_collect();
      return;
    case SessionState::kExpired:
      if (config_.mutation != ZkMutation::kLeadPastExpiry) step_down("session expired", out);
      return;  // the tick opens a new session
    case SessionState::kClosed: return;
  }
}

void ZkReplica::on_watch(const WatchNotice& w, Micros now, Output& out) {
  if (w.path == kLogPath) return read_log(now, out);
  if (w.path == kPendingPath) {
    pending_dirty_ = true;
    return list_pending(now, out);
  }
  if (w.path == kLeaderPath || w.path == kMembersPath) {
    if (w.path == kLeaderPath && w.type == EventType::kNodeDeleted) leader_.reset();
    electing_ = false;
    elect(now, out);
  }
}

void ZkReplica::on_completion(const Completion& c, Micros now, Output& out) {
  auto it = calls_.find(c.xid.value);
  if (it == calls_.end()) return;
  const Purpose purpose = std::move(it->second);
  calls_.erase(it);
  const Reply& r = c.reply;
  std::visit(
      [&](const auto& p) {
        using P = std::decay_t<decltype(p)>;
        if constexpr (std::is_same_v<P, Register>) {
          if (r.code == Code::kOk) {
            registered_ = true;
            acked_ = checkpointed_;  // the node was created with it
            elect(now, out);
          } else if (r.code == Code::kNodeExists) {
            call(client_->get(member_path(config_.self), false, now, out), OldMember{});
          }
        } else if constexpr (std::is_same_v<P, OldMember>) {
          if (r.code == Code::kOk && r.stat && r.stat->ephemeral_owner == client_->session()) {
            registered_ = true;  // ours: created before a connection loss hid the reply
            acked_ = r.data;
            acknowledge(now, out);
            elect(now, out);
          } else if (r.code == Code::kOk || r.code == Code::kNoNode) {
            // Our previous incarnation's node, its session not yet expired: replace it.
            if (r.code == Code::kOk) {
              out.notes.push_back("dropping member node of a previous session");
              call(client_->remove(member_path(config_.self), r.stat->version, now, out), DropStale{});
            }
            call(client_->create(member_path(config_.self), checkpointed_, CreateMode::kEphemeral, now, out),
                 Register{});
          }
        } else if constexpr (std::is_same_v<P, LeaderExists>) {
          on_leader_exists(r, now, out);
        } else if constexpr (std::is_same_v<P, LeaderData>) {
          on_leader_data(r, now, out);
        } else if constexpr (std::is_same_v<P, Members>) {
          on_members(r, now, out);
        } else if constexpr (std::is_same_v<P, ClaimLeader>) {
          on_claimed(r, now, out);
        } else if constexpr (std::is_same_v<P, BumpEpoch>) {
          on_epoch(r, now, out);
        } else if constexpr (std::is_same_v<P, EpochRead>) {
          on_epoch_read(r, now, out);
        } else if constexpr (std::is_same_v<P, LogChildren>) {
          on_log_children(p, r, now, out);
        } else if constexpr (std::is_same_v<P, SnapshotRead>) {
          on_snapshot(p, r, now, out);
        } else if constexpr (std::is_same_v<P, EntryData>) {
          on_entry(p, r, now, out);
        } else if constexpr (std::is_same_v<P, Order>) {
          on_ordered(p, r, now, out);
        } else if constexpr (std::is_same_v<P, Submit>) {
          on_submitted(p, r, now);
        } else if constexpr (std::is_same_v<P, PendingChildren>) {
          on_pending_children(r, now, out);
        } else if constexpr (std::is_same_v<P, PendingData>) {
          on_pending_data(p, r, now, out);
        } else if constexpr (std::is_same_v<P, Ack>) {
          acking_ = false;
          if (r.code == Code::kOk) acked_ = p.position;
          acknowledge(now, out);  // a newer checkpoint may have been saved meanwhile
        } else if constexpr (std::is_same_v<P, CollectMembers>) {
          on_collect_members(p, r, now, out);
        } else if constexpr (std::is_same_v<P, CollectAck>) {
          on_collect_ack(p, r, now, out);
        } else if constexpr (std::is_same_v<P, Collect>) {
          on_collected(p, r, now, out);
        }
        // Setup and DropStale: the outcome does not matter (already there, or gone).
      },
      purpose);
}

// ---- leader election ----

// One round: is there a leader? If not, am I the lowest live member? The round's
// reads set the watches that start the next one.
void ZkReplica::elect(Micros now, Output& out) {
  if (electing_ || !client_ || client_->state() != SessionState::kConnected) return;
  electing_ = true;
  leader_checked_us_ = now;
  const bool watch = config_.mutation != ZkMutation::kLeaderWatchOnce || !leader_watched_;
  leader_watched_ = true;
  call(client_->exists(std::string(kLeaderPath), watch, now, out), LeaderExists{});
}

void ZkReplica::on_leader_exists(const Reply& r, Micros now, Output& out) {
  if (r.code == Code::kOk && r.stat) {
    call(client_->get(std::string(kLeaderPath), false, now, out), LeaderData{});
    return;
  }
  if (r.code != Code::kNoNode) {
    electing_ = false;
    return;
  }
  leader_.reset();
  if (leading_) step_down("/leader is gone", out);
  call(client_->get_children(std::string(kMembersPath), true, now, out), Members{});
}

void ZkReplica::on_leader_data(const Reply& r, Micros now, Output& out) {
  if (r.code == Code::kNoNode) {  // deleted between the two reads
    electing_ = false;
    elect(now, out);
    return;
  }
  electing_ = false;
  if (r.code != Code::kOk || !r.stat) return;
  const auto id = parse_id(r.data);
  if (!id) return;
  if (NodeId(*id) == config_.self && r.stat->ephemeral_owner != client_->session()) {
    // Left by our previous incarnation, whose session has not expired yet.
    out.notes.push_back("dropping /leader of a previous session");
    if (leading_) step_down("/leader belongs to an old session", out);
    call(client_->remove(std::string(kLeaderPath), r.stat->version, now, out), DropStale{});
    electing_ = false;
    elect(now, out);
    return;
  }
  leader_ = NodeId(*id);
  if (*leader_ == config_.self && !leading_) return lead(now, out);  // ours; the epoch bump was lost
  if (*leader_ != config_.self) {
    if (leading_) step_down("r" + std::to_string(*id) + " holds /leader", out);
    while (!queue_.empty()) {  // what waited for a leader goes to it now
      forward(queue_.front().request, now, out);
      queue_.pop_front();
    }
  }
}

void ZkReplica::on_members(const Reply& r, Micros now, Output& out) {
  electing_ = false;
  if (r.code != Code::kOk || !registered_) return;  // registering calls elect() again
  std::optional<NodeId> lowest;
  for (const std::string& child : r.children) {
    const auto id = member_id(child);
    if (id && (!lowest || *id < *lowest)) lowest = id;
  }
  const bool blind = config_.mutation == ZkMutation::kRestartClaimsBlindly && restarted_;
  if (lowest != config_.self && !blind) return;  // the /members watch brings the next round
  electing_ = true;
  // Claiming /leader and bumping /epoch in one transaction: from the moment we hold
  // /leader, every earlier leader's ordering write fails its check of /epoch.
  std::vector<Op> ops;
  ops.push_back(Create{std::string(kLeaderPath), std::to_string(config_.self.value), CreateMode::kEphemeral});
  if (config_.mutation != ZkMutation::kClaimWithoutBump) {
    ops.push_back(SetData{std::string(kEpochPath), std::to_string(config_.self.value), kAnyVersion});
  }
  call(client_->multi(std::move(ops), now, out), ClaimLeader{});
}

void ZkReplica::on_claimed(const Reply& r, Micros now, Output& out) {
  electing_ = false;
  if (r.code == Code::kNodeExists) return elect(now, out);
  // Lost with the connection: if it committed, the next round finds /leader ours and
  // bumps /epoch again (lead()).
  const bool bumped = config_.mutation != ZkMutation::kClaimWithoutBump;
  if (r.code != Code::kOk || r.results.size() != (bumped ? 2U : 1U) || (bumped && !r.results[1].stat)) return;
  // Watch /leader so that losing it (our session expired) is noticed.
  call(client_->exists(std::string(kLeaderPath), true, now, out), Setup{});
  leader_ = config_.self;
  leading_ = Leading{};
  if (!bumped) {
    call(client_->get(std::string(kEpochPath), false, now, out), EpochRead{});
    return;
  }
  start_leading(*r.results[1].stat, out);
  order(now, out);
}

// We hold /leader: bump the epoch, which fences every earlier leader (their ordering
// writes check the old version of /epoch and fail from now on), then order.
void ZkReplica::lead(Micros now, Output& out) {
  leader_ = config_.self;
  leading_ = Leading{};
  call(client_->set(std::string(kEpochPath), std::to_string(config_.self.value), kAnyVersion, now, out),
       BumpEpoch{});
}

void ZkReplica::on_epoch(const Reply& r, Micros now, Output& out) {
  if (!leading_) return;
  if (r.code != Code::kOk || !r.stat) {
    // Lost with the connection (or the session): we may still hold /leader; the next
    // election round finds out and bumps again.
    leading_.reset();
    leader_.reset();
    return;
  }
  start_leading(*r.stat, out);
  order(now, out);
}

// Only planted bugs get here: they fence with the /epoch version they read rather
// than the one their own bump left.
void ZkReplica::on_epoch_read(const Reply& r, Micros now, Output& out) {
  if (!leading_) return;
  if (r.code != Code::kOk || !r.stat) return step_down("/epoch not read", out);
  start_leading(*r.stat, out);
  order(now, out);
}

void ZkReplica::start_leading(const Stat& epoch, Output& out) {
  leading_->epoch_version = epoch.version;
  leading_->epoch = static_cast<std::uint64_t>(epoch.version) + 1;
  pending_dirty_ = true;  // what followers left in /pending for our predecessor is ours now
  out.notes.push_back("leader epoch=" + std::to_string(leading_->epoch));
}

void ZkReplica::step_down(const std::string& why, Output& out) {
  if (!leading_) return;
  if (config_.mutation == ZkMutation::kNoFence) return;  // the bug: it never believes it was replaced
  out.notes.push_back("step down: " + why);
  leading_.reset();
  if (leader_ == config_.self) leader_.reset();
  abort_collect();
  // Queued requests go to the next leader, which finds their /pending nodes too.
  pending_taken_.clear();
  if (config_.mutation == ZkMutation::kStepDownDropsQueue) queue_.clear();
  for (Queued& q : queue_) q.pending.clear();
}

// ---- reading and applying the log ----

// A round: list /log (watching it), then read /snapshot, then ask for every entry
// after what was already asked for. Rounds do not overlap; a watch that fires
// during one starts another when it ends.
void ZkReplica::read_log(Micros now, Output& out) {
  if (!client_ || client_->state() != SessionState::kConnected) return;
  if (log_reading_) {
    log_again_ = true;
    return;
  }
  log_reading_ = true;
  log_again_ = false;
  const std::string known = entry_sizes_.empty() ? std::string() : entry_sizes_.rbegin()->first;
  const bool watch = config_.mutation != ZkMutation::kLogWatchOnce || !log_watched_;
  log_watched_ = true;
  call(client_->get_children(std::string(kLogPath), watch, now, out), LogChildren{log_round_, doubts_, known});
}

const std::string& ZkReplica::resume_after() const {
  return config_.mutation == ZkMutation::kResumeAfterRequested ? requested_ : applied_;
}

void ZkReplica::on_log_children(const LogChildren& p, const Reply& r, Micros now, Output& out) {
  if (p.round != log_round_ || r.code != Code::kOk) {
    log_reading_ = false;
    return;
  }
  // ZooKeeper lists children in no particular order; entry names sort as their
  // sequence numbers.
  std::vector<std::string> children = r.children;
  if (config_.mutation != ZkMutation::kUnsortedListing) std::sort(children.begin(), children.end());
  // The snapshot is read after the listing, so its `collected` is at least as new as
  // the listing: entries after it, and in the listing, still exist.
  call(client_->get(std::string(kSnapshotPath), false, now, out),
       SnapshotRead{p.round, p.doubts, std::move(children), p.known});
}

void ZkReplica::on_snapshot(const SnapshotRead& p, const Reply& r, Micros now, Output& out) {
  log_reading_ = false;
  if (p.round != log_round_ || r.code != Code::kOk) return;
  const auto snapshot = decode_snapshot(r.data);
  if (snapshot) {
    snapshot_through_ = snapshot->through;
    collected_ = snapshot->collected;
    snapshot_version_ = r.stat ? r.stat->version : kAnyVersion;
    const bool behind = config_.mutation == ZkMutation::kRestoreWhenLevel
                            ? !snapshot->collected.empty() && applied_ <= snapshot->collected
                            : applied_ < snapshot->collected;
    if (behind) {
      // Entries we still need are gone: start from the leader's snapshot.
      const auto error = app_->restore(snapshot->state);
      FL_ASSERT(!error, "the /snapshot state does not restore");
      out.notes.push_back("restored /snapshot through " + snapshot->through);
      out.restored.emplace_back(
          out.applied.size(),
          Restored{position(snapshot->through), RestoreSource::kPeerCheckpoint, app_->state_digest()});
      applied_ = config_.mutation == ZkMutation::kResumeAtCollected ? snapshot->collected : snapshot->through;
      requested_ = std::max(requested_, applied_);
      if (config_.mutation == ZkMutation::kSnapshotSkipsOne) {
        const auto next = std::upper_bound(p.children.begin(), p.children.end(), snapshot->through);
        if (next != p.children.end()) requested_ = std::max(requested_, *next);
      }
      save_checkpoint(out);
      acknowledge(now, out);
    }
  }
  std::map<std::string, std::int64_t> sizes;  // what is listed now; collected entries go
  for (const std::string& child : p.children) {
    if (!log_seq(child)) continue;
    const auto it = entry_sizes_.find(child);
    sizes.emplace(child, it != entry_sizes_.end() ? it->second : -1);
    if (child <= requested_) continue;
    call(client_->get(entry_path(child), false, now, out), EntryData{log_round_, child});
    requested_ = child;
  }
  // Entries newer than both the listing and what we knew when we asked for it were
  // created by our own ordering writes since, and stay. Any other entry the listing
  // lacks is gone: counting it would hold a full log that a collection can never
  // free (its deletes fail with NoNode), and the leader would stop ordering for good.
  // So are entries the snapshot (read after the listing) says were collected, even
  // if listed: a listing taken before one of our own collections committed still
  // names what that collection deleted.
  std::string newest = p.known;
  if (!p.children.empty()) newest = std::max(newest, p.children.back());
  if (snapshot) newest = std::max(newest, snapshot->collected);
  for (auto it = entry_sizes_.upper_bound(newest); it != entry_sizes_.end(); ++it) sizes.insert(*it);
  if (snapshot) sizes.erase(sizes.begin(), sizes.upper_bound(snapshot->collected));
  entry_sizes_ = std::move(sizes);
  // Sent after every lost ordering write, so ZooKeeper had handled them (FIFO): the
  // listing holds those that made it.
  if (p.doubts == doubts_) in_doubt_ = 0;
  if (log_again_) read_log(now, out);
}

void ZkReplica::on_entry(const EntryData& p, const Reply& r, Micros now, Output& out) {
  if (p.round != log_round_) return;
  if (r.code != Code::kOk && config_.mutation != ZkMutation::kSkipFailedRead) {
    // Not read: collected before we got to it (NoNode: we are behind the snapshot,
    // and the next round restores it), or the call was lost with the connection.
    // Either way the reads after it would leave a gap: drop them and start over.
    ++log_round_;
    requested_ = resume_after();
    read_log(now, out);
    return;
  }
  if (p.name <= applied_) return;
  const auto entry = r.code == Code::kOk ? decode_entry(r.data) : std::optional<LogEntry>(LogEntry{});
  FL_ASSERT(entry.has_value(), "malformed /log entry " + p.name);
  apply(p.name, *entry, out);
  acknowledge(now, out);
  if (leading_) {
    collect(now, out);
    order(now, out);
  }
}

void ZkReplica::apply(const std::string& name, const LogEntry& entry, Output& out) {
  const Slot slot(*log_seq(name));
  for (std::size_t i = 0; i < entry.requests.size(); ++i) {
    const Request& request = entry.requests[i];
    const Response response = app_->execute(request);
    out.applied.push_back(Applied{slot, static_cast<std::uint32_t>(i), request, app_->state_digest()});
    reply_if_awaited(request, response, out);
  }
  applied_ = name;
  entry_sizes_[name] = std::ssize(entry.requests);
  since_checkpoint_ += std::ssize(entry.requests);
  if (since_checkpoint_ >= config_.checkpoint_interval) save_checkpoint(out);
}

void ZkReplica::reply_if_awaited(const Request& request, const Response& response, Output& out) {
  const auto it = awaiting_.find(request.client.value);
  if (it == awaiting_.end() || it->second != request.id.value) return;
  awaiting_.erase(it);
  forwarded_.erase(request.client.value);
  out.replies.push_back(ClientReply{request.client, request.id, response});
}

// The log lives in ZooKeeper, so the local checkpoint only saves replaying it; it
// still goes to disk durably, as a restart trusts it.
void ZkReplica::save_checkpoint(Output& out) {
  out.writes.push_back(DiskWrite{std::string(kCheckpointKey), checkpoint_text(applied_, app_->checkpoint()), 0});
  out.sync = config_.mutation != ZkMutation::kAckBeforeSync;
  since_checkpoint_ = 0;
  checkpointed_ = applied_;
}

// Sent after the checkpoint's sync (persist before send), so a position ZooKeeper
// holds is one this replica can resume from.
void ZkReplica::acknowledge(Micros now, Output& out) {
  if (!registered_ || acking_ || acked_ == checkpointed_ || client_->state() != SessionState::kConnected) return;
  acking_ = true;
  call(client_->set(member_path(config_.self), checkpointed_, kAnyVersion, now, out), Ack{checkpointed_});
}

// ---- ordering (leader) ----

// An entry listed but not read yet counts as a full batch: an upper bound.
std::int64_t ZkReplica::size_of(std::int64_t recorded) const {
  return recorded >= 0 ? recorded : config_.batch_size_max;
}

std::int64_t ZkReplica::log_held() const {
  std::int64_t held = in_flight_ + in_doubt_;
  for (const auto& [name, size] : entry_sizes_) held += size_of(size);
  return held;
}

void ZkReplica::order(Micros now, Output& out) {
  if (!leading_ || leading_->epoch == 0 || client_->state() != SessionState::kConnected) return;
  while (!queue_.empty() && writes_in_flight_ < config_.pipeline_max) {
    const auto n = std::min<std::int64_t>(std::ssize(queue_), config_.batch_size_max);
    if (log_held() + n > config_.max_log_size) {
      collect(now, out, true);  // make room; ordering resumes when it commits
      return;
    }
    LogEntry entry{leading_->epoch, config_.self, {}};
    std::vector<std::string> pending;
    for (std::int64_t i = 0; i < n; ++i) {
      entry.requests.push_back(queue_.front().request);
      if (!queue_.front().pending.empty()) pending.push_back(std::move(queue_.front().pending));
      queue_.pop_front();
    }
    if (config_.mutation == ZkMutation::kApplyBeforeLog) {
      for (const Request& request : entry.requests) reply_if_awaited(request, app_->execute(request), out);
    }
    std::vector<Op> ops;
    if (config_.mutation != ZkMutation::kNoFence) ops.push_back(Check{std::string(kEpochPath), leading_->epoch_version});
    ops.push_back(Create{std::string(kLogEntryPrefix), encode_entry(entry), CreateMode::kPersistentSequential});
    // Taking a request out of /pending and ordering it are one transaction, so it is
    // ordered once per pending node, and never by a fenced leader.
    for (const std::string& name : pending) ops.push_back(Delete{pending_path(name), kAnyVersion});
    call(client_->multi(std::move(ops), now, out), Order{n, std::move(entry.requests), std::move(pending)});
    in_flight_ += n;
    ++writes_in_flight_;
  }
}

void ZkReplica::on_ordered(const Order& p, const Reply& r, Micros now, Output& out) {
  in_flight_ -= p.requests;
  --writes_in_flight_;
  // Whatever happened to the write, its /pending children are settled: deleted with
  // it, or still there for a later listing to take again.
  release_pending(p.pending);
  if (r.code == Code::kBadVersion) return step_down("fenced: /epoch moved on", out);
  if (r.code == Code::kConnectionLoss) {
    in_doubt_ += p.requests;
    ++doubts_;
    return;
  }
  if (r.code != Code::kOk) return;
  if (config_.mutation == ZkMutation::kReplyOnCreate) {
    for (const Request& request : p.batch) {
      const bool write = request.op == fl::OpKind::kInsert || request.op == fl::OpKind::kAppend;
      if (write) reply_if_awaited(request, Response{}, out);  // a write's answer is just "ok"
    }
  }
  // Count the new entry at once: it is in /log now, whether or not we have read it.
  for (const OpResult& result : r.results) {
    if (result.path.starts_with(kLogEntryPrefix)) {
      entry_sizes_.emplace(result.path.substr(kLogPath.size() + 1), p.requests);
    }
  }
  order(now, out);
  // Any other failure (connection loss, expiry): the requests may or may not be in
  // the log; their clients retry, and the app's dedup keeps writes exactly-once.
}

void ZkReplica::release_pending(const std::vector<std::string>& names) {
  if (names.empty()) return;
  for (const std::string& name : names) pending_taken_.erase(name);
  pending_dirty_ = true;
}

// ---- requests that cannot reach the leader (partial connectivity) ----

void ZkReplica::forward(const Request& request, Micros now, Output& out) {
  out.messages.emplace_back(*leader_, std::make_shared<ForwardMessage>(request));
  const auto it = awaiting_.find(request.client.value);
  if (it != awaiting_.end() && it->second == request.id.value) {
    forwarded_[request.client.value] = Forwarded{request, now, false};
  }
}

// The forward or the leader may be lost (a cut between the replicas while both
// still reach ZooKeeper, or a leader that died): whoever leads reads /pending.
void ZkReplica::submit_stalled(Micros now, Output& out) {
  for (auto it = forwarded_.begin(); it != forwarded_.end();) {
    Forwarded& f = it->second;
    if (f.submitted || now - f.sent_us < config_.forward_timeout_us) {
      ++it;
      continue;
    }
    if (leading_) {  // we lead now: order it ourselves
      if (log_requests_held() < config_.max_log_size) queue_.push_back({f.request, {}});
      it = forwarded_.erase(it);
      continue;
    }
    std::string data;
    encode(f.request, data);
    f.submitted = true;
    call(client_->create(std::string(kPendingEntryPrefix), std::move(data), CreateMode::kPersistentSequential, now,
                         out),
         Submit{it->first, f.request.id.value});
    ++it;
  }
}

void ZkReplica::on_submitted(const Submit& p, const Reply& r, Micros now) {
  if (r.code == Code::kOk) return;
  // Not written (or not known to be): try again after another timeout; a duplicate
  // is answered from the app's dedup table.
  const auto it = forwarded_.find(p.client);
  if (it == forwarded_.end() || it->second.request.id.value != p.id) return;
  it->second.submitted = false;
  it->second.sent_us = now;
}

void ZkReplica::list_pending(Micros now, Output& out) {
  if (!leading_ || leading_->epoch == 0 || pending_listing_ || client_->state() != SessionState::kConnected) return;
  pending_listing_ = true;
  pending_dirty_ = false;
  pending_listed_us_ = now;
  call(client_->get_children(std::string(kPendingPath), true, now, out), PendingChildren{});
}

void ZkReplica::on_pending_children(const Reply& r, Micros now, Output& out) {
  pending_listing_ = false;
  if (!leading_) return;
  if (r.code != Code::kOk) {
    pending_dirty_ = true;
    return;
  }
  const std::set<std::string> listed(r.children.begin(), r.children.end());
  // A child no longer listed was deleted (by one of our ordering writes) and its
  // sequential name never comes back.
  std::erase_if(pending_taken_, [&](const std::string& name) { return !listed.contains(name); });
  for (const std::string& name : listed) {
    if (pending_taken_.contains(name)) continue;
    if (log_requests_held() + std::ssize(pending_taken_) >= config_.max_log_size) {
      pending_dirty_ = true;  // no room now: a later listing takes the rest
      break;
    }
    pending_taken_.insert(name);
    call(client_->get(pending_path(name), false, now, out), PendingData{name});
  }
}

void ZkReplica::on_pending_data(const PendingData& p, const Reply& r, Micros now, Output& out) {
  if (!leading_ || !pending_taken_.contains(p.name)) return;
  std::string_view data = r.data;
  const auto request = r.code == Code::kOk ? decode_request(data) : std::nullopt;
  if (!request || log_requests_held() >= config_.max_log_size) {
    release_pending({p.name});
    return;
  }
  queue_.push_back({*request, p.name});
  order(now, out);
}

// Every checkpoint_interval applied requests (or when ordering waits for room) the
// leader writes its state to /snapshot and deletes the entries every live member has
// acknowledged. First it reads the acknowledgements: /members, then each member's
// node. A member that registers after the listing starts behind what may be deleted
// and restores /snapshot, as does any replica that lags behind it.
void ZkReplica::collect(Micros now, Output& out, bool urgent) {
  if (!leading_ || leading_->epoch == 0 || collecting_ || applied_ < snapshot_through_) return;
  if (snapshot_version_ == kAnyVersion) return;  // /snapshot not read yet: nothing to check against
  if (now < collect_idle_until_) return;
  if (urgent) {
    // Room can only come from entries we applied.
    if (entry_sizes_.empty() || entry_sizes_.begin()->first > applied_) return;
  } else {
    std::int64_t since = 0;
    for (auto it = entry_sizes_.upper_bound(snapshot_through_); it != entry_sizes_.end() && it->first <= applied_;
         ++it) {
      since += size_of(it->second);
    }
    if (since < config_.checkpoint_interval) return;
  }
  collecting_ = true;
  collect_round_ = CollectRound{++collect_rounds_, urgent, 0, std::nullopt};
  call(client_->get_children(std::string(kMembersPath), false, now, out), CollectMembers{collect_round_->round});
}

void ZkReplica::on_collect_members(const CollectMembers& p, const Reply& r, Micros now, Output& out) {
  if (!collect_round_ || collect_round_->round != p.round) return;
  if (r.code != Code::kOk) return abort_collect();
  for (const std::string& child : r.children) {
    const auto id = member_id(child);
    if (!id || *id == config_.self) continue;
    ++collect_round_->waiting;
    call(client_->get(member_path(*id), false, now, out), CollectAck{p.round});
  }
  if (collect_round_->waiting == 0) finish_collect(now, out);
}

void ZkReplica::on_collect_ack(const CollectAck& p, const Reply& r, Micros now, Output& out) {
  if (!collect_round_ || collect_round_->round != p.round) return;
  if (r.code == Code::kOk) {
    std::optional<std::string>& oldest = collect_round_->oldest;
    const bool older =
        !oldest || (config_.mutation == ZkMutation::kCollectToNewestAck ? r.data > *oldest : r.data < *oldest);
    const bool ignored = config_.mutation == ZkMutation::kSkipUnackedMember && r.data.empty();
    if (older && !ignored) oldest = r.data;
  } else if (r.code != Code::kNoNode) {  // NoNode: that member is gone since the listing
    return abort_collect();
  }
  if (--collect_round_->waiting == 0) finish_collect(now, out);
}

void ZkReplica::finish_collect(Micros now, Output& out) {
  const CollectRound round = *collect_round_;
  collect_round_.reset();
  if (!leading_ || leading_->epoch == 0) return abort_collect();
  std::string upto = applied_;
  if (round.oldest && *round.oldest < upto) upto = *round.oldest;
  if (config_.mutation == ZkMutation::kCollectOnePast) {
    if (const auto next = entry_sizes_.upper_bound(upto); next != entry_sizes_.end()) upto = next->first;
  }
  if (round.urgent) {
    // A live member whose acknowledgement leaves no room for one more batch is too
    // far behind to wait for: collect past it, and it restores /snapshot.
    std::int64_t freed = 0;
    for (auto it = entry_sizes_.begin(); it != entry_sizes_.end() && it->first <= upto; ++it) {
      freed += size_of(it->second);
    }
    if (upto < applied_ && log_held() - freed + config_.batch_size_max > config_.max_log_size) {
      out.notes.push_back("collecting past a member acknowledged at " + (upto.empty() ? std::string("(none)") : upto));
      upto = applied_;
    }
  }
  upto = std::max(upto, collected_);
  std::vector<std::string> doomed;
  for (auto it = entry_sizes_.begin(); it != entry_sizes_.end() && it->first <= upto; ++it) doomed.push_back(it->first);
  if (doomed.empty() && applied_ == snapshot_through_) {
    // Nothing to free and nothing new to snapshot: try again a tick later.
    collecting_ = false;
    collect_idle_until_ = now + config_.tick_us;
    return;
  }
  std::vector<Op> ops;
  if (config_.mutation != ZkMutation::kNoFence) ops.push_back(Check{std::string(kEpochPath), leading_->epoch_version});
  ops.push_back(
      SetData{std::string(kSnapshotPath), encode_snapshot({applied_, upto, app_->checkpoint()}), snapshot_version_});
  for (const std::string& name : doomed) ops.push_back(Delete{entry_path(name), kAnyVersion});
  call(client_->multi(std::move(ops), now, out), Collect{applied_, upto, std::move(doomed)});
}

void ZkReplica::abort_collect() {
  collecting_ = false;
  collect_round_.reset();
}

void ZkReplica::on_collected(const Collect& p, const Reply& r, Micros now, Output& out) {
  collecting_ = false;
  if (r.code != Code::kOk) {
    const bool fenced = config_.mutation != ZkMutation::kNoFence && !r.results.empty() &&
                        r.results.front().code == Code::kBadVersion;
    if (fenced) return step_down("fenced: /epoch moved on", out);
    out.notes.push_back(std::string("collect failed: ") + code_name(r.code));
    read_log(now, out);  // our view of /snapshot or /log was stale: refresh it
    return;
  }
  const std::size_t set_at = config_.mutation != ZkMutation::kNoFence ? 1 : 0;
  if (set_at < r.results.size() && r.results[set_at].stat) snapshot_version_ = r.results[set_at].stat->version;
  for (const std::string& name : p.deleted) entry_sizes_.erase(name);
  collected_ = p.collected;
  snapshot_through_ = p.through;
  order(now, out);
}

}  // namespace fl::coordinated
