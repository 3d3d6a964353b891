#include "sim/outcome.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

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
  return {c.name,   static_cast<int>(c.verdict), static_cast<int>(c.severity), c.enforced,
          c.detail, static_cast<int>(c.kind)};
}

CheckResult check_of(const json& j) {
  return {j.at(0).get<std::string>(), enum_of<Verdict>(j.at(1)),  enum_of<Severity>(j.at(2)),
          j.at(3).get<bool>(),        j.at(4).get<std::string>(), enum_of<CheckKind>(j.at(5))};
}

json figures_json(const RunFigures& f) {
  return {f.events,         f.delivered,   f.dropped,   f.applied,      f.faults,
          f.leader_changes, f.trace_lines, f.committed, f.max_log_held, f.simulated_us};
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

constexpr std::size_t kOpFields = 10;

// The history as a flat array of kOpFields numbers per operation, and the responses
// that carry data (reads) apart as [index, events, rows]: as for messages, one array
// per operation would cost more than the run.
json history_json(const History& history) {
  json ops = json::array();
  ops.get_ref<json::array_t&>().reserve(history.size() * kOpFields);
  json data = json::array();
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& op = history[i];
    const Request& q = op.request;
    for (const std::int64_t v :
         {static_cast<std::int64_t>(q.client.value), static_cast<std::int64_t>(q.id.value),
          static_cast<std::int64_t>(q.op), static_cast<std::int64_t>(q.key), static_cast<std::int64_t>(q.value),
          op.invoke_us, op.complete_us, static_cast<std::int64_t>(op.outcome),
          static_cast<std::int64_t>(op.response.status), static_cast<std::int64_t>(op.attempts)}) {
      ops.push_back(v);
    }
    if (!op.response.events.empty() || !op.response.rows.empty()) {
      data.push_back({i, op.response.events, rows_json(op.response.rows)});
    }
  }
  return {{"ops", std::move(ops)}, {"data", std::move(data)}};
}

History history_of(const json& j) {
  const json& ops = j.at("ops");
  if (ops.size() % kOpFields != 0) throw std::invalid_argument("history: not ten numbers per operation");
  History history(ops.size() / kOpFields);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const json* f = &ops[i * kOpFields];
    Operation& op = history[i];
    op.request.client = ClientId(f[0].get<std::uint32_t>());
    op.request.id = RequestId(f[1].get<std::uint64_t>());
    op.request.op = enum_of<OpKind>(f[2]);
    op.request.key = f[3].get<std::int32_t>();
    op.request.value = f[4].get<std::int32_t>();
    op.invoke_us = f[5].get<Micros>();
    op.complete_us = f[6].get<Micros>();
    op.outcome = enum_of<Outcome>(f[7]);
    op.response.status = enum_of<Status>(f[8]);
    op.attempts = f[9].get<int>();
  }
  for (const auto& d : j.at("data")) {
    Operation& op = history.at(d.at(0).get<std::size_t>());
    op.response.events = d.at(1).get<std::vector<std::int32_t>>();
    op.response.rows = rows_of(d.at(2));
  }
  return history;
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

// Flat: time, requests held, time, requests held, ...
json samples_json(const std::vector<LogSample>& samples) {
  json out = json::array();
  for (const auto& s : samples) {
    out.push_back(s.at_us);
    out.push_back(s.held);
  }
  return out;
}

std::vector<LogSample> samples_of(const json& j) {
  if (j.size() % 2 != 0) throw std::invalid_argument("log samples: not pairs");
  std::vector<LogSample> out;
  for (std::size_t i = 0; i < j.size(); i += 2) out.push_back({j[i].get<Micros>(), j[i + 1].get<std::int64_t>()});
  return out;
}

json timeline_json(const TimelineRecord& t) {
  // Flat arrays of numbers, five per message: a long run sends a hundred thousand
  // messages, and one array apiece would cost the pool as much as the run.
  json messages = json::array();
  messages.get_ref<json::array_t&>().reserve(t.messages.size() * 5);
  for (const auto& m : t.messages) {
    for (const std::int64_t v : {m.sent_us, m.arrive_us, static_cast<std::int64_t>(m.from),
                                 static_cast<std::int64_t>(m.to), static_cast<std::int64_t>(m.kind)}) {
      messages.push_back(v);
    }
  }
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
  return {{"lanes", t.lanes},
          {"replicas", t.replicas},
          {"max_log_size", t.max_log_size},
          {"end_us", t.end_us},
          {"kinds", t.kinds},
          {"messages", messages},
          {"nodes", nodes},
          {"network", network},
          {"leaders", leaders},
          {"log", logs},
          {"zk_log", samples_json(t.zk_log_samples)}};
}

TimelineRecord timeline_of(const json& j) {
  TimelineRecord t;
  t.lanes = j.at("lanes").get<std::vector<std::string>>();
  t.replicas = j.at("replicas");
  t.max_log_size = j.at("max_log_size");
  t.end_us = j.at("end_us");
  t.kinds = j.at("kinds").get<std::vector<std::string>>();
  const json& messages = j.at("messages");
  if (messages.size() % 5 != 0) throw std::invalid_argument("timeline messages: not five numbers each");
  t.messages.reserve(messages.size() / 5);
  for (std::size_t i = 0; i < messages.size(); i += 5) {
    t.messages.push_back({messages[i].get<Micros>(), messages[i + 1].get<Micros>(),
                          messages[i + 2].get<std::uint32_t>(), messages[i + 3].get<std::uint32_t>(),
                          messages[i + 4].get<std::uint32_t>()});
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
    j["history"] = history_json(o.history);
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
  if (j.contains("history")) o.history = history_of(j["history"]);
  o.timeline.reset();
  if (j.contains("timeline")) o.timeline = std::make_shared<const Timeline>(timeline_of(j["timeline"]));
  o.final_tables.clear();
}

}  // namespace fl::sim
