// `faultline shrink`: a failing run, made small. Each candidate runs in its own
// forked process (run_pool), so a candidate that aborts on an assertion counts as
// "does not fail the same way" instead of ending the search.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/cli.hpp"
#include "rsm/store/store.hpp"
#include "sim/scenario/write.hpp"
#include "sim/setup/protocol_names.hpp"
#include "sim/shrink.hpp"

namespace fl::cli {
namespace {

constexpr const char* kShrinkHelp = R"(usage: faultline shrink SCENARIO.json --seed N [options]

Takes a failing run and searches for a smaller scenario that, with the same seed,
still fails the same check: delta debugging (ddmin) over the fault schedule (the
nemesis first turned into its explicit fault list), then fewer clients, requests,
keys and replicas and a shorter run. Writes the smallest scenario found, runs it
once more to confirm, and prints the command that reproduces it.

options:
  --seed N          the seed of the failing run (required)
  --protocol NAME   override the scenario's protocol (paxos, zk), as for run
  --variant NAME    run a planted bug of the protocol (see: faultline variants)
  --check NAME      the check that must keep failing (default: the first enforced
                    check that fails in the input run)
  --out FILE        where to write the smaller scenario (default: <input stem>.shrunk.json
                    in the current directory)
  --budget RUNS     candidate runs at most (default: 2000); the search then stops
                    with the smallest failing scenario found so far
  --jobs J          candidates run in parallel (default: the number of cores); the
                    result does not depend on it unless the budget runs out
  --help            this text

A candidate still fails when the target check fails, enforced, with the same
severity (safety or liveness) as in the input run; other checks may do as they
like. Progress goes to stderr, one line each time the scenario shrinks.

exit codes: 0 a failing scenario written (smaller, unless nothing could be removed),
            4 nothing to shrink: the input run passes (or the --check passes in it),
              or it aborted before its checks,
            64 bad usage or bad input file, 69 store (Cassandra) unavailable,
            70 internal error (the written scenario did not fail again: a bug)
)";

int bounded(const Args& args, const std::string& name, std::uint64_t fallback, std::uint64_t max) {
  const std::uint64_t value = args.get_u64(name, fallback);
  if (value < 1 || value > max) {
    throw UsageError("--" + name + " must be between 1 and " + std::to_string(max) + ", got " + std::to_string(value));
  }
  return static_cast<int>(value);
}

// One run in a child process; a run that could not start is reported as bad input.
sim::RunOutcome run_one(const sim::Scenario& scenario, const sim::RunOptions& options, const std::string& path) {
  sim::RunOutcome run = run_pool({Task{path, scenario, options}}, 1, "", "faultline").front();
  if (run.exit_code() == kExitUsage && !run.crash.empty()) throw sim::BadRunOption(run.crash);
  if (run.exit_code() == kExitUnavailable) throw StoreError(run.crash);
  return run;
}

std::string check_names(const std::vector<sim::CheckResult>& checks) {
  std::string out;
  for (const auto& c : checks) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

const sim::CheckResult* find_check(const std::vector<sim::CheckResult>& checks, const std::string& name) {
  const auto it = std::find_if(checks.begin(), checks.end(), [&](const auto& c) { return c.name == name; });
  return it == checks.end() ? nullptr : &*it;
}

std::string_view severity_name(sim::Severity s) { return s == sim::Severity::kSafety ? "safety" : "liveness"; }

// The check to shrink towards, or nullopt after saying why there is nothing to shrink.
std::optional<sim::ShrinkTarget> choose_target(const Args& args, const sim::RunOutcome& run) {
  if (!run.crash.empty()) {
    std::printf("nothing to shrink: the input run %s before its checks; shrink keeps a failing check\n",
                run.crash.c_str());
    return std::nullopt;
  }
  if (!args.has("check")) {
    const auto target = sim::first_failing_check(run.checks);
    if (!target) std::printf("nothing to shrink: the input run passes every enforced check\n");
    return target;
  }
  const std::string name = args.get("check");
  const sim::CheckResult* check = find_check(run.checks, name);
  if (!check) {
    throw UsageError("--check: no check named '" + name + "' in this run (its checks: " + check_names(run.checks) +
                     ")");
  }
  if (!check->enforced || check->verdict != sim::Verdict::kFail) {
    std::printf("nothing to shrink: check %s %s in the input run\n", name.c_str(),
                check->enforced ? "passes" : "is not enforced");
    return std::nullopt;
  }
  return sim::ShrinkTarget{check->name, check->severity};
}

// "scenarios/13-nemesis-soak.json" -> "13-nemesis-soak.shrunk.json".
std::string default_out(const std::string& path) {
  return std::filesystem::path(path).stem().string() + ".shrunk.json";
}

// The shrunk scenario as it is written: renamed, and saying where it came from
// (`words`: the input run's reproduce command, without the program and "run").
sim::Scenario labelled(sim::Scenario s, const std::vector<std::string>& words, const sim::ShrinkTarget& target) {
  if (!s.name.ends_with("-shrunk")) s.name += "-shrunk";
  std::string from;
  for (const auto& word : words) from += (from.empty() ? "" : " ") + shell_word(word);
  const std::string origin = "Shrunk by faultline shrink from " + from + ": " + target.check + " still fails.";
  s.description = s.description.empty() ? origin : origin + " Original: " + s.description;
  return s;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw UsageError("cannot write '" + path + "'");
}

void print_progress(const sim::ShrinkProgress& p, int budget) {
  std::fprintf(stderr, "shrink: %d/%d runs, %-14s -> %s\n", p.runs, budget, std::string(p.stage).c_str(),
               sim::describe_size(p.size).c_str());
  std::fflush(stderr);
}

}  // namespace

int cmd_shrink(int argc, char** argv) {
  const Args args =
      parse_args(argc, argv, 2, {"seed", "protocol", "variant", "check", "out", "budget", "jobs"}, {"help"});
  if (args.has("help")) {
    std::fputs(kShrinkHelp, stdout);
    return kExitOk;
  }
  if (args.positional.size() != 1) throw UsageError("shrink takes exactly one scenario file");
  if (!args.has("seed")) throw UsageError("shrink needs --seed N, the seed of the failing run");
  const std::string path = args.positional[0];
  const int budget = bounded(args, "budget", 2000, 1'000'000);
  const int jobs = bounded(args, "jobs", static_cast<std::uint64_t>(default_jobs()), 256);
  const auto scenario = load_or_report(path);
  if (!scenario) return kExitUsage;

  sim::RunOptions options;
  options.seed = args.get_u64("seed", 1);
  options.protocol = args.get("protocol");
  options.variant = args.get("variant");
  apply_cassandra_options(args, options);
  sim::check_run_options(*scenario, options);
  const sim::Scenario effective = sim::effective_scenario(*scenario, options);
  const std::string protocol = options.protocol.empty() && options.variant.empty() ? "" : effective.cluster.protocol;
  const std::string again = reproduce_command(argv[0], path, options.seed, protocol, "", "");

  const sim::RunOutcome input = run_one(*scenario, options, path);
  const auto target = choose_target(args, input);
  if (!target) return kExitNothingToShrink;
  std::printf("shrinking: %s\ntarget: %s (%s): %s\n", again.c_str(), target->check.c_str(),
              std::string(severity_name(target->severity)).c_str(),
              find_check(input.checks, target->check)->detail.c_str());
  std::fflush(stdout);

  sim::ShrinkOptions shrink_options;
  shrink_options.target = *target;
  shrink_options.seed = options.seed;
  shrink_options.has_zk = sim::is_zk_protocol(effective.cluster.protocol);
  shrink_options.budget_runs = budget;
  shrink_options.batch = jobs;
  shrink_options.on_progress = [budget](const sim::ShrinkProgress& p) { print_progress(p, budget); };
  const sim::RunCandidates run = [&](const std::vector<sim::Scenario>& candidates) {
    std::vector<Task> tasks;
    for (const auto& c : candidates) tasks.push_back(Task{path, c, options});
    std::vector<sim::CandidateRun> out;
    for (const sim::RunOutcome& r : run_pool(tasks, jobs, "", "faultline")) out.push_back({!r.crash.empty(), r.checks});
    return out;
  };
  const auto started = std::chrono::steady_clock::now();  // wall time, printed only
  const sim::ShrinkResult result = sim::shrink(*scenario, run, shrink_options);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const std::string out_path = args.get("out", default_out(path));
  std::vector<std::string> words = reproduce_words(argv[0], path, options.seed, protocol, "", "");
  words.erase(words.begin(), words.begin() + 2);
  write_file(out_path, sim::write_scenario(labelled(result.scenario, words, *target)));
  // The written file, read back and run again, must fail the same way.
  auto loaded = sim::load_scenario(out_path);
  if (const auto* error = std::get_if<sim::ScenarioError>(&loaded)) {
    throw std::runtime_error("the shrunk scenario does not parse: " + error->message());
  }
  const sim::RunOutcome confirm = run_one(std::get<sim::Scenario>(loaded), options, out_path);
  if (!confirm.crash.empty() || !sim::fails_target(confirm.checks, *target)) {
    throw std::runtime_error("the shrunk scenario " + out_path + " does not fail " + target->check +
                             " again (a bug in faultline shrink)");
  }

  std::printf("check %s FAIL %s\n", target->check.c_str(), find_check(confirm.checks, target->check)->detail.c_str());
  std::printf("removed: %s\n", sim::describe_shrink(result).c_str());
  std::printf("size: %s\n  was: %s\n", sim::describe_size(result.after).c_str(),
              sim::describe_size(result.before).c_str());
  std::printf("runs: %d candidates run (%d seen before, %d rejected by the parser) in %.1fs\n", result.runs,
              result.cached, result.invalid, wall_s);
  if (result.budget_exhausted) {
    std::printf("stopped: the budget of %d runs is used up; this is the smallest failing scenario found so far\n",
                budget);
  }
  if (result.nemesis == sim::NemesisFate::kKept) {
    std::printf("note: the nemesis stays: its expanded fault list did not fail %s the same way\n",
                target->check.c_str());
  }
  std::printf("wrote: %s\nreproduce: %s\n", out_path.c_str(),
              reproduce_command(argv[0], out_path, options.seed, protocol, "", "").c_str());
  return kExitOk;
}

}  // namespace fl::cli
