#include "rsm/zk/client.hpp"

#include <algorithm>
#include <memory>

#include "rsm/core/assert.hpp"

namespace fl::zk {
namespace {

// A reply carrying only an error code, for calls the client gives up on.
Reply failed(Code code) {
  Reply r;
  r.code = code;
  return r;
}

}  // namespace

const char* state_name(SessionState state) {
  switch (state) {
    case SessionState::kConnecting: return "CONNECTING";
    case SessionState::kConnected: return "CONNECTED";
    case SessionState::kExpired: return "EXPIRED";
    case SessionState::kClosed: return "CLOSED";
  }
  return "?";
}

Client::Client(ClientConfig config) : config_(config), timeout_us_(config.session_timeout_us) {
  FL_ASSERT(config_.session_timeout_us > 0);
}

void Client::start(Micros now, Output& out) {
  FL_ASSERT(!connect_xid_ && session_.value == 0, "client started twice");
  const Xid xid(next_xid_++);
  connect_xid_ = xid;
  connect_sent_us_ = now;
  send(xid, Connect{config_.session_timeout_us}, now, out);
  arm(now, out);
}

void Client::send(Xid xid, Body body, Micros now, Output& out) {
  last_sent_us_ = now;
  out.messages.emplace_back(config_.server,
                            std::make_shared<RequestMessage>(config_.connection, session_, xid, std::move(body)));
}

std::optional<Xid> Client::submit(OpKind kind, Body body, Micros now, Output& out) {
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return std::nullopt;
  const Xid xid(next_xid_++);
  if (session_.value == 0) {
    unsent_.push_back(Queued{xid, kind, std::move(body)});
    return xid;
  }
  pending_.push_back(Pending{xid, kind, kind == OpKind::kPing || kind == OpKind::kClose});
  send(xid, std::move(body), now, out);
  arm(now, out);
  return xid;
}

std::optional<Xid> Client::create(std::string path, std::string data, CreateMode mode, Micros now, Output& out) {
  return submit(OpKind::kCreate, Create{std::move(path), std::move(data), mode}, now, out);
}
std::optional<Xid> Client::remove(std::string path, Version version, Micros now, Output& out) {
  return submit(OpKind::kDelete, Delete{std::move(path), version}, now, out);
}
std::optional<Xid> Client::exists(std::string path, bool watch, Micros now, Output& out) {
  return submit(OpKind::kExists, Exists{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::get(std::string path, bool watch, Micros now, Output& out) {
  return submit(OpKind::kGetData, GetData{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::set(std::string path, std::string data, Version version, Micros now, Output& out) {
  return submit(OpKind::kSetData, SetData{std::move(path), std::move(data), version}, now, out);
}
std::optional<Xid> Client::get_children(std::string path, bool watch, Micros now, Output& out) {
  return submit(OpKind::kGetChildren, GetChildren{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::multi(std::vector<Op> ops, Micros now, Output& out) {
  return submit(OpKind::kMulti, Multi{std::move(ops)}, now, out);
}

std::vector<ClientEvent> Client::close(Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kClosed) return events;
  if (session_.value != 0 && state_ != SessionState::kExpired) send(Xid(next_xid_++), Close{}, now, out);
  for (auto& q : unsent_) pending_.push_back(Pending{q.xid, q.kind, false});
  unsent_.clear();
  fail_pending(Code::kClosing, events);
  enter(SessionState::kClosed, events);
  return events;
}

std::vector<ClientEvent> Client::on_message(const Message& message, Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return events;
  if (const auto* reply = dynamic_cast<const ReplyMessage*>(&message)) {
    if (reply->connection != config_.connection) return events;
    on_reply(*reply, now, events);
  } else if (const auto* watch = dynamic_cast<const WatchMessage*>(&message)) {
    if (watch->connection != config_.connection || watch->session != session_ || session_.value == 0) return events;
    last_heard_us_ = now;
    events.push_back(WatchNotice{watch->type, watch->path});
  } else {
    return events;
  }
  if (state_ == SessionState::kConnected && !unsent_.empty()) {
    // The session exists now: send what was called before it did, in xid order.
    for (auto& q : unsent_) {
      pending_.push_back(Pending{q.xid, q.kind, false});
      send(q.xid, std::move(q.body), now, out);
    }
    unsent_.clear();
  }
  arm(now, out);
  return events;
}

void Client::on_reply(const ReplyMessage& reply, Micros now, std::vector<ClientEvent>& events) {
  if (connect_xid_ && reply.xid == *connect_xid_) {
    on_connect_reply(reply.reply, now, events);
    return;
  }
  if (session_.value == 0) return;  // a reply to a ConnectRequest we gave up on
  // Replies come in xid order over the FIFO connection, so a reply overtaking the
  // oldest pending call means that call's request or reply was lost.
  if (pending_.empty() || reply.xid < pending_.front().xid) return;  // already given up on
  if (std::none_of(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.xid == reply.xid; })) return;
  last_heard_us_ = now;
  while (pending_.front().xid < reply.xid) {
    const Pending lost = pending_.front();
    pending_.pop_front();
    if (!lost.internal) events.push_back(Completion{lost.xid, lost.kind, failed(Code::kConnectionLoss)});
  }
  const Pending done = pending_.front();
  pending_.pop_front();
  if (reply.reply.code == Code::kSessionExpired) {
    // Only the server can say a session expired (Programmer's Guide, "ZooKeeper
    // Sessions"): every call still pending fails with it.
    pending_.push_front(done);
    fail_pending(Code::kSessionExpired, events);
    enter(SessionState::kExpired, events);
    return;
  }
  enter(SessionState::kConnected, events);
  if (!done.internal) events.push_back(Completion{done.xid, done.kind, reply.reply});
}

void Client::on_connect_reply(const Reply& reply, Micros now, std::vector<ClientEvent>& events) {
  connect_xid_.reset();
  last_heard_us_ = now;
  if (reply.code != Code::kOk) {
    for (auto& q : unsent_) pending_.push_back(Pending{q.xid, q.kind, false});
    unsent_.clear();
    fail_pending(Code::kSessionExpired, events);
    enter(SessionState::kExpired, events);
    return;
  }
  session_ = reply.session;
  timeout_us_ = reply.timeout_us;
  enter(SessionState::kConnected, events);
}

std::vector<ClientEvent> Client::on_timer(Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return events;
  if (session_.value == 0) {
    if (now - connect_sent_us_ >= loss_timeout_us()) {
      // The ConnectRequest or its reply was lost; ask again. A session the server
      // opened for the lost one expires unused.
      const Xid xid(next_xid_++);
      connect_xid_ = xid;
      connect_sent_us_ = now;
      send(xid, Connect{config_.session_timeout_us}, now, out);
    }
    arm(now, out);
    return events;
  }
  if (state_ == SessionState::kConnected && now - last_heard_us_ >= loss_timeout_us()) {
    // The C client's recv_timeout: the connection is presumed lost, but whether the
    // session survives is for the server to say (Programmer's Guide, "ZooKeeper
    // Sessions": a disconnected client cannot know it has expired).
    fail_pending(Code::kConnectionLoss, events);
    enter(SessionState::kConnecting, events);
  }
  if (now - last_sent_us_ >= ping_interval_us()) submit(OpKind::kPing, Ping{}, now, out);
  arm(now, out);
  return events;
}

void Client::fail_pending(Code code, std::vector<ClientEvent>& events) {
  for (const Pending& p : pending_) {
    if (!p.internal) events.push_back(Completion{p.xid, p.kind, failed(code)});
  }
  pending_.clear();
}

void Client::enter(SessionState state, std::vector<ClientEvent>& events) {
  if (state_ == state) return;
  state_ = state;
  events.push_back(SessionChange{state});
}

void Client::arm(Micros now, Output& out) {
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return;
  Micros deadline = 0;
  if (session_.value == 0) {
    deadline = connect_sent_us_ + loss_timeout_us();
  } else {
    deadline = last_sent_us_ + ping_interval_us();
    if (state_ == SessionState::kConnected) deadline = std::min(deadline, last_heard_us_ + loss_timeout_us());
  }
  // One pending deadline: a later arm in the same Output replaces an earlier one.
  std::erase_if(out.timers, [&](const TimerSet& t) { return t.timer == config_.timer; });
  out.timers.push_back(TimerSet{config_.timer, std::max<Micros>(1, deadline - now)});
}

}  // namespace fl::zk
