#include "sim/checks/checks.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "sim/lin/check.hpp"

namespace fl::sim {
namespace {

CheckResult make(std::string name, Severity severity) {
  CheckResult r;
  r.kind = check_kind_of(name);
  r.name = std::move(name);
  r.severity = severity;
  r.verdict = Verdict::kPass;
  return r;
}

CheckResult skipped(std::string name, Severity severity, std::string why) {
  CheckResult r = make(std::move(name), severity);
  r.verdict = Verdict::kSkip;
  r.detail = std::move(why);
  return r;
}

bool is_prefix(const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& b) {
  return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// True if `behind` could become `ahead` by appending alone: every key it holds is in
// `ahead`, with its list a prefix of the list there. Keys only `ahead` holds are
// inserts `behind` has not applied yet.
bool lags_behind(const std::vector<Row>& behind, const std::vector<Row>& ahead) {
  std::map<std::int32_t, const std::vector<std::int32_t>*> in_ahead;
  for (const auto& [k, v] : ahead) in_ahead[k] = &v;
  for (const auto& [k, v] : behind) {
    auto it = in_ahead.find(k);
    if (it == in_ahead.end() || !is_prefix(v, *it->second)) return false;
  }
  return true;
}

// True if one table is a strict lag of the other. Both replicas apply one log, so one
// must be behind on every key: ahead on one key and behind on another is divergence.
bool lag_only(const std::vector<Row>& a, const std::vector<Row>& b) { return lags_behind(a, b) || lags_behind(b, a); }

std::string first_difference(const std::vector<Row>& a, const std::vector<Row>& b) {
  std::map<std::int32_t, std::vector<std::int32_t>> ma(a.begin(), a.end()), mb(b.begin(), b.end());
  std::set<std::int32_t> keys;
  for (auto& [k, v] : ma) keys.insert(k);
  for (auto& [k, v] : mb) keys.insert(k);
  auto show = [](const std::map<std::int32_t, std::vector<std::int32_t>>& m, std::int32_t k) {
    auto it = m.find(k);
    if (it == m.end()) return std::string("absent");
    std::string s = std::to_string(it->second.size()) + " events";
    if (!it->second.empty()) s += ", last " + std::to_string(it->second.back());
    return s;
  };
  for (std::int32_t k : keys) {
    auto ia = ma.find(k), ib = mb.find(k);
    const bool same = ia != ma.end() && ib != mb.end() && ia->second == ib->second;
    if (!same) return "key " + std::to_string(k) + ": " + show(ma, k) + " vs " + show(mb, k);
  }
  return "tables equal";
}

using Positions = std::unordered_map<std::int32_t, std::pair<std::int32_t, std::size_t>>;

// Appends a and b to one key with a completed before b began must appear a first.
// Per key, walk positions from last to first, keeping the earliest completion seen
// among later positions: O(n log n) rather than comparing every pair.
std::optional<std::string> order_violation(const std::vector<const Operation*>& acked, const Positions& where) {
  std::map<std::int32_t, std::vector<std::pair<std::size_t, const Operation*>>> by_key;
  for (const Operation* op : acked) {
    // Only those this table holds: one still missing from a lagging replica has no place.
    const auto it = where.find(op->request.value);
    if (it != where.end() && it->second.first == op->request.key)
      by_key[op->request.key].emplace_back(it->second.second, op);
  }
  for (auto& [key, ops] : by_key) {
    std::sort(ops.begin(), ops.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    const Operation* earliest_later = nullptr;
    for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
      const Operation* b = it->second;
      if (earliest_later && earliest_later->complete_us < b->invoke_us) {
        return describe(earliest_later->request) + " completed before " + describe(b->request) +
               " began, but follows it";
      }
      if (!earliest_later || b->complete_us < earliest_later->complete_us) earliest_later = b;
    }
  }
  return std::nullopt;
}

}  // namespace

CheckResult check_converged(const RunFacts& facts) {
  if (facts.live_tables.empty()) return skipped("converged", Severity::kSafety, "no replica is up at the end");
  CheckResult r = make("converged", Severity::kSafety);
  const auto& tables = facts.live_tables;
  // Every pair, not only each against the first: two replicas that are both ahead of
  // a lagging first one may still diverge from each other, and that is a safety failure.
  const ReplicaTable* lag_a = nullptr;
  const ReplicaTable* lag_b = nullptr;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    for (std::size_t j = i + 1; j < tables.size(); ++j) {
      const ReplicaTable& a = tables[i];
      const ReplicaTable& b = tables[j];
      if (a.rows == b.rows) continue;
      if (lag_only(a.rows, b.rows)) {
        if (!lag_a) {
          lag_a = &a;
          lag_b = &b;
        }
        continue;
      }
      r.verdict = Verdict::kFail;
      r.detail = replica_name(a.id) + " and " + replica_name(b.id) + " diverge: " + first_difference(a.rows, b.rows);
      return r;
    }
  }
  if (lag_a) {
    r.verdict = Verdict::kFail;
    r.severity = Severity::kLiveness;
    r.detail = replica_name(lag_a->id) + " and " + replica_name(lag_b->id) +
               " differ (one lags): " + first_difference(lag_a->rows, lag_b->rows);
    return r;
  }
  r.detail = std::to_string(tables.size()) + " live replicas, " + std::to_string(tables.front().rows.size()) +
             " keys, identical";
  return r;
}

namespace {

// value -> (key, position) in one replica's table.
Positions positions_of(const ReplicaTable& table) {
  Positions where;
  for (const auto& [key, events] : table.rows) {
    for (std::size_t i = 0; i < events.size(); ++i) where[events[i]] = {key, i};
  }
  return where;
}

bool holds(const Positions& where, const Operation& op) {
  auto it = where.find(op.request.value);
  return it != where.end() && it->second.first == op.request.key;
}

}  // namespace

// An acknowledged append missing from a replica that merely lags another replica
// which holds it is not lost, only not applied there yet: a liveness failure, as
// `converged` judges the same tables. Missing from every replica that is ahead, it
// is lost: a safety failure.
CheckResult check_durable(const RunFacts& facts) {
  if (facts.live_tables.empty()) return skipped("durable", Severity::kSafety, "no replica is up at the end");
  CheckResult r = make("durable", Severity::kSafety);
  std::vector<const Operation*> acked;
  for (const Operation& op : *facts.history) {
    if (op.outcome == Outcome::kOk && op.request.op == OpKind::kAppend) acked.push_back(&op);
  }
  const auto& tables = facts.live_tables;
  std::vector<Positions> where;
  for (const ReplicaTable& table : tables) where.push_back(positions_of(table));
  std::optional<std::string> lagging;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    for (const Operation* op : acked) {
      if (holds(where[t], *op)) continue;
      const std::string missing = "acknowledged " + describe(op->request) +
                                  " (completed t=" + std::to_string(op->complete_us) + ") is missing from " +
                                  replica_name(tables[t].id);
      std::optional<std::size_t> ahead;
      for (std::size_t u = 0; u < tables.size() && !ahead; ++u) {
        if (u != t && holds(where[u], *op) && lags_behind(tables[t].rows, tables[u].rows)) ahead = u;
      }
      if (!ahead) {
        r.verdict = Verdict::kFail;
        r.detail = missing;
        return r;
      }
      if (!lagging) lagging = missing + ", which lags " + replica_name(tables[*ahead].id) + " (it holds it)";
      break;
    }
    if (auto violation = order_violation(acked, where[t])) {
      r.verdict = Verdict::kFail;
      r.detail = *violation + " in " + replica_name(tables[t].id);
      return r;
    }
  }
  if (lagging) {
    r.verdict = Verdict::kFail;
    r.severity = Severity::kLiveness;
    r.detail = *lagging;
    return r;
  }
  r.detail = std::to_string(acked.size()) + " acknowledged appends present in order";
  return r;
}

CheckResult check_exactly_once(const RunFacts& facts) {
  if (facts.live_tables.empty()) return skipped("exactly_once", Severity::kSafety, "no replica is up at the end");
  CheckResult r = make("exactly_once", Severity::kSafety);
  for (const ReplicaTable& table : facts.live_tables) {
    std::unordered_map<std::int32_t, std::int32_t> seen;  // value -> key
    for (const auto& [key, events] : table.rows) {
      for (std::int32_t v : events) {
        auto [it, fresh] = seen.emplace(v, key);
        if (!fresh) {
          r.verdict = Verdict::kFail;
          r.detail = "value " + std::to_string(v) + " appears twice in " + replica_name(table.id) + " (keys " +
                     std::to_string(it->second) + " and " + std::to_string(key) + ")";
          return r;
        }
      }
    }
  }
  r.detail = "no value applied twice";
  return r;
}

CheckResult check_log_bound(const RunFacts& facts, std::int64_t max_log_size) {
  CheckResult r = make("log_bound", Severity::kSafety);
  r.detail = "max held " + std::to_string(facts.max_log_held) + " of " + std::to_string(max_log_size);
  if (!facts.max_log_held_where.empty()) r.detail += " (" + facts.max_log_held_where + ")";
  if (facts.max_log_held > max_log_size) r.verdict = Verdict::kFail;
  return r;
}

CheckResult check_liveness(const RunFacts& facts, Progress progress, Micros bound_us) {
  if (progress == Progress::kNone) return skipped("liveness", Severity::kLiveness, "scenario requires no progress");
  CheckResult r = make("liveness", Severity::kLiveness);
  std::int64_t judged = 0;
  Micros worst = 0;
  for (const Operation& op : *facts.history) {
    const Micros start = progress == Progress::kAfterHeal ? std::max(op.invoke_us, facts.last_fault_us) : op.invoke_us;
    const Micros deadline = start + bound_us;
    if (op.outcome == Outcome::kOk) {
      ++judged;
      worst = std::max(worst, op.complete_us - start);
      if (op.complete_us <= deadline) continue;
    } else if (deadline >= facts.end_us) {
      continue;  // the run ended before its deadline: no verdict on this one
    }
    r.verdict = Verdict::kFail;
    r.detail = describe(op.request) + " invoked t=" + std::to_string(op.invoke_us) +
               (op.outcome == Outcome::kOk ? " completed t=" + std::to_string(op.complete_us) : " never completed") +
               ", bound " + format_duration(bound_us) + " from t=" + std::to_string(start);
    return r;
  }
  if (judged == 0) {
    r.verdict = Verdict::kFail;
    r.detail = "no request completed";
    return r;
  }
  r.detail = std::to_string(judged) + " requests completed, slowest " + format_duration(worst) + " (bound " +
             format_duration(bound_us) + ")";
  return r;
}

std::vector<CheckResult> run_checks(const RunFacts& facts, const Scenario& scenario) {
  const Expectations& e = scenario.expect;
  std::vector<CheckResult> results = facts.invariants;
  if (facts.linearizable) {
    results.push_back(facts.linearizable->result);
    results.back().enforced = e.linearizable;
  } else if (facts.history) {
    results.push_back(check_linearizable(*facts.history));
    results.back().enforced = e.linearizable;
  }
  results.push_back(check_converged(facts));
  results.back().enforced = e.converged;
  results.push_back(check_durable(facts));
  results.back().enforced = e.durable;
  results.push_back(check_exactly_once(facts));
  results.back().enforced = e.exactly_once;
  results.push_back(check_log_bound(facts, scenario.cluster.max_log_size));
  results.back().enforced = e.log_bound;
  results.push_back(check_liveness(facts, e.progress, e.liveness_bound_us));
  return results;
}

}  // namespace fl::sim
