// The trace as a subscriber of the run's event stream: one line per fact that the
// trace has always recorded (deliveries, drops, timers, faults, client calls and
// returns, applies, protocol notes), worded as it always was, so that a trace hash
// stays the fingerprint of a run across versions (sim/observe/trace.hpp).
#pragma once

#include "sim/events.hpp"
#include "sim/observe/trace.hpp"

namespace fl::sim {

class TraceWriter final : public EventSink {
 public:
  // Writes to `trace` (not owned), naming endpoints as `endpoints` says.
  TraceWriter(Trace& trace, Endpoints endpoints) : trace_(trace), endpoints_(endpoints) {}

  void on_event(Micros now, const RunEvent& event) override;

 private:
  template <class E>
  void on(Micros now, const E& e);

  Trace& trace_;
  Endpoints endpoints_;
};

}  // namespace fl::sim
