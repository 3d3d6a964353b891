// What a World tells an optional observer while it runs: messages with their fate,
// node crashes, restarts, pauses and resumes, network faults, each replica's log size
// and leadership after every step, and the size of ZooKeeper's /log. It exists for pictures of a run (the HTML report's
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

// A pause freezes a replica without losing anything (its inputs wait) until the
// resume; a crash also ends a pause.
enum class NodeChange : std::uint8_t { kCrash, kRestart, kPause, kResume };
enum class NetworkFault : std::uint8_t { kPartition, kCut, kHeal, kChange };

class WorldObserver {
 public:
  virtual ~WorldObserver() = default;

  // A message left `from` for `to` at `now`: a protocol message (kind is the first
  // word of its trace description), a client "request" or a "reply". `arrivals_us`
  // has one delivery time per copy; empty means the network dropped it at once.
  virtual void on_message(Micros now, NodeId from, NodeId to, std::string_view kind,
                          std::span<const Micros> arrivals_us) = 0;
  // A replica or the ZooKeeper node crashed or restarted, or a replica was paused or
  // resumed; `origin` is "faults[2]", "nemesis" or "boot".
  virtual void on_node(Micros now, NodeId id, NodeChange change, std::string_view origin) = 0;
  // A partition (groups), a one-way cut (groups = {from, to}), a heal (no groups) or
  // a change of network parameters. `text` is what the trace says about it.
  virtual void on_network(Micros now, NetworkFault fault, const std::vector<std::vector<NodeId>>& groups,
                          std::string_view text, std::string_view origin) = 0;
  // After every step of replica `id`: the most requests it holds in memory or on
  // disk, and its epoch if it believes it may order requests.
  virtual void on_replica(Micros now, NodeId id, std::int64_t log_held, std::optional<std::uint64_t> leader_epoch) = 0;
  // After every request ZooKeeper commits that creates or deletes a /log entry (zk
  // runs only): the requests its /log holds, the figure log_bound measures for zk.
  virtual void on_zk_log(Micros now, std::int64_t log_held) = 0;
};

}  // namespace fl::sim
