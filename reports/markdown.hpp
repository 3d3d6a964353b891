// The verdict table of a suite, sweep or run (scenario x protocol x check), as plain
// text for a terminal and as Markdown (summary.md) for a CI job summary. The Markdown
// also lists the failing runs with the command that reproduces each; its format is
// documented in reports/README.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/outcome.hpp"

namespace fl::reports {

// How one check fared over every seed of one scenario under one protocol.
struct Cell {
  int pass = 0;
  int fail = 0;             // enforced and failed
  int unexpected_pass = 0;  // not enforced, passed anyway
  int tolerated_fail = 0;   // not enforced and failed
  int skip = 0;
};

// A run that did not pass, as the failure list names it.
struct FailedRun {
  std::uint64_t seed = 0;
  std::string what;       // "crashed: ..." or the enforced checks that failed, comma-separated
  std::string reproduce;  // the exact command that reruns this seed
};

// One scenario under one protocol, over all its seeds.
struct ScenarioRow {
  std::string scenario;
  std::string protocol;
  int runs = 0;
  int failed_runs = 0;
  std::vector<FailedRun> failures;  // in the order the runs were given
  std::map<std::string, Cell> cells;
};

// Rows and the check columns they share.
struct SuiteTable {
  std::vector<std::string> checks;  // column order: as the runs report them
  std::vector<ScenarioRow> rows;    // failing rows first, then by scenario name, then protocol
};

// At most this many failing runs are listed under the Markdown table; the rest are
// counted (report.json and junit.xml have them all).
inline constexpr std::size_t kFailuresListedMax = 20;

// Groups runs into one row per (scenario, protocol) and one cell per check.
SuiteTable tabulate(const std::vector<sim::RunOutcome>& runs);
// "pass", "FAIL 2/5", "skip", "-": the text of one cell.
std::string cell_text(const Cell& cell, int runs);
// The table for a terminal, columns padded with spaces.
std::string render_text(const SuiteTable& table);
// summary.md: a heading naming `title` (e.g. "faultline suite") with the counts, the
// whole `command_line` that made it (left out when empty), the table, and a
// "Failures" list with each failing run's reproduce command.
std::string render_markdown(const SuiteTable& table, std::string_view title, std::string_view command_line = "");

// `text` safe inside a Markdown table cell or list item: line breaks become spaces
// and characters that would end a cell or start markup (| \ ` * _ [ ] < > ~ &) are
// backslash-escaped, so a name or detail always reads as the literal text.
std::string markdown_text(std::string_view text);
// `text` as one Markdown code span, fenced with more backticks than any run inside
// it, so a command containing backticks still copies exactly.
std::string markdown_code(std::string_view text);

}  // namespace fl::reports
