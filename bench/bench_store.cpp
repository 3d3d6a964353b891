// `faultline bench store`: what the Cassandra store costs. Per-operation latency
// (median and p99) of each Store call on Cassandra and on SQLite, then the wall
// time of the same scenario on both stores (whose trace hashes must agree). It
// asserts nothing about speed: the machine may be shared and noisy.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "rsm/store/cassandra_store.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "sim/observe/trace.hpp"

namespace fl::cli {
namespace {

constexpr const char* kBenchStoreHelp = R"(usage: faultline bench store [options]

Measures the Cassandra store against in-memory SQLite:
  1. latency of each Store operation (insert, append, read, read_all, clear,
     load) over --ops calls each: median and p99 in microseconds;
  2. wall time of the `faultline bench` workload (3 replicas, Paxos) on each
     store, and the slowdown; the two runs must give the same trace hash.

options:
  --cassandra HOST:PORT  the server (default $FL_CASSANDRA, else the server
                         tools/cassandra start is running, else 127.0.0.1:9042)
  --ops N         calls per operation kind (default 500)
  --seconds S     simulated seconds of the scenario (default 5)
  --clients N     closed-loop clients of the scenario (default 8)
  --help          this text
)";

using Clock = std::chrono::steady_clock;

struct Latency {
  double median_us = 0;
  double p99_us = 0;
};

Latency summarize(std::vector<double> samples_us) {
  std::sort(samples_us.begin(), samples_us.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(q * static_cast<double>(samples_us.size() - 1) + 0.5);
    return samples_us[std::min(i, samples_us.size() - 1)];
  };
  return {at(0.5), at(0.99)};
}

// Times `op(i)` for i in [0, n), each after an untimed `before(i)` if given.
Latency time_op(int n, const std::function<void(int)>& op, const std::function<void(int)>& before = {}) {
  std::vector<double> samples;
  samples.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    if (before) before(i);
    const auto started = Clock::now();
    op(i);
    samples.push_back(std::chrono::duration<double, std::micro>(Clock::now() - started).count());
  }
  return summarize(std::move(samples));
}

// Latency of every Store operation on `store`, printed as one row per operation.
void measure_ops(const char* name, Store& store, int ops) {
  constexpr int kKeys = 64;                    // like the bench workload
  const int bulk_ops = std::max(1, ops / 10);  // read_all, clear and load touch the whole table
  store.clear();
  struct Row {
    const char* op;
    Latency latency;
  };
  std::vector<Row> rows;
  rows.push_back({"insert", time_op(ops, [&](int i) { store.insert(i); })});
  rows.push_back({"append", time_op(ops, [&](int i) { store.append(i % kKeys, i); })});
  rows.push_back({"read", time_op(ops, [&](int i) { store.read(i % kKeys); })});
  store.clear();
  for (int i = 0; i < ops; ++i) store.append(i % kKeys, i);
  const std::vector<fl::Row> table = store.read_all();
  rows.push_back({"read_all", time_op(bulk_ops, [&](int) { store.read_all(); })});
  // A row first: clearing an empty Cassandra table skips the TRUNCATE.
  rows.push_back({"clear", time_op(
                               bulk_ops, [&](int) { store.clear(); }, [&](int i) { store.append(0, i); })});
  rows.push_back({"load", time_op(bulk_ops, [&](int) {
                    store.clear();
                    store.load(table);
                  })});
  for (const Row& r : rows) {
    std::printf("%-9s %-8s median %9.1f us   p99 %9.1f us\n", name, r.op, r.latency.median_us, r.latency.p99_us);
  }
  std::printf("  (read_all over %d keys and %d events; load includes a clear)\n", kKeys, ops);
}

double run_wall_s(const sim::Scenario& scenario, const sim::RunOptions& options, std::uint64_t& hash) {
  const auto started = Clock::now();
  const sim::RunResult r = sim::run_scenario(scenario, options);
  hash = r.trace_hash;
  return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

int cmd_bench_store(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 3, {"cassandra", "ops", "seconds", "clients"}, {"help"});
  if (args.has("help")) {
    std::fputs(kBenchStoreHelp, stdout);
    return kExitOk;
  }
  const int ops = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("ops", 500), 10, 100000));
  const int seconds = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("seconds", 5), 1, 600));
  const int clients = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("clients", 8), 1, 1000));
  sim::RunOptions cassandra_options;
  apply_cassandra_options(args, cassandra_options);
  const std::string server = cassandra_options.cassandra;
  const auto endpoint = cql::parse_endpoint(server);
  if (!endpoint) throw UsageError("--cassandra needs HOST:PORT, got '" + server + "'");

  std::printf("bench store: %d calls per operation; Cassandra at %s\n", ops, server.c_str());
  {
    SqliteStore sqlite;
    measure_ops("sqlite", sqlite, ops);
    CassandraSettings settings;
    settings.endpoint = *endpoint;
    settings.replication = cassandra_options.cassandra_replication.empty() ? settings.replication
                                                                           : cassandra_options.cassandra_replication;
    auto session = std::make_shared<CassandraSession>(settings);
    // The nonce: two benches on one cluster must not share (and empty) one table.
    CassandraStore cassandra(session, replica_keyspace("fl_bench_" + session->nonce(), 0));
    measure_ops("cassandra", cassandra, ops);
  }

  const sim::Scenario scenario = bench_scenario(clients, seconds, "paxos");
  sim::RunOptions sqlite_options;
  sqlite_options.store = "sqlite";
  cassandra_options.store = "cassandra";
  cassandra_options.cassandra = server;
  std::uint64_t sqlite_hash = 0, cassandra_hash = 0;
  const double sqlite_s = run_wall_s(scenario, sqlite_options, sqlite_hash);
  const double cassandra_s = run_wall_s(scenario, cassandra_options, cassandra_hash);
  std::printf(
      "scenario %s (%d clients, %ds simulated): sqlite %.3fs, cassandra %.3fs wall: %.0fx slower; "
      "trace hashes %s (%s)\n",
      scenario.name.c_str(), clients, seconds, sqlite_s, cassandra_s, cassandra_s / sqlite_s,
      sqlite_hash == cassandra_hash ? "agree" : "DIFFER", sim::hex16(cassandra_hash).c_str());
  return sqlite_hash == cassandra_hash ? kExitOk : 1;
}

}  // namespace fl::cli
