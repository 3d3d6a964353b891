// The typed facts the ZooKeeper endpoint publishes with each request it handles
// (ev::ZkHandled): what the request wrote, what /log holds after it, and a small
// read-only view for the few checks that must ask ZooKeeper's state a question.
// Subscribers read these instead of the data tree, so what ZooKeeper did is worked
// out once, here, and named (STYLE.md "one fact, one place").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/zookeeper/wire.hpp"

namespace fl::sim::zkserver {

class DataTree;

// What one committed write did to a znode.
enum class WriteKind : std::uint8_t { kCreated, kDeleted, kSet };

// One write a committed request made, alone or inside a multi, in order. `path` is
// the node written (for a create, with its sequence suffix), `data` what a create or
// setData wrote (empty for a delete) and `version` the node's version after it (-1
// after a delete). Views into the request and its reply: valid during the event only.
struct ZkWrite {
  WriteKind kind = WriteKind::kCreated;
  std::string_view path;
  std::string_view data;
  fl::zookeeper::Version version = -1;
};

// One entry of /log, the zk protocol's ordered request log: its sequence number
// and how many client requests it holds.
struct ZkLogEntry {
  std::int64_t seq = 0;
  std::int64_t requests = 0;
};

// What /log holds after a request that created or deleted one of its entries: its
// entries in sequence order, and the requests they hold in all (what log_bound
// measures for zk runs, against max_log_size like a replica's log).
struct ZkLog {
  std::vector<ZkLogEntry> entries;
  std::int64_t requests_held = 0;
};

// What a check may learn of one znode.
struct ZnodeFacts {
  fl::zookeeper::Zxid czxid;  // the transaction that created it
  fl::zookeeper::Version version = 0;
};

// ZooKeeper's state as of the fact being published, read-only and narrow: whether a
// node exists (with when it was created and its version) and a node's child names.
// For checks that judge a request against the state it met (a claim against the
// live members, an ordering write against the current /epoch).
class ZkView {
 public:
  explicit ZkView(const DataTree& tree) : tree_(&tree) {}
  // The node at `path`, or nothing if there is none.
  std::optional<ZnodeFacts> node(std::string_view path) const;
  // The child names of the node at `path`, sorted; none if there is no such node.
  std::vector<std::string> children(std::string_view path) const;

 private:
  const DataTree* tree_;
};

}  // namespace fl::sim::zkserver
