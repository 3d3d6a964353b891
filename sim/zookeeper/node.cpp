#include "sim/zookeeper/node.hpp"

#include <memory>

namespace fl::sim::zkserver {
namespace wire = fl::zookeeper;

ZkNode::ZkNode(ServiceConfig config) : service_(std::move(config)) {}

NodeOutput ZkNode::on_message(NodeId from, const Message& message, Micros now) {
  NodeOutput out;
  const auto* request = dynamic_cast<const wire::RequestMessage*>(&message);
  if (!request) return out;
  const SessionId session(request->session.value);
  // The server speaks the client's vocabulary: the body goes in as sent, and the
  // reply comes back ready for the wire.
  Output result = service_.handle(now, session, request->body);
  forget(result.expired);
  out.expired = result.expired;
  // A session is served over the connection it last used (ZooKeeper moves a session
  // to the connection that reconnects it).
  const bool connect = std::holds_alternative<wire::Connect>(request->body);
  const SessionId owner = connect ? result.reply.session : session;
  if (result.reply.code == Code::kOk && !std::holds_alternative<wire::Close>(request->body)) {
    routes_[owner] = Route{from, request->connection};
  }
  if (std::holds_alternative<wire::Close>(request->body)) routes_.erase(session);
  notify(result.events, out.sends);
  out.sends.emplace_back(
      from, std::make_shared<wire::ReplyMessage>(request->connection, request->xid, std::move(result.reply)));
  return out;
}

NodeOutput ZkNode::on_expiry_timer(Micros now) {
  NodeOutput out;
  const Expiry expiry = service_.expire_due(now);
  forget(expiry.sessions);
  out.expired = expiry.sessions;
  notify(expiry.events, out.sends);
  return out;
}

void ZkNode::on_disconnect(NodeId from, wire::ConnectionId connection) {
  for (auto it = routes_.begin(); it != routes_.end();) {
    if (it->second.node == from && it->second.connection == connection) {
      service_.disconnect(it->first);
      it = routes_.erase(it);
    } else {
      ++it;
    }
  }
}

void ZkNode::restart(Micros now, bool keep_sessions) {
  service_.restart(now, keep_sessions);
  routes_.clear();  // every connection broke with the old process
}

void ZkNode::notify(const std::vector<WatchEvent>& events, Sends& out) const {
  for (const WatchEvent& e : events) {
    const auto route = routes_.find(e.session);
    if (route == routes_.end()) continue;  // the watcher's session has ended
    out.emplace_back(route->second.node,
                     std::make_shared<wire::WatchMessage>(route->second.connection, e.session, e.type, e.path));
  }
}

void ZkNode::forget(const std::vector<SessionId>& sessions) {
  for (SessionId s : sessions) routes_.erase(s);
}

}  // namespace fl::sim::zkserver
