// The shrinking search: ddmin over the fault schedule, numeric reductions of the
// rest, each candidate a whole run judged only by whether the target check still fails.
#include "sim/shrink.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "sim/scenario/nemesis.hpp"
#include "sim/scenario/write.hpp"

namespace fl::sim {
namespace {

constexpr Micros kTimeUnit = 100 * kMillis;  // durations are shrunk in steps of this

// Groups of fault indices that the search removes together.
using Units = std::vector<std::vector<std::size_t>>;

bool names(const NodeSet& set, const std::string& name) { return std::find(set.begin(), set.end(), name) != set.end(); }

// Whether `later` undoes `action`: a restart of the same nodes (or of "*", or of all)
// a crash, a restart of all a kill, a resume a pause, a heal a partition or cut, and
// a network change the one before it.
bool undoes(const FaultAction& later, const FaultAction& action) {
  if (const auto* crash = std::get_if<Crash>(&action)) {
    const auto* restart = std::get_if<Restart>(&later);
    return std::holds_alternative<RestartAll>(later) ||
           (restart && (restart->nodes == crash->nodes || names(restart->nodes, "*")));
  }
  if (const auto* pause = std::get_if<Pause>(&action)) {
    const auto* resume = std::get_if<Resume>(&later);
    return resume && (resume->nodes == pause->nodes || names(resume->nodes, "*"));
  }
  if (std::holds_alternative<KillAll>(action)) return std::holds_alternative<RestartAll>(later);
  if (std::holds_alternative<Partition>(action) || std::holds_alternative<Cut>(action)) {
    return std::holds_alternative<Heal>(later);
  }
  return std::holds_alternative<NetworkChange>(action) && std::holds_alternative<NetworkChange>(later);
}

// The first fault after `from` that undoes it; `taken` marks undos already paired
// with an earlier fault, except heals: one heal undoes every partition and cut.
std::optional<std::size_t> undo_of(const std::vector<TimedFault>& faults, std::size_t from,
                                   const std::vector<bool>& taken) {
  for (std::size_t j = from + 1; j < faults.size(); ++j) {
    const bool free = !taken[j] || std::holds_alternative<Heal>(faults[j].action);
    if (free && undoes(faults[j].action, faults[from].action)) return j;
  }
  return std::nullopt;
}

// Each fault grouped with its undo when the schedule says which it is.
Units paired_units(const std::vector<TimedFault>& faults) {
  std::vector<std::size_t> group(faults.size());
  std::iota(group.begin(), group.end(), 0);
  std::vector<bool> taken(faults.size(), false);
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (taken[i]) continue;
    if (const auto j = undo_of(faults, i, taken)) {
      if (!std::holds_alternative<Heal>(faults[*j].action)) taken[*j] = true;
      // A heal may already lead a group (of earlier partitions): join it.
      group[i] = group[*j] != *j ? group[*j] : i;
      group[*j] = group[i];
    }
  }
  std::map<std::size_t, std::vector<std::size_t>> by_leader;
  for (std::size_t i = 0; i < faults.size(); ++i) by_leader[group[i]].push_back(i);
  Units units;
  for (auto& [leader, members] : by_leader) units.push_back(std::move(members));
  std::sort(units.begin(), units.end(), [](const auto& a, const auto& b) { return a.front() < b.front(); });
  return units;
}

Units single_units(std::size_t n) {
  Units units;
  for (std::size_t i = 0; i < n; ++i) units.push_back({i});
  return units;
}

// `units` cut into `n` chunks of near-equal size, in order.
std::vector<Units> split(const Units& units, std::size_t n) {
  std::vector<Units> chunks;
  std::size_t start = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t end = start + (units.size() - start) / (n - k);
    const auto first = units.begin() + static_cast<std::ptrdiff_t>(start);
    chunks.emplace_back(first, first + static_cast<std::ptrdiff_t>(end - start));
    start = end;
  }
  return chunks;
}

Units complement(const std::vector<Units>& chunks, std::size_t skip) {
  Units out;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    if (k != skip) out.insert(out.end(), chunks[k].begin(), chunks[k].end());
  }
  return out;
}

// Values below `v` worth trying, ascending: the minimum, then halfway, three
// quarters, ... of the way from it to v, and the step just below v; all multiples
// of `unit` (above the minimum).
std::vector<std::int64_t> smaller_values(std::int64_t v, std::int64_t min, std::int64_t unit) {
  std::vector<std::int64_t> out{min};
  for (std::int64_t cut = (v - min) / 2; cut >= unit; cut /= 2) out.push_back(v - cut);
  out.push_back(v - unit);
  for (auto& x : out) x = std::max(min, x - x % unit);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  std::erase_if(out, [&](std::int64_t x) { return x >= v; });
  return out;
}

// A numeric field the search reduces, from its value towards its least.
struct Knob {
  std::string_view stage;
  std::int64_t (*get)(const Scenario&);
  void (*set)(Scenario&, std::int64_t);
  std::int64_t (*least)(const Scenario&);
  std::int64_t unit;  // values tried are multiples of this
};

// requests_max 0 means unlimited; the search starts from about what the clients
// issue in the run (a closed loop issues at most rate_hz per client per second).
std::int64_t requests_start(const Scenario& s) {
  if (s.workload.requests_max > 0) return s.workload.requests_max;
  const double expected = s.workload.rate_hz * s.workload.clients * static_cast<double>(s.duration_us) / kSeconds;
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(expected) + 2, 2, 1 << 30);
}

// The first fault's time; setting it moves every fault by the same amount, so the
// faults keep their spacing and order while the run before them shrinks.
std::int64_t first_fault_us(const Scenario& s) { return s.faults.empty() ? 0 : s.faults.front().at_us; }

void move_faults(Scenario& s, std::int64_t first_us) {
  const Micros by_us = first_fault_us(s) - first_us;
  for (TimedFault& f : s.faults) f.at_us -= by_us;
}

std::int64_t one(const Scenario&) { return 1; }
std::int64_t one_time_unit(const Scenario&) { return kTimeUnit; }
std::int64_t earliest_fault_us(const Scenario& s) { return std::min(kTimeUnit, first_fault_us(s)); }

// A quiet period long enough for the liveness check to judge the requests made
// after the last fault (expect is kept as it is), or the scenario's own if shorter.
std::int64_t least_quiesce_us(const Scenario& s) {
  const Micros floor_us = s.expect.progress == Progress::kNone ? kSeconds : s.expect.liveness_bound_us;
  return std::min(floor_us, s.quiesce_us);
}

const Knob kKnobs[] = {
    {"earlier faults", first_fault_us, move_faults, earliest_fault_us, kTimeUnit},
    {"duration", [](const Scenario& s) -> std::int64_t { return s.duration_us; },
     [](Scenario& s, std::int64_t v) { s.duration_us = v; }, one_time_unit, kTimeUnit},
    {"clients", [](const Scenario& s) -> std::int64_t { return s.workload.clients; },
     [](Scenario& s, std::int64_t v) { s.workload.clients = static_cast<int>(v); }, one, 1},
    {"requests", requests_start, [](Scenario& s, std::int64_t v) { s.workload.requests_max = static_cast<int>(v); },
     one, 1},
    {"keys", [](const Scenario& s) -> std::int64_t { return s.workload.keys; },
     [](Scenario& s, std::int64_t v) { s.workload.keys = static_cast<int>(v); }, one, 1},
    {"quiesce", [](const Scenario& s) -> std::int64_t { return s.quiesce_us; },
     [](Scenario& s, std::int64_t v) { s.quiesce_us = v; }, least_quiesce_us, kTimeUnit},
    {"replicas", [](const Scenario& s) -> std::int64_t { return s.cluster.replicas; },
     [](Scenario& s, std::int64_t v) { s.cluster.replicas = static_cast<int>(v); }, one, 1},
};

class Search {
 public:
  Search(const Scenario& failing, const RunCandidates& run, const ShrinkOptions& options)
      : run_(run), options_(options), best_(failing) {
    result_.before = size_of(failing, options_.seed, options_.has_zk);
    result_.scenario = failing;
  }

  ShrinkResult search() {
    if (auto normal = normalize(best_)) best_ = *normal;  // origins as the written file has them
    bool changed = true;
    while (changed && !exhausted()) {
      changed = false;
      if (best_.nemesis) changed |= replace_nemesis();
      changed |= ddmin("fault pairs", paired_units(best_.faults));
      changed |= ddmin("single faults", single_units(best_.faults.size()));
      for (const Knob& knob : kKnobs) changed |= reduce(knob);
    }
    result_.scenario = best_;
    result_.after = size_of(best_, options_.seed, options_.has_zk);
    result_.budget_exhausted = exhausted();
    return result_;
  }

 private:
  bool exhausted() const { return out_of_budget_; }

  // The scenario as its file would read back, or nullopt if the parser rejects it.
  std::optional<Scenario> normalize(const Scenario& s) const {
    auto parsed = parse_scenario(write_scenario(s), s.source_file);
    if (auto* scenario = std::get_if<Scenario>(&parsed)) return std::move(*scenario);
    return std::nullopt;
  }

  void accept(const Scenario& s, std::string_view stage) {
    best_ = s;
    if (!options_.on_progress) return;
    options_.on_progress({stage, result_.runs, size_of(best_, options_.seed, options_.has_zk)});
  }

  // Runs candidates (at most `batch` at once, in order) until one still fails;
  // returns its index and leaves it in `found`. Known ones are not run again.
  std::optional<std::size_t> first_failing(const std::vector<Scenario>& candidates, Scenario& found);
  bool replace_nemesis();
  bool ddmin(std::string_view stage, Units units);
  bool reduce(const Knob& knob);

  Scenario with_units(const Scenario& base, const Units& units) const {
    std::vector<std::size_t> keep;
    for (const auto& unit : units) keep.insert(keep.end(), unit.begin(), unit.end());
    std::sort(keep.begin(), keep.end());
    Scenario s = base;
    s.faults.clear();
    for (std::size_t i : keep) s.faults.push_back(base.faults[i]);
    return s;
  }

  const RunCandidates& run_;
  const ShrinkOptions& options_;
  Scenario best_;
  ShrinkResult result_;
  std::map<std::string, bool> known_;  // candidate file text -> still fails the target
  std::set<std::string> rejected_;     // candidates the parser rejected, as written
  bool out_of_budget_ = false;
};

std::optional<std::size_t> Search::first_failing(const std::vector<Scenario>& candidates, Scenario& found) {
  std::vector<std::optional<Scenario>> normal(candidates.size());
  std::vector<std::string> texts(candidates.size());
  std::size_t next = 0;
  while (next < candidates.size()) {
    std::vector<std::size_t> batch;  // candidates to run now, in order
    std::optional<std::size_t> known_failing;
    for (; next < candidates.size() && batch.size() < static_cast<std::size_t>(std::max(1, options_.batch)); ++next) {
      normal[next] = normalize(candidates[next]);
      if (!normal[next]) {
        if (rejected_.insert(write_scenario(candidates[next])).second) ++result_.invalid;
        continue;
      }
      texts[next] = write_scenario(*normal[next]);
      const auto it = known_.find(texts[next]);
      if (it == known_.end()) {
        batch.push_back(next);
        continue;
      }
      ++result_.cached;
      if (it->second) {
        known_failing = next++;
        break;
      }
    }
    const int left = options_.budget_runs - result_.runs;
    if (static_cast<int>(batch.size()) > left) {
      batch.resize(static_cast<std::size_t>(std::max(0, left)));
      out_of_budget_ = true;
      known_failing.reset();  // candidates before it may not have run
    }
    std::vector<Scenario> scenarios;
    for (std::size_t i : batch) scenarios.push_back(*normal[i]);
    const std::vector<CandidateRun> runs = scenarios.empty() ? std::vector<CandidateRun>{} : run_(scenarios);
    result_.runs += static_cast<int>(batch.size());
    for (std::size_t k = 0; k < batch.size(); ++k) {
      known_[texts[batch[k]]] = !runs[k].aborted && fails_target(runs[k].checks, options_.target);
    }
    for (std::size_t i : batch) {
      if (known_[texts[i]]) {
        found = *normal[i];
        return i;
      }
    }
    if (known_failing) {
      found = *normal[*known_failing];
      return known_failing;
    }
    if (out_of_budget_) return std::nullopt;
  }
  return std::nullopt;
}

bool Search::replace_nemesis() {
  Scenario listed = best_;
  listed.faults = nemesis_as_faults(best_, options_.seed, options_.has_zk);
  listed.nemesis.reset();
  const std::size_t count = listed.faults.size() - best_.faults.size();
  Scenario without = best_;
  without.nemesis.reset();
  Scenario found;
  const auto index = first_failing({listed, without}, found);
  if (!index) {
    result_.nemesis = NemesisFate::kKept;
    return false;
  }
  result_.nemesis = *index == 0 ? NemesisFate::kReplaced : NemesisFate::kRemoved;
  result_.nemesis_faults = *index == 0 ? count : 0;
  accept(found, *index == 0 ? "nemesis to faults" : "nemesis removed");
  return true;
}

bool Search::ddmin(std::string_view stage, Units units) {
  if (units.empty() || exhausted()) return false;
  const Scenario base = best_;
  Scenario found;
  if (first_failing({with_units(base, {})}, found)) {
    accept(found, stage);
    return true;
  }
  bool changed = false;
  std::size_t n = 2;
  while (units.size() >= 2 && !exhausted()) {
    n = std::min(n, units.size());
    const std::vector<Units> chunks = split(units, n);
    std::vector<Scenario> candidates;
    for (const Units& chunk : chunks) candidates.push_back(with_units(base, chunk));
    if (n > 2) {
      for (std::size_t k = 0; k < n; ++k) candidates.push_back(with_units(base, complement(chunks, k)));
    }
    const auto index = first_failing(candidates, found);
    if (!index) {
      if (n == units.size()) break;
      n = std::min(2 * n, units.size());
      continue;
    }
    units = *index < n ? chunks[*index] : complement(chunks, *index - n);
    n = *index < n ? 2 : std::max<std::size_t>(n - 1, 2);
    accept(found, stage);
    changed = true;
  }
  return changed;
}

bool Search::reduce(const Knob& knob) {
  bool changed = false;
  while (!exhausted()) {
    const std::int64_t value = knob.get(best_);
    const std::int64_t min = knob.least(best_);
    if (value <= min) break;
    std::vector<Scenario> candidates;
    for (std::int64_t v : smaller_values(value, min, knob.unit)) {
      candidates.push_back(best_);
      knob.set(candidates.back(), v);
    }
    Scenario found;
    if (!first_failing(candidates, found)) break;
    accept(found, knob.stage);
    changed = true;
  }
  return changed;
}

std::string requests_text(int requests_max) { return requests_max == 0 ? "unlimited" : std::to_string(requests_max); }

}  // namespace

std::vector<TimedFault> nemesis_as_faults(const Scenario& s, std::uint64_t seed, bool has_zk) {
  std::vector<TimedFault> faults = s.faults;
  if (!s.nemesis) return faults;
  const auto expanded = expand_nemesis(*s.nemesis, s.cluster.replicas, has_zk, s.duration_us, seed);
  faults.insert(faults.end(), expanded.begin(), expanded.end());
  // The World queues every scenario fault, then every nemesis instant, before the run
  // starts, and its queue orders by (time, insertion): at one instant the scenario's
  // faults fire first, then the nemesis's in its order. A stable sort keeps exactly that.
  std::stable_sort(faults.begin(), faults.end(),
                   [](const TimedFault& a, const TimedFault& b) { return a.at_us < b.at_us; });
  return faults;
}

std::optional<ShrinkTarget> first_failing_check(const std::vector<CheckResult>& checks) {
  for (const CheckResult& c : checks) {
    if (c.enforced && c.verdict == Verdict::kFail) return ShrinkTarget{c.name, c.severity};
  }
  return std::nullopt;
}

bool fails_target(const std::vector<CheckResult>& checks, const ShrinkTarget& target) {
  return std::any_of(checks.begin(), checks.end(), [&](const CheckResult& c) {
    return c.name == target.check && c.enforced && c.verdict == Verdict::kFail && c.severity == target.severity;
  });
}

ScenarioSize size_of(const Scenario& s, std::uint64_t seed, bool has_zk) {
  ScenarioSize size;
  size.nemesis = s.nemesis.has_value();
  if (s.nemesis) {
    size.nemesis_faults = expand_nemesis(*s.nemesis, s.cluster.replicas, has_zk, s.duration_us, seed).size();
  }
  size.faults = s.faults.size();
  size.clients = s.workload.clients;
  size.requests_max = s.workload.requests_max;
  size.keys = s.workload.keys;
  size.replicas = s.cluster.replicas;
  size.duration_us = s.duration_us;
  size.quiesce_us = s.quiesce_us;
  return size;
}

bool no_larger(const ScenarioSize& a, const ScenarioSize& b) {
  const auto requests = [](int r) { return r == 0 ? std::int64_t{1} << 40 : std::int64_t{r}; };
  return (!a.nemesis || b.nemesis) && a.faults + a.nemesis_faults <= b.faults + b.nemesis_faults &&
         a.clients <= b.clients && requests(a.requests_max) <= requests(b.requests_max) && a.keys <= b.keys &&
         a.replicas <= b.replicas && a.duration_us <= b.duration_us && a.quiesce_us <= b.quiesce_us;
}

ShrinkResult shrink(const Scenario& failing, const RunCandidates& run, const ShrinkOptions& options) {
  Search search(failing, run, options);
  ShrinkResult result = search.search();
  if (failing.nemesis && result.nemesis == NemesisFate::kNone) result.nemesis = NemesisFate::kKept;
  return result;
}

std::string describe_shrink(const ShrinkResult& r) {
  std::vector<std::string> parts;
  std::size_t faults_before = r.before.faults;
  if (r.nemesis == NemesisFate::kReplaced) {
    parts.push_back("nemesis → " + std::to_string(r.nemesis_faults) + " faults");
    faults_before += r.nemesis_faults;
  } else if (r.nemesis == NemesisFate::kRemoved) {
    parts.push_back("nemesis removed");
  }
  const auto changed = [&parts](const std::string& what, const std::string& before, const std::string& after) {
    if (before != after) parts.push_back(what + " " + before + " → " + after);
  };
  changed("faults", std::to_string(faults_before), std::to_string(r.after.faults));
  changed("clients", std::to_string(r.before.clients), std::to_string(r.after.clients));
  changed("requests", requests_text(r.before.requests_max), requests_text(r.after.requests_max));
  changed("keys", std::to_string(r.before.keys), std::to_string(r.after.keys));
  changed("replicas", std::to_string(r.before.replicas), std::to_string(r.after.replicas));
  changed("duration", format_duration(r.before.duration_us), format_duration(r.after.duration_us));
  changed("quiesce", format_duration(r.before.quiesce_us), format_duration(r.after.quiesce_us));
  if (parts.empty()) return "nothing";
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : "; ") + part;
  return out;
}

std::string describe_size(const ScenarioSize& s) {
  const std::string nemesis = "nemesis (" + std::to_string(s.nemesis_faults) + " faults), ";
  return std::string(s.nemesis ? nemesis : "") + std::to_string(s.faults) + " faults, " + std::to_string(s.clients) +
         " clients, " + requests_text(s.requests_max) + " requests, " + std::to_string(s.keys) + " keys, " +
         std::to_string(s.replicas) + " replicas, duration " + format_duration(s.duration_us) + ", quiesce " +
         format_duration(s.quiesce_us);
}

}  // namespace fl::sim
