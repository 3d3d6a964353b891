// `faultline sweep` (many seeds of one scenario) and `faultline suite` (every
// scenario of a folder, several seeds each, as a verdict table).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/cli.hpp"
#include "sim/setup/protocol_names.hpp"

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
                    DIR/index.html (every seed, failing first, and the timeline
                    the first failing seed recorded as it ran)
  --shard I/N       run only shard I of N (I counted from 0, 0 <= I < N): the seeds
                    with (seed - A) mod N = I. The N shards are disjoint and cover
                    A..B; run each anywhere with --report and join the reports with
                    `faultline report merge`. I may be env:VAR, read from environment
                    variable VAR: --shard env:JOB_COMPLETION_INDEX/64 in a Kubernetes
                    Indexed Job
  --recheck F       run a fraction F (0..1, or a percentage like 5%) of the seeds
                    again, each in a fresh `faultline run` process, and require the
                    same trace hash: at least one seed when F > 0, spread evenly
                    over the seeds run, the first included
  --help            this text

exit codes: 0 every seed passed, 1 some seed violated safety, 2 some seed violated
            liveness only, 3 a rechecked seed gave a different trace hash (the
            run is not deterministic; wins over 1 and 2), 64 bad usage or bad
            input file, 69 the store (Cassandra) was unavailable for some seed
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
  --shard I/N       run only shard I of N (I counted from 0; I may be env:VAR): the
                    runs numbered k (scenario by scenario, seed by seed, from 0)
                    with k mod N = I; join the shards' reports with
                    `faultline report merge`
  --recheck F       run a fraction F (0..1, or 5%) of the runs again, each in a
                    fresh process, and require the same trace hash
  --help            this text

exit codes: as for sweep, over all scenarios and seeds
)";

std::string failed_checks(const sim::RunOutcome& r) {
  if (!r.crash.empty()) return r.crash;
  std::string text;
  for (const auto& c : r.checks) {
    if (c.enforced && c.verdict == sim::Verdict::kFail) text += (text.empty() ? "" : "; ") + c.name + ": " + c.detail;
  }
  return text;
}

void list_failures(const std::vector<sim::RunOutcome>& runs) {
  for (const auto& r : runs) {
    if (r.exit_code() == kExitOk) continue;
    std::printf("FAIL %s seed %llu: %s\n  reproduce: %s\n", r.scenario_name.c_str(),
                static_cast<unsigned long long>(r.seed), failed_checks(r).c_str(), r.reproduce.c_str());
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

// A scenario file as loaded, with the digest of its bytes a shard plan records.
struct Loaded {
  std::string path;
  sim::Scenario scenario;
  std::string digest;
};

std::optional<Loaded> load_scenario_file(const std::string& path) {
  auto scenario = load_or_report(path);
  if (!scenario) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return Loaded{path, std::move(*scenario), reports::file_digest(bytes.str())};
}

__extension__ using Wide = unsigned __int128;

// The most runs one sweep or suite process plans (each holds its scenario until its
// run is reported).
constexpr std::uint64_t kTasksMax = 1'000'000;

// The tasks of every scenario at every seed first..last, numbered scenario by
// scenario as reports::ShardPlan says, keeping only those of `shard`.
std::vector<Task> make_tasks(const std::vector<Loaded>& scenarios, std::uint64_t first, std::uint64_t last,
                             const sim::RunOptions& base, const ShardSpec& shard) {
  std::vector<Task> tasks;
  const Wide per_scenario = static_cast<Wide>(last - first) + 1;
  // Every task is held until its run is reported: refuse a range this process cannot
  // hold before allocating any of it (0..2^64-1 would be 2^64 tasks).
  const Wide in_shard = (per_scenario * scenarios.size() + shard.count - 1) / shard.count;
  if (in_shard > kTasksMax) {
    throw UsageError("--seeds " + std::to_string(first) + ".." + std::to_string(last) + " makes more than " +
                     std::to_string(kTasksMax) + " runs in this process; split it with --shard I/N");
  }
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const Wide first_task = per_scenario * i;
    // The first seed offset whose task number falls in the shard, then every N-th.
    for (Wide offset = (static_cast<Wide>(shard.index) + shard.count - first_task % shard.count) % shard.count;
         offset < per_scenario; offset += shard.count) {
      sim::RunOptions o = base;
      o.seed = first + static_cast<std::uint64_t>(offset);
      tasks.push_back({scenarios[i].path, scenarios[i].scenario, o});
    }
  }
  return tasks;
}

reports::ShardPlan shard_plan(const std::string& command, const std::vector<Loaded>& scenarios, std::uint64_t first,
                              std::uint64_t last, const Args& args, const ShardSpec& shard) {
  reports::ShardPlan plan;
  plan.command = command;
  for (const auto& s : scenarios) plan.scenarios.push_back({s.path, s.scenario.name, s.digest});
  plan.first_seed = first;
  plan.last_seed = last;
  // A planted bug is part of what was run: shards of another variant do not merge.
  plan.protocol = args.get("protocol") + (args.has("variant") ? " --variant " + args.get("variant") : "");
  plan.store = args.get("store");
  plan.index = shard.index;
  plan.count = shard.count;
  return plan;
}

std::string shard_suffix(const std::optional<ShardSpec>& shard) {
  return shard ? " shard " + std::to_string(shard->index) + "/" + std::to_string(shard->count) : "";
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

int sweep_exit(const std::vector<sim::RunOutcome>& runs, const std::optional<reports::RecheckOutcome>& recheck) {
  // Bad input first, then an unavailable store (either means the verdicts are not
  // about the protocol), then a run that did not reproduce (its verdict cannot be
  // trusted), then safety, then liveness.
  const auto any = [&](int code) {
    return std::any_of(runs.begin(), runs.end(), [&](const auto& r) { return r.exit_code() == code; });
  };
  if (any(kExitUsage)) return kExitUsage;
  if (any(kExitUnavailable)) return kExitUnavailable;
  if (recheck && !recheck->mismatches.empty()) return kExitNondeterministic;
  if (any(kExitSafety)) return kExitSafety;
  if (any(kExitLiveness)) return kExitLiveness;
  return kExitOk;
}

int cmd_sweep(int argc, char** argv) {
  const Args args = parse_args(
      argc, argv, 2, {"seeds", "jobs", "protocol", "variant", "store", "report", "cassandra", "shard", "recheck"},
      {"help"});
  if (args.has("help")) {
    std::fputs(kSweepHelp, stdout);
    return kExitOk;
  }
  if (args.positional.size() != 1) throw UsageError("sweep takes exactly one scenario file");
  if (!args.has("seeds")) throw UsageError("sweep needs --seeds A..B");
  const auto [first, last] = parse_seed_range(args.get("seeds"));
  const std::optional<ShardSpec> shard = parse_shard(args);
  const double recheck_fraction = parse_recheck(args);
  const auto loaded = load_scenario_file(args.positional[0]);
  if (!loaded) return kExitUsage;
  const sim::Scenario& scenario = loaded->scenario;
  sim::RunOptions options = base_options(args);
  options.record_timeline = args.has("report");  // each run records its own, for index.html
  sim::check_run_options(scenario, options);
  if (args.has("report")) prepare_report_dir(args.get("report"));
  const std::vector<Task> tasks = make_tasks({*loaded}, first, last, options, shard.value_or(ShardSpec{}));
  const std::string label = scenario.name + shard_suffix(shard);
  if (shard) {
    std::printf("%s: the seeds s in %llu..%llu with (s - %llu) mod %llu = %llu, %zu of them\n", label.c_str(),
                static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
                static_cast<unsigned long long>(first), static_cast<unsigned long long>(shard->count),
                static_cast<unsigned long long>(shard->index), tasks.size());
  }
  const int jobs = jobs_of(args);
  const auto runs = run_pool(tasks, jobs, label, argv[0]);
  const auto failing =
      std::count_if(runs.begin(), runs.end(), [](const sim::RunOutcome& r) { return r.exit_code() != 0; });
  std::printf("%s: %zu seeds, %ld passed, %ld failed\n", label.c_str(), runs.size(),
              static_cast<long>(runs.size()) - failing, static_cast<long>(failing));
  list_failures(runs);
  std::optional<reports::RecheckOutcome> recheck;
  if (args.has("recheck")) recheck = recheck_runs(tasks, runs, recheck_fraction, jobs, argv[0], label);
  if (args.has("report")) {
    const ReportNames names{scenario.name, "faultline sweep " + label, command_line(argc, argv)};
    std::optional<reports::ShardPlan> plan;
    if (shard) plan = shard_plan("sweep", {*loaded}, first, last, args, *shard);
    if (const std::string error =
            write_report_files(args.get("report"), runs, names, shown_run(runs), ReportExtras{plan, recheck});
        !error.empty()) {
      std::fprintf(stderr, "faultline: %s\n", error.c_str());
      return kExitUsage;
    }
  }
  return sweep_exit(runs, recheck);
}

int cmd_suite(int argc, char** argv) {
  const Args args = parse_args(
      argc, argv, 2, {"seeds", "jobs", "protocol", "variant", "store", "report", "cassandra", "shard", "recheck"},
      {"help"});
  if (args.has("help")) {
    std::fputs(kSuiteHelp, stdout);
    return kExitOk;
  }
  const auto [first, last] = parse_seed_range(args.get("seeds", "1..3"));
  const std::optional<ShardSpec> shard = parse_shard(args);
  const double recheck_fraction = parse_recheck(args);
  std::vector<Loaded> scenarios;
  for (const auto& file : scenario_files(args.positional)) {
    auto loaded = load_scenario_file(file);
    if (!loaded) return kExitUsage;
    scenarios.push_back(std::move(*loaded));
  }
  sim::RunOptions options = base_options(args);
  options.record_timeline = true;  // the suite always writes index.html; each run records its own timeline
  // A suite over a folder runs each scenario the chosen protocol can run, and says
  // which it leaves out (one naming the ZooKeeper node under paxos); any other
  // option a scenario cannot take is an error.
  std::erase_if(scenarios, [&](const Loaded& loaded) {
    if (options.protocol.empty() || !sim::zookeeper_named(loaded.scenario)) return false;
    if (sim::needs_zookeeper(sim::effective_scenario(loaded.scenario, options).cluster.protocol)) return false;
    std::printf("suite: leaving out %s: it names the ZooKeeper node, which protocol %s runs without\n",
                loaded.path.c_str(), options.protocol.c_str());
    return true;
  });
  if (scenarios.empty()) throw UsageError("suite: no scenario can run under protocol " + options.protocol);
  for (const Loaded& loaded : scenarios) sim::check_run_options(loaded.scenario, options);
  prepare_report_dir(args.get("report", "build/report"));
  const std::vector<Task> tasks = make_tasks(scenarios, first, last, options, shard.value_or(ShardSpec{}));
  const std::string label = "suite" + shard_suffix(shard);
  if (shard) {
    std::printf(
        "%s: the runs k (numbered from 0 scenario by scenario, seed by seed, over %zu scenarios x seeds "
        "%llu..%llu) with k mod %llu = %llu, %zu of them\n",
        label.c_str(), scenarios.size(), static_cast<unsigned long long>(first), static_cast<unsigned long long>(last),
        static_cast<unsigned long long>(shard->count), static_cast<unsigned long long>(shard->index), tasks.size());
  }
  const int jobs = jobs_of(args);
  const auto runs = run_pool(tasks, jobs, label, argv[0]);
  std::fputs(verdict_table_text(runs).c_str(), stdout);
  list_failures(runs);
  std::optional<reports::RecheckOutcome> recheck;
  if (args.has("recheck")) recheck = recheck_runs(tasks, runs, recheck_fraction, jobs, argv[0], label);
  const ReportNames names{"suite", "faultline " + label, command_line(argc, argv)};
  std::optional<reports::ShardPlan> plan;
  if (shard) plan = shard_plan("suite", scenarios, first, last, args, *shard);
  if (const std::string error = write_report_files(args.get("report", "build/report"), runs, names, shown_run(runs),
                                                   ReportExtras{plan, recheck});
      !error.empty()) {
    std::fprintf(stderr, "faultline: %s\n", error.c_str());
    return kExitUsage;
  }
  return sweep_exit(runs, recheck);
}

}  // namespace fl::cli
