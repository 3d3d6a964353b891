// The ZooKeeper-coordinated replica of the grade-table database (the seed's second
// design), sans-IO like the Paxos one. ZooKeeper is the logically centralized
// service every replica talks to through its own session (rsm/zookeeper/client):
//
// - Membership and leadership. Each replica registers an ephemeral /members/<id>.
//   The lowest live id creates the ephemeral /leader; the others watch /leader and,
//   while there is none, /members. When the leader's session ends ZooKeeper deletes
//   /leader, the watches fire, and the lowest live id takes over. Watches survive
//   connection losses (the client sets them again), and every replica also re-reads
//   /leader once per session timeout, so that no lost notification can leave a
//   replica forwarding to a leader that is gone.
// - Fencing. A new leader bumps the version of /epoch in the same multi that creates
//   /leader, and orders only through a multi that checks that version, so a leader
//   that was replaced (paused, cut off, expired) can no longer order anything even
//   while it still thinks it leads.
// - Ordering. Any replica takes client requests; followers forward them to the
//   leader, which batches them into persistent sequential /log entries. Every
//   replica (the leader too) watches /log, reads new entries in name order, applies
//   them, and the replica a client sent to replies once it applied the request.
// - Acknowledgements. Every replica keeps a local checkpoint (disk) and resumes from
//   it plus the log. Each time it saves one it acknowledges the position by writing
//   it as the data of its own /members/<id>: an ephemeral node, so a replica that is
//   gone stops holding the log back by itself, and no other node to clean up.
// - Garbage collection and bounds. Every checkpoint_interval requests the leader
//   reads the live members' acknowledgements, writes its state to /snapshot and
//   deletes the entries up to the oldest acknowledged position, in one fenced multi.
//   A replica behind what was deleted (it was gone, or so far behind that the log
//   had to make room past it) restores /snapshot. The leader stops ordering while
//   the log would hold more than max_log_size requests, and when a live member's
//   acknowledgement is what keeps it full, collects past that member.
// - A restarted replica may find its previous session's ephemerals still there
//   (the session has not expired yet); it deletes them and registers anew.
// - Partial connectivity. A leader that ZooKeeper reaches but the other replicas do
//   not (a cut between them) must not hold the cluster hostage: a follower that has
//   not applied a request it forwarded within forward_timeout_us writes it to
//   /pending instead, which the leader watches and orders from, deleting each pending
//   node in the ordering multi itself, so the fence covers it too. Duplicates (the
//   forward arrived after all) are answered from the app's dedup table.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/core/replica.hpp"
#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/variants.hpp"
#include "rsm/zookeeper/client.hpp"

namespace fl::coordinated {

// The protocol speaks the ZooKeeper vocabulary (ops, codes, events, the client).
using namespace fl::zookeeper;

struct ReplicaConfig {
  NodeId self;
  NodeId zookeeper;                       // the ZooKeeper server's address
  int replicas = 3;
  std::int64_t max_log_size = 400;         // requests in /log (or held by a replica), at most
  std::int64_t checkpoint_interval = 100;  // applied requests between checkpoints
  int batch_size_max = 16;                 // requests per /log entry
  int pipeline_max = 8;                    // ordering writes in flight
  Micros session_timeout_us = 600 * kMillis;
  Micros tick_us = 50 * kMillis;           // retries, batching
  // A forwarded request not applied by then goes to the leader through /pending.
  Micros forward_timeout_us = 200 * kMillis;
  ZkMutation mutation = ZkMutation::kNone;
};

inline constexpr std::uint32_t kZkClientTimer = 1;
inline constexpr std::uint32_t kZkTickTimer = 2;

// A client request forwarded by a follower to the leader it knows.
class ForwardMessage final : public Message {
 public:
  explicit ForwardMessage(Request request) : request(request) {}
  std::string describe() const override;
  Request request;
};

class ZkReplica final : public Replica {
 public:
  ZkReplica(ReplicaConfig config, std::unique_ptr<Replicable> app);

  void start(const DiskImage& disk, Micros now, Output& out) override;
  void on_message(NodeId from, const Message& message, Micros now, Output& out) override;
  void on_timer(std::uint32_t timer, Micros now, Output& out) override;
  void on_client_request(const Request& request, Micros now, Output& out) override;

  std::optional<std::uint64_t> leader_epoch() const override;
  std::int64_t log_requests_held() const override;
  Replicable& app() override { return *app_; }

  // Observations for tests.
  bool is_leader() const { return leading_.has_value(); }
  std::optional<NodeId> leader() const { return leader_; }
  const std::string& applied_through() const { return applied_; }
  const Client* client() const { return client_ ? &*client_ : nullptr; }

 private:
  // What each outstanding ZooKeeper call was for.
  struct Setup {};                       // creating a persistent top-level node
  struct Register {};                    // creating /members/<self>
  struct OldMember {};                   // reading a /members/<self> left by a previous session
  struct LeaderExists {};                // exists(/leader, watch)
  struct LeaderData {};                  // get(/leader)
  struct Members {};                     // getChildren(/members, watch)
  struct ClaimLeader {};                 // multi[create(/leader), setData(/epoch)]
  struct DropStale {};                   // delete a /leader or member of our previous session
  struct BumpEpoch {};                   // setData(/epoch)
  struct EpochRead {};                   // get(/epoch): only planted bugs fence with what it returns
  // `known` is the newest /log entry this replica knew of when it asked for the
  // listing: the listing was taken after ZooKeeper handled its creation (FIFO), so an
  // entry up to it that the listing lacks is gone.
  struct LogChildren { std::uint64_t round; std::uint64_t doubts; std::string known; };
  struct SnapshotRead {
    std::uint64_t round;
    std::uint64_t doubts;
    std::vector<std::string> children;
    std::string known;
  };
  struct EntryData { std::uint64_t round; std::string name; };
  // An ordering multi: its requests, and the /pending children it deletes.
  struct Order { std::int64_t requests; std::vector<Request> batch; std::vector<std::string> pending; };
  struct Submit { std::uint32_t client; std::uint64_t id; };  // create(/pending/p-)
  struct PendingChildren {};                                  // getChildren(/pending, watch)
  struct PendingData { std::string name; };                   // get(/pending/<name>)
  struct Ack { std::string position; };                      // setData(/members/<self>)
  struct CollectMembers { std::uint64_t round; };            // getChildren(/members)
  struct CollectAck { std::uint64_t round; };                // get(/members/<id>)
  // The snapshot and garbage-collection multi: /snapshot through `through`, entries
  // up to `collected` deleted (`deleted`, as listed).
  struct Collect { std::string through; std::string collected; std::vector<std::string> deleted; };
  using Purpose = std::variant<Setup, Register, OldMember, LeaderExists, LeaderData, Members, ClaimLeader, DropStale,
                               BumpEpoch, EpochRead, LogChildren, SnapshotRead, EntryData, Order, Submit,
                               PendingChildren, PendingData, Ack, CollectMembers, CollectAck, Collect>;

  // A garbage collection gathering the members' acknowledgements.
  struct CollectRound {
    std::uint64_t round = 0;
    bool urgent = false;
    int waiting = 0;                     // acknowledgements not read yet
    std::optional<std::string> oldest;   // the oldest acknowledgement read
  };

  // A request waiting for an ordering write, and the /pending child it came from
  // ("" if it came straight from a client or a forward).
  struct Queued {
    Request request;
    std::string pending;
  };

  // A request this replica forwarded for its own client, until it is applied here.
  struct Forwarded {
    Request request;
    Micros sent_us = 0;
    bool submitted = false;  // written to /pending (or the write is in flight)
  };

  struct Leading {
    std::uint64_t epoch = 0;  // the /epoch version this leader checks; 0 until bumped
    Version epoch_version = -1;
  };

  void open_session(Micros now, Output& out);
  void call(std::optional<Xid> xid, Purpose purpose);
  void handle(const ClientEvent& event, Micros now, Output& out);
  void on_completion(const Completion& c, Micros now, Output& out);
  void on_watch(const WatchNotice& w, Micros now, Output& out);
  void on_session(const SessionChange& s, Micros now, Output& out);

  void elect(Micros now, Output& out);
  void on_leader_exists(const Reply& reply, Micros now, Output& out);
  void on_leader_data(const Reply& reply, Micros now, Output& out);
  void on_members(const Reply& reply, Micros now, Output& out);
  void on_claimed(const Reply& reply, Micros now, Output& out);
  void lead(Micros now, Output& out);
  void on_epoch(const Reply& reply, Micros now, Output& out);
  void on_epoch_read(const Reply& reply, Micros now, Output& out);
  // Leads in the epoch after `epoch`, the stat of /epoch our bump left.
  void start_leading(const Stat& epoch, Output& out);
  void step_down(const std::string& why, Output& out);

  void read_log(Micros now, Output& out);
  // Where reading /log resumes after a lost read or connection: after the last
  // applied entry (what was requested since may never arrive).
  const std::string& resume_after() const;
  void on_log_children(const LogChildren& p, const Reply& reply, Micros now, Output& out);
  void on_snapshot(const SnapshotRead& p, const Reply& reply, Micros now, Output& out);
  void on_entry(const EntryData& p, const Reply& reply, Micros now, Output& out);
  void apply(const std::string& name, const LogEntry& entry, Output& out);
  // Replies to the client if this replica took `request` from it and awaits it.
  void reply_if_awaited(const Request& request, const Response& response, Output& out);
  void save_checkpoint(Output& out);
  // Writes the last checkpoint's position to /members/<self> if it is newer than
  // the one written.
  void acknowledge(Micros now, Output& out);

  // Sends `request` to the leader and, if a client of ours waits for it, remembers it.
  void forward(const Request& request, Micros now, Output& out);
  // Forwarded requests not applied within forward_timeout_us go through /pending.
  void submit_stalled(Micros now, Output& out);
  void on_submitted(const Submit& p, const Reply& reply, Micros now);
  // The leader lists /pending (watching it) and queues what it has not taken yet.
  void list_pending(Micros now, Output& out);
  void on_pending_children(const Reply& reply, Micros now, Output& out);
  void on_pending_data(const PendingData& p, const Reply& reply, Micros now, Output& out);
  void release_pending(const std::vector<std::string>& names);

  void order(Micros now, Output& out);
  void on_ordered(const Order& p, const Reply& reply, Micros now, Output& out);
  // Starts a snapshot and collection after checkpoint_interval requests, or sooner
  // when `urgent` (ordering waits for room): reads the acknowledgements first.
  void collect(Micros now, Output& out, bool urgent = false);
  void on_collect_members(const CollectMembers& p, const Reply& reply, Micros now, Output& out);
  void on_collect_ack(const CollectAck& p, const Reply& reply, Micros now, Output& out);
  void finish_collect(Micros now, Output& out);
  void abort_collect();
  std::int64_t size_of(std::int64_t recorded) const;
  void on_collected(const Collect& p, const Reply& reply, Micros now, Output& out);
  std::int64_t log_held() const;

  ReplicaConfig config_;
  std::unique_ptr<Replicable> app_;
  std::optional<Client> client_;
  std::uint64_t sessions_opened_ = 0;
  std::map<std::int32_t, Purpose> calls_;  // by xid

  bool registered_ = false;
  std::optional<NodeId> leader_;          // who holds /leader, as last read
  std::optional<Leading> leading_;
  bool electing_ = false;                 // an election round is in flight
  bool restarted_ = false;                // started from a local checkpoint
  // Whether this session has set the /leader and /log watches once (only planted
  // bugs look: the correct replica sets them again with every read).
  bool leader_watched_ = false;
  bool log_watched_ = false;
  Micros leader_checked_us_ = 0;          // when /leader was last read

  // The log as this replica applied it.
  std::string applied_;                   // the last applied /log child, "" for none
  std::int64_t since_checkpoint_ = 0;     // requests applied since the local checkpoint
  std::uint64_t log_round_ = 0;           // current read_log round; older replies are ignored
  bool log_reading_ = false;
  bool log_again_ = false;                // a /log watch fired during a round
  std::string requested_;                 // entries up to this name have been asked for
  std::string checkpointed_;              // the position of the local checkpoint
  std::string acked_;                     // the position /members/<self> holds, as last written
  bool acking_ = false;                   // an Ack write is in flight
  // Entries in /log as last listed, plus those applied since: requests each, -1 if
  // not read. The leader counts them against max_log_size.
  std::map<std::string, std::int64_t> entry_sizes_;

  // Leader state.
  std::deque<Queued> queue_;              // requests waiting for an ordering write
  std::int64_t in_flight_ = 0;            // requests in ordering writes not yet answered
  int writes_in_flight_ = 0;
  // Requests in ordering writes lost with the connection: they may be in /log, and
  // count as if they were until a listing sent after the loss shows what is there.
  std::int64_t in_doubt_ = 0;
  std::uint64_t doubts_ = 0;              // ordering writes lost so far
  std::string snapshot_through_;          // /snapshot's `through`, as last known
  std::string collected_;                 // /snapshot's `collected`, as last known
  Version snapshot_version_ = kAnyVersion;  // /snapshot's version, as last read
  bool collecting_ = false;               // a collection round or its multi is in flight
  std::optional<CollectRound> collect_round_;
  std::uint64_t collect_rounds_ = 0;
  Micros collect_idle_until_ = 0;         // after a round that could free nothing

  // /pending children queued or in ordering writes, so no listing takes one twice.
  std::set<std::string> pending_taken_;
  bool pending_listing_ = false;          // a /pending listing is in flight
  bool pending_dirty_ = false;            // /pending may hold something not taken yet
  Micros pending_listed_us_ = 0;

  // Forwarded requests of our clients not applied yet, by client (one outstanding each).
  std::map<std::uint32_t, Forwarded> forwarded_;

  // Requests a client sent here, answered once applied: the latest id per client
  // (clients have one request outstanding), so it stays as small as the client set.
  std::map<std::uint32_t, std::uint64_t> awaiting_;
};

}  // namespace fl::coordinated
