// The ZooKeeper-coordinated replica of the grade-table database (the seed's second
// design), sans-IO like the Paxos one. ZooKeeper is the logically centralized
// service every replica talks to through its own session (rsm/zookeeper/client).
// The replica is made of parts, each owning its state and its reset:
//
//   session.hpp     the ZooKeeper session, the calls outstanding on it (each records
//                   what it is for, ops.hpp), and membership: the ephemeral
//                   /members/<id> whose data acknowledges the local checkpoint
//   election.hpp    the zk election: the lowest live id claims the ephemeral /leader
//                   and bumps /epoch (the fence) in one multi; the rest watch /leader
//   log_reader.hpp  every replica (the leader too) reads /log in name order, applies
//                   it, checkpoints locally, and restores /snapshot when behind
//   intake.hpp      client requests: answered where they arrived once applied;
//                   forwarded to the leader, or through /pending when that stalls
//   orderer.hpp     leader only (std::optional, destroyed on stepping down): batches
//                   requests into fenced /log writes, takes /pending;
//     collector.hpp its garbage collection of /log behind the members' acknowledgements
//   log_view.hpp    what the replica knows of /log and /snapshot, and the leader's
//                   calls that outlive its leadership
//   layout.hpp      the znodes and their data
//
// In brief: each replica registers an ephemeral /members/<id>. The lowest live id
// creates the ephemeral /leader in a multi that also bumps the version of /epoch;
// it orders only through multis that check that version, so a leader that was
// replaced (paused, cut off, expired) can no longer order anything even while it
// still thinks it leads. Followers forward client requests to the leader, which
// batches them into persistent sequential /log entries; every replica watches /log,
// applies entries in name order, and the replica a client sent to replies once it
// applied the request. Each replica keeps a local checkpoint (disk) and resumes from
// it plus the log; it acknowledges the checkpoint's position in its /members node (an
// ephemeral node, so a replica that is gone stops holding the log back by itself).
// The leader writes /snapshot and deletes entries every live member acknowledged,
// keeping /log within max_log_size; a replica behind what was deleted restores
// /snapshot. A restarted replica may find its previous session's ephemerals still
// there; it deletes them and registers anew. A follower whose forward stalls (a cut
// between it and the leader) writes the request to /pending, which the leader
// orders from inside its fenced multi.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "rsm/app/replicable.hpp"
#include "rsm/coordinated/config.hpp"
#include "rsm/coordinated/context.hpp"
#include "rsm/coordinated/election.hpp"
#include "rsm/coordinated/intake.hpp"
#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/log_reader.hpp"
#include "rsm/coordinated/log_view.hpp"
#include "rsm/coordinated/orderer.hpp"
#include "rsm/coordinated/session.hpp"
#include "rsm/coordinated/variants.hpp"
#include "rsm/core/replica.hpp"

namespace fl::coordinated {

class ZkReplica final : public Replica, private Host {
 public:
  ZkReplica(ReplicaConfig config, std::unique_ptr<Replicable> app);

  void start(const DiskImage& disk, Micros now, Output& out) override;
  void on_message(NodeId from, const Message& message, Micros now, Output& out) override;
  void on_timer(std::uint32_t timer, Micros now, Output& out) override;
  void on_client_request(const Request& request, Micros now, Output& out) override;

  std::optional<std::uint64_t> leader_epoch() const override;
  // Requests held in memory: waiting for a leader or in the leader's queue, and in
  // its ordering writes not yet answered.
  std::int64_t log_requests_held() const override;
  Replicable& app() override { return *app_; }

  // Observations for tests.
  bool is_leader() const { return orderer_.has_value(); }
  std::optional<NodeId> leader() const { return election_.leader(); }
  const std::string& applied_through() const { return reader_.applied(); }
  const Client* client() const { return session_.client_if_started(); }

 private:
  Zk context(Micros now, Output& out) { return Zk{config_, session_, *this, now, out}; }
  // A new session (at start, and after the old one expired).
  void open_session(Zk& zk);
  void tick(Zk& zk);
  void handle(const ClientEvent& event, Zk& zk);
  void on_session(const SessionChange& s, Zk& zk);
  void on_watch(const WatchNotice& w, Zk& zk);
  // Hands a reply to the part whose call it answers.
  void dispatch(const Completion& c, Zk& zk);
  // The orderer's calls may answer after it is gone (this replica stepped down in
  // the same session): their effect on /log and on the session's counts still holds.
  void on_orderer_reply(const OrdererOp& op, const Reply& reply, Zk& zk);
  void on_ordered(const Order& p, const Reply& reply, Zk& zk);
  void on_collected(const Collect& p, const Reply& reply, Zk& zk);

  // Host: what the parts ask of the replica.
  bool registered() const override { return session_.registered(); }
  bool leading() const override { return orderer_.has_value(); }
  const std::string& checkpointed() const override { return reader_.checkpointed(); }
  void elect(Zk& zk) override { election_.elect(zk); }
  void step_down(const std::string& why, Zk& zk) override;
  void become_leader() override;
  void start_leading(const Stat& epoch, Zk& zk) override;
  void abandon_leading() override;
  void forward_waiting(Zk& zk) override;
  void acknowledge(Zk& zk) override { session_.acknowledge(zk); }
  void entry_applied(Zk& zk) override;
  void reply_if_awaited(const Request& request, const Response& response, Output& out) override {
    intake_.reply_if_awaited(request, response, out);
  }

  ReplicaConfig config_;
  std::unique_ptr<Replicable> app_;
  Session session_;
  Election election_;
  LogView view_;
  LeaderCalls leader_calls_;
  LogReader reader_;
  Intake intake_;
  std::optional<Orderer> orderer_;  // set exactly while this replica leads
};

}  // namespace fl::coordinated
