// One deterministic run of a scenario with a seed: build the world, run it, check it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sim/checks/checks.hpp"
#include "sim/history.hpp"
#include "sim/observe/timeline.hpp"
#include "sim/outcome.hpp"
#include "sim/run_options.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/world.hpp"

namespace fl::sim {

// The run's one result type is RunOutcome (sim/outcome.hpp). RunResult is its old
// name, kept for the tests and benchmarks that still say it.
using RunResult = RunOutcome;

// The scenario after command-line overrides: what actually runs.
Scenario effective_scenario(const Scenario& scenario, const RunOptions& options);

// Throws BadRunOption if the run could not be what was asked for, before any work:
// an unknown protocol, planted bug or store, a trace file that cannot be written, or
// a scenario naming the ZooKeeper node ("zk") under a protocol that runs without one
// (its faults would quietly do nothing). Commands call it before their first run.
void check_run_options(const Scenario& scenario, const RunOptions& options);

// Runs `scenario` with `options.seed` and judges it: the outcome names the run
// (scenario name, effective protocol and store, seed) and holds every verdict, the
// trace hash, the figures and the history; and the timeline when
// `options.record_timeline`. Throws BadRunOption if it cannot start.
RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options);

// Runs with replicas made by `factory` instead of the scenario's protocol and store:
// for tests that run a deliberately broken replica to prove the checks catch it.
RunOutcome run_scenario_with(const Scenario& scenario, const RunOptions& options, ReplicaFactory factory);

}  // namespace fl::sim
