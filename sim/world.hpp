// The simulated world of one run: replicas with their disks, the network, the
// clients, the fault schedule and the nemesis, all driven by one event queue and one
// seed. Single-threaded and deterministic: the same scenario and seed give the same
// trace, line for line.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/replica.hpp"
#include "sim/disk.hpp"
#include "sim/event_queue.hpp"
#include "sim/events.hpp"
#include "sim/nemesis.hpp"
#include "sim/network.hpp"
#include "sim/observer.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"
#include "sim/workload.hpp"
#include "sim/zk/node.hpp"

namespace fl::sim {

// Makes a fresh replica (empty volatile state) for node `id`; the world then starts
// it from its disk. Called at boot and at every restart.
using ReplicaFactory = std::function<std::unique_ptr<Replica>(NodeId id)>;

// Figures and invariant results gathered while the world runs.
struct WorldStats {
  std::uint64_t events = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t applied = 0;
  std::uint64_t faults = 0;
  std::uint64_t leader_changes = 0;
  std::int64_t max_log_held = 0;          // over all replicas and all moments
  std::string max_log_held_where;         // "r1 at t=..."
  Micros last_fault_us = 0;               // when the last fault (or heal) fired
};

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, ReplicaFactory factory, Trace& trace);
  ~World();

  // Runs the workload for the scenario's duration, then the quiet period.
  void run();
  // Reports what happens to `observer` (not owned; null for none). Set before run().
  void set_observer(WorldObserver* observer) { observer_ = observer; }
  // Publishes every fact of the run (sim/events.hpp) to `sink` (not owned), after
  // those subscribed before it. Set before run().
  void subscribe(EventSink* sink) { sinks_.push_back(sink); }

  const WorldStats& stats() const { return stats_; }
  const Workload& workload() const { return workload_; }
  Micros now() const { return queue_.now(); }
  int replicas() const { return static_cast<int>(nodes_.size()); }
  bool up(NodeId id) const { return nodes_[id.value].up; }
  // The live replica object, for end-of-run checks; null when the node is down.
  Replica* replica(NodeId id) { return nodes_[id.value].replica.get(); }
  // The simulated ZooKeeper node's address when the protocol is "zk": NodeId(N),
  // right after the replicas (clients then start at N+1).
  std::optional<NodeId> zk_address() const;
  // The simulated ZooKeeper service, for checks; null unless the protocol is "zk".
  const zk::ZkService* zk_service() const { return zk_ ? &zk_->node.service() : nullptr; }
  // "r1", "zk" or "c0": how traces name an endpoint.
  std::string node_name(NodeId id) const;

 private:
  struct Node {
    std::unique_ptr<Replica> replica;
    Disk disk;
    bool up = false;
    std::uint64_t incarnation = 0;
    std::map<std::uint32_t, std::uint64_t> timer_generation;
    bool paused = false;
  };
  struct DeliverPeer { NodeId from, to; MessagePtr message; };
  struct DeliverRequest { ClientId client; NodeId to; Request request; };
  struct DeliverReply { NodeId from; ClientReply reply; };
  struct TimerFire { NodeId node; std::uint64_t incarnation; std::uint32_t timer; std::uint64_t generation; };
  struct ClientWake { ClientId client; };
  struct ClientTimeout { ClientId client; RequestId id; int attempt; };
  struct FaultFire { std::size_t index; };
  struct NemesisTick { bool last; };
  struct StopIssuing {};
  struct ZkExpiry { std::uint64_t generation; };
  // ZooKeeper's end of a broken connection learns of it.
  struct ZkDisconnect { NodeId replica; fl::zk::ConnectionId connection; };
  using Event = std::variant<DeliverPeer, DeliverRequest, DeliverReply, TimerFire, ClientWake, ClientTimeout,
                             FaultFire, NemesisTick, StopIssuing, ZkExpiry, ZkDisconnect>;
  // The ZooKeeper node and what the World keeps for it (protocol "zk" only).
  struct ZkEndpoint {
    zk::ZkNode node{zk::ServiceConfig{}};
    bool up = true;
    std::uint64_t expiry_generation = 0;
    // Last scheduled delivery per directed link to or from ZooKeeper: sessions run
    // over TCP, so these links deliver in order and without duplicates.
    std::map<std::pair<std::uint32_t, std::uint32_t>, Micros> last_delivery;
    // Every connection seen between a replica and ZooKeeper, by (replica, connection
    // id): false while open, true once broken. A message on a broken connection is
    // never delivered, so each connection delivers a prefix of what was sent on it.
    std::map<std::pair<std::uint32_t, std::uint64_t>, bool> broken;
  };

  void dispatch(Event& event);
  void handle(DeliverPeer& e);
  void handle(DeliverRequest& e);
  void handle(DeliverReply& e);
  void handle(TimerFire& e);
  void handle(ClientWake& e);
  void handle(ClientTimeout& e);
  void handle(FaultFire& e);
  void handle(NemesisTick& e);
  void handle(StopIssuing& e);
  void handle(ZkExpiry& e);
  void handle(ZkDisconnect& e);
  void deliver_to_zk(const DeliverPeer& e);
  // Counts, traces and shows a message the network dropped as it was sent.
  void drop_at_send(NodeId from, NodeId to, const Message& message, const Fate& fate);
  // Sends on a replica's connection to ZooKeeper, or from ZooKeeper on one.
  void send_stream(NodeId from, NodeId to, const MessagePtr& message);
  // Breaks a connection to ZooKeeper: nothing more is delivered on it, and each end
  // hears of it once what was already in flight toward it has arrived.
  void break_connection(NodeId replica, fl::zk::ConnectionId connection, const std::string& why);
  void break_connections(std::optional<NodeId> replica, const std::string& why);
  void observe_zk(NodeId from, const fl::zk::RequestMessage& request, const zk::NodeOutput& output);
  void zk_output(const zk::NodeOutput& output);
  void arm_zk_expiry();
  void crash_zk(const std::string& origin);
  void restart_zk(const std::string& origin);
  std::optional<std::uint32_t> named_id(const std::string& name) const;
  std::string join(const std::vector<NodeId>& ids) const;

  // Runs one input on a live replica and executes its output.
  void step(NodeId id, const std::function<void(Replica&, Output&)>& input);
  void execute(NodeId id, Output& out);
  void send_peer(NodeId from, NodeId to, const MessagePtr& message);
  void send_request(const ClientSend& send);
  void observe(NodeId id, const Applied& applied);
  void publish(const RunEvent& event) {
    for (EventSink* sink : sinks_) sink->on_event(now(), event);
  }
  void sample(NodeId id);
  // Tell the observer, if any, about a send and its fate (world_observe.cpp).
  void observe_send(NodeId from, NodeId to, std::string_view kind, const Fate& fate);
  void observe_send(NodeId from, NodeId to, const Message& message, const Fate& fate);

  void apply_fault(const FaultAction& action, const std::string& origin);
  std::vector<NodeId> resolve(const std::vector<NodeSet>& sets, std::size_t which);
  std::optional<NodeId> current_leader() const;
  void crash(NodeId id, const std::string& origin);
  void pause(NodeId id, const std::string& origin);
  void resume(NodeId id, const std::string& origin);
  // Holds an input for a paused replica; true if it was held.
  template <class E>
  bool hold_if_paused(NodeId id, E& event);
  void restart(NodeId id, const std::string& origin);

  NodeId client_address(ClientId c) const { return NodeId(first_client_address() + c.value); }
  std::uint32_t first_client_address() const { return static_cast<std::uint32_t>(nodes_.size()) + (zk_ ? 1 : 0); }

  const Scenario& scenario_;
  std::uint64_t seed_;
  ReplicaFactory factory_;
  Trace& trace_;
  EventQueue<Event> queue_;
  std::vector<Node> nodes_;
  std::optional<ZkEndpoint> zk_;  // before network_, which is sized by it
  Network network_;
  Workload workload_;
  std::optional<Nemesis> nemesis_;
  Output out_;
  WorldStats stats_;
  WorldObserver* observer_ = nullptr;
  std::vector<EventSink*> sinks_;
  std::uint64_t leader_epoch_seen_ = 0;
  // Inputs that reached a paused replica, in arrival order, by replica.
  std::map<std::uint32_t, std::vector<Event>> held_;
};

}  // namespace fl::sim
