// One deterministic run of a scenario with a seed: build the world, run it, check it.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/checks.hpp"
#include "sim/history.hpp"
#include "sim/scenario.hpp"
#include "sim/timeline.hpp"
#include "sim/world.hpp"

namespace fl {
class CassandraSession;
}

namespace fl::sim {

// A run that cannot start because of what the user asked for (an unknown protocol,
// a store that is not available). The CLI reports it as bad input (exit 64).
class BadRunOption : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  std::uint64_t seed = 1;
  std::string protocol;    // overrides the scenario's when not empty
  // A planted bug of the (effective) protocol, e.g. "skip-adoption" (see
  // `faultline variants`); empty runs the protocol as it is.
  std::string variant;
  std::string store;       // overrides the scenario's when not empty
  std::string trace_path;  // writes every trace line there when not empty
  std::string cassandra;   // HOST:PORT of the server for the cassandra store
  std::string cassandra_replication;  // keyspace replication map (CQL); empty: one copy
  // A Cassandra connection to reuse across runs, for tests and benchmarks that run
  // many in one process. The run then takes the session's endpoint and replication,
  // and its replicas reuse the session's keyspaces (emptied when a run's store opens
  // them) instead of creating and dropping their own: about two seconds of schema
  // changes saved per run. Runs sharing a session must not run concurrently.
  std::shared_ptr<CassandraSession> cassandra_session;
  // Records a Timeline for the HTML report. It changes nothing about the run (same
  // trace, same hash) but costs memory and time, so it is off unless asked for.
  bool record_timeline = false;
};

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
