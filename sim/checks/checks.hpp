// End-of-run checks over what clients saw and what the replicas hold. Each check
// gives a verdict with evidence a person can follow; the runner turns failed
// checks that the scenario expects to pass into exit codes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rsm/core/request.hpp"
#include "sim/checks/check_result.hpp"
#include "sim/history.hpp"
#include "sim/lin/check.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// The final table of one live replica.
struct ReplicaTable {
  NodeId id;
  std::vector<Row> rows;
};

// Everything the checks need about a finished run.
struct RunFacts {
  const History* history = nullptr;
  // The linearizable check's judgement when the run has already searched the history
  // (it keeps the counterexample for its reports); else run_checks judges `history`.
  const LinearizableJudgement* linearizable = nullptr;
  std::vector<ReplicaTable> live_tables;  // replicas up at the end, in id order
  std::int64_t max_log_held = 0;
  std::string max_log_held_where;
  // The invariants judged during the run (sim/invariants/), in report order: they
  // come first in the report and are always enforced.
  std::vector<CheckResult> invariants;
  Micros last_fault_us = 0;
  Micros end_us = 0;
  Micros duration_us = 0;
};

// Every replica that is up at the end holds the same table, strictly equal. A
// replica that merely lags (its lists are prefixes of the others') is a liveness
// failure; different contents are a safety failure.
CheckResult check_converged(const RunFacts& facts);
// Every acknowledged append is in every live replica's table, and two appends to
// the same key appear in acknowledgement order when one completed before the other began.
CheckResult check_durable(const RunFacts& facts);
// No appended value appears twice in any live replica's table.
CheckResult check_exactly_once(const RunFacts& facts);
// No replica ever held more than `max_log_size` requests in memory or on disk.
CheckResult check_log_bound(const RunFacts& facts, std::int64_t max_log_size);
// Requests complete within the bound: always, after the last fault, or not required.
CheckResult check_liveness(const RunFacts& facts, Progress progress, Micros bound_us);

// All checks of a run, in report order (the invariants first), with `enforced` set
// from the expectations.
std::vector<CheckResult> run_checks(const RunFacts& facts, const Scenario& scenario);

}  // namespace fl::sim
