// `faultline bench check`: how fast the linearizability checker judges generated
// grade-table histories of 1k, 10k and 100k operations over 10 and 1,000 keys with
// 5 and 50 clients. Each configuration runs in its own process so that its peak
// memory (ru_maxrss) is its own. It prints figures and asserts nothing about speed.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cli/cli.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/lin/check.hpp"
#include "sim/lin/history/file.hpp"

namespace fl::cli {
namespace {

constexpr const char* kBenchCheckHelp = R"(usage: faultline bench check [options]

Generates linearizable grade-table histories (closed-loop clients whose operations
take effect at a random moment inside their invocation window) and times the
linearizability checker on them: operations checked per second and peak memory, for
1k, 10k and 100k operations x 10 and 1,000 keys x 5 and 50 clients.

options:
  --runs N        repetitions per configuration; the median is printed (default 3)
  --max-ops N     skip configurations larger than N operations (default 100000)
  --ops LIST      only these sizes, e.g. 100000 or 1000,10000 (default 1000,10000,100000)
  --keys LIST     only these key counts (default 10,1000)
  --clients LIST  only these client counts (default 5,50)
  --export DIR    also write each configuration's first history to DIR as JSON
                  (h-OPS-KEYS-CLIENTS.json), and the medians printed to
                  DIR/faultline.tsv, e.g. for tools/bench-porcupine
  --jobs N        check N keys at once on N threads (default 1)
  --help          this text
)";

struct Config {
  int ops, keys, clients;
};

// A history whose every operation took effect at a random point of its window, so
// it is linearizable by construction: appends 60%, reads 30%, inserts 10%.
sim::History generate(const Config& c, std::uint64_t seed) {
  sim::Rng rng(seed);
  struct Pending {
    Micros at_us;
    std::size_t index;
  };
  sim::History history;
  std::vector<Pending> effects;
  std::vector<Micros> clock(static_cast<std::size_t>(c.clients), 0);
  std::int32_t next_value = 1;
  for (int i = 0; i < c.ops; ++i) {
    const auto client = static_cast<std::uint32_t>(rng.below(static_cast<std::uint64_t>(c.clients)));
    sim::Operation op;
    op.request.client = ClientId(client);
    op.request.id = RequestId(static_cast<std::uint64_t>(i) + 1);
    op.request.key = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(c.keys)));
    const double dice = rng.unit();
    op.request.op = dice < 0.6 ? OpKind::kAppend : dice < 0.9 ? OpKind::kRead : OpKind::kInsert;
    if (op.request.op == OpKind::kAppend) op.request.value = next_value++;
    op.invoke_us = clock[client] + rng.exponential(500);
    op.complete_us = op.invoke_us + 1 + rng.exponential(2000);
    op.outcome = sim::Outcome::kOk;
    clock[client] = op.complete_us;
    effects.push_back({rng.between(op.invoke_us, op.complete_us), history.size()});
    history.push_back(op);
  }
  std::stable_sort(effects.begin(), effects.end(),
                   [](const Pending& a, const Pending& b) { return a.at_us < b.at_us; });
  std::map<std::int32_t, std::vector<std::int32_t>> table;
  for (const Pending& e : effects) {
    sim::Operation& op = history[e.index];
    auto it = table.find(op.request.key);
    if (op.request.op == OpKind::kAppend) {
      table[op.request.key].push_back(op.request.value);
    } else if (op.request.op == OpKind::kInsert) {
      op.response.status = it == table.end() ? Status::kOk : Status::kExists;
      table.try_emplace(op.request.key);
    } else if (it == table.end()) {
      op.response.status = Status::kNotFound;
    } else {
      op.response.events = it->second;
    }
  }
  return history;
}

struct Measured {
  double ops_per_s = 0;
  long peak_kib = 0;
  bool linearizable = false;
};

// Writes the history of one configuration to `path` in a child process of its
// own, so that writing (a 100k-op history over 10 keys is half a gigabyte of JSON)
// counts in no measurement's peak memory. False if it could not; the child said why.
bool export_history(const Config& c, std::uint64_t seed, const std::string& path) {
  const pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    if (auto error = sim::lin::save_history(path, generate(c, seed), sim::lin::HistoryFormat::kJson)) {
      std::fprintf(stderr, "faultline: %s\n", error->message().c_str());
      ::_exit(1);
    }
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Runs one configuration in a child process; the child reports through a pipe. The
// parent never holds a history, so every child starts equally small (a forked
// child's peak memory counts the pages it shares with its parent).
Measured measure(const Config& c, std::uint64_t seed, unsigned jobs) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    const sim::History history = generate(c, seed);
    const auto started = std::chrono::steady_clock::now();
    const sim::CheckResult verdict = sim::check_linearizable(history, 50'000'000, {}, jobs);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    Measured m{static_cast<double>(c.ops) / wall, usage.ru_maxrss, verdict.verdict == sim::Verdict::kPass};
    [[maybe_unused]] const auto written = ::write(fds[1], &m, sizeof m);
    ::_exit(0);
  }
  ::close(fds[1]);
  Measured m;
  const auto got = ::read(fds[0], &m, sizeof m);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof m)) return {};
  return m;
}

// "1000,10000" as numbers; a bad list is a usage error naming the option.
std::vector<int> int_list(const Args& args, const std::string& name, std::vector<int> fallback) {
  if (!args.has(name)) return fallback;
  std::vector<int> out;
  const std::string text = args.get(name);
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    int v = 0;
    const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (item.empty() || ec != std::errc() || end != item.data() + item.size() || v <= 0) {
      throw UsageError("--" + name + " needs positive integers separated by commas, got '" + text + "'");
    }
    out.push_back(v);
    start = comma + 1;
  }
  return out;
}

}  // namespace

int cmd_bench_check(int argc, char** argv) {
  const Args args =
      parse_args(argc, argv, 3, {"runs", "max-ops", "ops", "keys", "clients", "export", "jobs"}, {"help"});
  if (args.has("help")) {
    std::fputs(kBenchCheckHelp, stdout);
    return kExitOk;
  }
  const int runs = static_cast<int>(std::clamp<std::uint64_t>(args.get_u64("runs", 3), 1, 50));
  const auto max_ops = args.get_u64("max-ops", 100000);
  const auto jobs = static_cast<unsigned>(std::clamp<std::uint64_t>(args.get_u64("jobs", 1), 1, 256));
  const std::vector<int> op_counts = int_list(args, "ops", {1000, 10000, 100000});
  const std::vector<int> key_counts = int_list(args, "keys", {10, 1000});
  const std::vector<int> client_counts = int_list(args, "clients", {5, 50});
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> tsv(nullptr, &std::fclose);
  if (args.has("export")) {
    const std::string tsv_path = args.get("export") + "/faultline.tsv";
    tsv.reset(std::fopen(tsv_path.c_str(), "w"));
    if (!tsv) {
      std::fprintf(stderr, "faultline: cannot write %s: %s\n", tsv_path.c_str(), std::strerror(errno));
      return kExitUsage;
    }
    std::fprintf(tsv.get(), "history\tops_per_s\tpeak_mib\n");
  }
  std::printf("bench check: median of %d runs per configuration, each in its own process, %u thread%s\n", runs, jobs,
              jobs == 1 ? "" : "s");
  std::printf("%8s %6s %8s %14s %12s %s\n", "ops", "keys", "clients", "ops/s", "peak MiB", "verdict");
  for (int ops : op_counts) {
    if (static_cast<std::uint64_t>(ops) > max_ops) continue;
    for (int keys : key_counts) {
      for (int clients : client_counts) {
        const std::string name =
            "h-" + std::to_string(ops) + "-" + std::to_string(keys) + "-" + std::to_string(clients) + ".json";
        const std::string export_path = args.has("export") ? args.get("export") + "/" + name : "";
        std::vector<double> rates;
        long peak = 0;
        bool all_linearizable = true;
        if (!export_path.empty() && !export_history({ops, keys, clients}, 1, export_path)) return kExitUsage;
        for (int r = 0; r < runs; ++r) {
          const Measured m = measure({ops, keys, clients}, 1 + static_cast<std::uint64_t>(r), jobs);
          if (m.ops_per_s == 0) return kExitUsage;  // the child said why
          rates.push_back(m.ops_per_s);
          peak = std::max(peak, m.peak_kib);
          all_linearizable = all_linearizable && m.linearizable;
        }
        std::sort(rates.begin(), rates.end());
        std::printf("%8d %6d %8d %14.0f %12.1f %s\n", ops, keys, clients, rates[rates.size() / 2],
                    static_cast<double>(peak) / 1024.0, all_linearizable ? "linearizable" : "NOT JUDGED LINEARIZABLE");
        std::fflush(stdout);
        if (tsv) {
          std::fprintf(tsv.get(), "%s\t%.0f\t%.1f\n", name.c_str(), rates[rates.size() / 2],
                       static_cast<double>(peak) / 1024.0);
        }
      }
    }
  }
  return kExitOk;
}

}  // namespace fl::cli
