// What a ZooKeeper request writes: its write operations, and what they do to /log,
// the zk protocol's ordered request log (entries created, entries deleted).
#pragma once

#include <cstdint>
#include <vector>

#include "rsm/zk/wire.hpp"

namespace fl::sim::zk {

struct LogChanges {
  std::uint64_t creates = 0;  // ordering writes: creates under /log
  bool deletes = false;       // collections: deletes under /log
};

// Counts what `request` asks of /log (whether or not ZooKeeper accepted it).
LogChanges log_changes(const fl::zk::RequestMessage& request);

// The write operations of `request`, alone or inside a multi, in order; empty for
// reads, pings and session requests.
std::vector<fl::zk::Op> writes_of(const fl::zk::RequestMessage& request);

}  // namespace fl::sim::zk
