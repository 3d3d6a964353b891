// The data the HTML report's timeline draws, as compact JSON: lanes, messages,
// faults, leadership, log sizes, the client history and the linearizability
// counterexample. Big runs are thinned here, with the thinning stated in the data,
// so the page stays small and quick: messages beyond a cap are sampled evenly (a
// per-lane traffic histogram still counts them all), log sizes keep each time
// bucket's peak, and operations beyond a cap are sampled, keeping every operation
// of the counterexample. The fields are documented in reports/README.md.
#pragma once

#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "sim/outcome.hpp"

namespace fl::reports {

// How much of a run the page carries at most.
struct TimelineLimits {
  std::size_t messages_max = 40'000;
  std::size_t ops_max = 40'000;
  std::size_t log_buckets = 2'000;      // per replica
  std::size_t traffic_buckets = 1'000;  // per lane
  std::size_t op_text_max = 160;        // characters of an operation's description
};

// The data of `run`'s timeline, which must have been recorded (run.timeline set).
nlohmann::json timeline_json(const sim::RunOutcome& run, const TimelineLimits& limits = {});

}  // namespace fl::reports
