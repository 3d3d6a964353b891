// The catalogue of planted bugs in the ZooKeeper-coordinated protocol, switched on
// by ReplicaConfig::mutation; real runs use kNone.
#pragma once

#include <cstdint>
#include <span>

#include "rsm/core/variant.hpp"

namespace fl::zk {

enum class ZkMutation : std::uint8_t {
  kNone,
  kNoFence,  // never steps down and orders without checking /epoch: a replaced leader keeps ordering
};

// One catalogue row: the switch and how it is listed.
struct ZkVariant {
  ZkMutation mutation;
  VariantInfo info;
};

// Every planted zk bug, in listing order.
std::span<const ZkVariant> variants();

}  // namespace fl::zk
