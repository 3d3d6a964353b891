// `faultline run`: one deterministic simulation, printed for a person.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>

#include "cli/cli.hpp"
#include "sim/lin/history/file.hpp"
#include "sim/observe/trace.hpp"
#include "sim/scenario/nemesis.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::cli {
namespace {

constexpr const char* kRunHelp = R"(usage: faultline run SCENARIO.json [options]

Runs one deterministic simulation of SCENARIO.json and checks it.

options:
  --seed N          the run's seed (default: a fresh random seed, printed first)
  --protocol NAME   override the scenario's protocol (paxos, zk)
  --variant NAME    run a planted bug of the protocol (see: faultline variants)
  --store NAME      override the scenario's store (sqlite, cassandra)
  --cassandra HOST:PORT  the Cassandra server for --store cassandra (default:
                    $FL_CASSANDRA, else the server tools/cassandra start is
                    running, else 127.0.0.1:9042); $FL_CASSANDRA_REPLICATION sets
                    the keyspaces' replication map
  --trace FILE      write every trace line to FILE
  --report DIR      write DIR/report.json, DIR/junit.xml, DIR/summary.md and
                    DIR/index.html (the verdicts and a timeline of the run)
  --history FILE    write the client history as Jepsen events to FILE (EDN if it
                    ends in .edn, else JSON), for `faultline check`
  --help            this text

It prints the seed and every option the run uses, one verdict per check, figures,
the command that reproduces the run if a check failed, and last a line
"trace-hash: <16 hex digits>". The same seed always gives the same hash.

exit codes: 0 every check passed, 1 safety violation, 2 liveness violation,
            64 bad usage or bad input file, 69 store (Cassandra) unavailable
)";

void print_header(const sim::Scenario& s, const sim::RunOptions& o, const std::string& path) {
  const auto& c = s.cluster;
  const auto& n = s.network;
  const auto& w = s.workload;
  std::printf("seed: %llu\n", static_cast<unsigned long long>(o.seed));
  std::printf("scenario: %s (%s)\n", s.name.c_str(), path.c_str());
  std::printf(
      "cluster: protocol=%s store=%s replicas=%d max_log_size=%lld checkpoint_interval=%lld "
      "batch_size_max=%d %s\n",
      c.protocol.c_str(), c.store.c_str(), c.replicas, static_cast<long long>(c.max_log_size),
      static_cast<long long>(c.checkpoint_interval), c.batch_size_max, sim::protocol_settings_text(c).c_str());
  if (c.store == "cassandra") std::printf("cassandra: %s\n", o.cassandra.c_str());
  std::printf("network: latency=%s jitter=%s loss=%g duplicate=%g reorder=%g reorder_delay=%s\n",
              sim::format_duration(n.latency_us).c_str(), sim::format_duration(n.jitter_us).c_str(), n.loss,
              n.duplicate, n.reorder, sim::format_duration(n.reorder_delay_us).c_str());
  std::printf(
      "workload: clients=%d keys=%d rate_hz=%g mix=insert:%g,append:%g,read:%g,read_all:%g timeout=%s "
      "targets=%s\n",
      w.clients, w.keys, w.rate_hz, w.mix.insert, w.mix.append, w.mix.read, w.mix.read_all,
      sim::format_duration(w.timeout_us).c_str(), w.targets.empty() ? "any" : std::to_string(w.targets.size()).c_str());
  std::printf("faults: %zu scheduled, nemesis %s; duration=%s quiesce=%s\n", s.faults.size(),
              s.nemesis ? (s.nemesis->swarm ? "swarm" : "on") : "off", sim::format_duration(s.duration_us).c_str(),
              sim::format_duration(s.quiesce_us).c_str());
  // A swarm nemesis draws its fault kinds and rates from the seed: print the draw.
  if (s.nemesis && s.nemesis->swarm) {
    std::printf("%s\n", sim::describe_swarm(*s.nemesis, c.replicas, sim::is_zk_protocol(c.protocol), o.seed).c_str());
  }
}

void print_checks(const std::vector<sim::CheckResult>& checks) {
  for (const auto& c : checks) {
    std::string verdict(sim::verdict_name(c.verdict));
    if (c.verdict == sim::Verdict::kFail && !c.enforced) verdict = "fail (not expected to pass)";
    std::printf("check %-15s %-6s %s\n", c.name.c_str(), verdict.c_str(), c.detail.c_str());
  }
}

}  // namespace

int cmd_run(int argc, char** argv) {
  const Args args = parse_args(
      argc, argv, 2, {"seed", "protocol", "variant", "store", "trace", "report", "history", "cassandra"}, {"help"});
  if (args.has("help")) {
    std::fputs(kRunHelp, stdout);
    return kExitOk;
  }
  if (args.positional.size() != 1) throw UsageError("run takes exactly one scenario file");
  const std::string path = args.positional[0];
  auto scenario = load_or_report(path);
  if (!scenario) return kExitUsage;

  sim::RunOptions options;
  // The only non-seeded randomness: choosing a seed when none is given. It is
  // printed before anything else, so the run can always be reproduced.
  options.seed = args.has("seed") ? args.get_u64("seed", 0) : std::random_device{}();
  options.protocol = args.get("protocol");
  options.variant = args.get("variant");
  options.store = args.get("store");
  options.trace_path = args.get("trace");
  apply_cassandra_options(args, options);
  options.record_timeline = args.has("report");  // for index.html; changes nothing about the run
  sim::check_run_options(*scenario, options);    // every option judged before the header
  if (args.has("report")) prepare_report_dir(args.get("report"));
  const sim::Scenario effective = sim::effective_scenario(*scenario, options);
  print_header(effective, options, path);
  std::fflush(stdout);

  const auto started = std::chrono::steady_clock::now();  // wall time for the figures only
  sim::RunOutcome result = sim::run_scenario(*scenario, options);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  name_run(result, Task{path, *scenario, options}, argv[0]);
  result.wall_s = wall_s;

  print_checks(result.checks);
  const auto& f = result.figures;
  std::printf(
      "figures: committed=%lld events=%llu delivered=%llu dropped=%llu faults=%llu leader_changes=%llu "
      "max_log_held=%lld simulated=%s wall=%.3fs\n",
      static_cast<long long>(f.committed), static_cast<unsigned long long>(f.events),
      static_cast<unsigned long long>(f.delivered), static_cast<unsigned long long>(f.dropped),
      static_cast<unsigned long long>(f.faults), static_cast<unsigned long long>(f.leader_changes),
      static_cast<long long>(f.max_log_held), sim::format_duration(f.simulated_us).c_str(), wall_s);
  const int code = result.exit_code();
  std::printf("verdict: %s\n", code == 0 ? "PASS" : code == 1 ? "FAIL (safety)" : "FAIL (liveness)");
  if (code != 0) std::printf("reproduce: %s\n", result.reproduce.c_str());
  if (args.has("history")) {
    const std::string history_path = args.get("history");
    const auto format = sim::lin::history_format_of_path(history_path);
    if (const auto error = sim::lin::save_history(history_path, result.history, format)) {
      std::fprintf(stderr, "faultline: %s\n", error->message().c_str());
      std::printf("trace-hash: %s\n", sim::hex16(result.trace_hash).c_str());
      return kExitUsage;
    }
  }
  if (args.has("report")) {
    // The page draws this run's own outcome: its timeline, history and
    // counterexample, recorded and found while it ran.
    const reports::HtmlDetail shown{result, "", std::nullopt};
    const ReportNames names{effective.name, "faultline run " + effective.name, command_line(argc, argv)};
    if (const std::string error = write_report_files(args.get("report"), {result}, names, shown, {}); !error.empty()) {
      std::fprintf(stderr, "faultline: %s\n", error.c_str());
      std::printf("trace-hash: %s\n", sim::hex16(result.trace_hash).c_str());
      return kExitUsage;
    }
  }
  std::printf("trace-hash: %s\n", sim::hex16(result.trace_hash).c_str());
  return code;
}

}  // namespace fl::cli
