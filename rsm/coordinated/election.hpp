// The election part of a zk replica: who holds /leader, and the rounds that claim it.
// It follows the ZooKeeper recipe "Leader Election" with one simplification from the
// seed design: the lowest live member id leads, so instead of a chain of watches on
// sequential nodes every replica watches /leader and, while there is none, /members.
//
// A round: exists(/leader, watch). If it exists, read who holds it. If not, list
// /members (watch); the lowest live id claims /leader with a multi that creates the
// ephemeral /leader and bumps the version of /epoch, the fence every later ordering
// write checks (the seed: "a deposed leader must not be able to order anything").
// When the leader's session ends, ZooKeeper deletes /leader, the watches fire and a
// new round starts. Watches survive connection losses (the client sets them again),
// and every replica also re-reads /leader once per session timeout (`due`), so that no
// lost notification leaves it forwarding to a leader that is gone.
#pragma once

#include <optional>

#include "rsm/coordinated/context.hpp"

namespace fl::coordinated {

class Election {
 public:
  // `restarted`: the replica started from its local checkpoint (only a planted bug looks).
  void set_restarted(bool restarted) { restarted_ = restarted; }

  // Who holds /leader, as last read; unset while unknown or gone.
  std::optional<NodeId> leader() const { return leader_; }
  bool self_leads(const ReplicaConfig& config) const { return leader_ == config.self; }
  // Some other replica holds /leader: requests go to it.
  bool other_leads(const ReplicaConfig& config) const { return leader_ && *leader_ != config.self; }
  // This replica stepped down: it no longer believes it holds /leader.
  void forget_self(const ReplicaConfig& config) {
    if (leader_ == config.self) leader_.reset();
  }

  // Starts a round unless one is in flight or the session is not connected.
  void elect(Zk& zk);
  // A round is due: no leader is known, or /leader was last read a session timeout
  // ago (by then a dead leader's session has expired).
  bool due(Micros now, const ReplicaConfig& config) const;
  // /leader or /members changed: a new round, whatever the one in flight finds.
  void on_watch(const WatchNotice& w, Zk& zk);
  void on_reply(const ElectionOp& op, const Reply& reply, Zk& zk);

  // A new session: no round in flight, no leader known, its watches not set yet.
  void on_new_session();
  // Calls failed with the connection: the round in flight is over.
  void on_connection_lost() { electing_ = false; }

 private:
  void on_leader_exists(const Reply& reply, Zk& zk);
  void on_leader_data(const Reply& reply, Zk& zk);
  void on_members(const Reply& reply, Zk& zk);
  void claim(Zk& zk);
  void on_claimed(const Reply& reply, Zk& zk);
  void lead(Zk& zk);
  void on_epoch(const Reply& reply, Zk& zk);
  void on_epoch_read(const Reply& reply, Zk& zk);

  std::optional<NodeId> leader_;  // who holds /leader, as last read
  bool electing_ = false;         // a round is in flight
  bool restarted_ = false;        // started from a local checkpoint
  // Whether this session has set the /leader watch once (only a planted bug looks:
  // the correct replica sets it again with every round).
  bool leader_watched_ = false;
  Micros leader_checked_us_ = 0;  // when /leader was last read
};

}  // namespace fl::coordinated
