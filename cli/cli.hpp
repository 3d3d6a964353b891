// The faultline command: shared pieces of its subcommands.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "reports/html_report.hpp"
#include "reports/json_report.hpp"
#include "reports/recheck.hpp"
#include "reports/shard.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::cli {

// Exit codes: sim/exit_codes.hpp.
using fl::kExitLiveness;
using fl::kExitNondeterministic;
using fl::kExitNothingToShrink;
using fl::kExitOk;
using fl::kExitSafety;
using fl::kExitUnavailable;
using fl::kExitUndecided;
using fl::kExitUsage;

// A command line the user got wrong; printed with the command's usage line.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parsed "--name value" options and positional arguments. Every option must be
// declared, so a typo is an error rather than silently ignored.
struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;  // flags have the value "true"

  bool has(const std::string& name) const { return options.contains(name); }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::uint64_t get_u64(const std::string& name, std::uint64_t fallback) const;
};

// `valued` options take a value; `flags` take none. Throws UsageError.
Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& valued,
                const std::vector<std::string>& flags);

// Parallel runs when --jobs is not given: the number of cores (at least 1).
int default_jobs();
// --jobs J, from 1 to 256 (default: default_jobs()); throws UsageError.
int jobs_of(const Args& args);

// "A..B" (inclusive) or a single number; throws UsageError.
std::pair<std::uint64_t, std::uint64_t> parse_seed_range(const std::string& text);

// Which slice of a sweep or suite this process runs: `--shard I/N`, tasks with
// number mod N == I (reports::ShardPlan), I counted from 0.
struct ShardSpec {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};

// --shard I/N, where I is a number or env:VAR (the index read from environment
// variable VAR, e.g. env:JOB_COMPLETION_INDEX); nullopt without --shard. Throws
// UsageError for a malformed value, an unset or non-numeric variable, N = 0 or I >= N.
std::optional<ShardSpec> parse_shard(const Args& args);

// --recheck FRACTION: a number in [0, 1] or a percentage ("5%"); 0 without it.
// Throws UsageError otherwise.
double parse_recheck(const Args& args);

// Loads a scenario file, or prints "FILE: FIELD: REASON" and returns nullopt.
std::optional<sim::Scenario> load_or_report(const std::string& path);

// `word` as one word for a POSIX shell: as it is when that is safe, else quoted.
std::string shell_word(const std::string& word);

// The exact command that reproduces one run, shell-quoted; `--protocol` and
// `--store` are added only when given (empty means the scenario's own), and the
// Cassandra endpoint with the cassandra store, so the rerun reaches the same server.
std::string reproduce_command(const std::string& program, const std::string& scenario_path, std::uint64_t seed,
                              const std::string& protocol, const std::string& store, const std::string& cassandra);
// The same command as words (an argv), unquoted: what --recheck executes.
std::vector<std::string> reproduce_words(const std::string& program, const std::string& scenario_path,
                                         std::uint64_t seed, const std::string& protocol, const std::string& store,
                                         const std::string& cassandra);

// The whole command line as typed, each word quoted for a POSIX shell when it needs
// it, so summary.md can say exactly which command made it.
std::string command_line(int argc, char** argv);

// Fills options.cassandra from --cassandra HOST:PORT, else the FL_CASSANDRA
// environment variable, else the running server tools/cassandra start recorded
// (its instance record, if the recorded pid is alive), else 127.0.0.1:9042; and
// options.cassandra_replication from FL_CASSANDRA_REPLICATION.
void apply_cassandra_options(const Args& args, sim::RunOptions& options);

// A run to do: which scenario, with which options.
struct Task {
  std::string scenario_path;
  sim::Scenario scenario;
  sim::RunOptions options;
};

// What only the command knows about one of its runs, added to the outcome: the
// scenario file, the command's version and the command that reproduces the run
// (`program` is how the command was called). Also names a run that never reported
// itself (it crashed) by its task: scenario, effective protocol and store, seed.
void name_run(sim::RunOutcome& run, const Task& task, const std::string& program);

// Runs every task, `jobs` at a time, each in its own forked process (so a run that
// aborts on an assertion is reported as a failing seed instead of ending the whole
// sweep); each child sends its sim::RunOutcome back as JSON (MessagePack bytes).
// Prints a progress line to stderr, unless `label` is empty. Outcomes come back in task order, named by
// name_run. Tasks that record a timeline ship it, and only the outcome that comes
// first in report order (reports::report_before) among those keeps it: the run
// index.html shows, held once in memory however many runs there are.
std::vector<sim::RunOutcome> run_pool(const std::vector<Task>& tasks, int jobs, const std::string& label,
                                      const std::string& program);

// What one command started by run_commands printed (stdout and stderr together) and
// its wait status.
struct CommandOutput {
  std::string output;
  int status = 0;
};

// Runs each command (an argv, whose first word is what the command calls itself)
// by executing `executable` in a new process, `jobs` at a time, with a progress line
// like run_pool's. Outputs come back in command order.
std::vector<CommandOutput> run_commands(const std::vector<std::vector<std::string>>& commands,
                                        const std::string& executable, int jobs, const std::string& label);

// --recheck: runs `fraction` of the runs that have a trace hash (reports::recheck_picks)
// again, each as its reproduce command `faultline run ...` in a freshly executed
// process, and compares the hashes. Prints a line per mismatch and a summary line.
// `runs` are the outcomes of `tasks`, in the same order.
reports::RecheckOutcome recheck_runs(const std::vector<Task>& tasks, const std::vector<sim::RunOutcome>& runs,
                                     double fraction, int jobs, const std::string& program, const std::string& label);

// The exit code of a sweep, suite or merge: the runs' worst (64, then 69, then 1,
// then 2), except that a recheck mismatch turns 0, 1 or 2 into 3.
int sweep_exit(const std::vector<sim::RunOutcome>& runs, const std::optional<reports::RecheckOutcome>& recheck);

// The run whose timeline index.html shows, with a sentence saying why this run: the
// first in report order (failing first, then scenario and seed) that recorded a
// timeline, which run_pool kept for it. Nullopt when none did (every run crashed, or
// no task recorded one).
std::optional<reports::HtmlDetail> shown_run(const std::vector<sim::RunOutcome>& runs);

// The scenario x protocol x check table of finished runs, for the terminal.
std::string verdict_table_text(const std::vector<sim::RunOutcome>& runs);

// What the reports say about the command that made them.
struct ReportNames {
  std::string suite;         // the JUnit suite's name and the page's title: a scenario's name, or "suite"
  std::string title;         // summary.md's heading, e.g. "faultline sweep nemesis-soak"
  std::string command_line;  // the command as typed (command_line()), shown under that heading
};

// What a sharded or rechecked sweep or suite adds to its reports: report.json's
// "shard" and "recheck" objects, and summary.md's recheck section.
struct ReportExtras {
  std::optional<reports::ShardPlan> shard;
  std::optional<reports::RecheckOutcome> recheck;
};

// Writes DIR/report.json, DIR/junit.xml, DIR/summary.md and DIR/index.html for
// finished runs (in task order: JUnit lists them so) and prints where they went;
// index.html shows `detail`'s timeline when given (none: the table stands alone).
// Returns an error message (empty on success).
// Makes the report folder `dir` now, before any run, and checks that a file can be
// written in it; throws UsageError naming the folder and the reason if not, so a bad
// --report fails before the work rather than after it.
void prepare_report_dir(const std::string& dir);

std::string write_report_files(const std::string& dir, const std::vector<sim::RunOutcome>& runs,
                               const ReportNames& names, const std::optional<reports::HtmlDetail>& detail,
                               const ReportExtras& extras);

int cmd_run(int argc, char** argv);
// `faultline report merge DIR... [--out DIR]`: merges the reports of a sharded sweep.
int cmd_report(int argc, char** argv);
int cmd_sweep(int argc, char** argv);
int cmd_suite(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_bench_check(int argc, char** argv);
int cmd_bench_store(int argc, char** argv);

// The fixed fault-free 3-replica workload `faultline bench` runs.
sim::Scenario bench_scenario(int clients, int seconds, const std::string& protocol);
// `faultline check FILE --model M`: the linearizability checker on a history file.
int cmd_check(int argc, char** argv);
// `faultline variants`: lists the planted bugs of every protocol.
int cmd_variants(int argc, char** argv);
// `faultline power`: the standard hunt against every planted bug, as a table.
int cmd_power(int argc, char** argv);
// `faultline shrink SCENARIO --seed N`: a smaller scenario that still fails the same check.
int cmd_shrink(int argc, char** argv);

}  // namespace fl::cli
