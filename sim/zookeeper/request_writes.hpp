// The write operations a ZooKeeper request asks for, as its sender wrote them: for
// checks that judge what a replica sends (ev::Sent), before ZooKeeper decides. What
// ZooKeeper committed is published with ev::ZkHandled instead (sim/zookeeper/facts.hpp).
#pragma once

#include <variant>

#include "rsm/zookeeper/wire.hpp"

namespace fl::sim::zkserver {

// Calls `visit` with each write operation of `request` (a Create, Delete, SetData or
// Check), alone or inside a multi, in order; never for reads, pings and session
// requests. Nothing is copied: invariants call it for every request a replica sends.
template <class Visit>
void for_each_write(const fl::zookeeper::RequestMessage& request, Visit&& visit) {
  if (const auto* multi = std::get_if<fl::zookeeper::Multi>(&request.body)) {
    for (const fl::zookeeper::Op& op : multi->ops) std::visit(visit, op);
  } else if (const auto* c = std::get_if<fl::zookeeper::Create>(&request.body)) {
    visit(*c);
  } else if (const auto* d = std::get_if<fl::zookeeper::Delete>(&request.body)) {
    visit(*d);
  } else if (const auto* s = std::get_if<fl::zookeeper::SetData>(&request.body)) {
    visit(*s);
  }
}

}  // namespace fl::sim::zkserver
