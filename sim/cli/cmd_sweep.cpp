// `faultline sweep` (many seeds of one scenario) and `faultline suite` (every
// scenario of a folder, several seeds each, as a verdict table).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "sim/cli/cli.hpp"

namespace fl::cli {
namespace {

constexpr const char* kSweepHelp = R"(usage: faultline sweep SCENARIO.json --seeds A..B [options]

Runs SCENARIO.json once per seed in A..B (inclusive), each run in its own process,
J at a time, and lists the failing seeds with the command that reproduces each.

options:
  --seeds A..B      seeds to run (required), e.g. 1..200
  --jobs J          parallel runs (default: the number of cores)
  --protocol NAME   override the scenario's protocol (paxos, zk)
  --variant NAME    run a planted bug of the protocol (see: faultline variants)
  --store NAME      override the scenario's store (sqlite, cassandra)
  --cassandra HOST:PORT  the Cassandra server for --store cassandra (default:
                    $FL_CASSANDRA, else the server tools/cassandra start is
                    running, else 127.0.0.1:9042)
  --report DIR      write DIR/report.json, DIR/junit.xml, DIR/summary.md and
                    DIR/index.html (every seed, failing first, and the timeline of
                    the first failing seed, run again)
  --help            this text

exit codes: 0 every seed passed, 1 some seed violated safety, 2 some seed violated
            liveness only, 64 bad usage or bad input file, 69 the store (Cassandra)
            was unavailable for some seed
)";

constexpr const char* kSuiteHelp = R"(usage: faultline suite [DIR|FILE...] [options]

Runs every scenario file (*.json) in DIR (default: scenarios) for several seeds and
prints a table of scenario x check verdicts. A cell reads "pass", "FAIL k/n" (k of n
seeds failed), "skip" or "-" (not expected to pass and did not).

options:
  --seeds A..B      seeds per scenario (default 1..3)
  --jobs J          parallel runs (default: the number of cores)
  --protocol NAME   override every scenario's protocol
  --variant NAME    run a planted bug of each scenario's protocol (see: faultline variants)
  --store NAME      override every scenario's store
  --cassandra HOST:PORT  the Cassandra server for --store cassandra (default:
                    $FL_CASSANDRA, else the server tools/cassandra start is
                    running, else 127.0.0.1:9042)
  --report DIR      write DIR/report.json, DIR/junit.xml, DIR/summary.md and
                    DIR/index.html (default: build/report)
  --help            this text

exit codes: as for sweep, over all scenarios and seeds
)";

int default_jobs() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Bad input first, then an unavailable store (either means the verdicts are not
// about the protocol), then safety, then liveness.
int worst_exit(const std::vector<RunSummary>& runs) {
  int worst = kExitOk;
  for (const auto& r : runs) {
    if (r.exit_code == kExitUsage) return kExitUsage;
  }
  for (const auto& r : runs) {
    if (r.exit_code == kExitUnavailable) return kExitUnavailable;
  }
  for (const auto& r : runs) {
    if (r.exit_code == kExitSafety) worst = kExitSafety;
    if (r.exit_code == kExitLiveness && worst == kExitOk) worst = kExitLiveness;
  }
  return worst;
}

std::string failed_checks(const RunSummary& r) {
  if (!r.crash.empty()) return r.crash;
  std::string text;
  for (const auto& c : r.checks) {
    if (c.enforced && c.verdict == sim::Verdict::kFail) text += (text.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  return text;
}

void list_failures(const std::vector<RunSummary>& runs, const std::string& program) {
  for (const auto& r : runs) {
    if (r.exit_code == kExitOk) continue;
    std::printf("FAIL %s seed %llu: %s\n  reproduce: %s\n", r.scenario_name.c_str(),
                static_cast<unsigned long long>(r.options.seed), failed_checks(r).c_str(),
                reproduce_command(program, r.scenario_path, r.options.seed, r.protocol, r.store, r.options.cassandra).c_str());
  }
}

sim::RunOptions base_options(const Args& args) {
  sim::RunOptions o;
  o.protocol = args.get("protocol");
  o.variant = args.get("variant");
  o.store = args.get("store");
  apply_cassandra_options(args, o);
  return o;
}

int jobs_of(const Args& args) {
  const auto jobs = args.get_u64("jobs", static_cast<std::uint64_t>(default_jobs()));
  if (jobs < 1 || jobs > 256) throw UsageError("--jobs must be between 1 and 256");
  return static_cast<int>(jobs);
}

std::vector<std::string> scenario_files(const std::vector<std::string>& positional) {
  std::vector<std::string> inputs = positional.empty() ? std::vector<std::string>{"scenarios"} : positional;
  std::vector<std::string> files;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (std::filesystem::is_directory(input, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : std::filesystem::directory_iterator(input)) {
        if (entry.path().extension() == ".json") found.push_back(entry.path().string());
      }
      std::sort(found.begin(), found.end());
      if (found.empty()) throw UsageError("no *.json scenario files in " + input);
      files.insert(files.end(), found.begin(), found.end());
    } else {
      files.push_back(input);
    }
  }
  return files;
}

}  // namespace

int cmd_sweep(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 2, {"seeds", "jobs", "protocol", "variant", "store", "report", "cassandra"}, {"help"});
  if (args.has("help")) {
    std::fputs(kSweepHelp, stdout);
    return kExitOk;
  }
  if (args.positional.size() != 1) throw UsageError("sweep takes exactly one scenario file");
  if (!args.has("seeds")) throw UsageError("sweep needs --seeds A..B");
  const auto [first, last] = parse_seed_range(args.get("seeds"));
  auto scenario = load_or_report(args.positional[0]);
  if (!scenario) return kExitUsage;
  std::vector<Task> tasks;
  for (std::uint64_t seed = first;; ++seed) {
    sim::RunOptions o = base_options(args);
    o.seed = seed;
    tasks.push_back({args.positional[0], *scenario, o});
    if (seed == last) break;
  }
  const auto runs = run_pool(tasks, jobs_of(args), scenario->name);
  const auto failing = std::count_if(runs.begin(), runs.end(), [](const RunSummary& r) { return r.exit_code != 0; });
  std::printf("%s: %zu seeds, %ld passed, %ld failed\n", scenario->name.c_str(), runs.size(),
              static_cast<long>(runs.size()) - failing, static_cast<long>(failing));
  list_failures(runs, argv[0]);
  if (args.has("report")) {
    const auto shown = record_shown_run(tasks, runs, argv[0]);
    const ReportNames names{scenario->name, "faultline sweep " + scenario->name, command_line(argc, argv)};
    if (const std::string error = write_reports(args.get("report"), runs, argv[0], names, shown); !error.empty()) {
      std::fprintf(stderr, "faultline: %s\n", error.c_str());
      return kExitUsage;
    }
  }
  return worst_exit(runs);
}

int cmd_suite(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 2, {"seeds", "jobs", "protocol", "variant", "store", "report", "cassandra"}, {"help"});
  if (args.has("help")) {
    std::fputs(kSuiteHelp, stdout);
    return kExitOk;
  }
  const auto [first, last] = parse_seed_range(args.get("seeds", "1..3"));
  std::vector<Task> tasks;
  for (const auto& file : scenario_files(args.positional)) {
    auto scenario = load_or_report(file);
    if (!scenario) return kExitUsage;
    for (std::uint64_t seed = first;; ++seed) {
      sim::RunOptions o = base_options(args);
      o.seed = seed;
      tasks.push_back({file, *scenario, o});
      if (seed == last) break;
    }
  }
  const auto runs = run_pool(tasks, jobs_of(args), "suite");
  std::fputs(verdict_table_text(runs, argv[0]).c_str(), stdout);
  list_failures(runs, argv[0]);
  const auto shown = record_shown_run(tasks, runs, argv[0]);
  const ReportNames names{"suite", "faultline suite", command_line(argc, argv)};
  if (const std::string error = write_reports(args.get("report", "build/report"), runs, argv[0], names, shown);
      !error.empty()) {
    std::fprintf(stderr, "faultline: %s\n", error.c_str());
    return kExitUsage;
  }
  return worst_exit(runs);
}

}  // namespace fl::cli
