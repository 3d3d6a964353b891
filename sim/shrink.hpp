// Shrinking a failing run: a search for a smaller scenario that, with the same seed,
// still fails the same check. Delta debugging (Zeller & Hildebrandt, "Simplifying and
// Isolating Failure-Inducing Input", IEEE TSE 2002: ddmin) over the fault schedule,
// then plain numeric reductions of the workload and the run's length, repeated until
// nothing more can be removed. Every candidate is a whole deterministic run; the
// search never looks inside one, so it works for any check and any protocol.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/checks/checks.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// What a smaller scenario must keep: this check, enforced, failing with this severity
// (converged and durable fail as safety or as liveness; a lagging replica is not
// the divergence being shrunk).
struct ShrinkTarget {
  std::string check;
  Severity severity = Severity::kSafety;
};

// The first enforced check that failed, in report order; nullopt when all passed.
std::optional<ShrinkTarget> first_failing_check(const std::vector<CheckResult>& checks);

// True when `checks` has the target's check enforced and failing with its severity.
bool fails_target(const std::vector<CheckResult>& checks, const ShrinkTarget& target);

// One candidate's run as the search sees it: its checks, or none if it aborted.
struct CandidateRun {
  bool aborted = false;
  std::vector<CheckResult> checks;
};

// Runs candidates with the failing run's seed and options and returns one result
// per candidate, in order; it may run them in parallel. The search hands it at most
// ShrinkOptions::batch candidates at once.
using RunCandidates = std::function<std::vector<CandidateRun>(const std::vector<Scenario>&)>;

// A scenario's size in the dimensions the search reduces.
struct ScenarioSize {
  bool nemesis = false;
  std::size_t nemesis_faults = 0;  // what the nemesis expands to with the run's seed
  std::size_t faults = 0;          // scheduled faults (a rolling element counts its crashes and restarts)
  int clients = 0;
  int requests_max = 0;  // 0 = unlimited
  int keys = 0;
  int replicas = 0;
  Micros duration_us = 0;
  Micros quiesce_us = 0;
};

// `seed` and `has_zk` as in ShrinkOptions, to count the nemesis's faults.
ScenarioSize size_of(const Scenario& scenario, std::uint64_t seed, bool has_zk);

// True when `a` is nowhere larger than `b`: faults (the nemesis's counted), clients,
// requests (unlimited is the most), keys, replicas, duration and quiesce each ≤, and
// no nemesis unless `b` has one.
bool no_larger(const ScenarioSize& a, const ScenarioSize& b);

// The scenario's faults and its nemesis's (expand_nemesis with `seed`), merged in
// the order the World applies them: by time, and at one instant the scenario's own
// faults first (they are queued before the nemesis's), each list in its order. The
// nemesis's keep origin "nemesis". Without a nemesis, the scenario's faults.
std::vector<TimedFault> nemesis_as_faults(const Scenario& scenario, std::uint64_t seed, bool has_zk);

// What the search reports each time the smallest failing scenario shrinks.
struct ShrinkProgress {
  std::string_view stage;  // the reduction that made it, e.g. "fault pairs", "clients"
  int runs = 0;
  ScenarioSize size;
};

struct ShrinkOptions {
  ShrinkTarget target;
  // The run's seed and whether its protocol has a ZooKeeper node: expand_nemesis
  // needs both to list the faults the nemesis applied.
  std::uint64_t seed = 1;
  bool has_zk = false;
  int budget_runs = 2000;  // candidate runs at most; the search stops there
  int batch = 1;           // candidates per RunCandidates call (the CLI's --jobs)
  std::function<void(const ShrinkProgress&)> on_progress;
};

// What became of the nemesis.
enum class NemesisFate {
  kNone,      // the input had none
  kReplaced,  // replaced by its expanded fault list, which failed the same way
  kRemoved,   // its list did not fail the same way, but the run failed without it
  kKept,      // neither: it stays
};

struct ShrinkResult {
  Scenario scenario;  // the smallest scenario found that still fails the target
  ScenarioSize before, after;
  NemesisFate nemesis = NemesisFate::kNone;
  std::size_t nemesis_faults = 0;  // the faults it was replaced by (kReplaced)
  int runs = 0;                    // candidate runs made
  int cached = 0;                  // candidates met again, answered from memory
  int invalid = 0;                 // distinct candidates the parser rejects (e.g. a fault naming a removed replica)
  bool budget_exhausted = false;
};

// Searches for a smaller scenario that still fails options.target with the same
// seed. `failing` must fail it. Reductions, repeated until a fixpoint or the budget:
// the nemesis into its explicit fault list; ddmin over the faults, first with each
// fault grouped with its undo (crash/restart, pause/resume, partitions and cuts with
// their heal, a network change with the next), then one by one; every fault moved
// earlier by the same amount; then duration, clients, requests_max, keys, quiesce
// (not below the liveness bound) and replicas.
// Every candidate goes through write_scenario and parse_scenario first, so what the
// search ran is exactly what the written file says; the parser's rejects are skipped.
// Results do not depend on options.batch unless the budget runs out.
ShrinkResult shrink(const Scenario& failing, const RunCandidates& run, const ShrinkOptions& options);

// What the search removed, e.g. "nemesis → 14 faults; faults 14 → 3; clients 5 → 2;
// requests unlimited → 40; duration 30s → 6s", or "nothing" when nothing could be.
std::string describe_shrink(const ShrinkResult& result);

// The size as one line, e.g. "3 faults, 2 clients, 40 requests, 8 keys, 3 replicas,
// duration 6s, quiesce 8s" (with "nemesis (14 faults), " first when there is one).
std::string describe_size(const ScenarioSize& size);

}  // namespace fl::sim
