// A sans-IO ZooKeeper client for a replica, shaped like the ZooKeeper C client
// (zookeeper.h: zookeeper_init, zoo_acreate, zoo_adelete, zoo_aexists, zoo_aget,
// zoo_aset, zoo_aget_children, zoo_amulti, zookeeper_close). Calls put request
// messages into the replica's Output and return the request's xid; completions,
// watch notifications and session-state changes come back as ClientEvents from
// on_message and on_timer, in the order the server sent them. The client never reads
// a clock: the embedding replica passes `now` in and routes its timer here.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/zookeeper/wire.hpp"

namespace fl::zookeeper {

// How the embedding replica configures its client.
struct ClientConfig {
  NodeId server;                             // the ZooKeeper node's address
  Micros session_timeout_us = 1 * kSeconds;  // requested; the server may negotiate it
  std::uint32_t timer = 0;                   // the replica timer number the client may arm
  // The first connection's id; each reconnect uses the next one (+1, +2, ...), so the
  // embedder must leave room between the ids of its successive clients.
  ConnectionId connection;
};

// Session states, as the C client's ZOO_*_STATE (Programmer's Guide, "ZooKeeper
// Sessions"): CONNECTING until the server answers (and again after a connection
// loss), CONNECTED, EXPIRED only when the server said so, CLOSED after close().
enum class SessionState : std::uint8_t { kConnecting, kConnected, kExpired, kClosed };
// "CONNECTING" etc.
const char* state_name(SessionState state);

// Which call a completion answers. (Not fl::OpKind, the kind of a client's request
// to the replicated database.)
enum class CallKind : std::uint8_t {
  kCreate,
  kDelete,
  kSetData,
  kExists,
  kGetData,
  kGetChildren,
  kMulti,
  kPing,
  kClose,
  kSetWatches
};

// The completion of one call (the C client's string/stat/data/strings completions in
// one record): the reply's fields, or kConnectionLoss/kSessionExpired if the client
// gave up on it. After kConnectionLoss the outcome is unknown: the server may or may
// not have applied it (Programmer's Guide, "Handling Connection Loss").
struct Completion {
  Xid xid;
  CallKind kind = CallKind::kCreate;
  Reply reply;
};

// A watch fired (the watcher callback with a ZOO_*_EVENT). Watches are one-shot: set
// them again with the next read (Programmer's Guide, "ZooKeeper Watches"). A watch
// survives connection losses within its session: the client sets it again on the
// new connection, and learns there of a change it missed while disconnected.
struct WatchNotice {
  EventType type = EventType::kNodeCreated;
  std::string path;
};

// The session moved to `state` (the watcher callback with ZOO_SESSION_EVENT).
// kConnecting with an established session means the connection was lost: the session
// may still be alive on the server, or may have expired unbeknownst to us.
// kConnected again after that means it was resumed on a new connection.
struct SessionChange {
  SessionState state = SessionState::kConnecting;
};

// Everything the client reports to the replica.
using ClientEvent = std::variant<Completion, WatchNotice, SessionChange>;

// One ZooKeeper session of one replica incarnation, over a succession of
// connections: when one breaks (the transport's ConnectionResetMessage, or nothing
// heard for 2/3 of the timeout) the client fails the calls in flight with
// kConnectionLoss and reconnects at once on a new connection to the same session,
// sending the watches it holds with the last zxid it saw (SetWatches) before any
// other call, as ClientCnxn.primeConnection does.
class Client {
 public:
  explicit Client(ClientConfig config);

  // Opens the session (zookeeper_init): sends the ConnectRequest and arms the timer.
  void start(Micros now, Output& out);
  // Handles a message from the server or a reset of the current connection; foreign
  // messages (another connection's, or not ZooKeeper's) are ignored and produce nothing.
  std::vector<ClientEvent> on_message(const Message& message, Micros now, Output& out);
  // Handles the client's timer: pings when idle for timeout/3, declares the
  // connection lost after 2/3 of the timeout without hearing from the server
  // (the C client's recv_timeout) and reconnects, and retries a ConnectRequest
  // left unanswered as long.
  std::vector<ClientEvent> on_timer(Micros now, Output& out);

  // The asynchronous calls. Each returns the xid its Completion will carry, or
  // nullopt if the session is expired or closed (the C client's ZINVALIDSTATE).
  // Calls made while no connection is up are queued and sent once one is.
  std::optional<Xid> create(std::string path, std::string data, CreateMode mode, Micros now, Output& out);
  std::optional<Xid> remove(std::string path, Version version, Micros now, Output& out);
  std::optional<Xid> exists(std::string path, bool watch, Micros now, Output& out);
  std::optional<Xid> get(std::string path, bool watch, Micros now, Output& out);
  std::optional<Xid> set(std::string path, std::string data, Version version, Micros now, Output& out);
  std::optional<Xid> get_children(std::string path, bool watch, Micros now, Output& out);
  std::optional<Xid> multi(std::vector<Op> ops, Micros now, Output& out);
  // Ends the session (zookeeper_close): sends Close if a session exists, and
  // returns at once the kClosing completions of every pending call and the move to
  // CLOSED. Later messages are ignored.
  std::vector<ClientEvent> close(Micros now, Output& out);

  SessionState state() const { return state_; }
  // The session id once the server granted one; 0 before.
  SessionId session() const { return session_; }
  // The negotiated timeout once connected; the requested one before.
  Micros timeout_us() const { return timeout_us_; }
  // Calls sent and not yet completed, in xid order.
  std::size_t pending() const { return pending_.size(); }
  // The connection in use (or being opened).
  ConnectionId connection() const { return connection_; }
  // When the server was last heard from, on any connection of this session.
  Micros last_heard_us() const { return last_heard_us_; }
  // The newest zxid seen in a reply on any connection of this session.
  Zxid last_zxid() const { return last_zxid_; }
  // Watches the server set for us and has not fired yet, as SetWatches would send
  // them (ZKWatchManager's dataWatches, existWatches, childWatches).
  SetWatches watches() const;

 private:
  // Which watch a read sets if it succeeds.
  enum class WatchKind : std::uint8_t { kNone, kExistsOrData, kData, kChild };
  struct Pending {
    Xid xid;
    CallKind kind;
    bool internal;  // a ping, close or setWatches: no Completion for the replica
    WatchKind watch = WatchKind::kNone;
    std::string path;
  };
  struct Queued {
    Xid xid;
    CallKind kind;
    Body body;
  };

  std::optional<Xid> submit(CallKind kind, Body body, Micros now, Output& out);
  void dispatch(Xid xid, CallKind kind, Body body, Micros now, Output& out);
  void send(Xid xid, Body body, Micros now, Output& out);
  void connect(Micros now, Output& out);
  void on_reply(const ReplyMessage& reply, Micros now, Output& out, std::vector<ClientEvent>& events);
  void on_connect_reply(const Reply& reply, Micros now, Output& out, std::vector<ClientEvent>& events);
  void on_watch(const WatchMessage& watch, std::vector<ClientEvent>& events);
  void register_watch(const Pending& call, Code code);
  void lose_connection(Micros now, Output& out, std::vector<ClientEvent>& events);
  void fail_pending(Code code, std::vector<ClientEvent>& events);
  void fail_unsent(Code code, std::vector<ClientEvent>& events);
  void enter(SessionState state, std::vector<ClientEvent>& events);
  void arm(Micros now, Output& out);
  Micros ping_interval_us() const { return timeout_us_ / 3; }
  Micros loss_timeout_us() const { return timeout_us_ * 2 / 3; }

  ClientConfig config_;
  SessionState state_ = SessionState::kConnecting;
  SessionId session_;
  Micros timeout_us_;
  std::int32_t next_xid_ = 1;
  ConnectionId connection_;
  bool linked_ = false;             // the current connection carries the session
  std::optional<Xid> connect_xid_;  // the outstanding ConnectRequest
  Micros connect_sent_us_ = 0;
  Micros last_sent_us_ = 0;
  Micros last_heard_us_ = 0;
  Zxid last_zxid_;
  std::deque<Pending> pending_;
  std::deque<Queued> unsent_;  // calls made while no connection was up
  std::set<std::string> data_watches_, exist_watches_, child_watches_;
};

}  // namespace fl::zookeeper
