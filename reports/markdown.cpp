#include "reports/markdown.hpp"

#include <algorithm>
#include <sstream>

namespace fl::reports {

SuiteTable tabulate(const std::vector<RunRow>& runs) {
  SuiteTable table;
  std::map<std::string, ScenarioRow> by_name;
  for (const RunRow& run : runs) {
    ScenarioRow& row = by_name[run.scenario];
    row.scenario = run.scenario;
    ++row.runs;
    if (run.exit_code != 0) {
      ++row.failed_runs;
      row.failed_seeds.push_back(run.seed);
    }
    for (const auto& c : run.checks) {
      if (std::find(table.checks.begin(), table.checks.end(), c.name) == table.checks.end()) {
        table.checks.push_back(c.name);
      }
      Cell& cell = row.cells[c.name];
      if (c.verdict == sim::Verdict::kSkip) {
        ++cell.skip;
      } else if (c.verdict == sim::Verdict::kPass) {
        ++(c.enforced ? cell.pass : cell.unexpected_pass);
      } else {
        ++(c.enforced ? cell.fail : cell.tolerated_fail);
      }
    }
  }
  for (auto& [name, row] : by_name) table.rows.push_back(std::move(row));
  std::stable_sort(table.rows.begin(), table.rows.end(),
                   [](const ScenarioRow& a, const ScenarioRow& b) { return (a.failed_runs > 0) > (b.failed_runs > 0); });
  return table;
}

std::string cell_text(const Cell& cell, int runs) {
  if (cell.fail > 0) return "FAIL " + std::to_string(cell.fail) + "/" + std::to_string(runs);
  if (cell.pass + cell.unexpected_pass > 0 && cell.tolerated_fail == 0) return "pass";
  if (cell.tolerated_fail > 0) return "-";
  return cell.skip > 0 ? "skip" : "";
}

namespace {

std::string status_text(const ScenarioRow& row) {
  if (row.failed_runs == 0) return "ok " + std::to_string(row.runs) + "/" + std::to_string(row.runs);
  std::string seeds;
  for (std::size_t i = 0; i < row.failed_seeds.size() && i < 5; ++i) {
    seeds += (i ? "," : "") + std::to_string(row.failed_seeds[i]);
  }
  return "FAILED " + std::to_string(row.failed_runs) + "/" + std::to_string(row.runs) + " (seeds " + seeds + ")";
}

}  // namespace

std::string render_text(const SuiteTable& table) {
  std::size_t name_width = 8;
  for (const auto& row : table.rows) name_width = std::max(name_width, row.scenario.size());
  std::ostringstream out;
  auto pad = [](std::string s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); };
  out << pad("scenario", name_width + 1);
  for (const auto& c : table.checks) out << pad(c, std::max<std::size_t>(c.size(), 10) + 1);
  out << "runs\n";
  for (const auto& row : table.rows) {
    out << pad(row.scenario, name_width + 1);
    for (const auto& c : table.checks) {
      auto it = row.cells.find(c);
      out << pad(it == row.cells.end() ? "" : cell_text(it->second, row.runs), std::max<std::size_t>(c.size(), 10) + 1);
    }
    out << status_text(row) << "\n";
  }
  return out.str();
}

std::string render_markdown(const SuiteTable& table) {
  std::ostringstream out;
  int failed = 0;
  for (const auto& row : table.rows) failed += row.failed_runs > 0;
  out << "## faultline suite: " << (failed ? std::to_string(failed) + " scenario(s) failing" : "all scenarios pass")
      << "\n\n| scenario |";
  for (const auto& c : table.checks) out << " " << c << " |";
  out << " runs |\n|---|";
  for (std::size_t i = 0; i < table.checks.size(); ++i) out << "---|";
  out << "---|\n";
  for (const auto& row : table.rows) {
    out << "| " << row.scenario << " |";
    for (const auto& c : table.checks) {
      auto it = row.cells.find(c);
      out << " " << (it == row.cells.end() ? "" : cell_text(it->second, row.runs)) << " |";
    }
    out << " " << status_text(row) << " |\n";
  }
  return out.str();
}

}  // namespace fl::reports
