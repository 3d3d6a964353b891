// The suite's verdict table (scenario x check), as plain text for a terminal and
// as Markdown for a CI job summary.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/checks.hpp"

namespace fl::reports {

// One finished run as the table needs it.
struct RunRow {
  std::string scenario;
  std::uint64_t seed = 0;
  int exit_code = 0;
  std::string crash;  // non-empty when the run died instead of finishing
  std::vector<sim::CheckResult> checks;
};

// How one check fared over every seed of one scenario.
struct Cell {
  int pass = 0;
  int fail = 0;             // enforced and failed
  int unexpected_pass = 0;  // not enforced, passed anyway
  int tolerated_fail = 0;   // not enforced and failed
  int skip = 0;
};

struct ScenarioRow {
  std::string scenario;
  int runs = 0;
  int failed_runs = 0;
  std::vector<std::uint64_t> failed_seeds;
  std::map<std::string, Cell> cells;
};

struct SuiteTable {
  std::vector<std::string> checks;  // column order: as the runs report them
  std::vector<ScenarioRow> rows;    // failing scenarios first, then by name
};

SuiteTable tabulate(const std::vector<RunRow>& runs);
// "pass", "FAIL 2/5", "skip", "-": the text of one cell.
std::string cell_text(const Cell& cell, int runs);
std::string render_text(const SuiteTable& table);
std::string render_markdown(const SuiteTable& table);

}  // namespace fl::reports
