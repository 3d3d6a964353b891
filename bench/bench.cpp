// `faultline bench`: how fast the simulator runs a fixed, fault-free 3-replica
// workload on in-memory SQLite, under each protocol (paxos and zk by default). Prints per-run figures and the median of
// the runs; it asserts nothing about speed (the machine may be shared and noisy).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/cli.hpp"

namespace fl::cli {
namespace {

constexpr const char* kBenchHelp = R"(usage: faultline bench [options]
       faultline bench check [options]   (the linearizability checker; see its --help)
       faultline bench store [options]   (per-operation store latency; see its --help)

Runs a fixed fault-free 3-replica workload on in-memory SQLite several times under
each protocol and prints, per run and as the median: simulated events per
wall-second, committed client requests per wall-second, and simulated seconds per
wall-second; then the protocols' medians side by side. The workload is the same for
every protocol (same clients, keys, mix and seeds).

options:
  --runs N        repetitions (default 5)
  --seconds S     simulated seconds of workload per run (default 10)
  --clients N     closed-loop clients (default 64)
  --protocol P    one protocol, or several separated by commas (default paxos,zk)
  --help          this text
)";

}  // namespace

sim::Scenario bench_scenario(int clients, int seconds, const std::string& protocol) {
  sim::Scenario s;
  s.name = "bench-3-replicas";
  s.cluster.replicas = 3;
  s.cluster.protocol = protocol;
  s.cluster.batch_size_max = 32;
  s.workload.clients = clients;
  s.workload.keys = 64;
  s.workload.mix = {0.05, 0.75, 0.2, 0.0};
  s.workload.rate_hz = 1000;  // closed loop: each client waits for its reply, then ~1ms
  s.duration_us = seconds * kSeconds;
  s.quiesce_us = 1 * kSeconds;
  return s;
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct Medians {
  std::string protocol;
  double events, committed, simulated;
};

// Runs `scenario` `runs` times (seeds 1..runs), printing each run and the medians.
Medians bench_protocol(const sim::Scenario& scenario, int runs) {
  std::printf("bench: %s, protocol %s, %d clients, %llds simulated, %d runs\n", scenario.name.c_str(),
              scenario.cluster.protocol.c_str(), scenario.workload.clients,
              static_cast<long long>(scenario.duration_us / kSeconds), runs);
  std::vector<double> events_rate, commit_rate, sim_rate;
  for (int i = 0; i < runs; ++i) {
    sim::RunOptions options;
    options.seed = 1 + static_cast<std::uint64_t>(i);
    const auto started = std::chrono::steady_clock::now();
    const sim::RunResult r = sim::run_scenario(scenario, options);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    events_rate.push_back(static_cast<double>(r.figures.events) / wall);
    commit_rate.push_back(static_cast<double>(r.figures.committed) / wall);
    sim_rate.push_back(static_cast<double>(r.figures.simulated_us) / 1e6 / wall);
    std::printf("run %d: %lld committed, %llu events in %.3fs wall: %.0f events/s, %.0f committed/s, %.2f sim-s/s%s\n",
                i + 1, static_cast<long long>(r.figures.committed), static_cast<unsigned long long>(r.figures.events),
                wall, events_rate.back(), commit_rate.back(), sim_rate.back(), r.exit_code() ? " (CHECKS FAILED)" : "");
  }
  Medians m{scenario.cluster.protocol, median(events_rate), median(commit_rate), median(sim_rate)};
  std::printf("median: %.0f events/s, %.0f committed requests/s, %.2f simulated s per wall s\n\n", m.events,
              m.committed, m.simulated);
  return m;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
  if (argc > 2 && std::string(argv[2]) == "check") return cmd_bench_check(argc, argv);
  if (argc > 2 && std::string(argv[2]) == "store") return cmd_bench_store(argc, argv);
  const Args args = parse_args(argc, argv, 2, {"runs", "seconds", "clients", "protocol"}, {"help"});
  if (args.has("help")) {
    std::fputs(kBenchHelp, stdout);
    return kExitOk;
  }
  if (!args.positional.empty()) {
    throw UsageError("unknown bench '" + args.positional[0] + "' (bench, bench check or bench store)");
  }
  const int runs = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("runs", 5), 1, 100));
  const int seconds = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("seconds", 10), 1, 3600));
  const int clients = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("clients", 64), 1, 1000));
  std::vector<std::string> protocols;
  const std::string list = args.get("protocol", "paxos,zk");
  for (std::size_t at = 0; at <= list.size();) {
    const std::size_t comma = std::min(list.find(',', at), list.size());
    if (comma > at) protocols.push_back(list.substr(at, comma - at));
    at = comma + 1;
  }
  if (protocols.empty()) throw UsageError("--protocol needs a protocol name");
  std::vector<Medians> table;
  for (const std::string& protocol : protocols) {
    table.push_back(bench_protocol(bench_scenario(clients, seconds, protocol), runs));
  }
  if (table.size() > 1) {
    std::printf("\n%-10s %14s %18s %12s %10s\n", "protocol", "events/s", "committed req/s", "sim-s/s", "vs first");
    for (const Medians& m : table) {
      std::printf("%-10s %14.0f %18.0f %12.2f %9.2fx\n", m.protocol.c_str(), m.events, m.committed, m.simulated,
                  m.committed / table.front().committed);
    }
  }
  return kExitOk;
}

}  // namespace fl::cli
