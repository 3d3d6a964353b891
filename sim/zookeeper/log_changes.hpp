// What a ZooKeeper request writes: its write operations, and what they do to /log,
// the zk protocol's ordered request log (entries created, entries deleted).
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "rsm/zookeeper/wire.hpp"

namespace fl::sim::zkserver {

struct LogChanges {
  std::uint64_t creates = 0;  // ordering writes: creates under /log
  bool deletes = false;       // collections: deletes under /log
};

// Counts what `request` asks of /log (whether or not ZooKeeper accepted it).
LogChanges log_changes(const fl::zookeeper::RequestMessage& request);

class DataTree;
// The requests /log holds in `tree`, ZooKeeper's tree after it handled `request`
// and answered `reply` (null: no answer), when that request created or deleted a
// /log entry; nothing when /log is as it was. This is what log_bound measures for zk
// runs, against max_log_size like a replica's log.
std::optional<std::int64_t> log_held_after(const fl::zookeeper::RequestMessage& request,
                                           const fl::zookeeper::ReplyMessage* reply, const DataTree& tree);

// Calls `visit` with each write operation of `request` (a Create, Delete, SetData or
// Check), alone or inside a multi, in order; never for reads, pings and session
// requests. Nothing is copied: invariants call it for every request ZooKeeper handles.
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
