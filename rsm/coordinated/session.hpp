// The session part of a zk replica: its ZooKeeper session (a sans-IO Client), the
// calls outstanding on it with what each is for, and its membership: the ephemeral
// /members/<self> that says this replica is live (ZooKeeper recipes "Group
// Membership") and whose data is its acknowledgement, the position of its latest
// local checkpoint (the seed design: "server state and the ordered request log are
// kept so a crashed server can recover").
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "rsm/coordinated/context.hpp"

namespace fl::coordinated {

class Session {
 public:
  // Replaces the client with a fresh one whose connection ids no earlier session of
  // this replica used; forgets the old session's calls and registration. `start`
  // then connects it.
  void open(const ReplicaConfig& config, Micros now);
  void start(Micros now, Output& out);

  // Whether the replica was started (it has a client from then on).
  bool started() const { return client_.has_value(); }
  // The current session's client; only after start.
  Client& client();
  const Client* client_if_started() const { return client_ ? &*client_ : nullptr; }

  // Remembers what the call `xid` is for; `take` hands it back with its reply.
  void record(Xid xid, Call call);
  std::optional<Call> take(Xid xid);

  // First connect, or a reconnect within the session: creates the top-level nodes
  // and (again) /members/<self>; each step is idempotent.
  void on_connected(Zk& zk);
  // Calls failed with ConnectionLoss: no acknowledgement is in flight any more.
  void on_connection_lost() { acking_ = false; }
  void on_reply(const SessionOp& op, const Reply& reply, Zk& zk);

  // Writes the local checkpoint's position to /members/<self> if it is newer than the
  // one written. Sent after the checkpoint's sync (persist before send), so a
  // position ZooKeeper holds is one this replica can resume from.
  void acknowledge(Zk& zk);
  bool registered() const { return registered_; }

 private:
  void on_registered(const Reply& reply, Zk& zk);
  void on_old_member(const Reply& reply, Zk& zk);
  void create_member(Zk& zk);

  std::optional<Client> client_;
  std::uint64_t sessions_opened_ = 0;
  std::map<std::int32_t, Call> calls_;  // by xid, this session's only
  bool registered_ = false;             // /members/<self> exists and is this session's
  std::string acked_;                   // the position /members/<self> holds, as last written
  bool acking_ = false;                 // an Ack write is in flight
};

}  // namespace fl::coordinated
