// The simulated ZooKeeper service: one standalone server's request processing as a
// deterministic, single-threaded state machine. A network node wraps it: it feeds
// each client request in with the current time and sends back the reply and the
// watch notifications. Nothing here reads a clock, opens a socket or draws a
// random number.
//
// Ordering contract for the transport: within one Output, `events` precede
// `reply` on the wire, because ZooKeeper sends watch notifications while applying
// a transaction, before the reply (Programmer's Guide, "What ZooKeeper Guarantees
// about Watches": a client sees a watch event before the new data). Per-session FIFO
// delivery is the transport's job.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/types.hpp"
#include "sim/zookeeper/sessions.hpp"
#include "sim/zookeeper/tree.hpp"
#include "sim/zookeeper/types.hpp"
#include "sim/zookeeper/watches.hpp"

namespace fl::sim::zkserver {

// Everything that configures a service instance.
struct ServiceConfig {
  SessionConfig sessions;
  // Start with /zookeeper, /zookeeper/config and /zookeeper/quota, as a real server.
  bool system_nodes = true;
};

// The requests are fl::zookeeper::Body (rsm/zookeeper/wire.hpp), answered with a
// fl::zookeeper::Reply. What the service does with each:
// - Connect opens a session asking for `timeout_us`; the reply carries the id and
//   the negotiated timeout (zookeeper_init's ConnectRequest). With a non-zero
//   `session` it resumes that session on a new connection instead: the reply is kOk
//   with its timeout if it is still open, kSessionExpired if not (a disconnected
//   client learns of the expiry only here). Resuming drops the watches the session
//   had set over its previous connection, which the server closes (ZooKeeperServer
//   .processConnectRequest); the client sets them again with SetWatches.
// - Ping keeps the session alive and does nothing else; Close ends the session now,
//   deleting its ephemeral nodes at once (zookeeper_close).
// - Exists with `watch` sets a data watch even if the node does not exist, so that
//   its creation fires NodeCreated (zoo_exists); GetData and GetChildren set theirs
//   only if the node exists (zoo_get, zoo_get_children2). Children come sorted.
// - Multi applies its ops atomically (zoo_multi).
// - SetWatches sets again the watches a reconnecting client holds, firing at once
//   those whose node changed after `relative_zxid` (DataTree.setWatches): a data
//   watch fires NodeDeleted if the node is gone and NodeDataChanged if its mzxid is
//   newer; an exist watch fires NodeCreated if the node exists; a child watch fires
//   NodeDeleted if the node is gone and NodeChildrenChanged if its pzxid is newer.
//   The others are registered as if set by a read.

// Sessions that expired at one instant, and the notifications their ephemeral
// nodes' deletions fired for other sessions.
struct Expiry {
  std::vector<SessionId> sessions;
  std::vector<WatchEvent> events;
};

// Everything one request produced. Sessions whose deadline had passed expire
// before the request is looked at, so `events` starts with the notifications of
// those expiries, followed by those of the request itself.
struct Output {
  std::vector<SessionId> expired;
  std::vector<WatchEvent> events;
  Reply reply;
};

// One simulated ZooKeeper server: the tree, the sessions and the watches behind a
// request/response interface. Owns no clock; every call is given `now`.
class ZkService {
 public:
  explicit ZkService(ServiceConfig config = {});

  // Handles one request from `session` (ignored for Connect) at `now`. A request
  // from a session that is unknown, closed or expired gets kSessionExpired and
  // changes nothing. Time must not go backwards between calls.
  Output handle(Micros now, SessionId session, const Body& request);
  // Expires every session not heard from within its timeout (deadlines are rounded up
  // to a tick, as in ZooKeeper), deleting its ephemerals and dropping its watches.
  // The node calls it when the timer from next_expiry() fires; handle() also calls it.
  Expiry expire_due(Micros now);
  // When the next session would expire if not heard from, for the node's timer.
  std::optional<Micros> next_expiry() const { return sessions_.next_deadline(); }
  // The connection `session` was served over closed, the session itself lives on
  // until it expires: its watches go with the connection (ServerCnxn's removeCnxn).
  void disconnect(SessionId session);
  // Models a server restart at `now`. Znodes survive, and all watches are lost. With
  // `keep_sessions`, sessions survive too (ZooKeeper persists them in its snapshot)
  // and their timeouts restart at `now`; otherwise they end as if closed, without
  // notifications, and their ephemerals go.
  void restart(Micros now, bool keep_sessions);

  // The znodes, read-only, for tests and checkers.
  const DataTree& tree() const { return tree_; }
  // The open sessions, read-only.
  const SessionTable& sessions() const { return sessions_; }
  // The registered watches, read-only.
  const WatchManager& watches() const { return watches_; }

 private:
  template <class R>
  Reply dispatch(Micros now, SessionId session, const R& request, std::vector<WatchEvent>& events);

  Reply run(SessionId session, const Ping& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const Close& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const Create& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const Delete& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const SetData& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const Multi& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const Exists& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const GetData& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const GetChildren& request, std::vector<WatchEvent>& events);
  Reply run(SessionId session, const SetWatches& request, std::vector<WatchEvent>& events);

  Reply open(Micros now, const Connect& request);
  Reply write(SessionId session, const Op& op, std::vector<WatchEvent>& events);
  // Ends a session: drops its watches, forgets it, deletes its ephemerals in one
  // closeSession transaction and notifies the watchers of those nodes.
  Zxid end_session(SessionId session, std::vector<WatchEvent>& events);
  void publish(const std::vector<TreeEvent>& changes, std::vector<WatchEvent>& events);
  Reply reply(SessionId session, Code code) const;
  void advance(Micros now);

  DataTree tree_;
  SessionTable sessions_;
  WatchManager watches_;
  Micros now_;
};

}  // namespace fl::sim::zkserver
