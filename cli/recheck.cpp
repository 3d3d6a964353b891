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

reports::RecheckOutcome recheck_runs(const std::vector<Task>& tasks, const std::vector<sim::RunOutcome>& runs,
                                     double fraction, int jobs, const std::string& program, const std::string& label) {
  // Only runs that printed a hash can be compared; crashed ones have none.
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].crash.empty()) candidates.push_back(i);
  }
  std::vector<const sim::RunOutcome*> picked;
  std::vector<std::vector<std::string>> commands;
  for (const std::size_t i : reports::recheck_picks(candidates.size(), fraction)) {
    const sim::RunOutcome& run = runs[candidates[i]];
    picked.push_back(&run);
    commands.push_back(reproduce_words(program, run.scenario_path, run.seed, run.protocol, run.store,
                                       tasks[candidates[i]].options.cassandra));
  }
  reports::RecheckOutcome outcome{fraction, picked.size(), {}};
  const auto outputs = run_commands(commands, own_executable(program), jobs, label + " recheck");
  for (std::size_t i = 0; i < picked.size(); ++i) {
    const auto mismatch = reports::compare_recheck(*picked[i], outputs[i].output);
    if (!mismatch) continue;
    std::fputs(reports::recheck_mismatch_text(*mismatch).c_str(), stdout);
    outcome.mismatches.push_back(*mismatch);
  }
  std::fputs(reports::recheck_summary_text(outcome).c_str(), stdout);
  return outcome;
}

}  // namespace fl::cli
