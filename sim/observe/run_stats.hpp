// A run's figures, counted by a subscriber of its event stream: deliveries, drops,
// applies, faults, leader changes and the largest log any replica (or ZooKeeper's
// /log) held, which the log_bound check judges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/events.hpp"

namespace fl::sim {

struct WorldStats {
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t applied = 0;
  std::uint64_t faults = 0;
  std::uint64_t leader_changes = 0;
  std::int64_t max_log_held = 0;   // over all replicas and all moments
  std::string max_log_held_where;  // "r1 at t=...", or "zk /log at t=..."
  Micros last_fault_us = 0;        // when the last fault (or heal) fired
};

class StatsCounter final : public EventSink {
 public:
  void on_event(Micros now, const RunEvent& event) override;
  const WorldStats& stats() const { return stats_; }

 private:
  // A log (a replica's, or ZooKeeper's /log without `replica`) holds `requests`.
  void held(std::int64_t requests, Micros now, std::optional<NodeId> replica);

  WorldStats stats_;
  std::uint64_t leader_epoch_seen_ = 0;
};

}  // namespace fl::sim
