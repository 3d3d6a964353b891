// A run's figures, counted by a subscriber of its event stream: deliveries, drops,
// applies, faults, leader changes and the largest log any replica (or ZooKeeper's
// /log) held, which the log_bound check judges.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/events.hpp"

namespace fl::sim {

// Figures about a run, for people and benchmarks: the part of a run's outcome
// (sim/outcome.hpp) that counts. StatsCounter counts most of them from the event
// stream; the run adds those it knows itself (events, trace_lines, committed,
// simulated_us).
struct RunFigures {
  std::uint64_t events = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t applied = 0;
  std::uint64_t faults = 0;
  std::uint64_t leader_changes = 0;
  std::uint64_t trace_lines = 0;
  std::int64_t committed = 0;     // client requests acknowledged
  std::int64_t max_log_held = 0;  // over all replicas (and ZooKeeper's /log) and all moments
  Micros simulated_us = 0;
};

class StatsCounter final : public EventSink {
 public:
  void on_event(Micros now, const RunEvent& event) override;
  const RunFigures& figures() const { return figures_; }
  // Where and when the largest log was held: "r1 at t=...", or "zk /log at t=...".
  const std::string& max_log_held_where() const { return max_log_held_where_; }
  // When the last fault (or heal) fired.
  Micros last_fault_us() const { return last_fault_us_; }

 private:
  // A log (a replica's, or ZooKeeper's /log without `replica`) holds `requests`.
  void held(std::int64_t requests, Micros now, std::optional<NodeId> replica);

  RunFigures figures_;
  std::string max_log_held_where_;
  Micros last_fault_us_ = 0;
  std::uint64_t leader_epoch_seen_ = 0;
};

}  // namespace fl::sim
