#include "sim/observe/run_stats.hpp"

namespace fl::sim {

void StatsCounter::on_event(Micros now, const RunEvent& event) {
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, ev::Delivered> || std::is_same_v<E, ev::RequestArrived> ||
                      std::is_same_v<E, ev::ReplyDelivered>) {
          ++figures_.delivered;
        } else if constexpr (std::is_same_v<E, ev::Sent> || std::is_same_v<E, ev::Replied>) {
          if (e.arrivals_us.empty()) ++figures_.dropped;
        } else if constexpr (std::is_same_v<E, ev::Undelivered>) {
          ++figures_.dropped;
        } else if constexpr (std::is_same_v<E, ev::Executed>) {
          ++figures_.applied;
        } else if constexpr (std::is_same_v<E, ev::FaultFired>) {
          ++figures_.faults;
          last_fault_us_ = now;
        } else if constexpr (std::is_same_v<E, ev::Stepped>) {
          held(e.log_held, now, e.node);
          if (const auto epoch = e.replica.leader_epoch(); epoch && *epoch > leader_epoch_seen_) {
            leader_epoch_seen_ = *epoch;
            ++figures_.leader_changes;
          }
        } else if constexpr (std::is_same_v<E, ev::ZkHandled>) {
          if (e.log != nullptr) held(e.log->requests_held, now, std::nullopt);
        }
      },
      event);
}

void StatsCounter::held(std::int64_t requests, Micros now, std::optional<NodeId> replica) {
  if (requests <= figures_.max_log_held) return;
  figures_.max_log_held = requests;
  max_log_held_where_ = (replica ? replica_name(*replica) : "zk /log") + " at t=" + std::to_string(now);
}

}  // namespace fl::sim
