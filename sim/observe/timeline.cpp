#include "sim/observe/timeline.hpp"

#include "rsm/core/assert.hpp"

namespace fl::sim {

namespace {

// Only changes are kept: a replica is stepped for every message, and its log's size
// changes far less often.
void add_sample(std::vector<LogSample>& samples, Micros now, std::int64_t held) {
  if (samples.empty() || samples.back().held != held) samples.push_back({now, held});
}

}  // namespace

Timeline::Timeline(std::vector<std::string> lanes, int replicas, std::int64_t max_log_size)
    : leading_(static_cast<std::size_t>(replicas)) {
  FL_ASSERT(replicas >= 0 && static_cast<std::size_t>(replicas) <= lanes.size());
  rec_.lanes = std::move(lanes);
  rec_.replicas = replicas;
  rec_.max_log_size = max_log_size;
  rec_.log_samples.resize(static_cast<std::size_t>(replicas));
}

Timeline::Timeline(TimelineRecord record) : rec_(std::move(record)) {
  FL_ASSERT(rec_.replicas >= 0 && static_cast<std::size_t>(rec_.replicas) <= rec_.lanes.size());
  FL_ASSERT(rec_.log_samples.size() == static_cast<std::size_t>(rec_.replicas));
  for (std::uint32_t i = 0; i < rec_.kinds.size(); ++i) kind_ids_.emplace(rec_.kinds[i], i);
}

std::uint32_t Timeline::kind_index(std::string_view kind) {
  if (auto it = kind_ids_.find(kind); it != kind_ids_.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(rec_.kinds.size());
  rec_.kinds.emplace_back(kind);
  kind_ids_.emplace(std::string(kind), index);
  return index;
}

void Timeline::on_event(Micros now, const RunEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ev::Sent>) {
          const std::string text = e.message.describe();
          message(now, e.from, e.to, std::string_view(text).substr(0, text.find(' ')), e.arrivals_us);
        } else if constexpr (std::is_same_v<E, ev::Called>) {
          message(now, e.from, e.to, "request", e.arrivals_us);
        } else if constexpr (std::is_same_v<E, ev::Replied>) {
          message(now, e.from, e.to, "reply", e.arrivals_us);
        } else if constexpr (std::is_same_v<E, ev::Booted>) {
          node(now, e.node, NodeChange::kRestart, e.origin);
        } else if constexpr (std::is_same_v<E, ev::Crashed>) {
          node(now, e.node, NodeChange::kCrash, e.origin);
        } else if constexpr (std::is_same_v<E, ev::Paused>) {
          node(now, e.node, NodeChange::kPause, e.origin);
        } else if constexpr (std::is_same_v<E, ev::Resumed>) {
          node(now, e.node, NodeChange::kResume, e.origin);
        } else if constexpr (std::is_same_v<E, ev::ZkDown>) {
          node(now, e.node, NodeChange::kCrash, e.origin);
        } else if constexpr (std::is_same_v<E, ev::ZkUp>) {
          node(now, e.node, NodeChange::kRestart, e.origin);
        } else if constexpr (std::is_same_v<E, ev::NetworkChanged>) {
          network(now, e);
        } else if constexpr (std::is_same_v<E, ev::Stepped>) {
          replica(now, e.node, e.log_held, e.replica.leader_epoch());
        } else if constexpr (std::is_same_v<E, ev::ZkHandled>) {
          if (e.log != nullptr) add_sample(rec_.zk_log_samples, now, e.log->requests_held);
        }
      },
      event);
}

void Timeline::message(Micros now, NodeId from, NodeId to, std::string_view kind, std::span<const Micros> arrivals_us) {
  const std::uint32_t k = kind_index(kind);
  if (arrivals_us.empty()) rec_.messages.push_back({now, -1, from.value, to.value, k});
  for (Micros at : arrivals_us) rec_.messages.push_back({now, at, from.value, to.value, k});
}

void Timeline::node(Micros now, NodeId id, NodeChange change, std::string_view origin) {
  rec_.node_events.push_back({now, id.value, change, std::string(origin)});
  // A crashed replica leads nothing, and is not stepped again until it restarts.
  if (change == NodeChange::kCrash && id.value < leading_.size()) set_leader(now, id.value, std::nullopt);
}

// The text is what the trace says of the fault: "partition [r0][r1,r2]", "cut
// [r0]->[r1]", "heal", "network change".
void Timeline::network(Micros now, const ev::NetworkChanged& e) {
  std::string text = e.fault == NetworkFault::kPartition ? "partition " + std::string(e.detail)
                     : e.fault == NetworkFault::kCut     ? "cut " + std::string(e.detail)
                     : e.fault == NetworkFault::kHeal    ? "heal"
                                                         : "network change";
  TimelineNetworkEvent event{now, e.fault, {}, std::move(text), std::string(e.origin)};
  for (const auto& group : e.groups) {
    auto& ids = event.groups.emplace_back();
    for (NodeId id : group) ids.push_back(id.value);
  }
  rec_.network_events.push_back(std::move(event));
}

void Timeline::replica(Micros now, NodeId id, std::int64_t log_held, std::optional<std::uint64_t> leader_epoch) {
  FL_ASSERT(id.value < rec_.log_samples.size());
  add_sample(rec_.log_samples[id.value], now, log_held);
  set_leader(now, id.value, leader_epoch);
}

void Timeline::set_leader(Micros now, std::uint32_t node, std::optional<std::uint64_t> epoch) {
  if (leading_[node] == epoch) return;
  leading_[node] = epoch;
  rec_.leader_events.push_back({now, node, epoch});
}

}  // namespace fl::sim
