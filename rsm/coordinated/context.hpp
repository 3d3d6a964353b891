// What every part of a zk replica acts through while it handles one input: the
// replica's config, its ZooKeeper session, the time, the Output being filled, and
// the replica itself (Host) for what crosses from one part to another.
#pragma once

#include <optional>
#include <string>

#include "rsm/coordinated/config.hpp"
#include "rsm/coordinated/ops.hpp"
#include "rsm/core/replica.hpp"
#include "rsm/zookeeper/client.hpp"

namespace fl::coordinated {

// The protocol speaks the ZooKeeper vocabulary (ops, codes, events, the client).
using namespace fl::zookeeper;

class Session;
class Host;

// One input's context, made by ZkReplica for each input and handed down.
struct Zk {
  const ReplicaConfig& config;
  Session& session;
  Host& host;
  Micros now;
  Output& out;

  Client& client() const;
  bool started() const;    // the replica has a session (it was started)
  bool connected() const;  // and it is connected
  // Records what an issued call is for, so that its reply goes back to the part
  // that issued it. A call the client could not issue (no xid) has no reply.
  void call(std::optional<Xid> xid, SessionOp op) const;
  void call(std::optional<Xid> xid, ElectionOp op) const;
  void call(std::optional<Xid> xid, ReaderOp op) const;
  void call(std::optional<Xid> xid, OrdererOp op) const;
  void call(std::optional<Xid> xid, IntakeOp op) const;
  void note(std::string text) const { out.notes.push_back(std::move(text)); }
};

// What the parts ask of the replica that owns them: moving between follower and
// leader (the orderer exists only while leading), and the facts one part keeps
// that another needs. ZkReplica implements it.
class Host {
 public:
  // The session registered /members/<self> (the election waits for it).
  virtual bool registered() const = 0;
  // An orderer exists: this replica claimed /leader (its epoch may not be bumped yet).
  virtual bool leading() const = 0;
  // The position of the local checkpoint (the log reader's), which the session
  // writes into /members/<self> as this replica's acknowledgement.
  virtual const std::string& checkpointed() const = 0;
  virtual void elect(Zk& zk) = 0;
  // Gives up leading (destroying the orderer); its waiting requests stay for the next leader.
  virtual void step_down(const std::string& why, Zk& zk) = 0;
  // This replica holds /leader: an orderer exists from now on, its epoch still 0.
  virtual void become_leader() = 0;
  // The /epoch bump (or read) answered with `epoch`: the orderer fences with it and orders.
  virtual void start_leading(const Stat& epoch, Zk& zk) = 0;
  // The epoch bump failed before the orderer ever ordered: it goes without a step-down.
  virtual void abandon_leading() = 0;
  // Passes the requests waiting here to the leader another replica is.
  virtual void forward_waiting(Zk& zk) = 0;
  // Writes the local checkpoint's position to /members/<self> if it is newer.
  virtual void acknowledge(Zk& zk) = 0;
  // The log reader applied an entry: a leader may collect and order now.
  virtual void entry_applied(Zk& zk) = 0;
  // Replies to the client if this replica took `request` from it and awaits it.
  virtual void reply_if_awaited(const Request& request, const Response& response, Output& out) = 0;

 protected:
  ~Host() = default;
};

}  // namespace fl::coordinated
