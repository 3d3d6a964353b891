// What a ZooKeeper request does to /log, the zk protocol's ordered request log:
// how many entries it creates and whether it deletes any, alone or in a multi.
#pragma once

#include <cstdint>

#include "rsm/zk/wire.hpp"

namespace fl::sim::zk {

struct LogChanges {
  std::uint64_t creates = 0;  // ordering writes: creates under /log
  bool deletes = false;       // collections: deletes under /log
};

// Counts what `request` asks of /log (whether or not ZooKeeper accepted it).
LogChanges log_changes(const fl::zk::RequestMessage& request);

}  // namespace fl::sim::zk
