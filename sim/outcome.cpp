#include "sim/outcome.hpp"

#include <nlohmann/json.hpp>

#include "sim/exit_codes.hpp"
#include "sim/observe/trace.hpp"

namespace fl::sim {

int exit_code_of(const std::vector<CheckResult>& checks) {
  bool liveness = false;
  for (const CheckResult& c : checks) {
    if (!c.enforced || c.verdict != Verdict::kFail) continue;
    if (c.severity == Severity::kSafety) return kExitSafety;
    liveness = true;
  }
  return liveness ? kExitLiveness : kExitOk;
}

int RunOutcome::exit_code() const { return crash.empty() ? exit_code_of(checks) : crash_exit_code; }

const CheckResult* RunOutcome::check(CheckKind kind) const {
  for (const CheckResult& c : checks) {
    if (c.kind == kind) return &c;
  }
  return nullptr;
}

std::string RunOutcome::trace_hash_text() const { return crash.empty() ? hex16(trace_hash) : ""; }

namespace {

using nlohmann::json;

// Enums travel as their numbers: both ends are the same binary.
template <typename E>
E enum_of(const json& j) {
  return static_cast<E>(j.get<int>());
}

json check_json(const CheckResult& c) {
  return {c.name, static_cast<int>(c.verdict), static_cast<int>(c.severity), c.enforced, c.detail,
          static_cast<int>(c.kind)};
}

CheckResult check_of(const json& j) {
  return {j.at(0).get<std::string>(), enum_of<Verdict>(j.at(1)), enum_of<Severity>(j.at(2)), j.at(3).get<bool>(),
          j.at(4).get<std::string>(), enum_of<CheckKind>(j.at(5))};
}

json figures_json(const RunFigures& f) {
  return {f.events, f.delivered, f.dropped, f.applied, f.faults, f.leader_changes, f.trace_lines, f.committed,
          f.max_log_held, f.simulated_us};
}

RunFigures figures_of(const json& f) {
  RunFigures g;
  g.events = f.at(0);
  g.delivered = f.at(1);
  g.dropped = f.at(2);
  g.applied = f.at(3);
  g.faults = f.at(4);
  g.leader_changes = f.at(5);
  g.trace_lines = f.at(6);
  g.committed = f.at(7);
  g.max_log_held = f.at(8);
  g.simulated_us = f.at(9);
  return g;
}

json rows_json(const std::vector<Row>& rows) {
  json out = json::array();
  for (const auto& [key, events] : rows) out.push_back({key, events});
  return out;
}

std::vector<Row> rows_of(const json& j) {
  std::vector<Row> rows;
  for (const auto& r : j) rows.emplace_back(r.at(0).get<std::int32_t>(), r.at(1).get<std::vector<std::int32_t>>());
  return rows;
}

json operation_json(const Operation& op) {
  const Request& q = op.request;
  const Response& p = op.response;
  return {q.client.value, q.id.value, static_cast<int>(q.op), q.key, q.value, op.invoke_us, op.complete_us,
          static_cast<int>(op.outcome), static_cast<int>(p.status), p.events, rows_json(p.rows), op.attempts};
}

Operation operation_of(const json& j) {
  Operation op;
  op.request.client = ClientId(j.at(0).get<std::uint32_t>());
  op.request.id = RequestId(j.at(1).get<std::uint64_t>());
  op.request.op = enum_of<OpKind>(j.at(2));
  op.request.key = j.at(3);
  op.request.value = j.at(4);
  op.invoke_us = j.at(5);
  op.complete_us = j.at(6);
  op.outcome = enum_of<Outcome>(j.at(7));
  op.response.status = enum_of<Status>(j.at(8));
  op.response.events = j.at(9).get<std::vector<std::int32_t>>();
  op.response.rows = rows_of(j.at(10));
  op.attempts = j.at(11);
  return op;
}

json refs_json(const std::vector<lin::OpRef>& refs) {
  json out = json::array();
  for (const auto& r : refs) out.push_back({r.client, r.id});
  return out;
}

std::vector<lin::OpRef> refs_of(const json& j) {
  std::vector<lin::OpRef> refs;
  for (const auto& r : j) refs.push_back({r.at(0).get<std::uint32_t>(), r.at(1).get<std::uint64_t>()});
  return refs;
}

json samples_json(const std::vector<LogSample>& samples) {
  json out = json::array();
  for (const auto& s : samples) out.push_back({s.at_us, s.held});
  return out;
}

std::vector<LogSample> samples_of(const json& j) {
  std::vector<LogSample> out;
  for (const auto& s : j) out.push_back({s.at(0).get<Micros>(), s.at(1).get<std::int64_t>()});
  return out;
}

json timeline_json(const TimelineRecord& t) {
  json messages = json::array();
  for (const auto& m : t.messages) messages.push_back({m.sent_us, m.arrive_us, m.from, m.to, m.kind});
  json nodes = json::array();
  for (const auto& n : t.node_events) nodes.push_back({n.at_us, n.node, static_cast<int>(n.change), n.origin});
  json network = json::array();
  for (const auto& n : t.network_events) {
    network.push_back({n.at_us, static_cast<int>(n.fault), n.groups, n.text, n.origin});
  }
  json leaders = json::array();
  for (const auto& l : t.leader_events) leaders.push_back({l.at_us, l.node, l.epoch ? json(*l.epoch) : json()});
  json logs = json::array();
  for (const auto& samples : t.log_samples) logs.push_back(samples_json(samples));
  return {{"lanes", t.lanes},       {"replicas", t.replicas}, {"max_log_size", t.max_log_size},
          {"end_us", t.end_us},     {"kinds", t.kinds},       {"messages", messages},
          {"nodes", nodes},         {"network", network},     {"leaders", leaders},
          {"log", logs},            {"zk_log", samples_json(t.zk_log_samples)}};
}

TimelineRecord timeline_of(const json& j) {
  TimelineRecord t;
  t.lanes = j.at("lanes").get<std::vector<std::string>>();
  t.replicas = j.at("replicas");
  t.max_log_size = j.at("max_log_size");
  t.end_us = j.at("end_us");
  t.kinds = j.at("kinds").get<std::vector<std::string>>();
  for (const auto& m : j.at("messages")) {
    t.messages.push_back({m.at(0).get<Micros>(), m.at(1).get<Micros>(), m.at(2).get<std::uint32_t>(),
                          m.at(3).get<std::uint32_t>(), m.at(4).get<std::uint32_t>()});
  }
  for (const auto& n : j.at("nodes")) {
    t.node_events.push_back({n.at(0).get<Micros>(), n.at(1).get<std::uint32_t>(), enum_of<NodeChange>(n.at(2)),
                             n.at(3).get<std::string>()});
  }
  for (const auto& n : j.at("network")) {
    t.network_events.push_back({n.at(0).get<Micros>(), enum_of<NetworkFault>(n.at(1)),
                                n.at(2).get<std::vector<std::vector<std::uint32_t>>>(), n.at(3).get<std::string>(),
                                n.at(4).get<std::string>()});
  }
  for (const auto& l : j.at("leaders")) {
    std::optional<std::uint64_t> epoch;
    if (!l.at(2).is_null()) epoch = l.at(2).get<std::uint64_t>();
    t.leader_events.push_back({l.at(0).get<Micros>(), l.at(1).get<std::uint32_t>(), epoch});
  }
  for (const auto& samples : j.at("log")) t.log_samples.push_back(samples_of(samples));
  t.zk_log_samples = samples_of(j.at("zk_log"));
  return t;
}

}  // namespace

void to_json(json& j, const RunOutcome& o) {
  json checks = json::array();
  for (const auto& c : o.checks) checks.push_back(check_json(c));
  j = {{"faultline", o.faultline_version},
       {"scenario", {o.scenario_name, o.scenario_path}},
       {"protocol", o.protocol},
       {"store", o.store},
       {"seed", o.seed},
       {"reproduce", o.reproduce},
       {"checks", checks},
       {"trace_hash", o.trace_hash},
       {"figures", figures_json(o.figures)},
       {"crash", {o.crash, o.crash_exit_code}},
       {"wall_s", o.wall_s}};
  if (o.counterexample) {
    j["counterexample"] = {o.counterexample->key, refs_json(o.counterexample->prefix),
                           refs_json(o.counterexample->unplaceable)};
  }
  if (o.timeline) {
    json history = json::array();
    for (const auto& op : o.history) history.push_back(operation_json(op));
    j["history"] = std::move(history);
    j["timeline"] = timeline_json(o.timeline->record());
  }
}

void from_json(const json& j, RunOutcome& o) {
  o.faultline_version = j.at("faultline").get<std::string>();
  o.scenario_name = j.at("scenario").at(0).get<std::string>();
  o.scenario_path = j.at("scenario").at(1).get<std::string>();
  o.protocol = j.at("protocol").get<std::string>();
  o.store = j.at("store").get<std::string>();
  o.seed = j.at("seed");
  o.reproduce = j.at("reproduce").get<std::string>();
  o.checks.clear();
  for (const auto& c : j.at("checks")) o.checks.push_back(check_of(c));
  o.trace_hash = j.at("trace_hash");
  o.figures = figures_of(j.at("figures"));
  o.crash = j.at("crash").at(0).get<std::string>();
  o.crash_exit_code = j.at("crash").at(1);
  o.wall_s = j.at("wall_s");
  o.counterexample.reset();
  if (j.contains("counterexample")) {
    const json& c = j["counterexample"];
    o.counterexample = lin::Counterexample{c.at(0).get<std::int32_t>(), refs_of(c.at(1)), refs_of(c.at(2))};
  }
  o.history.clear();
  if (j.contains("history")) {
    for (const auto& op : j["history"]) o.history.push_back(operation_of(op));
  }
  o.timeline.reset();
  if (j.contains("timeline")) o.timeline = std::make_shared<const Timeline>(timeline_of(j["timeline"]));
  o.final_tables.clear();
}

}  // namespace fl::sim
