// `--recheck FRACTION`: a sweep or suite runs a fraction of its runs a second time,
// each in a fresh `faultline run` process (a new exec, so a new address-space layout
// and no state left over from the first run), and requires the very same trace hash.
// A different hash means the run is not deterministic: its seed no longer reproduces
// what the sweep reported, so no verdict about it can be trusted. This header holds
// what decides and reports that; the command (cli/recheck.cpp) starts the runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reports/json_report.hpp"

namespace fl::reports {

// The exit code of a sweep, suite or merge in which some rechecked run gave a
// different trace hash. It takes precedence over 1 and 2 (their verdicts rest on
// reproducible runs) but not over 64 or 69.
using fl::kExitNondeterministic;

// One rechecked run whose second trace hash differed from its first.
struct RecheckMismatch {
  std::string scenario_name;
  std::string scenario_path;
  std::string protocol;  // effective
  std::string store;     // effective
  std::uint64_t seed = 0;
  std::string first_hash;   // as the sweep reported it
  std::string second_hash;  // as the fresh process printed it; empty when it printed none
  std::string reproduce;    // the command that was run the second time
};

// What --recheck found.
struct RecheckOutcome {
  double fraction = 0.0;        // as given to --recheck
  std::uint64_t rechecked = 0;  // runs run a second time
  std::vector<RecheckMismatch> mismatches;
};

// Which of `candidates` runs (indices in task order) to run again: ceil(candidates x
// fraction) of them, at least one when fraction > 0, spread evenly and always
// including the first. Deterministic: the same inputs pick the same runs.
std::vector<std::size_t> recheck_picks(std::size_t candidates, double fraction);

// The 16 hex digits of the last "trace-hash: " line of `faultline run`'s output, or
// an empty string when there is none.
std::string trace_hash_in_output(std::string_view output);

// Compares a run's trace hash with the one its rerun printed: nullopt when they are
// equal, else the mismatch (a rerun that printed no hash is one too).
std::optional<RecheckMismatch> compare_recheck(const sim::RunOutcome& first, std::string_view rerun_output);

// Two lines for the terminal: the run, both hashes, and the command to reproduce it.
std::string recheck_mismatch_text(const RecheckMismatch& mismatch);

// One line for the terminal: how many runs were rechecked and whether all agreed.
std::string recheck_summary_text(const RecheckOutcome& outcome);

// A "### Recheck" section for summary.md.
std::string recheck_markdown(const RecheckOutcome& outcome);

// The "recheck" object of report.json, and back ("FIELD: reason" when malformed).
nlohmann::json recheck_json(const RecheckOutcome& outcome);
std::variant<RecheckOutcome, std::string> read_recheck_json(const nlohmann::json& value);

}  // namespace fl::reports
