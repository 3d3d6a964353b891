// `faultline report merge`: joins the reports of a sharded sweep or suite (each
// shard run anywhere with --shard I/N --report DIR) into the report the unsharded
// command would have written.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.hpp"
#include "reports/merge.hpp"

namespace fl::cli {
namespace {

constexpr const char* kReportHelp = R"(usage: faultline report merge DIR... [options]

Merges the reports of the shards of one `faultline sweep --shard I/N` or
`faultline suite --shard I/N` command (each DIR holds the report.json a shard wrote
with --report DIR) into the reports the unsharded command would have written:
report.json (the same runs in the same order, without the "shard" object; only
wall times differ), junit.xml, summary.md and index.html. index.html shows the
timeline of the first failing run (or the first run) when the shard that ran it
has it in its own index.html; otherwise the page has the table only.

Every shard's report must be present and of the same command (scenario files by
path and content digest, seed range, --protocol, --store, N), the same faultline
version, and hold exactly its slice; anything else is bad input.

options:
  --out DIR         where to write the merged reports (default: merged-report);
                    must not be one of the inputs
  --partial         merge even when some shards have no report (the summary's
                    heading names the missing ones)
  --help            this text

exit codes: 0, 1, 2 or 3 as the whole sweep or suite would have exited (3: a
            shard's --recheck found a run that is not deterministic), 64 bad usage
            or bad input (the message names the file and the reason)
)";

std::string failed_checks(const sim::RunOutcome& r) {
  if (!r.crash.empty()) return r.crash;
  std::string text;
  for (const auto& c : r.checks) {
    if (c.enforced && c.verdict == sim::Verdict::kFail) text += (text.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  return text;
}

// The terminal output of the merged sweep: as `sweep` or `suite` prints it.
void print_merged(const reports::MergedReport& merged) {
  const auto& runs = merged.runs;
  if (merged.plan.command == "sweep") {
    const auto failing = std::count_if(runs.begin(), runs.end(), [](const auto& r) { return r.exit_code() != 0; });
    std::printf("%s: %zu seeds, %ld passed, %ld failed\n", merged.plan.scenarios.front().name.c_str(), runs.size(),
                static_cast<long>(runs.size()) - failing, static_cast<long>(failing));
  } else {
    std::fputs(verdict_table_text(runs).c_str(), stdout);
  }
  for (const auto& r : runs) {
    if (r.exit_code() == kExitOk) continue;
    std::printf("FAIL %s seed %llu: %s\n  reproduce: %s\n", r.scenario_name.c_str(),
                static_cast<unsigned long long>(r.seed), failed_checks(r).c_str(), r.reproduce.c_str());
  }
  if (merged.recheck) {
    for (const auto& m : merged.recheck->mismatches) std::fputs(reports::recheck_mismatch_text(m).c_str(), stdout);
    std::fputs(reports::recheck_summary_text(*merged.recheck).c_str(), stdout);
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The timeline the shard that ran it drew for the run the merged page shows: the
// first in report order that did not crash, as record_shown_run picks it.
std::optional<reports::HtmlDetail> reused_timeline(const reports::MergedReport& merged,
                                                   const std::vector<reports::ShardReport>& shards,
                                                   const std::vector<std::string>& dirs, const std::string& program) {
  for (const sim::RunOutcome* run : reports::report_order(merged.runs)) {
    if (!run->crash.empty()) continue;
    const std::size_t input = merged.run_shard[static_cast<std::size_t>(run - merged.runs.data())];
    const std::string page = (std::filesystem::path(dirs[input]) / "index.html").string();
    auto data = reports::page_timeline(slurp(page), *run);
    if (!data) {
      std::printf("index.html: no timeline: %s does not show the timeline of %s seed %llu\n", page.c_str(),
                  run->scenario_name.c_str(), static_cast<unsigned long long>(run->seed));
      return std::nullopt;
    }
    reports::HtmlDetail detail{*run, "", std::move(data)};
    if (detail.run.reproduce.empty()) {
      // report.json keeps no reproduce command for a passing run; this one is the merge's own.
      detail.run.reproduce = reproduce_command(program, run->scenario_path, run->seed, run->protocol, run->store, "");
    }
    detail.note = std::string(run->exit_code() != 0 ? "The first failing run in the table"
                                                    : "Every run passed; this is the first one") +
                  ", as shard " + reports::shard_name(shards[input].plan) + " recorded it (" + page + ").";
    return detail;
  }
  return std::nullopt;
}

bool same_folder(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(a, ec) == std::filesystem::weakly_canonical(b, ec);
}

int merge(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 3, {"out"}, {"help", "partial"});
  if (args.has("help")) {
    std::fputs(kReportHelp, stdout);
    return kExitOk;
  }
  if (args.positional.empty()) throw UsageError("report merge needs the report folder of every shard");
  const std::string out = args.get("out", "merged-report");
  std::vector<reports::ShardReport> shards;
  for (const auto& dir : args.positional) {
    if (same_folder(dir, out)) throw UsageError("--out " + out + " is also an input; write the merge elsewhere");
    auto read = reports::read_shard_report(dir);
    if (auto* error = std::get_if<reports::MergeError>(&read)) {
      std::fprintf(stderr, "faultline report merge: %s\n", error->message().c_str());
      return kExitUsage;
    }
    shards.push_back(std::get<reports::ShardReport>(std::move(read)));
  }
  auto result = reports::merge_shards(shards, args.has("partial"));
  if (auto* error = std::get_if<reports::MergeError>(&result)) {
    std::fprintf(stderr, "faultline report merge: %s\n", error->message().c_str());
    return kExitUsage;
  }
  const auto& merged = std::get<reports::MergedReport>(result);
  const bool sweep = merged.plan.command == "sweep";
  std::string title = sweep ? "faultline sweep " + merged.plan.scenarios.front().name : "faultline suite";
  std::printf("merged %zu of %llu shard reports: %zu runs\n", shards.size(),
              static_cast<unsigned long long>(merged.shard_count), merged.runs.size());
  if (const std::string missing = reports::missing_shards_text(merged); !missing.empty()) {
    std::printf("WARNING: no report from shard %s: the merged report is incomplete\n", missing.c_str());
    title += " (incomplete: no report from shard " + missing + ")";
  }
  print_merged(merged);
  const ReportNames names{sweep ? merged.plan.scenarios.front().name : "suite", title, command_line(argc, argv)};
  const auto detail = reused_timeline(merged, shards, args.positional, argv[0]);
  if (const std::string error = write_report_files(out, merged.runs, names, detail, {std::nullopt, merged.recheck});
      !error.empty()) {
    std::fprintf(stderr, "faultline: %s\n", error.c_str());
    return kExitUsage;
  }
  return sweep_exit(merged.runs, merged.recheck);
}

}  // namespace

int cmd_report(int argc, char** argv) {
  const std::string sub = argc > 2 ? argv[2] : "";
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::fputs(kReportHelp, stdout);
    return kExitOk;
  }
  if (sub == "merge") return merge(argc, argv);
  throw UsageError(sub.empty() ? "report needs a subcommand: merge"
                               : "unknown report subcommand '" + sub + "' (only: merge)");
}

}  // namespace fl::cli
