#include "sim/zookeeper/endpoint.hpp"

#include <memory>

namespace fl::sim::zkserver {
namespace wire = fl::zookeeper;

std::optional<StreamFrame> stream_frame(const Message& message) {
  const auto* on = dynamic_cast<const wire::ConnectionMessage*>(&message);
  if (on == nullptr) return std::nullopt;
  const auto* request = dynamic_cast<const wire::RequestMessage*>(&message);
  const bool opens = request != nullptr && std::holds_alternative<wire::Connect>(request->body);
  return StreamFrame{on->connection.value, opens};
}

MessagePtr connection_reset(std::uint64_t connection) {
  return std::make_shared<wire::ConnectionResetMessage>(wire::ConnectionId(connection));
}

Endpoint::Endpoint(NodeId self, EventSink& facts, ServiceConfig config)
    : self_(self), facts_(facts), node_(std::move(config)) {}

Effects Endpoint::on_message(NodeId from, const Message& message, Micros now) {
  NodeOutput output = node_.on_message(from, message, now);
  if (const auto* request = dynamic_cast<const wire::RequestMessage*>(&message)) {
    publish_handled(now, from, *request, output);
  }
  publish_expired(now, output);
  return effects(std::move(output.sends));
}

Effects Endpoint::on_timer(Micros now) {
  NodeOutput output = node_.on_expiry_timer(now);
  publish_expired(now, output);
  return effects(std::move(output.sends));
}

void Endpoint::on_disconnect(NodeId client, std::uint64_t connection, Micros now) {
  const wire::ConnectionId id(connection);
  facts_.on_event(now, ev::ZkDisconnected{client, id});
  node_.on_disconnect(client, id);
}

void Endpoint::crash(Micros now, std::string_view origin) { facts_.on_event(now, ev::ZkDown{self_, origin}); }

Effects Endpoint::restart(Micros now, std::string_view origin) {
  node_.restart(now, /*keep_sessions=*/true);
  facts_.on_event(now, ev::ZkUp{self_, origin});
  return effects({});
}

// Publishes what ZooKeeper did with a request: the reply it committed, if any, and
// the writes it made (sim/zookeeper/handled.hpp).
void Endpoint::publish_handled(Micros now, NodeId from, const wire::RequestMessage& request, const NodeOutput& output) {
  const wire::ReplyMessage* reply = nullptr;
  for (const auto& send : output.sends) {
    const auto* r = dynamic_cast<const wire::ReplyMessage*>(send.second.get());
    if (r != nullptr && r->connection == request.connection && r->xid == request.xid) {
      reply = r;
      break;
    }
  }
  facts_.on_event(now, handled_.of(from, request, reply, node_.service().tree()));
}

void Endpoint::publish_expired(Micros now, const NodeOutput& output) {
  if (!output.expired.empty()) facts_.on_event(now, ev::ZkExpired{output.expired});
}

}  // namespace fl::sim::zkserver
