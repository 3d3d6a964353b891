#include "rsm/zookeeper/client.hpp"

#include <algorithm>
#include <memory>

#include "rsm/core/assert.hpp"

namespace fl::zookeeper {
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
    case SessionState::kConnecting:
      return "CONNECTING";
    case SessionState::kConnected:
      return "CONNECTED";
    case SessionState::kExpired:
      return "EXPIRED";
    case SessionState::kClosed:
      return "CLOSED";
  }
  return "?";
}

Client::Client(ClientConfig config)
    : config_(config), timeout_us_(config.session_timeout_us), connection_(config.connection) {
  FL_ASSERT(config_.session_timeout_us > 0);
}

void Client::start(Micros now, Output& out) {
  FL_ASSERT(!connect_xid_ && session_.value == 0 && !linked_, "client started twice");
  connect(now, out);
  arm(now, out);
}

// Sends the ConnectRequest on the current connection: a new session at first, the
// same one on every later connection.
void Client::connect(Micros now, Output& out) {
  const Xid xid(next_xid_++);
  connect_xid_ = xid;
  connect_sent_us_ = now;
  send(xid, Connect{config_.session_timeout_us, session_, last_zxid_}, now, out);
}

void Client::send(Xid xid, Body body, Micros now, Output& out) {
  last_sent_us_ = now;
  out.messages.emplace_back(config_.server,
                            std::make_shared<RequestMessage>(connection_, session_, xid, std::move(body)));
}

std::optional<Xid> Client::submit(CallKind kind, Body body, Micros now, Output& out) {
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return std::nullopt;
  const Xid xid(next_xid_++);
  if (!linked_) {
    unsent_.push_back(Queued{xid, kind, std::move(body)});
    return xid;
  }
  dispatch(xid, kind, std::move(body), now, out);
  arm(now, out);
  return xid;
}

void Client::dispatch(Xid xid, CallKind kind, Body body, Micros now, Output& out) {
  Pending p{xid,
            kind,
            kind == CallKind::kPing || kind == CallKind::kClose || kind == CallKind::kSetWatches,
            WatchKind::kNone,
            {}};
  if (const auto* e = std::get_if<Exists>(&body); e && e->watch) {
    p.watch = WatchKind::kExistsOrData;
    p.path = e->path;
  } else if (const auto* g = std::get_if<GetData>(&body); g && g->watch) {
    p.watch = WatchKind::kData;
    p.path = g->path;
  } else if (const auto* c = std::get_if<GetChildren>(&body); c && c->watch) {
    p.watch = WatchKind::kChild;
    p.path = c->path;
  }
  pending_.push_back(std::move(p));
  send(xid, std::move(body), now, out);
}

std::optional<Xid> Client::create(std::string path, std::string data, CreateMode mode, Micros now, Output& out) {
  return submit(CallKind::kCreate, Create{std::move(path), std::move(data), mode}, now, out);
}
std::optional<Xid> Client::remove(std::string path, Version version, Micros now, Output& out) {
  return submit(CallKind::kDelete, Delete{std::move(path), version}, now, out);
}
std::optional<Xid> Client::exists(std::string path, bool watch, Micros now, Output& out) {
  return submit(CallKind::kExists, Exists{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::get(std::string path, bool watch, Micros now, Output& out) {
  return submit(CallKind::kGetData, GetData{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::set(std::string path, std::string data, Version version, Micros now, Output& out) {
  return submit(CallKind::kSetData, SetData{std::move(path), std::move(data), version}, now, out);
}
std::optional<Xid> Client::get_children(std::string path, bool watch, Micros now, Output& out) {
  return submit(CallKind::kGetChildren, GetChildren{std::move(path), watch}, now, out);
}
std::optional<Xid> Client::multi(std::vector<Op> ops, Micros now, Output& out) {
  return submit(CallKind::kMulti, Multi{std::move(ops)}, now, out);
}

SetWatches Client::watches() const {
  SetWatches w;
  w.relative_zxid = last_zxid_;
  w.data.assign(data_watches_.begin(), data_watches_.end());
  w.exist.assign(exist_watches_.begin(), exist_watches_.end());
  w.child.assign(child_watches_.begin(), child_watches_.end());
  return w;
}

std::vector<ClientEvent> Client::close(Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kClosed) return events;
  // On a connection still being opened the close follows the ConnectRequest (FIFO).
  if (session_.value != 0 && state_ != SessionState::kExpired) send(Xid(next_xid_++), Close{}, now, out);
  fail_pending(Code::kClosing, events);
  fail_unsent(Code::kClosing, events);
  enter(SessionState::kClosed, events);
  return events;
}

std::vector<ClientEvent> Client::on_message(const Message& message, Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return events;
  if (const auto* reset = dynamic_cast<const ConnectionResetMessage*>(&message)) {
    if (reset->connection != connection_) return events;  // an old connection, already given up
    lose_connection(now, out, events);
  } else if (const auto* reply = dynamic_cast<const ReplyMessage*>(&message)) {
    if (reply->connection != connection_) return events;
    on_reply(*reply, now, out, events);
  } else if (const auto* watch = dynamic_cast<const WatchMessage*>(&message)) {
    if (watch->connection != connection_ || !linked_ || watch->session != session_) return events;
    last_heard_us_ = now;
    on_watch(*watch, events);
  } else {
    return events;
  }
  arm(now, out);
  return events;
}

void Client::on_reply(const ReplyMessage& reply, Micros now, Output& out, std::vector<ClientEvent>& events) {
  if (connect_xid_ && reply.xid == *connect_xid_) {
    on_connect_reply(reply.reply, now, out, events);
    return;
  }
  if (!linked_) return;  // a reply to a ConnectRequest we gave up on
  // Replies come in xid order over the connection, so a reply overtaking the oldest
  // pending call means that call's request or reply was lost.
  if (pending_.empty() || reply.xid < pending_.front().xid) return;  // already given up on
  if (std::none_of(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.xid == reply.xid; })) return;
  last_heard_us_ = now;
  // Every notification for a change up to this zxid came before this reply on this
  // connection (the server sends them first), so it is what SetWatches may skip.
  if (reply.reply.zxid > last_zxid_) last_zxid_ = reply.reply.zxid;
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
    fail_unsent(Code::kSessionExpired, events);
    enter(SessionState::kExpired, events);
    return;
  }
  register_watch(done, reply.reply.code);
  if (!done.internal) events.push_back(Completion{done.xid, done.kind, reply.reply});
}

void Client::on_connect_reply(const Reply& reply, Micros now, Output& out, std::vector<ClientEvent>& events) {
  connect_xid_.reset();
  last_heard_us_ = now;
  if (reply.code != Code::kOk) {
    fail_pending(Code::kSessionExpired, events);
    fail_unsent(Code::kSessionExpired, events);
    enter(SessionState::kExpired, events);
    return;
  }
  session_ = reply.session;
  timeout_us_ = reply.timeout_us;
  linked_ = true;
  // The server dropped our watches with the old connection: set them again first,
  // so that they are in place before any call made meanwhile is served.
  if (!data_watches_.empty() || !exist_watches_.empty() || !child_watches_.empty()) {
    dispatch(Xid(next_xid_++), CallKind::kSetWatches, watches(), now, out);
  }
  for (auto& q : unsent_) dispatch(q.xid, q.kind, std::move(q.body), now, out);
  unsent_.clear();
  enter(SessionState::kConnected, events);
}

// The client side of ZKWatchManager.materialize: a fired watch is forgotten.
void Client::on_watch(const WatchMessage& watch, std::vector<ClientEvent>& events) {
  switch (watch.type) {
    case EventType::kNodeCreated:
    case EventType::kNodeDataChanged:
      data_watches_.erase(watch.path);
      exist_watches_.erase(watch.path);
      break;
    case EventType::kNodeDeleted:
      data_watches_.erase(watch.path);
      exist_watches_.erase(watch.path);
      child_watches_.erase(watch.path);
      break;
    case EventType::kNodeChildrenChanged:
      child_watches_.erase(watch.path);
      break;
  }
  events.push_back(WatchNotice{watch.type, watch.path});
}

// A read's watch is the client's to remember once the server answered it: exists
// sets a data watch on a node that is there and an exist watch on one that is not.
void Client::register_watch(const Pending& call, Code code) {
  switch (call.watch) {
    case WatchKind::kNone:
      return;
    case WatchKind::kExistsOrData:
      if (code == Code::kOk) data_watches_.insert(call.path);
      if (code == Code::kNoNode) exist_watches_.insert(call.path);
      return;
    case WatchKind::kData:
      if (code == Code::kOk) data_watches_.insert(call.path);
      return;
    case WatchKind::kChild:
      if (code == Code::kOk) child_watches_.insert(call.path);
      return;
  }
}

// The connection is gone (reset, or silent too long): what was in flight on it has
// an unknown outcome. The session may well be alive, so reconnect to it at once on
// a new connection; only the server can say it expired.
void Client::lose_connection(Micros now, Output& out, std::vector<ClientEvent>& events) {
  fail_pending(Code::kConnectionLoss, events);
  linked_ = false;
  connect_xid_.reset();
  enter(SessionState::kConnecting, events);
  connection_ = ConnectionId(connection_.value + 1);
  connect(now, out);
}

std::vector<ClientEvent> Client::on_timer(Micros now, Output& out) {
  std::vector<ClientEvent> events;
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return events;
  if (!linked_) {
    // The ConnectRequest or its reply is overdue: give that connection up. A session
    // the server opened for a lost first request expires unused.
    if (now - connect_sent_us_ >= loss_timeout_us()) lose_connection(now, out, events);
  } else if (now - last_heard_us_ >= loss_timeout_us()) {
    // The C client's recv_timeout: the connection is presumed dead, but whether the
    // session survives is for the server to say (Programmer's Guide, "ZooKeeper
    // Sessions": a disconnected client cannot know it has expired).
    lose_connection(now, out, events);
  } else if (now - last_sent_us_ >= ping_interval_us()) {
    submit(CallKind::kPing, Ping{}, now, out);
  }
  arm(now, out);
  return events;
}

void Client::fail_pending(Code code, std::vector<ClientEvent>& events) {
  for (const Pending& p : pending_) {
    if (!p.internal) events.push_back(Completion{p.xid, p.kind, failed(code)});
  }
  pending_.clear();
}

void Client::fail_unsent(Code code, std::vector<ClientEvent>& events) {
  for (const Queued& q : unsent_) {
    if (q.kind != CallKind::kPing) events.push_back(Completion{q.xid, q.kind, failed(code)});
  }
  unsent_.clear();
}

void Client::enter(SessionState state, std::vector<ClientEvent>& events) {
  if (state_ == state) return;
  state_ = state;
  events.push_back(SessionChange{state});
}

void Client::arm(Micros now, Output& out) {
  if (state_ == SessionState::kExpired || state_ == SessionState::kClosed) return;
  Micros deadline = 0;
  if (!linked_) {
    deadline = connect_sent_us_ + loss_timeout_us();
  } else {
    deadline = std::min(last_sent_us_ + ping_interval_us(), last_heard_us_ + loss_timeout_us());
  }
  // One pending deadline: a later arm in the same Output replaces an earlier one.
  std::erase_if(out.timers, [&](const TimerSet& t) { return t.timer == config_.timer; });
  out.timers.push_back(TimerSet{config_.timer, std::max<Micros>(1, deadline - now)});
}

}  // namespace fl::zookeeper
