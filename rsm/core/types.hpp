// Vocabulary types shared by protocol cores, the simulator and the real runtime.
// Tagged integers keep a slot from being passed where a node id is expected
// (ScyllaDB raft_fwd.hh style); they cost nothing at run time.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace fl {

// An integer with a tag type, so that ids of different kinds do not mix.
template <class Tag, class Rep>
struct Tagged {
  Rep value{};
  constexpr Tagged() = default;
  constexpr explicit Tagged(Rep v) : value(v) {}
  constexpr auto operator<=>(const Tagged&) const = default;
};

using NodeId = Tagged<struct NodeIdTag, std::uint32_t>;
using ClientId = Tagged<struct ClientIdTag, std::uint32_t>;
// Per-client request sequence number; a retry reuses it, a new request increments it.
using RequestId = Tagged<struct RequestIdTag, std::uint64_t>;
// A position in the replicated log; slot 0 is "before the first entry".
using Slot = Tagged<struct SlotTag, std::int64_t>;

// Simulated (or real) time in integer microseconds. Never a floating value:
// float rounding would make traces differ between builds.
using Micros = std::int64_t;

inline constexpr Micros kMillis = 1000;
inline constexpr Micros kSeconds = 1000 * kMillis;

// "r3" for node 3: the name scenario files and traces use for replicas.
std::string replica_name(NodeId id);

}  // namespace fl

template <class Tag, class Rep>
struct std::hash<fl::Tagged<Tag, Rep>> {
  std::size_t operator()(const fl::Tagged<Tag, Rep>& t) const noexcept { return std::hash<Rep>{}(t.value); }
};
