// Scenario -> scenario-file JSON, and a field-by-field comparison of two scenarios.
// The writer mirrors the parser in sim/scenario/scenario.cpp section by section; the round
// trip over every shipped scenario is tested in write_test.cpp.
#include "sim/scenario/write.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace fl::sim {
namespace {

using ojson = nlohmann::ordered_json;

// ---------------------------------------------------------------------------
// Sections

ojson duration(Micros us) { return format_duration(us); }

// One name as a string (the common case, and how people write it), else an array.
ojson node_set(const NodeSet& nodes) {
  if (nodes.size() == 1) return nodes[0];
  return ojson(nodes);
}

ojson cluster_json(const ClusterSpec& c) {
  return {{"replicas", c.replicas},
          {"protocol", c.protocol},
          {"store", c.store},
          {"max_log_size", c.max_log_size},
          {"checkpoint_interval", c.checkpoint_interval},
          {"batch_size_max", c.batch_size_max}};
}

// Both protocols' sections are always written, so the file runs under either.
ojson paxos_json(const PaxosSettings& p) {
  return {{"heartbeat", duration(p.heartbeat_us)}, {"election_timeout", duration(p.election_timeout_us)}};
}

ojson zk_json(const ZkSettings& z) {
  return {{"session_timeout", duration(z.session_timeout_us)}, {"tick", duration(z.tick_us)}};
}

ojson network_json(const NetworkSpec& n) {
  return {{"latency", duration(n.latency_us)},
          {"jitter", duration(n.jitter_us)},
          {"loss", n.loss},
          {"duplicate", n.duplicate},
          {"reorder", n.reorder},
          {"reorder_delay", duration(n.reorder_delay_us)}};
}

ojson workload_json(const WorkloadSpec& w) {
  const ojson mix = {
      {"insert", w.mix.insert}, {"append", w.mix.append}, {"read", w.mix.read}, {"read_all", w.mix.read_all}};
  return {{"clients", w.clients},
          {"keys", w.keys},
          {"mix", mix},
          {"rate_hz", w.rate_hz},
          {"targets", ojson(w.targets)},
          {"timeout", duration(w.timeout_us)},
          {"attempts_max", w.attempts_max},
          {"requests_max", w.requests_max}};
}

ojson nemesis_json(const NemesisSpec& n) {
  ojson out = {{"swarm", n.swarm}, {"start", duration(n.start_us)}, {"stop", duration(n.stop_us)}};
  // Fields of the other mode are errors to the parser, so only this mode's are written.
  if (!n.swarm) {
    out["interval"] = duration(n.interval_us);
    out["crash"] = n.crash;
    out["partition"] = n.partition;
    out["cut"] = n.cut;
    out["kill_all"] = n.kill_all;
    out["crashed_max"] = n.crashed_max;
    return out;
  }
  out["crashed_max"] = n.crashed_max;
  ojson kinds = ojson::array();
  for (SwarmKind kind : n.kinds) kinds.push_back(kSwarmKindNames[static_cast<std::size_t>(kind)]);
  out["kinds"] = kinds;  // always explicit: the default list depends on the cluster
  out["gap_min"] = duration(n.gap_min_us);
  out["gap_max"] = duration(n.gap_max_us);
  out["fault_min"] = duration(n.fault_min_us);
  out["fault_max"] = duration(n.fault_max_us);
  return out;
}

std::string_view progress_name(Progress p) {
  switch (p) {
    case Progress::kAlways:
      return "always";
    case Progress::kNone:
      return "none";
    case Progress::kAfterHeal:
      break;
  }
  return "after-heal";
}

ojson expect_json(const Expectations& e) {
  return {{"linearizable", e.linearizable},
          {"converged", e.converged},
          {"durable", e.durable},
          {"exactly_once", e.exactly_once},
          {"log_bound", e.log_bound},
          {"progress", progress_name(e.progress)},
          {"liveness_bound", duration(e.liveness_bound_us)}};
}

// ---------------------------------------------------------------------------
// Faults

ojson network_change_json(const NetworkChange& c) {
  ojson out = ojson::object();
  if (c.latency_us) out["latency"] = duration(*c.latency_us);
  if (c.jitter_us) out["jitter"] = duration(*c.jitter_us);
  if (c.loss) out["loss"] = *c.loss;
  if (c.duplicate) out["duplicate"] = *c.duplicate;
  if (c.reorder) out["reorder"] = *c.reorder;
  return out;
}

// The action's key and value in a fault element.
std::pair<std::string, ojson> action_json(const FaultAction& action) {
  return std::visit(
      [](const auto& a) -> std::pair<std::string, ojson> {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, Crash>) return {"crash", node_set(a.nodes)};
        if constexpr (std::is_same_v<T, Restart>) return {"restart", node_set(a.nodes)};
        if constexpr (std::is_same_v<T, Pause>) return {"pause", node_set(a.nodes)};
        if constexpr (std::is_same_v<T, Resume>) return {"resume", node_set(a.nodes)};
        if constexpr (std::is_same_v<T, KillAll>) return {"kill_all", true};
        if constexpr (std::is_same_v<T, RestartAll>) return {"restart_all", true};
        if constexpr (std::is_same_v<T, Heal>) return {"heal", true};
        if constexpr (std::is_same_v<T, Partition>) {
          ojson groups = ojson::array();
          for (const NodeSet& g : a.groups) groups.push_back(ojson(g));
          return {"partition", groups};
        }
        if constexpr (std::is_same_v<T, Cut>) return {"cut", {{"from", ojson(a.from)}, {"to", ojson(a.to)}}};
        if constexpr (std::is_same_v<T, NetworkChange>) return {"network", network_change_json(a)};
      },
      action);
}

ojson fault_json(const TimedFault& f) {
  auto [key, value] = action_json(f.action);
  return {{"at", duration(f.at_us)}, {key, value}};
}

// "faults[12]" -> (12, false), "faults[3].rolling" -> (3, true); nullopt otherwise.
std::optional<std::pair<std::size_t, bool>> parse_origin(const std::string& origin) {
  constexpr std::string_view kPrefix = "faults[";
  constexpr std::string_view kRolling = "].rolling";
  if (!origin.starts_with(kPrefix)) return std::nullopt;
  const char* first = origin.data() + kPrefix.size();
  const char* last = origin.data() + origin.size();
  std::size_t index = 0;
  const auto [end, ec] = std::from_chars(first, last, index);
  if (ec != std::errc() || end == first || (*first == '0' && end - first > 1)) return std::nullopt;
  const std::string_view rest(end, static_cast<std::size_t>(last - end));
  if (rest == "]") return std::pair{index, false};
  if (rest == kRolling) return std::pair{index, true};
  return std::nullopt;
}

// A single concrete replica name, as a rolling element requires.
std::optional<std::string> one_replica(const NodeSet& nodes) {
  if (nodes.size() != 1 || nodes[0].size() < 2 || nodes[0][0] != 'r') return std::nullopt;
  return nodes[0];
}

// The rolling element whose expansion is exactly `group` (in expansion order), if any.
std::optional<ojson> rolling_json(const std::vector<const TimedFault*>& group) {
  if (group.empty() || group.size() % 2 != 0) return std::nullopt;
  const Micros at_us = group[0]->at_us;
  Micros down_us = 0, gap_us = 0;
  std::vector<std::string> nodes;
  for (std::size_t k = 0; k < group.size() / 2; ++k) {
    const auto* crash = std::get_if<Crash>(&group[2 * k]->action);
    const auto* restart = std::get_if<Restart>(&group[2 * k + 1]->action);
    if (!crash || !restart || crash->nodes != restart->nodes) return std::nullopt;
    const auto name = one_replica(crash->nodes);
    if (!name || std::find(nodes.begin(), nodes.end(), *name) != nodes.end()) return std::nullopt;
    nodes.push_back(*name);
    const Micros crash_us = group[2 * k]->at_us, restart_us = group[2 * k + 1]->at_us;
    if (k == 0) down_us = restart_us - crash_us;
    if (k == 1) gap_us = crash_us - group[1]->at_us;
    if (down_us <= 0 || gap_us < 0 || restart_us - crash_us != down_us ||
        crash_us != at_us + static_cast<Micros>(k) * (down_us + gap_us)) {
      return std::nullopt;
    }
  }
  return ojson{{"at", duration(at_us)},
               {"rolling", {{"nodes", ojson(nodes)}, {"down", duration(down_us)}, {"gap", duration(gap_us)}}}};
}

// The fault elements of the file the origins describe, in file order, or nullopt
// when they describe none (see write_scenario).
std::optional<std::vector<ojson>> file_layout(const std::vector<TimedFault>& faults) {
  std::map<std::size_t, std::pair<bool, std::vector<const TimedFault*>>> elements;
  for (const TimedFault& f : faults) {
    const auto origin = parse_origin(f.origin);
    if (!origin) return std::nullopt;
    auto [it, fresh] = elements.try_emplace(origin->first, origin->second, std::vector<const TimedFault*>{});
    if (it->second.first != origin->second) return std::nullopt;  // one index, two kinds
    it->second.second.push_back(&f);
  }
  std::vector<ojson> out;
  std::vector<const TimedFault*> expansion;  // what the parser would expand, in file order
  for (const auto& [index, element] : elements) {
    const auto& [rolling, group] = element;
    if (index != out.size()) return std::nullopt;  // a gap in the numbering
    if (!rolling && group.size() != 1) return std::nullopt;
    std::optional<ojson> json = rolling ? rolling_json(group) : fault_json(*group[0]);
    if (!json) return std::nullopt;
    out.push_back(std::move(*json));
    expansion.insert(expansion.end(), group.begin(), group.end());
  }
  // The parser sorts the expansion by time, stably; that must give this schedule.
  std::stable_sort(expansion.begin(), expansion.end(),
                   [](const TimedFault* a, const TimedFault* b) { return a->at_us < b->at_us; });
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (expansion[i] != &faults[i]) return std::nullopt;
  }
  return out;
}

std::vector<ojson> fault_elements(const std::vector<TimedFault>& faults) {
  if (auto layout = file_layout(faults)) return *layout;
  std::vector<ojson> out;
  for (const TimedFault& f : faults) out.push_back(fault_json(f));
  return out;
}

// ---------------------------------------------------------------------------
// Text

// JSON on one line with a space after each ':' and ',', as the shipped files read.
std::string one_line(const ojson& j) {
  std::string out;
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      out += (out.empty() ? "" : ", ") + ojson(key).dump() + ": " + one_line(value);
    }
    return "{" + out + "}";
  }
  if (j.is_array()) {
    for (const auto& value : j) out += (out.empty() ? "" : ", ") + one_line(value);
    return "[" + out + "]";
  }
  return j.dump();
}

// ---------------------------------------------------------------------------
// Comparison

class Differences {
 public:
  template <class T>
  void field(const std::string& path, const T& a, const T& b) {
    if (!(a == b)) paths_.push_back(path);
  }
  void mark(const std::string& path) { paths_.push_back(path); }
  std::vector<std::string> take() { return std::move(paths_); }

 private:
  std::vector<std::string> paths_;
};

bool same_action(const FaultAction& a, const FaultAction& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, Crash> || std::is_same_v<T, Restart> || std::is_same_v<T, Pause> ||
                      std::is_same_v<T, Resume>) {
          return x.nodes == y.nodes;
        } else if constexpr (std::is_same_v<T, Partition>) {
          return x.groups == y.groups;
        } else if constexpr (std::is_same_v<T, Cut>) {
          return x.from == y.from && x.to == y.to;
        } else if constexpr (std::is_same_v<T, NetworkChange>) {
          return x.latency_us == y.latency_us && x.jitter_us == y.jitter_us && x.loss == y.loss &&
                 x.duplicate == y.duplicate && x.reorder == y.reorder;
        } else {
          return true;  // KillAll, RestartAll, Heal carry nothing
        }
      },
      a);
}

void compare_network(Differences& d, const std::string& at, const NetworkSpec& a, const NetworkSpec& b) {
  d.field(at + "latency", a.latency_us, b.latency_us);
  d.field(at + "jitter", a.jitter_us, b.jitter_us);
  d.field(at + "loss", a.loss, b.loss);
  d.field(at + "duplicate", a.duplicate, b.duplicate);
  d.field(at + "reorder", a.reorder, b.reorder);
  d.field(at + "reorder_delay", a.reorder_delay_us, b.reorder_delay_us);
}

void compare_cluster(Differences& d, const ClusterSpec& a, const ClusterSpec& b) {
  d.field("cluster.replicas", a.replicas, b.replicas);
  d.field("cluster.protocol", a.protocol, b.protocol);
  d.field("cluster.store", a.store, b.store);
  d.field("cluster.max_log_size", a.max_log_size, b.max_log_size);
  d.field("cluster.checkpoint_interval", a.checkpoint_interval, b.checkpoint_interval);
  d.field("cluster.batch_size_max", a.batch_size_max, b.batch_size_max);
  d.field("paxos.heartbeat", a.paxos.heartbeat_us, b.paxos.heartbeat_us);
  d.field("paxos.election_timeout", a.paxos.election_timeout_us, b.paxos.election_timeout_us);
  d.field("zk.session_timeout", a.zk.session_timeout_us, b.zk.session_timeout_us);
  d.field("zk.tick", a.zk.tick_us, b.zk.tick_us);
}

void compare_workload(Differences& d, const WorkloadSpec& a, const WorkloadSpec& b) {
  d.field("workload.clients", a.clients, b.clients);
  d.field("workload.keys", a.keys, b.keys);
  d.field("workload.mix.insert", a.mix.insert, b.mix.insert);
  d.field("workload.mix.append", a.mix.append, b.mix.append);
  d.field("workload.mix.read", a.mix.read, b.mix.read);
  d.field("workload.mix.read_all", a.mix.read_all, b.mix.read_all);
  d.field("workload.rate_hz", a.rate_hz, b.rate_hz);
  d.field("workload.targets", a.targets, b.targets);
  d.field("workload.timeout", a.timeout_us, b.timeout_us);
  d.field("workload.attempts_max", a.attempts_max, b.attempts_max);
  d.field("workload.requests_max", a.requests_max, b.requests_max);
}

void compare_faults(Differences& d, const std::vector<TimedFault>& a, const std::vector<TimedFault>& b) {
  d.field("faults.size", a.size(), b.size());
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const std::string at = "faults[" + std::to_string(i) + "].";
    d.field(at + "at", a[i].at_us, b[i].at_us);
    d.field(at + "origin", a[i].origin, b[i].origin);
    if (!same_action(a[i].action, b[i].action)) d.mark(at + "action");
  }
}

void compare_nemesis(Differences& d, const std::optional<NemesisSpec>& a, const std::optional<NemesisSpec>& b) {
  d.field("nemesis", a.has_value(), b.has_value());
  if (!a || !b) return;
  d.field("nemesis.swarm", a->swarm, b->swarm);
  d.field("nemesis.interval", a->interval_us, b->interval_us);
  d.field("nemesis.start", a->start_us, b->start_us);
  d.field("nemesis.stop", a->stop_us, b->stop_us);
  d.field("nemesis.crash", a->crash, b->crash);
  d.field("nemesis.partition", a->partition, b->partition);
  d.field("nemesis.cut", a->cut, b->cut);
  d.field("nemesis.kill_all", a->kill_all, b->kill_all);
  d.field("nemesis.crashed_max", a->crashed_max, b->crashed_max);
  d.field("nemesis.kinds", a->kinds, b->kinds);
  d.field("nemesis.gap_min", a->gap_min_us, b->gap_min_us);
  d.field("nemesis.gap_max", a->gap_max_us, b->gap_max_us);
  d.field("nemesis.fault_min", a->fault_min_us, b->fault_min_us);
  d.field("nemesis.fault_max", a->fault_max_us, b->fault_max_us);
  compare_network(d, "nemesis.base_network.", a->base_network, b->base_network);
}

void compare_expect(Differences& d, const Expectations& a, const Expectations& b) {
  d.field("expect.linearizable", a.linearizable, b.linearizable);
  d.field("expect.converged", a.converged, b.converged);
  d.field("expect.durable", a.durable, b.durable);
  d.field("expect.exactly_once", a.exactly_once, b.exactly_once);
  d.field("expect.log_bound", a.log_bound, b.log_bound);
  d.field("expect.progress", a.progress, b.progress);
  d.field("expect.liveness_bound", a.liveness_bound_us, b.liveness_bound_us);
}

}  // namespace

std::string write_scenario(const Scenario& s) {
  const std::vector<std::pair<std::string, ojson>> head = {{"name", s.name},
                                                           {"description", s.description},
                                                           {"cluster", cluster_json(s.cluster)},
                                                           {"paxos", paxos_json(s.cluster.paxos)},
                                                           {"zk", zk_json(s.cluster.zk)},
                                                           {"network", network_json(s.network)},
                                                           {"workload", workload_json(s.workload)}};
  const std::vector<std::pair<std::string, ojson>> tail = {
      {"nemesis", s.nemesis ? nemesis_json(*s.nemesis) : ojson(nullptr)},
      {"duration", duration(s.duration_us)},
      {"quiesce", duration(s.quiesce_us)},
      {"expect", expect_json(s.expect)}};
  std::string out = "{\n";
  for (const auto& [key, value] : head) out += "  " + ojson(key).dump() + ": " + one_line(value) + ",\n";
  const std::vector<ojson> faults = fault_elements(s.faults);
  if (faults.empty()) {
    out += "  \"faults\": [],\n";
  } else {
    out += "  \"faults\": [\n";
    for (std::size_t i = 0; i < faults.size(); ++i) {
      out += "    " + one_line(faults[i]) + (i + 1 < faults.size() ? ",\n" : "\n");
    }
    out += "  ],\n";
  }
  for (std::size_t i = 0; i < tail.size(); ++i) {
    out += "  " + ojson(tail[i].first).dump() + ": " + one_line(tail[i].second) + (i + 1 < tail.size() ? ",\n" : "\n");
  }
  return out + "}\n";
}

std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b) {
  Differences d;
  d.field("name", a.name, b.name);
  d.field("description", a.description, b.description);
  compare_cluster(d, a.cluster, b.cluster);
  compare_network(d, "network.", a.network, b.network);
  compare_workload(d, a.workload, b.workload);
  compare_faults(d, a.faults, b.faults);
  compare_nemesis(d, a.nemesis, b.nemesis);
  d.field("duration", a.duration_us, b.duration_us);
  d.field("quiesce", a.quiesce_us, b.quiesce_us);
  compare_expect(d, a.expect, b.expect);
  return d.take();
}

}  // namespace fl::sim
