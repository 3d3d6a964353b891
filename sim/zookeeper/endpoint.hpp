// The ZooKeeper server as an endpoint of the World, the way a replica is one: the
// World delivers its messages, fires its timer, stops and restarts it through the
// same paths as a replica's, and sends what it returns. What is particular to
// ZooKeeper lives here: it keeps its tree and sessions across a restart, it runs
// one session-expiry timer, it learns of broken connections, and it publishes its
// own facts (ZkHandled, ZkExpired, ZkDisconnected, ZkDown, ZkUp) to the event stream.
#pragma once

#include <cstdint>
#include <optional>

#include "rsm/core/replica.hpp"
#include "rsm/zookeeper/wire.hpp"
#include "sim/events.hpp"
#include "sim/zookeeper/handled.hpp"
#include "sim/zookeeper/node.hpp"

namespace fl::sim::zkserver {

// What the World does after one of the server's inputs: send `sends` in order, then
// set the server's one timer to fire at `timer_at_us` (none: cancel it).
struct Effects {
  Sends sends;
  std::optional<Micros> timer_at_us;
};

// How ZooKeeper's wire messages travel on stream links (sim/net/stream.hpp).
struct StreamFrame {
  std::uint64_t connection = 0;
  bool opens = false;  // a ConnectRequest: the connection's first message
};
// The connection a message travels on, or nothing if it is not a connection message.
std::optional<StreamFrame> stream_frame(const Message& message);
// What the client's TCP stack hands it when `connection` breaks.
MessagePtr connection_reset(std::uint64_t connection);

// The ZooKeeper server's process at its address: a ZkNode plus what the World must
// not decide for it.
class Endpoint {
 public:
  // The server at address `self`, publishing its facts to `facts` (not owned).
  Endpoint(NodeId self, EventSink& facts, ServiceConfig config = {});

  // Handles one message from `from`, already published as Delivered.
  Effects on_message(NodeId from, const Message& message, Micros now);
  // The expiry timer fired: expires the sessions due.
  Effects on_timer(Micros now);
  // The server's end of `connection` from `client` learned that it broke.
  void on_disconnect(NodeId client, std::uint64_t connection, Micros now);
  // The process stops: nothing is handled and no session expires until restart.
  void crash(Micros now, std::string_view origin);
  // The process comes back with its tree and sessions (ZooKeeper persists both in
  // its snapshot and log) and neither connections nor watches: clients reconnect to
  // their sessions and set their watches again. Session clocks restart now.
  Effects restart(Micros now, std::string_view origin);

  // The service, read-only, for tests and end-of-run checks.
  const ZkService& service() const { return node_.service(); }

 private:
  Effects effects(Sends sends) const { return Effects{std::move(sends), node_.next_expiry()}; }
  void publish_handled(Micros now, NodeId from, const fl::zookeeper::RequestMessage& request, const NodeOutput& output);
  void publish_expired(Micros now, const NodeOutput& output);

  NodeId self_;
  EventSink& facts_;
  ZkNode node_;
  HandledFacts handled_;  // works out each ZkHandled
};

}  // namespace fl::sim::zkserver
