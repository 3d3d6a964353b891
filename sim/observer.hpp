// What a World tells an optional observer while it runs: messages with their fate,
// node crashes and restarts, network faults, and each replica's log size and
// leadership after every step. It exists for pictures of a run (the HTML report's
// timeline). An observer only watches: it is told after the World has decided, it
// can change nothing, and a run with or without one gives the same trace and hash.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rsm/core/types.hpp"

namespace fl::sim {

enum class NodeChange : std::uint8_t { kCrash, kRestart };
enum class NetworkFault : std::uint8_t { kPartition, kCut, kHeal, kChange };

class WorldObserver {
 public:
  virtual ~WorldObserver() = default;

  // A message left `from` for `to` at `now`: a protocol message (kind is the first
  // word of its trace description), a client "request" or a "reply". `arrivals_us`
  // has one delivery time per copy; empty means the network dropped it at once.
  virtual void on_message(Micros now, NodeId from, NodeId to, std::string_view kind,
                          std::span<const Micros> arrivals_us) = 0;
  // A replica or the ZooKeeper node crashed or restarted; `origin` is "faults[2]",
  // "nemesis" or "boot".
  virtual void on_node(Micros now, NodeId id, NodeChange change, std::string_view origin) = 0;
  // A partition (groups), a one-way cut (groups = {from, to}), a heal (no groups) or
  // a change of network parameters. `text` is what the trace says about it.
  virtual void on_network(Micros now, NetworkFault fault, const std::vector<std::vector<NodeId>>& groups,
                          std::string_view text, std::string_view origin) = 0;
  // After every step of replica `id`: the most requests it holds in memory or on
  // disk, and its epoch if it believes it may order requests.
  virtual void on_replica(Micros now, NodeId id, std::int64_t log_held, std::optional<std::uint64_t> leader_epoch) = 0;
};

}  // namespace fl::sim
