// The orderer: what a zk replica has only while it leads. ZkReplica keeps it in a
// std::optional that is set when this replica claims /leader and destroyed when it
// steps down, so no leader state lingers on a follower.
//
// The leader takes requests from its own clients, from followers' forwards and from
// /pending, batches them, and appends each batch as a persistent sequential /log
// entry with a multi that first checks the /epoch version its own bump left: a
// leader that was replaced (paused, cut off, expired) can no longer order anything
// even while it still thinks it leads (the seed: "a deposed leader must not be able
// to order anything"; ZooKeeper recipes: the multi makes check and create atomic).
// It keeps /log within max_log_size (collector.hpp). Followers that cannot reach it
// write requests to /pending, which it watches and orders from, deleting each
// pending node in the ordering multi itself, so the fence covers it too.
#pragma once

#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/coordinated/collector.hpp"
#include "rsm/coordinated/context.hpp"
#include "rsm/coordinated/log_reader.hpp"
#include "rsm/coordinated/log_view.hpp"

namespace fl::coordinated {

class Orderer {
 public:
  // A request waiting for an ordering write, and the /pending child it came from
  // ("" if it came straight from a client or a forward).
  struct Queued {
    Request request;
    std::string pending;
  };

  // Takes over the requests that waited for a leader.
  Orderer(LogView& view, LeaderCalls& calls, Replicable& app, const LogReader& reader, std::deque<Request> waiting);

  const Epoch& epoch() const { return epoch_; }
  // Claimed /leader again while still leading (only planted bugs keep leading after
  // losing it): the new claim's epoch is still to come.
  void forget_epoch() { epoch_ = Epoch{}; }
  // The bump of /epoch left `epoch`: ordering fences with it from now on.
  void start(const Stat& epoch, Zk& zk);
  // Leading ends: the requests not yet written go back to wait for the next leader,
  // without their /pending names (that leader finds the nodes in /pending itself),
  // unless `drop` (a planted bug).
  std::deque<Request> give_up(bool drop);

  // Requests held here: queued, and in ordering writes not yet answered.
  std::int64_t held() const { return std::ssize(queue_) + calls_.requests; }
  // Whether one more request may be queued: the leader holds at most max_log_size
  // (a request it has no room for is dropped, and its client retries).
  bool has_room(const ReplicaConfig& config) const { return held() < config.max_log_size; }
  // Queues a request from a client, a forward or a stalled forward of our own.
  void enqueue(const Request& request) { queue_.push_back({request, {}}); }
  // The queue itself, for a leader that forwards it to another (a planted bug keeps
  // an orderer while another replica holds /leader).
  std::deque<Queued>& queue() { return queue_; }

  // Writes batches from the queue while the pipeline and the log have room.
  void order(Zk& zk);
  void collect(Zk& zk, bool urgent = false) { collector_.collect(epoch_, zk, urgent); }
  // Once per tick: lists /pending when it may hold something new (or once per
  // session timeout), orders, collects.
  void tick(Zk& zk);

  // The leader lists /pending (watching it) and queues what it has not taken yet.
  void list_pending(Zk& zk);
  // /pending changed: something new may be there, list it again.
  void on_pending_watch(Zk& zk);
  void on_pending_children(const Reply& reply, Zk& zk);
  void on_pending_data(const PendingData& p, const Reply& reply, Zk& zk);
  // An ordering write answered: its /pending children are deleted with it, or still
  // there for a later listing to take again.
  void release_pending(const std::vector<std::string>& names);

  // The orderer's garbage collection, and the replies to its reads.
  Collector& collector() { return collector_; }
  void on_collect_members(const CollectMembers& p, const Reply& r, Zk& zk) { collector_.on_members(p, r, epoch_, zk); }
  void on_collect_ack(const CollectAck& p, const Reply& r, Zk& zk) { collector_.on_ack(p, r, epoch_, zk); }

  // A new session (a planted bug leads across one): its calls are gone.
  void on_new_session();

 private:
  // Takes one batch off the queue and writes it with the fence.
  void write_batch(std::int64_t n, Zk& zk);

  LogView& view_;
  LeaderCalls& calls_;
  Replicable& app_;
  Epoch epoch_;
  std::deque<Queued> queue_;  // requests waiting for an ordering write
  // /pending children queued or in ordering writes, so no listing takes one twice.
  std::set<std::string> pending_taken_;
  bool pending_dirty_ = false;  // /pending may hold something not taken yet
  Micros pending_listed_us_ = 0;
  Collector collector_;
};

}  // namespace fl::coordinated
