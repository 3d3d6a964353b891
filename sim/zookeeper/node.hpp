// The ZooKeeper server as a node on the simulated network: it hands wire requests
// (rsm/zookeeper/wire.hpp) to the ZkService and sends back its reply and watch
// notifications as wire messages, addressed to the node each session last spoke from. Sans-IO like a
// replica: the World delivers messages to it and sends what it returns, so
// partitions between a replica and ZooKeeper expire sessions as in production
// (DESIGN.md, "Protocol cores are sans-IO").
#pragma once

#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/zookeeper/wire.hpp"
#include "sim/zookeeper/service.hpp"

namespace fl::sim::zkserver {

// Messages to send, in order. For one request: its watch notifications, then its
// reply, because ZooKeeper sends notifications before the reply of the transaction
// that fired them (Programmer's Guide, "What ZooKeeper Guarantees about Watches").
using Sends = std::vector<std::pair<NodeId, MessagePtr>>;

// What one input to the node produced: the sessions that expired (for the trace)
// and the messages to send.
struct NodeOutput {
  std::vector<SessionId> expired;
  Sends sends;
};

// One standalone ZooKeeper server on the network.
class ZkNode {
 public:
  explicit ZkNode(ServiceConfig config = {});

  // Handles one message from `from` at `now`. Anything but a RequestMessage is
  // ignored. The caller must deliver the result FIFO per destination.
  NodeOutput on_message(NodeId from, const Message& message, Micros now);
  // Expires the sessions due at `now` and returns the notifications their ephemeral
  // nodes' deletions fired. Expired sessions are not told: their clients learn it
  // when they next reach the server (Programmer's Guide, "ZooKeeper Sessions").
  NodeOutput on_expiry_timer(Micros now);
  // When the World should next call on_expiry_timer.
  std::optional<Micros> next_expiry() const { return service_.next_expiry(); }
  // The transport reports that the connection `connection` from `from` broke (or the
  // client closed it). The session it served, if it still used it, keeps running
  // toward its expiry, but its watches go with the connection and nothing more is
  // sent to it until the client reconnects (Programmer's Guide, "ZooKeeper Sessions").
  void on_disconnect(NodeId from, fl::zookeeper::ConnectionId connection);
  // A server restart: see ZkService::restart. It breaks every connection, so no
  // session has a route until its client reconnects.
  void restart(Micros now, bool keep_sessions);

  // The service, read-only, for tests and checkers.
  const ZkService& service() const { return service_; }

 private:
  struct Route {
    NodeId node;
    fl::zookeeper::ConnectionId connection;
  };

  void notify(const std::vector<WatchEvent>& events, Sends& out) const;
  void forget(const std::vector<SessionId>& sessions);

  ZkService service_;
  std::map<SessionId, Route> routes_;  // where each live session's notifications go
};

}  // namespace fl::sim::zkserver
