#include "rsm/coordinated/session.hpp"

#include <string_view>
#include <utility>

#include "rsm/coordinated/layout.hpp"
#include "rsm/core/assert.hpp"

namespace fl::coordinated {

Client& Zk::client() const { return session.client(); }
bool Zk::started() const { return session.started(); }
bool Zk::connected() const { return session.client().state() == SessionState::kConnected; }
void Zk::call(std::optional<Xid> xid, SessionOp op) const {
  if (xid) session.record(*xid, std::move(op));
}
void Zk::call(std::optional<Xid> xid, ElectionOp op) const {
  if (xid) session.record(*xid, std::move(op));
}
void Zk::call(std::optional<Xid> xid, ReaderOp op) const {
  if (xid) session.record(*xid, std::move(op));
}
void Zk::call(std::optional<Xid> xid, OrdererOp op) const {
  if (xid) session.record(*xid, std::move(op));
}
void Zk::call(std::optional<Xid> xid, IntakeOp op) const {
  if (xid) session.record(*xid, std::move(op));
}

// The client counts its reconnects up from the first connection id, so each
// session has 2^16 ids to itself.
void Session::open(const ReplicaConfig& config, Micros now) {
  ClientConfig c;
  c.server = config.zookeeper;
  c.session_timeout_us = config.session_timeout_us;
  c.timer = kZkClientTimer;
  c.connection = ConnectionId((static_cast<std::uint64_t>(now) << 24) | ((sessions_opened_ & 0xFF) << 16));
  ++sessions_opened_;
  client_.emplace(c);
  calls_.clear();  // the old session's replies never arrive
  registered_ = false;
  acking_ = false;
  acked_.clear();  // a new session registers a new /members node, with the position in it
}

void Session::start(Micros now, Output& out) { client().start(now, out); }

Client& Session::client() {
  FL_ASSERT(client_.has_value(), "the zk replica has no session before start()");
  return *client_;
}

void Session::record(Xid xid, Call call) {
  const bool fresh = calls_.emplace(xid.value, std::move(call)).second;
  FL_ASSERT(fresh, "xid " + std::to_string(xid.value) + " issued twice in one session");
}

std::optional<Call> Session::take(Xid xid) {
  auto it = calls_.find(xid.value);
  if (it == calls_.end()) return std::nullopt;
  Call call = std::move(it->second);
  calls_.erase(it);
  return call;
}

void Session::on_connected(Zk& zk) {
  for (std::string_view path : {kMembersPath, kLogPath, kEpochPath, kPendingPath}) {
    zk.call(zk.client().create(std::string(path), "", CreateMode::kPersistent, zk.now, zk.out), Setup{});
  }
  zk.call(zk.client().create(std::string(kSnapshotPath), encode_snapshot({}), CreateMode::kPersistent, zk.now, zk.out),
          Setup{});
  create_member(zk);
  acking_ = false;
}

void Session::create_member(Zk& zk) {
  zk.call(
      zk.client().create(member_path(zk.config.self), zk.host.checkpointed(), CreateMode::kEphemeral, zk.now, zk.out),
      Register{});
}

void Session::on_reply(const SessionOp& op, const Reply& r, Zk& zk) {
  if (std::holds_alternative<Register>(op)) return on_registered(r, zk);
  if (std::holds_alternative<OldMember>(op)) return on_old_member(r, zk);
  if (const auto* ack = std::get_if<Ack>(&op)) {
    FL_ASSERT(acking_, "an acknowledgement answered that was not in flight");
    acking_ = false;
    if (r.code == Code::kOk) acked_ = ack->position;
    acknowledge(zk);  // a newer checkpoint may have been saved meanwhile
  }
  // Setup and DropOldMember: the outcome does not matter (already there, or gone).
}

void Session::on_registered(const Reply& r, Zk& zk) {
  if (r.code == Code::kOk) {
    registered_ = true;
    acked_ = zk.host.checkpointed();  // the node was created with it
    zk.host.elect(zk);
  } else if (r.code == Code::kNodeExists) {
    zk.call(zk.client().get(member_path(zk.config.self), false, zk.now, zk.out), OldMember{});
  }
}

// A restarted replica may find its previous session's /members/<self> still there:
// that session has not expired yet. It deletes it and registers anew.
void Session::on_old_member(const Reply& r, Zk& zk) {
  if (r.code == Code::kOk && r.stat && r.stat->ephemeral_owner == zk.client().session()) {
    registered_ = true;  // ours: created before a connection loss hid the reply
    acked_ = r.data;
    acknowledge(zk);
    zk.host.elect(zk);
    return;
  }
  if (r.code != Code::kOk && r.code != Code::kNoNode) return;
  if (r.code == Code::kOk) {
    FL_ASSERT(r.stat.has_value(), "get of an existing /members node without a stat");
    zk.note("dropping member node of a previous session");
    zk.call(zk.client().remove(member_path(zk.config.self), r.stat->version, zk.now, zk.out), DropOldMember{});
  }
  create_member(zk);
}

void Session::acknowledge(Zk& zk) {
  const std::string& position = zk.host.checkpointed();
  if (!registered_ || acking_ || acked_ == position || !zk.connected()) return;
  acking_ = true;
  zk.call(zk.client().set(member_path(zk.config.self), position, kAnyVersion, zk.now, zk.out), Ack{position});
}

}  // namespace fl::coordinated
