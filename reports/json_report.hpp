// Machine-readable reports: report.json for one run and for a sweep of runs. CI jobs
// and scripts read these instead of scraping terminal output; the fields are
// documented in reports/README.md. Key order is deterministic (alphabetical).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/checks/checks.hpp"
#include "sim/exit_codes.hpp"
#include "sim/run.hpp"

namespace fl::reports {

// Everything a report says about one finished (or crashed) run. A plain struct so the
// CLI can fill it from a sim::RunResult or from a pool's cli::RunSummary alike.
struct RunReportInput {
  std::string faultline_version;  // e.g. "0.1.0"
  std::string scenario_name;
  std::string scenario_path;
  std::string protocol;  // effective, after command-line overrides
  std::string store;     // effective, after command-line overrides
  std::uint64_t seed = 0;
  int exit_code = 0;  // 0 ok, 1 safety, 2 liveness (sim/exit_codes.hpp)
  std::string crash;  // non-empty when the run died instead of finishing
  std::vector<sim::CheckResult> checks;
  std::string trace_hash;  // as sim::hex16 prints it; empty if the run crashed
  sim::RunFigures figures;
  double wall_s = 0.0;     // wall-clock time the run took; the only non-deterministic field
  std::string reproduce;   // the exact command that reruns this seed
};

// The outcome of a run as reports name it.
enum class RunVerdict { kPass, kFailSafety, kFailLiveness, kCrashed, kStoreUnavailable };

// Exit code 69 is a store that could not be reached (no verdict about the protocol);
// otherwise crash text wins, then the exit code decides (0 pass, 1 safety, 2
// liveness). Any other exit code means the run ended without a verdict: crashed.
RunVerdict run_verdict(const RunReportInput& run);

// "pass", "fail-safety", "fail-liveness", "crashed" or "store-unavailable".
std::string_view run_verdict_name(RunVerdict verdict);

// The report of one run. "reproduce" is present only when the run did not pass and
// "crash" only when there is crash text.
nlohmann::json run_report(const RunReportInput& run);

// A run's report read back (the inverse of run_report; "verdict" is derived, so it is
// only checked against the exit code and crash text), or "FIELD: reason" when the
// JSON is not such a report. `faultline report merge` reads shards' runs with it.
std::variant<RunReportInput, std::string> read_run_report(const nlohmann::json& report);

// `runs` in report order: failing runs first, then by scenario name and seed (ties
// broken by path, protocol and store), independent of the order runs finished in.
std::vector<const RunReportInput*> report_order(const std::vector<RunReportInput>& runs);

// The report of many runs: each run's report, failing runs first, then by scenario
// name and seed; plus a summary of counts. The version is taken from the first run.
nlohmann::json sweep_report(const std::vector<RunReportInput>& runs);

// Writes sweep_report(runs), with the members of `extra` (an object) added at the top
// level, to `path`: the same bytes write_json_file would write, but rendered one run
// at a time, so that a sweep of a million runs never holds all their JSON at once.
// Returns an empty string on success or a message naming the path and the reason.
std::string write_sweep_report_file(const std::string& path, const std::vector<RunReportInput>& runs,
                                    const nlohmann::json& extra = nlohmann::json::object());

// Writes `report` pretty-printed to `path`. Returns an empty string on success or a
// message naming the path and the reason; never throws.
std::string write_json_file(const std::string& path, const nlohmann::json& report);

// Writes `text` to `path`, replacing the file. Returns an empty string on success or
// a message naming the path and the reason; never throws.
std::string write_text_file(const std::string& path, std::string_view text);

// `text` with every byte that does not start a valid UTF-8 sequence replaced by
// U+FFFD, so check details and crash output can go into JSON and XML safely.
std::string valid_utf8(std::string_view text);

}  // namespace fl::reports
