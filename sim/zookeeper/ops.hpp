// The write operations of the simulated ZooKeeper, usable alone or inside a multi
// (zookeeper.h: zoo_create, zoo_delete, zoo_set, and zoo_check inside zoo_multi), and
// the per-operation result ZooKeeper reports.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "sim/zookeeper/types.hpp"

namespace fl::sim::zkserver {

// Creates a znode. With a sequential mode `path` is a prefix and the service appends
// the parent's counter; with an ephemeral mode the requesting session owns the node.
struct Create {
  std::string path;
  std::string data;
  CreateMode mode = CreateMode::kPersistent;
};

// Deletes a childless znode if its data version matches (kAnyVersion: any).
struct Delete {
  std::string path;
  Version version = kAnyVersion;
};

// Replaces a znode's data if its data version matches (kAnyVersion: any).
struct SetData {
  std::string path;
  std::string data;
  Version version = kAnyVersion;
};

// Fails the enclosing multi unless the znode exists with this data version. Only
// meaningful inside a multi (ZooKeeper has no standalone check request).
struct Check {
  std::string path;
  Version version = kAnyVersion;
};

// One operation of a multi.
using Op = std::variant<Create, Delete, SetData, Check>;

// What one operation did. `path` is the created path (with its sequence suffix) for
// a create; `stat` is the node's stat after a create or setData. In a failed multi
// every result carries only a code: kOk for the ops before the failing one (they
// were rolled back), the failing op's error, kRuntimeInconsistency for the ops after
// it (never attempted), as ZooKeeper's DataTree.processTxn reports them.
struct OpResult {
  Code code = Code::kOk;
  std::string path;
  std::optional<Stat> stat;

  friend bool operator==(const OpResult&, const OpResult&) = default;
};

}  // namespace fl::sim::zkserver
