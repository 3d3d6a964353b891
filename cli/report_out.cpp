// Writing a run's, sweep's or suite's reports (JSON, JUnit XML, Markdown, HTML) into
// a folder, and choosing the run whose timeline the HTML shows (from the outcomes:
// nothing is run again).
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cli.hpp"
#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"
#include "reports/merge.hpp"

namespace fl::cli {

std::string verdict_table_text(const std::vector<sim::RunOutcome>& runs) {
  return reports::render_text(reports::tabulate(runs));
}

std::optional<reports::HtmlDetail> shown_run(const std::vector<sim::RunOutcome>& runs) {
  for (const sim::RunOutcome* run : reports::report_order(runs)) {
    if (!run->timeline) continue;
    std::string note = run->exit_code() != 0
                           ? "The first failing run in the table, with the timeline it recorded."
                           : "Every run passed; this is the first one, with the timeline it recorded.";
    return reports::HtmlDetail{*run, std::move(note), std::nullopt};
  }
  return std::nullopt;
}

void prepare_report_dir(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UsageError("--report " + dir + ": cannot create the report folder: " + ec.message());
  const std::string probe = dir + "/.faultline-write-test";
  if (!std::ofstream(probe)) throw UsageError("--report " + dir + ": cannot write in the report folder");
  std::filesystem::remove(probe, ec);
}

std::string write_report_files(const std::string& dir, const std::vector<sim::RunOutcome>& inputs,
                               const ReportNames& names, const std::optional<reports::HtmlDetail>& detail,
                               const ReportExtras& extras) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return dir + ": cannot create report folder: " + ec.message();
  std::string error = reports::write_sweep_report_file(dir + "/report.json", inputs,
                                                       reports::sweep_report_extras(extras.shard, extras.recheck));
  if (error.empty()) error = reports::write_text_file(dir + "/junit.xml", reports::junit_xml(inputs, names.suite));
  if (error.empty()) {
    std::string summary = reports::render_markdown(reports::tabulate(inputs), names.title, names.command_line);
    if (extras.recheck) summary += reports::recheck_markdown(*extras.recheck);
    error = reports::write_text_file(dir + "/summary.md", summary);
  }
  if (error.empty()) {
    error = reports::write_text_file(dir + "/index.html", reports::html_report(inputs, detail, names.suite));
  }
  if (error.empty()) std::printf("report: %s/{report.json,junit.xml,summary.md,index.html}\n", dir.c_str());
  return error;
}

}  // namespace fl::cli
