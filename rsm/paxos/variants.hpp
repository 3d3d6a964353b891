// The catalogue of planted Paxos bugs. Each is a one-line kind of mistake a person
// writes (a comparison off by one, a sync forgotten, a quorum miscounted), switched
// on by Config::mutation; real runs use kNone.
#pragma once

#include <cstdint>
#include <span>

#include "rsm/core/variant.hpp"

namespace fl::paxos {

enum class Mutation : std::uint8_t {
  kNone,
  kSkipValueAdoption,  // a new leader ignores the values reported in promises (breaks P2c)
  kNeverSync,          // never asks for a sync: replies go out before anything is durable
  kLocalReads,         // answers reads from the local copy without ordering them (stale reads)
};

// One catalogue row: the switch and how it is listed.
struct PaxosVariant {
  Mutation mutation;
  VariantInfo info;
};

// Every planted Paxos bug, in listing order.
std::span<const PaxosVariant> variants();

}  // namespace fl::paxos
