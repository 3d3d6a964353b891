// The simulated world of one run: the event loop that drives replicas with their
// disks, the ZooKeeper server (zkserver::Endpoint), the links between them
// (sim/net: datagrams and streams), the clients, the fault schedule and the nemesis,
// all from one event queue and one seed. Single-threaded and deterministic: the
// same scenario and seed give the same facts in the same order. The World only acts
// and publishes what happened (sim/events.hpp); the trace, the timeline, the stats
// and the invariants are its subscribers.
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
#include "sim/events.hpp"
#include "sim/kernel/disk.hpp"
#include "sim/kernel/event_queue.hpp"
#include "sim/net/network.hpp"
#include "sim/net/stream.hpp"
#include "sim/scenario/nemesis.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/workload.hpp"
#include "sim/zookeeper/endpoint.hpp"

namespace fl::sim {

// Makes a fresh replica (empty volatile state) for node `id`; the world then starts
// it from its disk. Called at boot and at every restart.
using ReplicaFactory = std::function<std::unique_ptr<Replica>(NodeId id)>;

class World {
 public:
  World(const Scenario& scenario, std::uint64_t seed, ReplicaFactory factory);
  ~World();

  // Runs the workload for the scenario's duration, then the quiet period.
  void run();
  // Publishes every fact of the run (sim/events.hpp) to `sink` (not owned), after
  // those subscribed before it. Set before run().
  void subscribe(EventSink* sink) { facts_.subscribe(sink); }

  // How many queued events the run handled (a measure of the simulator's work).
  std::uint64_t events_handled() const { return events_handled_; }
  // How traces name the endpoints of this run.
  const Endpoints& endpoints() const { return endpoints_; }
  const Workload& workload() const { return workload_; }
  Micros now() const { return queue_.now(); }
  int replicas() const { return endpoints_.replicas; }
  bool up(NodeId id) const { return nodes_[id.value].up; }
  // The live replica object, for end-of-run checks; null when the node is down.
  Replica* replica(NodeId id) { return nodes_[id.value].replica.get(); }
  // The simulated ZooKeeper node's address when the protocol is "zk" (see Endpoints).
  std::optional<NodeId> zk_address() const { return endpoints_.zookeeper(); }
  // The simulated ZooKeeper service, for checks; null unless the protocol is "zk".
  const zkserver::ZkService* zk_service() const { return zk_ ? &zk_->service() : nullptr; }
  // "r1", "zk" or "c0": how traces name an endpoint.
  std::string node_name(NodeId id) const { return endpoints_.name(id); }

 private:
  // One server address: a replica, or the ZooKeeper server (whose process lives in
  // zk_). Up, down, restart and timers go through the same paths for both.
  struct Node {
    std::unique_ptr<Replica> replica;  // replicas only
    Disk disk;                         // replicas only
    bool up = false;
    std::uint64_t incarnation = 0;
    std::map<std::uint32_t, std::uint64_t> timer_generation;
    bool paused = false;
  };
  struct DeliverPeer {
    NodeId from, to;
    MessagePtr message;
  };
  struct DeliverRequest {
    ClientId client;
    NodeId to;
    Request request;
  };
  struct DeliverReply {
    NodeId from;
    ClientReply reply;
  };
  struct TimerFire {
    NodeId node;
    std::uint64_t incarnation;
    std::uint32_t timer;
    std::uint64_t generation;
  };
  struct ClientWake {
    ClientId client;
  };
  struct ClientTimeout {
    ClientId client;
    RequestId id;
    int attempt;
  };
  struct FaultFire {
    std::size_t index;
  };
  struct NemesisTick {
    bool last;
  };
  struct StopIssuing {};
  // The server's end of a broken connection learns of it (the client's end is told
  // by a DeliverPeer of the reset).
  struct ServerNotice {
    Connection connection;
  };
  using Event = std::variant<DeliverPeer, DeliverRequest, DeliverReply, TimerFire, ClientWake, ClientTimeout, FaultFire,
                             NemesisTick, StopIssuing, ServerNotice>;

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
  void handle(ServerNotice& e);
  // Publishes a message sent with its fate (delivery times, or why it was dropped).
  void publish_sent(NodeId from, NodeId to, const Message& message, const Fate& fate);
  // Sends on a stream link's connection (a replica's ZooKeeper session).
  void send_stream(NodeId from, NodeId to, const MessagePtr& message);
  // Breaks a connection and schedules each end's notice of it (StreamLinks).
  void break_connection(const Connection& connection, const std::string& why);
  void break_connections(NodeId end, const std::string& why);
  // Sends what the ZooKeeper server returned and sets its timer.
  void execute(NodeId id, const zkserver::Effects& effects);
  std::optional<std::uint32_t> named_id(const std::string& name) const;
  std::string join(const std::vector<NodeId>& ids) const;

  // Runs one input on a live replica and executes its output.
  void step(NodeId id, const std::function<void(Replica&, Output&)>& input);
  void execute(NodeId id, Output& out);
  void send_peer(NodeId from, NodeId to, const MessagePtr& message);
  void send_request(const ClientSend& send);
  void publish(const RunEvent& event) { facts_.on_event(now(), event); }

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

  NodeId client_address(ClientId c) const { return endpoints_.client_address(c); }

  const Scenario& scenario_;
  std::uint64_t seed_;
  ReplicaFactory factory_;
  Endpoints endpoints_;  // before everything sized by it
  EventQueue<Event> queue_;
  Broadcast facts_;                       // the subscribers; before zk_, which publishes to it
  std::vector<Node> nodes_;               // every server address (Endpoints::servers)
  std::optional<zkserver::Endpoint> zk_;  // the ZooKeeper server's process, if the run has one
  Network network_;
  StreamLinks streams_;
  Workload workload_;
  std::optional<Nemesis> nemesis_;
  Output out_;
  std::uint64_t events_handled_ = 0;
  // Inputs that reached a paused replica, in arrival order, by replica.
  std::map<std::uint32_t, std::vector<Event>> held_;
};

}  // namespace fl::sim
