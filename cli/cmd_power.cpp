// `faultline power`: how many planted bugs the standard hunt finds. Runs the hunt
// against every variant of `faultline variants` (and against the correct protocols,
// which must pass it: no false alarms) and prints one row per variant: caught or
// not, after how many seeds, by which checks.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "cli/cli.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::cli {
namespace {

constexpr const char* kPowerHelp = R"(usage: faultline power [options]

Runs the standard hunt against every planted bug (see: faultline variants) and
against the correct protocols, and prints a table: variant, class of bug, caught
or not, the first seed that caught it (median over the hunt's scenarios that
caught it), how many of the hunt's scenarios caught it, which checks fired, and
the run time spent on it.

The standard hunt for a protocol P is what a user runs to look for bugs: every
scenario in DIR with --protocol P for the suite seeds (default 1..5), plus the
sweep scenarios for P (the swarm scenarios declared for P; if DIR has none,
every scenario with a nemesis) for seeds 1..N. A variant's scenario stops at its
first failing seed; with --until-caught a variant stops at its first failing run.

options:
  --seeds N           seeds per sweep scenario (default 100)
  --suite-seeds A..B  seeds per scenario of DIR (default 1..5)
  --protocol P        only P's variants (paxos or zk)
  --variant NAME      only this variant (needs --protocol)
  --until-caught      stop hunting a variant at its first failing run (a quick check
                      that every bug is still caught; seeds are then upper bounds)
  --no-control        do not hunt the correct protocols (no false-alarm check)
  --jobs J            parallel runs (default: the number of cores)
  --markdown          print the table as Markdown
  --help              this text

exit codes: 0 every variant was caught and the correct protocols passed, 1 some
            variant escaped or a correct protocol failed (listed), 64 bad usage
)";

// One hunt: a protocol, maybe a variant, and the runs it takes.
struct Hunt {
  std::string protocol;  // "paxos" or "zk"
  std::string variant;   // empty: the correct protocol (the control)
  std::string bug_class;
  // Per scenario of the hunt: its first failing seed, and the checks that failed.
  std::map<std::string, std::uint64_t> first_failure;
  std::map<std::string, int> checks;
  int runs = 0;
  double wall_s = 0;
  std::vector<std::string> control_failures;  // the control's failing runs, with reproduce commands
  bool caught() const { return !first_failure.empty(); }
};

// A scenario of the hunt and the seeds it runs.
struct HuntScenario {
  std::string path;
  sim::Scenario scenario;
  std::uint64_t first_seed, last_seed;
};

std::vector<std::pair<std::string, sim::Scenario>> load_dir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) throw UsageError("no scenario directory " + dir);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) throw UsageError("no *.json scenario files in " + dir);
  std::vector<std::pair<std::string, sim::Scenario>> all;
  for (const auto& f : files) {
    auto s = load_or_report(f);
    if (!s) throw UsageError("cannot hunt with a broken scenario file: " + f);
    all.emplace_back(f, std::move(*s));
  }
  return all;
}

// The hunt's scenarios for `protocol`: every scenario for the suite seeds, then the
// sweep scenarios for seeds 1..sweep_seeds.
std::vector<HuntScenario> hunt_scenarios(const std::vector<std::pair<std::string, sim::Scenario>>& all,
                                         const std::string& protocol, std::pair<std::uint64_t, std::uint64_t> suite,
                                         std::uint64_t sweep_seeds) {
  std::vector<HuntScenario> out;
  for (const auto& [path, s] : all) out.push_back({path, s, suite.first, suite.second});
  std::vector<HuntScenario> sweeps;
  for (const auto& [path, s] : all) {
    if (s.nemesis && s.nemesis->swarm && sim::split_protocol(s.cluster.protocol).first == protocol) {
      sweeps.push_back({path, s, 1, sweep_seeds});
    }
  }
  if (sweeps.empty()) {
    for (const auto& [path, s] : all) {
      if (s.nemesis) sweeps.push_back({path, s, 1, sweep_seeds});
    }
  }
  // A sweep scenario is hunted for seeds 1..N, which covers its suite seeds too.
  for (const auto& sweep : sweeps) {
    for (auto& h : out) {
      if (h.path == sweep.path) h.last_seed = std::max(h.last_seed, sweep.last_seed), h.first_seed = 1;
    }
  }
  return out;
}

std::string key_of(const HuntScenario& h) { return h.path; }

// The checks that made a run fail: enforced failures, or how the run died.
std::vector<std::string> failing_checks(const sim::RunOutcome& r) {
  if (!r.crash.empty()) return {r.crash.starts_with("aborted by signal") ? "assertion" : "crash"};
  std::vector<std::string> names;
  for (const auto& c : r.checks) {
    if (c.enforced && c.verdict == sim::Verdict::kFail) names.push_back(c.name);
  }
  return names;
}

double median(std::vector<std::uint64_t> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? static_cast<double>(values[n / 2]) : (static_cast<double>(values[n / 2 - 1] + values[n / 2])) / 2;
}

// Runs every hunt seed by seed (all hunts' runs for a batch of seeds in one pool),
// dropping a hunt's scenario at its first failure, or the whole hunt with
// `until_caught`.
void run_hunts(std::vector<Hunt>& hunts, const std::map<std::string, std::vector<HuntScenario>>& scenarios,
               bool until_caught, int jobs, const std::string& program) {
  std::uint64_t last = 0;
  for (const auto& [protocol, list] : scenarios) {
    for (const auto& h : list) last = std::max(last, h.last_seed);
  }
  std::uint64_t seed = 1;
  while (seed <= last) {
    // Small batches first, so a bug caught at once costs few runs.
    const std::uint64_t batch = seed < 5 ? 1 : seed < 20 ? 5 : 20;
    const std::uint64_t to = std::min(last, seed + batch - 1);
    std::vector<Task> tasks;
    std::vector<std::pair<std::size_t, const HuntScenario*>> owner;
    for (std::size_t i = 0; i < hunts.size(); ++i) {
      Hunt& hunt = hunts[i];
      if (until_caught && hunt.caught()) continue;
      for (const HuntScenario& h : scenarios.at(hunt.protocol)) {
        if (hunt.first_failure.contains(key_of(h)) && !hunt.variant.empty()) continue;
        for (std::uint64_t s = std::max(seed, h.first_seed); s <= std::min(to, h.last_seed); ++s) {
          Task t{h.path, h.scenario, {}};
          t.options.seed = s;
          t.options.protocol = hunt.protocol;
          t.options.variant = hunt.variant;
          tasks.push_back(std::move(t));
          owner.emplace_back(i, &h);
        }
      }
    }
    seed = to + 1;
    if (tasks.empty()) continue;
    const auto runs =
        run_pool(tasks, jobs, "power seeds " + std::to_string(to - batch + 1) + ".." + std::to_string(to), program);
    for (std::size_t k = 0; k < runs.size(); ++k) {
      Hunt& hunt = hunts[owner[k].first];
      const sim::RunOutcome& r = runs[k];
      ++hunt.runs;
      hunt.wall_s += r.wall_s;
      if (r.exit_code() == kExitOk) continue;
      if (hunt.variant.empty()) {
        hunt.control_failures.push_back(r.scenario_name + " seed " + std::to_string(r.seed) + ": " +
                                        reproduce_command(program, r.scenario_path, r.seed, r.protocol, r.store, ""));
        continue;
      }
      auto [it, fresh] = hunt.first_failure.try_emplace(key_of(*owner[k].second), r.seed);
      if (!fresh) it->second = std::min(it->second, r.seed);
      for (const auto& name : failing_checks(r)) ++hunt.checks[name];
    }
  }
}

std::string checks_text(const Hunt& hunt) {
  std::vector<std::pair<int, std::string>> sorted;
  for (const auto& [name, n] : hunt.checks) sorted.emplace_back(-n, name);
  std::sort(sorted.begin(), sorted.end());
  std::string text;
  for (const auto& [n, name] : sorted) text += (text.empty() ? "" : ", ") + name + " " + std::to_string(-n);
  return text.empty() ? "-" : text;
}

void print_table(const std::vector<Hunt>& hunts, const std::map<std::string, std::vector<HuntScenario>>& scenarios,
                 bool markdown) {
  const char* header[] = {"protocol",  "variant",      "class", "caught",  "first seed",
                          "scenarios", "checks fired", "runs",  "run time"};
  std::vector<std::vector<std::string>> rows;
  for (const Hunt& h : hunts) {
    if (h.variant.empty()) continue;
    std::vector<std::uint64_t> firsts;
    for (const auto& [path, seed] : h.first_failure) firsts.push_back(seed);
    char first[32], wall[32];
    std::snprintf(first, sizeof first, "%g", median(firsts));
    std::snprintf(wall, sizeof wall, "%.1fs", h.wall_s);
    rows.push_back({h.protocol, h.variant, h.bug_class, h.caught() ? "yes" : "NO", h.caught() ? first : "-",
                    std::to_string(h.first_failure.size()) + "/" + std::to_string(scenarios.at(h.protocol).size()),
                    checks_text(h), std::to_string(h.runs), wall});
  }
  std::vector<std::size_t> width(std::size(header));
  for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::string(header[c]).size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = markdown ? "|" : "";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string cell = cells[c];
      if (!markdown) cell.resize(width[c], ' ');
      text += markdown ? " " + cell + " |" : cell + (c + 1 < cells.size() ? "  " : "");
    }
    std::puts(text.c_str());
  };
  line(std::vector<std::string>(std::begin(header), std::end(header)));
  if (markdown) {
    std::vector<std::string> rule;
    for (std::size_t c = 0; c < width.size(); ++c) rule.push_back("---");
    line(rule);
  }
  for (const auto& row : rows) line(row);
}

}  // namespace

int cmd_power(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 2, {"seeds", "suite-seeds", "protocol", "variant", "jobs", "dir"},
                               {"until-caught", "no-control", "markdown", "help"});
  if (args.has("help")) {
    std::fputs(kPowerHelp, stdout);
    return kExitOk;
  }
  if (!args.positional.empty()) throw UsageError("power takes no arguments");
  const std::uint64_t sweep_seeds = args.get_u64("seeds", 100);
  if (sweep_seeds < 1 || sweep_seeds > 1000000) throw UsageError("--seeds must be between 1 and 1000000");
  const auto suite = parse_seed_range(args.get("suite-seeds", "1..5"));
  const std::string only_protocol = args.get("protocol");
  const std::string only_variant = args.get("variant");
  if (!only_protocol.empty() && only_protocol != "paxos" && only_protocol != "zk") {
    throw UsageError("--protocol must be paxos or zk");
  }
  if (!only_variant.empty() && only_protocol.empty()) throw UsageError("--variant needs --protocol");
  const auto all = load_dir(args.get("dir", "scenarios"));

  std::vector<Hunt> hunts;
  std::map<std::string, std::vector<HuntScenario>> scenarios;
  for (const std::string protocol : {"paxos", "zk"}) {
    if (!only_protocol.empty() && protocol != only_protocol) continue;
    scenarios[protocol] = hunt_scenarios(all, protocol, suite, sweep_seeds);
    if (!args.has("no-control")) hunts.push_back({protocol, "", "correct protocol", {}, {}, 0, 0, {}});
  }
  for (const auto& v : sim::all_variants()) {
    if (!scenarios.contains(v.protocol)) continue;
    if (!only_variant.empty() && v.info.name != only_variant) continue;
    hunts.push_back({v.protocol, std::string(v.info.name), std::string(v.info.bug_class), {}, {}, 0, 0, {}});
  }
  if (!only_variant.empty() && hunts.size() == (args.has("no-control") ? 0u : 1u)) {
    throw UsageError("no variant '" + only_variant + "' of " + only_protocol + " (see: faultline variants)");
  }
  for (const auto& [protocol, list] : scenarios) {
    std::uint64_t runs = 0;
    for (const auto& h : list) runs += h.last_seed - h.first_seed + 1;
    std::fprintf(stderr, "power: %s hunt: %zu scenarios, %llu runs per variant at most\n", protocol.c_str(),
                 list.size(), static_cast<unsigned long long>(runs));
  }
  const auto started = std::chrono::steady_clock::now();
  run_hunts(hunts, scenarios, args.has("until-caught"), jobs_of(args), argv[0]);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  print_table(hunts, scenarios, args.has("markdown"));
  int escaped = 0, false_alarms = 0;
  for (const Hunt& h : hunts) {
    if (!h.variant.empty() && !h.caught()) ++escaped;
    if (h.variant.empty()) {
      std::printf("control %s: %d runs, %zu failed\n", h.protocol.c_str(), h.runs, h.control_failures.size());
      for (const auto& f : h.control_failures) std::printf("  FALSE ALARM %s\n", f.c_str());
      false_alarms += static_cast<int>(h.control_failures.size());
    }
  }
  std::printf("power: %zu variants, %d caught, %d escaped; %d false alarms; %.0f s wall\n",
              hunts.size() - scenarios.size() * (args.has("no-control") ? 0 : 1),
              static_cast<int>(hunts.size() - scenarios.size() * (args.has("no-control") ? 0 : 1)) - escaped, escaped,
              false_alarms, wall_s);
  return escaped > 0 || false_alarms > 0 ? kExitSafety : kExitOk;
}

}  // namespace fl::cli
