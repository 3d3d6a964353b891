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
#include "sim/outcome.hpp"

namespace fl::reports {

// The outcome of a run as reports name it.
enum class RunVerdict { kPass, kFailSafety, kFailLiveness, kCrashed, kStoreUnavailable };

// Exit code 69 is a store that could not be reached (no verdict about the protocol);
// otherwise crash text wins, then the exit code decides (0 pass, 1 safety, 2
// liveness). Every report reads a run as sim::RunOutcome (sim/outcome.hpp).
RunVerdict run_verdict(const sim::RunOutcome& run);

// "pass", "fail-safety", "fail-liveness", "crashed" or "store-unavailable".
std::string_view run_verdict_name(RunVerdict verdict);

// The report of one run. "reproduce" is present only when the run did not pass and
// "crash" only when there is crash text.
nlohmann::json run_report(const sim::RunOutcome& run);

// A run's report read back (the inverse of run_report; "verdict" is derived, so it is
// only checked against the exit code and crash text, and "exit_code" without crash
// text only against the checks), or "FIELD: reason" when the
// JSON is not such a report. `faultline report merge` reads shards' runs with it.
std::variant<sim::RunOutcome, std::string> read_run_report(const nlohmann::json& report);

// Whether `a` comes before `b` in report order (below).
bool report_before(const sim::RunOutcome& a, const sim::RunOutcome& b);

// `runs` in report order: failing runs first, then by scenario name and seed (ties
// broken by path, protocol and store), independent of the order runs finished in.
std::vector<const sim::RunOutcome*> report_order(const std::vector<sim::RunOutcome>& runs);

// The report of many runs: each run's report, failing runs first, then by scenario
// name and seed; plus a summary of counts. The version is taken from the first run.
nlohmann::json sweep_report(const std::vector<sim::RunOutcome>& runs);

// Writes sweep_report(runs), with the members of `extra` (an object) added at the top
// level, to `path`: the same bytes write_json_file would write, but rendered one run
// at a time, so that a sweep of a million runs never holds all their JSON at once.
// Returns an empty string on success or a message naming the path and the reason.
std::string write_sweep_report_file(const std::string& path, const std::vector<sim::RunOutcome>& runs,
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
