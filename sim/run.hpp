// One deterministic run of a scenario with a seed: build the world, run it, check it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/checks/checks.hpp"
#include "sim/history.hpp"
#include "sim/run_options.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/observe/timeline.hpp"
#include "sim/world.hpp"

namespace fl::sim {

// Figures about a run, for people and benchmarks.
struct RunFigures {
  std::uint64_t events = 0;
  std::uint64_t delivered = 0;
  std::uint64_t dropped = 0;
  std::uint64_t applied = 0;
  std::uint64_t faults = 0;
  std::uint64_t leader_changes = 0;
  std::uint64_t trace_lines = 0;
  std::int64_t committed = 0;  // client requests acknowledged
  std::int64_t max_log_held = 0;
  Micros simulated_us = 0;
};

struct RunResult {
  std::uint64_t seed = 0;
  std::uint64_t trace_hash = 0;
  std::vector<CheckResult> checks;
  RunFigures figures;
  History history;
  // Each live replica's table at the end, by replica id: lets tests compare stores.
  std::vector<ReplicaTable> final_tables;
  std::shared_ptr<const Timeline> timeline;  // when RunOptions::record_timeline

  // 0 when every enforced check passes, 1 on a safety violation, 2 on a liveness
  // violation only.
  int exit_code() const;
};

// The scenario after command-line overrides: what actually runs.
Scenario effective_scenario(const Scenario& scenario, const RunOptions& options);

// Runs `scenario` with `options.seed`. Throws BadRunOption if it cannot start.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

// Runs with replicas made by `factory` instead of the scenario's protocol and store:
// for tests that run a deliberately broken replica to prove the checks catch it.
RunResult run_scenario_with(const Scenario& scenario, const RunOptions& options, ReplicaFactory factory);

}  // namespace fl::sim
