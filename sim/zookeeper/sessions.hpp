// Session bookkeeping of the simulated ZooKeeper (Programmer's Guide, "ZooKeeper
// Sessions"): ids, negotiated timeouts and expiry deadlines. Time is passed in; the
// table never reads a clock.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "rsm/core/types.hpp"
#include "sim/zookeeper/types.hpp"

namespace fl::sim::zkserver {

// Server settings that shape sessions. ZooKeeper's default tickTime is 2000 ms; the
// simulation defaults to 100 ms so that expiry scenarios run in little virtual time.
struct SessionConfig {
  Micros tick_us = 100 * kMillis;
  // Negotiation bounds; unset means ZooKeeper's defaults of 2 and 20 ticks
  // (Administrator's Guide: minSessionTimeout, maxSessionTimeout).
  std::optional<Micros> min_session_timeout_us;
  std::optional<Micros> max_session_timeout_us;
  // The first id issued; later ids count up from it and are never reused.
  std::int64_t first_session_id = 1;
};

// A newly opened session, as the ConnectResponse reports it.
struct OpenedSession {
  SessionId id;
  Micros timeout_us = 0;  // the negotiated timeout
};

// The open sessions with their timeouts and deadlines, indexed by deadline so that
// expiry and the next timer are cheap and come out in a fixed order.
class SessionTable {
 public:
  explicit SessionTable(SessionConfig config);

  // The timeout the server grants for a requested one: clamped to
  // [min_session_timeout, max_session_timeout] (ZooKeeperServer.processConnectRequest).
  Micros negotiate(Micros requested_us) const;
  // Opens a session heard from at `now`, with the negotiated timeout.
  OpenedSession open(Micros requested_timeout_us, Micros now);
  // True while the session is open (not closed, not expired).
  bool alive(SessionId id) const;
  // Records that the session was heard from (any request or ping) and pushes its
  // deadline out. Returns false, changing nothing, if the session is not alive.
  bool touch(SessionId id, Micros now);
  // Ends the session (close or expiry). Returns false if it was not alive.
  bool remove(SessionId id);
  // Sessions whose deadline is at or before `now`, by deadline then id.
  std::vector<SessionId> due(Micros now) const;
  // The earliest deadline of any open session, to set the expiry timer.
  std::optional<Micros> next_deadline() const;
  // The deadline of an open session.
  std::optional<Micros> deadline(SessionId id) const;
  // The negotiated timeout of an open session.
  std::optional<Micros> timeout(SessionId id) const;
  // Restarts every open session's clock at `now`, as a restarted server does for the
  // sessions it reloads from its snapshot (it cannot know when they were last heard).
  void refresh_all(Micros now);
  // Open sessions, by id.
  std::vector<SessionId> open_sessions() const;

 private:
  struct Session {
    Micros timeout_us = 0;
    Micros deadline_us = 0;
  };

  // ZooKeeper's ExpiryQueue rounds a deadline up to the next tick boundary
  // (roundToNextInterval), so a session gets up to one extra tick and expires in a
  // batch with the others of its bucket.
  Micros deadline_after(Micros now, Micros timeout_us) const;
  Micros min_timeout_us() const;
  Micros max_timeout_us() const;
  void set_deadline(SessionId id, Session& session, Micros deadline_us);

  SessionConfig config_;
  std::int64_t next_id_;
  std::map<SessionId, Session> sessions_;
  std::set<std::pair<Micros, SessionId>> by_deadline_;
};

}  // namespace fl::sim::zkserver
