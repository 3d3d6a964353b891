#include "reports/markdown.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>
#include <utility>

#include "reports/json_report.hpp"

namespace fl::reports {
namespace {

// What a failing run's entry says went wrong: the crash's first line, or the enforced
// checks that failed.
std::string failure_text(const sim::RunOutcome& run) {
  // One line, and not a whole crash dump: the full text is in report.json.
  const std::string first_line = run.crash.substr(0, std::min<std::size_t>(run.crash.find('\n'), 200));
  if (run.exit_code() == kExitUnavailable) return first_line.empty() ? "store unavailable" : first_line;
  if (!run.crash.empty()) return "crashed: " + first_line;
  std::string names;
  for (const auto& c : run.checks) {
    if (c.enforced && c.verdict == sim::Verdict::kFail) names += (names.empty() ? "" : ", ") + c.name;
  }
  return names.empty() ? "exit code " + std::to_string(run.exit_code()) : names;
}

bool failing(const sim::RunOutcome& run) { return run.exit_code() != 0 || !run.crash.empty(); }

void count_check(Cell& cell, const sim::CheckResult& c) {
  if (c.verdict == sim::Verdict::kSkip) {
    ++cell.skip;
  } else if (c.verdict == sim::Verdict::kPass) {
    ++(c.enforced ? cell.pass : cell.unexpected_pass);
  } else {
    ++(c.enforced ? cell.fail : cell.tolerated_fail);
  }
}

}  // namespace

SuiteTable tabulate(const std::vector<sim::RunOutcome>& runs) {
  SuiteTable table;
  // Keyed by (scenario, protocol): a sweep over both protocols gives a row for each,
  // and the map's order is the tie-break after "failing first".
  std::map<std::pair<std::string, std::string>, ScenarioRow> by_key;
  for (const sim::RunOutcome& run : runs) {
    ScenarioRow& row = by_key[{run.scenario_name, run.protocol}];
    row.scenario = run.scenario_name;
    row.protocol = run.protocol;
    ++row.runs;
    if (failing(run)) {
      ++row.failed_runs;
      row.failures.push_back({run.seed, failure_text(run), run.reproduce});
    }
    for (const auto& c : run.checks) {
      if (std::find(table.checks.begin(), table.checks.end(), c.name) == table.checks.end()) {
        table.checks.push_back(c.name);
      }
      count_check(row.cells[c.name], c);
    }
  }
  for (auto& [key, row] : by_key) table.rows.push_back(std::move(row));
  std::stable_sort(table.rows.begin(), table.rows.end(), [](const ScenarioRow& a, const ScenarioRow& b) {
    return (a.failed_runs > 0) > (b.failed_runs > 0);
  });
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
  for (std::size_t i = 0; i < row.failures.size() && i < 5; ++i) {
    seeds += (i ? "," : "") + std::to_string(row.failures[i].seed);
  }
  if (row.failures.size() > 5) seeds += ",...";
  return "FAILED " + std::to_string(row.failed_runs) + "/" + std::to_string(row.runs) + " (seeds " + seeds + ")";
}

std::string cell_of(const ScenarioRow& row, const std::string& check) {
  auto it = row.cells.find(check);
  return it == row.cells.end() ? "" : cell_text(it->second, row.runs);
}

std::string heading(const SuiteTable& table, std::string_view title) {
  int failed_rows = 0, runs = 0, failed_runs = 0;
  for (const auto& row : table.rows) {
    failed_rows += row.failed_runs > 0;
    runs += row.runs;
    failed_runs += row.failed_runs;
  }
  const auto plural = [](std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
  };
  const std::string rows = plural(table.rows.size(), "scenario/protocol pair");
  const std::string text = "## " + markdown_text(title) + ": ";
  if (failed_rows == 0) return text + "all pass (" + rows + ", " + plural(static_cast<std::size_t>(runs), "run") + ")";
  return text + std::to_string(failed_rows) + " of " + rows + " failing (" + std::to_string(failed_runs) + " of " +
         plural(static_cast<std::size_t>(runs), "run") + ")";
}

// Every failing run, in table order, capped; each with its reproduce command.
void render_failures(std::ostringstream& out, const SuiteTable& table) {
  std::size_t total = 0;
  for (const auto& row : table.rows) total += row.failures.size();
  if (total == 0) return;
  out << "\n### Failures\n\n";
  std::size_t listed = 0;
  for (const auto& row : table.rows) {
    for (const auto& f : row.failures) {
      if (listed == kFailuresListedMax) break;
      ++listed;
      out << "- " << markdown_text(row.scenario) << ", protocol " << markdown_text(row.protocol) << ", seed " << f.seed
          << ": " << markdown_text(f.what) << "; reproduce: " << markdown_code(f.reproduce) << "\n";
    }
  }
  if (total > listed) {
    out << "- and " << total - listed << " more failing run" << (total - listed == 1 ? "" : "s")
        << " (every run is in report.json and junit.xml)\n";
  }
}

}  // namespace

std::string render_text(const SuiteTable& table) {
  std::size_t name_width = 8, protocol_width = 8;
  for (const auto& row : table.rows) {
    name_width = std::max(name_width, row.scenario.size());
    protocol_width = std::max(protocol_width, row.protocol.size());
  }
  std::ostringstream out;
  auto pad = [](std::string s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); };
  auto width = [](const std::string& check) { return std::max<std::size_t>(check.size(), 10) + 1; };
  out << pad("scenario", name_width + 1) << pad("protocol", protocol_width + 1);
  for (const auto& c : table.checks) out << pad(c, width(c));
  out << "runs\n";
  for (const auto& row : table.rows) {
    out << pad(row.scenario, name_width + 1) << pad(row.protocol, protocol_width + 1);
    for (const auto& c : table.checks) out << pad(cell_of(row, c), width(c));
    out << status_text(row) << "\n";
  }
  return out.str();
}

std::string render_markdown(const SuiteTable& table, std::string_view title, std::string_view command_line) {
  std::ostringstream out;
  out << heading(table, title) << "\n\n";
  if (!command_line.empty()) out << "Command: " << markdown_code(command_line) << "\n\n";
  out << "| scenario | protocol |";
  for (const auto& c : table.checks) out << " " << markdown_text(c) << " |";
  out << " runs |\n|---|---|";
  for (std::size_t i = 0; i < table.checks.size(); ++i) out << "---|";
  out << "---|\n";
  for (const auto& row : table.rows) {
    out << "| " << markdown_text(row.scenario) << " | " << markdown_text(row.protocol) << " |";
    for (const auto& c : table.checks) out << " " << cell_of(row, c) << " |";
    out << " " << status_text(row) << " |\n";
  }
  render_failures(out, table);
  return out.str();
}

std::string markdown_text(std::string_view text) {
  std::string out;
  const auto alnum = [&](std::size_t i) {
    return i < text.size() && std::isalnum(static_cast<unsigned char>(text[i])) != 0;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';  // a line break would end the table row or the list item
      continue;
    }
    // An underscore inside a word never starts emphasis (CommonMark's flanking
    // rules), so "log_bound" stays readable in the raw file that CI logs print.
    const bool inner_underscore = c == '_' && i > 0 && alnum(i - 1) && alnum(i + 1);
    if (std::string_view("|\\`*_[]<>~&").find(c) != std::string_view::npos && !inner_underscore) out += '\\';
    out += c;
  }
  return out;
}

std::string markdown_code(std::string_view text) {
  std::string body(text);
  std::replace(body.begin(), body.end(), '\n', ' ');
  std::replace(body.begin(), body.end(), '\r', ' ');
  std::size_t longest = 0, run = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  // A span that starts or ends with a backtick needs a space inside the fence, which
  // CommonMark strips again.
  const bool pad = !body.empty() && (body.front() == '`' || body.back() == '`');
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

}  // namespace fl::reports
