// Helpers shared by the simulated-ZooKeeper tests: one-line calls into ZkService and
// a printable dump of a tree for comparisons. Header-only, used by *_test.cpp only.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/zookeeper/service.hpp"

namespace fl::sim::zkserver::testing {

// Opens a session at `now` and returns its id (asserting success in the caller's test).
inline SessionId open_session(ZkService& zk, Micros now, Micros timeout_us = 1 * kSeconds) {
  return zk.handle(now, SessionId{0}, Connect{timeout_us, SessionId{0}, Zxid{}}).reply.session;
}

// Sends one request and returns just the reply.
inline Reply call(ZkService& zk, Micros now, SessionId session, const Body& request) {
  return zk.handle(now, session, request).reply;
}

// Sends one request and returns just the watch notifications it produced.
inline std::vector<WatchEvent> events_of(ZkService& zk, Micros now, SessionId session, const Body& request) {
  return zk.handle(now, session, request).events;
}

// Every node as (data, stat), by path: two trees are in the same state iff their
// dumps are equal.
inline std::map<std::string, std::pair<std::string, Stat>> dump(const DataTree& tree) {
  std::map<std::string, std::pair<std::string, Stat>> out;
  for (const auto& [path, node] : tree.nodes()) out.emplace(path, std::pair{node.data, tree.stat(node)});
  return out;
}

}  // namespace fl::sim::zkserver::testing
