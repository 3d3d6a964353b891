// Writing a sweep's or suite's reports (JSON, JUnit XML, Markdown) into a folder.
#include <cstdio>
#include <filesystem>

#include "reports/json_report.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"
#include "sim/cli/cli.hpp"

#ifndef FL_VERSION
#define FL_VERSION "dev"
#endif

namespace fl::cli {
namespace {

reports::RunReportInput input_of(const RunSummary& r, const std::string& program) {
  reports::RunReportInput in;
  in.faultline_version = FL_VERSION;
  in.scenario_name = r.scenario_name;
  in.scenario_path = r.scenario_path;
  in.protocol = r.protocol;
  in.store = r.store;
  in.seed = r.options.seed;
  in.exit_code = r.exit_code;
  in.crash = r.crash;
  in.checks = r.checks;
  in.trace_hash = r.trace_hash;
  in.figures = r.figures;
  in.wall_s = r.wall_s;
  in.reproduce = reproduce_command(program, r.scenario_path, r.options.seed, r.protocol, r.store);
  return in;
}

}  // namespace

std::string write_reports(const std::string& dir, const std::vector<RunSummary>& runs, const std::string& program,
                          const std::string& suite_name) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return dir + ": cannot create report folder: " + ec.message();
  std::vector<reports::RunReportInput> inputs;
  std::vector<reports::RunRow> rows;
  for (const auto& r : runs) {
    inputs.push_back(input_of(r, program));
    rows.push_back({r.scenario_name, r.options.seed, r.exit_code, r.crash, r.checks});
  }
  std::string error = reports::write_json_file(dir + "/report.json", reports::sweep_report(inputs));
  if (error.empty()) error = reports::write_text_file(dir + "/junit.xml", reports::junit_xml(inputs, suite_name));
  if (error.empty()) {
    error = reports::write_text_file(dir + "/summary.md", reports::render_markdown(reports::tabulate(rows)));
  }
  if (error.empty()) std::printf("report: %s/{report.json,junit.xml,summary.md}\n", dir.c_str());
  return error;
}

}  // namespace fl::cli
