// How one run ended, in one shape: the run makes it (sim/run.hpp), the worker pool
// ships it between processes as JSON (cli/pool.cpp), and every report reads it
// (reports/): which run it was, the verdict of every check, the trace hash, the
// figures, and what the HTML report draws (the timeline, the client history and the
// linearizability counterexample) when the run recorded them.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/checks/checks.hpp"
#include "sim/history.hpp"
#include "sim/lin/counterexample.hpp"
#include "sim/observe/run_stats.hpp"
#include "sim/observe/timeline.hpp"

namespace fl::sim {

struct RunOutcome {
  // Which run. The run sets the scenario's name, the effective protocol (a planted
  // bug's variant included) and store, and the seed; the command that started it
  // adds what only it knows: the scenario's file, its own version and the command
  // that reproduces the run.
  std::string faultline_version;
  std::string scenario_name;
  std::string scenario_path;
  std::string protocol;
  std::string store;
  std::uint64_t seed = 0;
  std::string reproduce;

  // What the run found: every check in report order (invariants first), the hash of
  // its trace and its figures.
  std::vector<CheckResult> checks;
  std::uint64_t trace_hash = 0;
  RunFigures figures;
  // Set, with the exit code it ends with, when the run ended without verdicts of its
  // own: its process died (signal, assertion), its store was unavailable (exit 69)
  // or it could not start (exit 64). Then `checks` is empty and there is no hash.
  std::string crash;
  int crash_exit_code = 0;
  double wall_s = 0.0;  // wall-clock seconds, for reports only: not deterministic

  // What reports draw. The history is always there in the process that ran;
  // `counterexample` is the linearizable check's, as data, when that check failed
  // on a key; `timeline` only when RunOptions::record_timeline asked for it.
  History history;
  std::optional<lin::Counterexample> counterexample;
  std::shared_ptr<const Timeline> timeline;
  // Each live replica's table at the end, by replica id, so tests can compare
  // stores. Only in the process that ran (not in the JSON).
  std::vector<ReplicaTable> final_tables;

  // The crash's exit code when it crashed; else 0 when every enforced check passes,
  // 1 on a safety violation, 2 on a liveness violation only (sim/exit_codes.hpp).
  int exit_code() const;
  // The check of this kind (the first, for kInvariant), or null if it did not run.
  const CheckResult* check(CheckKind kind) const;
  // The trace hash as 16 hex digits, or empty when the run crashed.
  std::string trace_hash_text() const;
};

// 0, 1 or 2 for these checks, as RunOutcome::exit_code says.
int exit_code_of(const std::vector<CheckResult>& checks);

// The outcome as JSON and back, for the worker pool: every field but final_tables;
// the history only with a timeline (what a report draws needs it; nothing else does,
// and a sweep's runs need not ship their histories). The timeline's messages and
// the history are flat arrays of numbers, to keep a long run's document cheap to
// write and read. from_json throws (nlohmann::json::exception or
// std::invalid_argument) on a malformed document.
void to_json(nlohmann::json& j, const RunOutcome& outcome);
void from_json(const nlohmann::json& j, RunOutcome& outcome);

}  // namespace fl::sim
