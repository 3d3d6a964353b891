// Writing a run's, sweep's or suite's reports (JSON, JUnit XML, Markdown, HTML) into
// a folder, and choosing and recording the run whose timeline the HTML shows.
#include <cstdio>
#include <filesystem>

#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/junit.hpp"
#include "reports/markdown.hpp"
#include "reports/merge.hpp"
#include "rsm/store/store.hpp"
#include "cli/cli.hpp"
#include "sim/lin/counterexample.hpp"
#include "sim/observe/trace.hpp"

#ifndef FL_VERSION
#define FL_VERSION "dev"
#endif

namespace fl::cli {

reports::RunReportInput report_input(const RunSummary& r, const std::string& program) {
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
  in.reproduce = reproduce_command(program, r.scenario_path, r.options.seed, r.protocol, r.store, r.options.cassandra);
  return in;
}

namespace {

const sim::CheckResult* failed_linearizable(const std::vector<sim::CheckResult>& checks) {
  for (const auto& c : checks) {
    if (c.name == "linearizable" && c.verdict == sim::Verdict::kFail) return &c;
  }
  return nullptr;
}

reports::HtmlDetail detail_of(const ShownRun& shown, const std::string& program) {
  reports::HtmlDetail d;
  d.run = report_input(shown.summary, program);
  d.note = shown.note;
  d.recording.timeline = shown.result.timeline;
  d.recording.history = shown.result.history;
  if (const sim::CheckResult* lin = failed_linearizable(shown.result.checks)) {
    // The check keeps only its text; the search is run again for the operations to mark.
    d.recording.counterexample = sim::lin::find_counterexample(shown.result.history);
    d.recording.counterexample_text = lin->detail;
  }
  return d;
}

// The verdict table's rows, with the same effective protocol and reproduce command
// as report.json.
std::vector<reports::RunRow> table_rows(const std::vector<reports::RunReportInput>& runs) {
  std::vector<reports::RunRow> rows;
  for (const auto& r : runs) {
    rows.push_back({r.scenario_name, r.protocol, r.seed, r.exit_code, r.crash, r.checks, r.reproduce});
  }
  return rows;
}

}  // namespace

std::string verdict_table_text(const std::vector<RunSummary>& runs, const std::string& program) {
  std::vector<reports::RunReportInput> inputs;
  for (const auto& r : runs) inputs.push_back(report_input(r, program));
  return verdict_table_text(inputs);
}

std::string verdict_table_text(const std::vector<reports::RunReportInput>& runs) {
  return reports::render_text(reports::tabulate(table_rows(runs)));
}

std::optional<ShownRun> record_shown_run(const std::vector<Task>& tasks, const std::vector<RunSummary>& runs,
                                         const std::string& program) {
  std::vector<reports::RunReportInput> inputs;
  for (const auto& r : runs) inputs.push_back(report_input(r, program));
  for (const reports::RunReportInput* input : reports::report_order(inputs)) {
    const std::size_t i = static_cast<std::size_t>(input - inputs.data());
    if (!runs[i].crash.empty()) continue;
    ShownRun shown{runs[i], {}, ""};
    sim::RunOptions options = tasks[i].options;
    options.record_timeline = true;
    try {
      shown.result = sim::run_scenario(tasks[i].scenario, options);
    } catch (const sim::BadRunOption&) {
      continue;
    } catch (const StoreError&) {
      return std::nullopt;  // the store went away since the sweep: no timeline, and no point trying the next run
    }
    shown.note = runs[i].exit_code != 0 ? "The first failing run in the table, run again here with a timeline."
                                        : "Every run passed; this is the first one, run again here with a timeline.";
    if (sim::hex16(shown.result.trace_hash) != runs[i].trace_hash) {
      shown.note += " WARNING: this run's trace hash " + sim::hex16(shown.result.trace_hash) +
                    " differs from the sweep's " + runs[i].trace_hash + ": the run is not deterministic.";
    }
    return shown;
  }
  return std::nullopt;
}

std::string write_reports(const std::string& dir, const std::vector<RunSummary>& runs, const std::string& program,
                          const ReportNames& names, const std::optional<ShownRun>& shown, const ReportExtras& extras) {
  std::vector<reports::RunReportInput> inputs;
  for (const auto& r : runs) inputs.push_back(report_input(r, program));
  std::optional<reports::HtmlDetail> detail;
  if (shown && shown->result.timeline) detail = detail_of(*shown, program);
  return write_report_files(dir, inputs, names, detail, extras);
}

std::string write_report_files(const std::string& dir, const std::vector<reports::RunReportInput>& inputs,
                               const ReportNames& names, const std::optional<reports::HtmlDetail>& detail,
                               const ReportExtras& extras) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return dir + ": cannot create report folder: " + ec.message();
  std::string error = reports::write_sweep_report_file(dir + "/report.json", inputs,
                                                       reports::sweep_report_extras(extras.shard, extras.recheck));
  if (error.empty()) error = reports::write_text_file(dir + "/junit.xml", reports::junit_xml(inputs, names.suite));
  if (error.empty()) {
    std::string summary =
        reports::render_markdown(reports::tabulate(table_rows(inputs)), names.title, names.command_line);
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
