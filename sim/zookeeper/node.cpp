#include "sim/zookeeper/node.hpp"

#include <memory>

namespace fl::sim::zkserver {
namespace wire = fl::zookeeper;

namespace {

// The service and the wire share their vocabulary (sim/zookeeper/types.hpp), so codes,
// modes, ids and stats pass through unchanged; only the request shapes differ.

Op op_of(const wire::Op& op) {
  return std::visit(
      [](const auto& o) -> Op {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, wire::Create>) return Create{o.path, o.data, o.mode};
        if constexpr (std::is_same_v<T, wire::Delete>) return Delete{o.path, o.version};
        if constexpr (std::is_same_v<T, wire::SetData>) return SetData{o.path, o.data, o.version};
        if constexpr (std::is_same_v<T, wire::Check>) return Check{o.path, o.version};
      },
      op);
}

}  // namespace

Request to_service(const wire::Body& body) {
  return std::visit(
      [](const auto& b) -> Request {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, wire::Connect>) return OpenSession{b.timeout_us, b.session};
        if constexpr (std::is_same_v<T, wire::SetWatches>) return SetWatches{b.relative_zxid, b.data, b.exist, b.child};
        if constexpr (std::is_same_v<T, wire::Ping>) return Ping{};
        if constexpr (std::is_same_v<T, wire::Close>) return CloseSession{};
        if constexpr (std::is_same_v<T, wire::Create>) return Create{b.path, b.data, b.mode};
        if constexpr (std::is_same_v<T, wire::Delete>) return Delete{b.path, b.version};
        if constexpr (std::is_same_v<T, wire::SetData>) return SetData{b.path, b.data, b.version};
        if constexpr (std::is_same_v<T, wire::Exists>) return Exists{b.path, b.watch};
        if constexpr (std::is_same_v<T, wire::GetData>) return GetData{b.path, b.watch};
        if constexpr (std::is_same_v<T, wire::GetChildren>) return GetChildren{b.path, b.watch};
        if constexpr (std::is_same_v<T, wire::Multi>) {
          Multi m;
          for (const auto& op : b.ops) m.ops.push_back(op_of(op));
          return m;
        }
      },
      body);
}

wire::Reply to_wire(const Response& r) {
  wire::Reply out;
  out.code = r.code;
  out.zxid = r.zxid;
  out.session = r.session;
  out.timeout_us = r.timeout_us;
  out.path = r.path;
  out.data = r.data;
  out.stat = r.stat;
  out.children = r.children;
  for (const auto& res : r.results) out.results.push_back(wire::OpResult{res.code, res.path, res.stat});
  return out;
}

ZkNode::ZkNode(ServiceConfig config) : service_(std::move(config)) {}

NodeOutput ZkNode::on_message(NodeId from, const Message& message, Micros now) {
  NodeOutput out;
  const auto* request = dynamic_cast<const wire::RequestMessage*>(&message);
  if (!request) return out;
  const SessionId session(request->session.value);
  const Output result = service_.handle(now, session, to_service(request->body));
  forget(result.expired);
  out.expired = result.expired;
  // A session is served over the connection it last used (ZooKeeper moves a session
  // to the connection that reconnects it).
  const bool connect = std::holds_alternative<wire::Connect>(request->body);
  const SessionId owner = connect ? result.response.session : session;
  if (result.response.code == Code::kOk && !std::holds_alternative<wire::Close>(request->body)) {
    routes_[owner] = Route{from, request->connection};
  }
  if (std::holds_alternative<wire::Close>(request->body)) routes_.erase(session);
  notify(result.events, out.sends);
  out.sends.emplace_back(from, std::make_shared<wire::ReplyMessage>(request->connection, request->xid,
                                                              to_wire(result.response)));
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
