#include "sim/timeline.hpp"

#include "rsm/core/assert.hpp"

namespace fl::sim {

Timeline::Timeline(std::vector<std::string> lanes, int replicas, std::int64_t max_log_size)
    : lanes_(std::move(lanes)),
      replicas_(replicas),
      max_log_size_(max_log_size),
      leading_(static_cast<std::size_t>(replicas)),
      log_samples_(static_cast<std::size_t>(replicas)) {
  FL_ASSERT(replicas >= 0 && static_cast<std::size_t>(replicas) <= lanes_.size());
}

std::uint32_t Timeline::kind_index(std::string_view kind) {
  if (auto it = kind_ids_.find(kind); it != kind_ids_.end()) return it->second;
  const auto index = static_cast<std::uint32_t>(kinds_.size());
  kinds_.emplace_back(kind);
  kind_ids_.emplace(std::string(kind), index);
  return index;
}

void Timeline::on_message(Micros now, NodeId from, NodeId to, std::string_view kind,
                          std::span<const Micros> arrivals_us) {
  const std::uint32_t k = kind_index(kind);
  if (arrivals_us.empty()) messages_.push_back({now, -1, from.value, to.value, k});
  for (Micros at : arrivals_us) messages_.push_back({now, at, from.value, to.value, k});
}

void Timeline::on_node(Micros now, NodeId id, NodeChange change, std::string_view origin) {
  node_events_.push_back({now, id.value, change, std::string(origin)});
  // A crashed replica leads nothing, and is not stepped again until it restarts.
  if (change == NodeChange::kCrash && id.value < leading_.size()) set_leader(now, id.value, std::nullopt);
}

void Timeline::on_network(Micros now, NetworkFault fault, const std::vector<std::vector<NodeId>>& groups,
                          std::string_view text, std::string_view origin) {
  TimelineNetworkEvent event{now, fault, {}, std::string(text), std::string(origin)};
  for (const auto& group : groups) {
    auto& ids = event.groups.emplace_back();
    for (NodeId id : group) ids.push_back(id.value);
  }
  network_events_.push_back(std::move(event));
}

namespace {

// Only changes are kept: a replica is stepped for every message, and its log's size
// changes far less often.
void add_sample(std::vector<LogSample>& samples, Micros now, std::int64_t held) {
  if (samples.empty() || samples.back().held != held) samples.push_back({now, held});
}

}  // namespace

void Timeline::on_replica(Micros now, NodeId id, std::int64_t log_held, std::optional<std::uint64_t> leader_epoch) {
  FL_ASSERT(id.value < log_samples_.size());
  add_sample(log_samples_[id.value], now, log_held);
  set_leader(now, id.value, leader_epoch);
}

void Timeline::on_zk_log(Micros now, std::int64_t log_held) { add_sample(zk_log_samples_, now, log_held); }

void Timeline::set_leader(Micros now, std::uint32_t node, std::optional<std::uint64_t> epoch) {
  if (leading_[node] == epoch) return;
  leading_[node] = epoch;
  leader_events_.push_back({now, node, epoch});
}

}  // namespace fl::sim
