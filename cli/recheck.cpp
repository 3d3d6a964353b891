// --recheck: runs a fraction of a sweep's runs again, each as its own reproduce
// command in a freshly executed faultline process, and compares trace hashes. A
// forked child would share the first run's address-space layout and heap state; a
// new exec does not, so address- or state-dependent behaviour shows up as a
// different hash. It also proves the printed reproduce command reproduces the run.
#include <unistd.h>

#include <cstdio>

#include "cli/cli.hpp"

namespace fl::cli {
namespace {

// This very binary, however it was started (argv[0] may be a bare name on PATH).
std::string own_executable(const std::string& program) {
  return ::access("/proc/self/exe", X_OK) == 0 ? "/proc/self/exe" : program;
}

}  // namespace

reports::RecheckOutcome recheck_runs(const std::vector<RunSummary>& runs, double fraction, int jobs,
                                     const std::string& program, const std::string& label) {
  // Only runs that printed a hash can be compared; crashed ones have none.
  std::vector<const RunSummary*> candidates;
  for (const auto& run : runs) {
    if (run.crash.empty() && !run.trace_hash.empty()) candidates.push_back(&run);
  }
  std::vector<const RunSummary*> picked;
  std::vector<std::vector<std::string>> commands;
  for (const std::size_t i : reports::recheck_picks(candidates.size(), fraction)) {
    picked.push_back(candidates[i]);
    const RunSummary& run = *candidates[i];
    commands.push_back(
        reproduce_words(program, run.scenario_path, run.options.seed, run.protocol, run.store, run.options.cassandra));
  }
  reports::RecheckOutcome outcome{fraction, picked.size(), {}};
  const auto outputs = run_commands(commands, own_executable(program), jobs, label + " recheck");
  for (std::size_t i = 0; i < picked.size(); ++i) {
    const auto mismatch = reports::compare_recheck(report_input(*picked[i], program), outputs[i].output);
    if (!mismatch) continue;
    std::fputs(reports::recheck_mismatch_text(*mismatch).c_str(), stdout);
    outcome.mismatches.push_back(*mismatch);
  }
  std::fputs(reports::recheck_summary_text(outcome).c_str(), stdout);
  return outcome;
}

}  // namespace fl::cli
