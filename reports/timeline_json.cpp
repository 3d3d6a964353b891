#include "reports/timeline_json.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "reports/json_report.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;

std::string_view node_change_name(sim::NodeChange change) {
  switch (change) {
    case sim::NodeChange::kCrash:
      return "crash";
    case sim::NodeChange::kRestart:
      return "restart";
    case sim::NodeChange::kPause:
      return "pause";
    case sim::NodeChange::kResume:
      return "resume";
  }
  return "crash";
}

std::string_view network_fault_name(sim::NetworkFault fault) {
  switch (fault) {
    case sim::NetworkFault::kPartition:
      return "partition";
    case sim::NetworkFault::kCut:
      return "cut";
    case sim::NetworkFault::kHeal:
      return "heal";
    case sim::NetworkFault::kChange:
      return "change";
  }
  return "change";
}

// Every `stride`-th index of `total`, so that at most `cap` are kept; evenly spread
// and deterministic.
std::size_t stride_for(std::size_t total, std::size_t cap) {
  if (cap == 0) return total + 1;
  return total <= cap ? 1 : (total + cap - 1) / cap;
}

json messages_json(const sim::Timeline& t, const TimelineLimits& limits) {
  const auto& all = t.messages();
  const std::size_t stride = stride_for(all.size(), limits.messages_max);
  json data = json::array();
  for (std::size_t i = 0; i < all.size(); i += stride) {
    const auto& m = all[i];
    data.push_back(m.sent_us);
    data.push_back(m.arrive_us);
    data.push_back(m.from);
    data.push_back(m.to);
    data.push_back(m.kind);
  }
  return {{"total", all.size()}, {"stride", stride}, {"data", std::move(data)}};
}

// Messages sent per lane and time bucket, counting every message (sampled or not),
// so that a thinned picture still shows where the traffic was.
json traffic_json(const sim::Timeline& t, const TimelineLimits& limits) {
  const std::size_t buckets = std::max<std::size_t>(1, limits.traffic_buckets);
  const Micros span = std::max<Micros>(1, t.end_us());
  const Micros bucket_us = (span + static_cast<Micros>(buckets) - 1) / static_cast<Micros>(buckets);
  std::vector<std::vector<std::uint32_t>> counts(t.lanes().size(), std::vector<std::uint32_t>(buckets, 0));
  for (const auto& m : t.messages()) {
    const auto b =
        std::min<std::size_t>(buckets - 1, static_cast<std::size_t>(std::max<Micros>(0, m.sent_us) / bucket_us));
    if (m.from < counts.size()) ++counts[m.from][b];
  }
  return {{"bucket_us", bucket_us}, {"sent", counts}};
}

// A replica's log size as a step function with at most `buckets` steps: each time
// bucket keeps its peak (the bound is about peaks) and the value it ends with.
json log_json(const std::vector<sim::LogSample>& samples, Micros end_us, std::size_t buckets) {
  json flat = json::array();
  const Micros bucket_us = std::max<Micros>(1, end_us / static_cast<Micros>(std::max<std::size_t>(1, buckets / 2)));
  for (std::size_t i = 0; i < samples.size();) {
    const Micros bucket = samples[i].at_us / bucket_us;
    std::size_t j = i, peak = i;
    for (; j < samples.size() && samples[j].at_us / bucket_us == bucket; ++j) {
      if (samples[j].held > samples[peak].held) peak = j;
    }
    flat.push_back(samples[peak].at_us);
    flat.push_back(samples[peak].held);
    if (j - 1 != peak) {
      flat.push_back(samples[j - 1].at_us);
      flat.push_back(samples[j - 1].held);
    }
    i = j;
  }
  return flat;
}

std::string op_text(const sim::Operation& op, std::size_t max_chars) {
  std::string request = describe(op.request);
  if (const auto space = request.find(' '); space != std::string::npos) request = request.substr(space + 1);
  std::string text = request + " -> ";
  switch (op.outcome) {
    case sim::Outcome::kOk:
      text += describe(op.response);
      break;
    case sim::Outcome::kFail:
      text += "fail";
      break;
    case sim::Outcome::kUnknown:
      text += "no reply";
      break;
  }
  if (text.size() > max_chars) text = text.substr(0, max_chars) + "...";
  return valid_utf8(text);
}

int outcome_code(sim::Outcome outcome) {
  switch (outcome) {
    case sim::Outcome::kOk:
      return 0;
    case sim::Outcome::kFail:
      return 1;
    case sim::Outcome::kUnknown:
      return 2;
  }
  return 2;
}

// The history, thinned beyond the cap but keeping every counterexample op; the
// counterexample then refers to operations by their index in "data".
// The failed linearizable check's evidence: the text of the counterexample.
std::string counterexample_text(const sim::RunOutcome& r) {
  const sim::CheckResult* lin = r.check(sim::CheckKind::kLinearizable);
  return lin && lin->verdict == sim::Verdict::kFail ? lin->detail : "";
}

json ops_and_cex_json(const sim::RunOutcome& r, const TimelineLimits& limits, json& cex) {
  std::set<std::pair<std::uint32_t, std::uint64_t>> wanted;
  if (r.counterexample) {
    for (const auto& ref : r.counterexample->prefix) wanted.insert({ref.client, ref.id});
    for (const auto& ref : r.counterexample->unplaceable) wanted.insert({ref.client, ref.id});
  }
  const std::size_t stride = stride_for(r.history.size(), limits.ops_max);
  json data = json::array();
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::size_t> index_of;
  for (std::size_t i = 0; i < r.history.size(); ++i) {
    const sim::Operation& op = r.history[i];
    const std::pair<std::uint32_t, std::uint64_t> name{op.request.client.value, op.request.id.value};
    if (i % stride != 0 && !wanted.contains(name)) continue;
    index_of[name] = data.size();
    data.push_back({op.request.client.value, op.request.id.value, op.invoke_us, op.complete_us,
                    outcome_code(op.outcome), op_text(op, limits.op_text_max)});
  }
  cex = nullptr;
  if (r.counterexample) {
    auto indices = [&](const std::vector<sim::lin::OpRef>& refs) {
      json out = json::array();
      for (const auto& ref : refs) {
        if (auto it = index_of.find({ref.client, ref.id}); it != index_of.end()) out.push_back(it->second);
      }
      return out;
    };
    cex = {{"key", r.counterexample->key},
           {"prefix", indices(r.counterexample->prefix)},
           {"bad", indices(r.counterexample->unplaceable)},
           {"text", valid_utf8(counterexample_text(r))}};
  }
  return {{"total", r.history.size()}, {"stride", stride}, {"data", std::move(data)}};
}

json faults_json(const sim::Timeline& t, json& network) {
  json nodes = json::array();
  for (const auto& e : t.node_events()) {
    nodes.push_back({e.at_us, e.node, node_change_name(e.change), valid_utf8(e.origin)});
  }
  network = json::array();
  for (const auto& e : t.network_events()) {
    network.push_back({e.at_us, network_fault_name(e.fault), e.groups, valid_utf8(e.text), valid_utf8(e.origin)});
  }
  return nodes;
}

}  // namespace

json timeline_json(const sim::RunOutcome& r, const TimelineLimits& limits) {
  const sim::Timeline& t = *r.timeline;
  json lanes = json::array();
  for (std::size_t i = 0; i < t.lanes().size(); ++i) {
    const std::string& name = t.lanes()[i];
    const char* kind = static_cast<int>(i) < t.replicas() ? "replica" : name == "zk" ? "zk" : "client";
    lanes.push_back({{"name", name}, {"kind", kind}});
  }
  json leaders = json::array();
  for (const auto& e : t.leader_events()) {
    leaders.push_back({e.at_us, e.node, e.epoch ? json(*e.epoch) : json(nullptr)});
  }
  json log = json::array();
  for (const auto& samples : t.log_samples()) log.push_back(log_json(samples, t.end_us(), limits.log_buckets));
  // ZooKeeper's /log is what log_bound measures in a zk run, so it is drawn too.
  const bool has_zk = std::find(t.lanes().begin(), t.lanes().end(), "zk") != t.lanes().end();
  json zk_log = has_zk ? log_json(t.zk_log_samples(), t.end_us(), limits.log_buckets) : json(nullptr);
  json network, cex;
  json nodes = faults_json(t, network);
  json ops = ops_and_cex_json(r, limits, cex);
  return {{"end_us", t.end_us()},      {"max_log_size", t.max_log_size()},     {"lanes", std::move(lanes)},
          {"kinds", t.kinds()},        {"messages", messages_json(t, limits)}, {"traffic", traffic_json(t, limits)},
          {"nodes", std::move(nodes)}, {"network", std::move(network)},        {"leaders", std::move(leaders)},
          {"log", std::move(log)},     {"zk_log", std::move(zk_log)},          {"ops", std::move(ops)},
          {"cex", std::move(cex)}};
}

}  // namespace fl::reports
