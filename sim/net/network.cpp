#include "sim/net/network.hpp"

#include "rsm/core/assert.hpp"

namespace fl::sim {

Network::Network(int servers, NetworkParams params, Rng rng)
    : servers_(servers), params_(params), rng_(rng), blocked_(static_cast<std::size_t>(servers * servers), false) {}

void Network::block(NodeId from, NodeId to) {
  FL_ASSERT(from.value < static_cast<std::uint32_t>(servers_));
  FL_ASSERT(to.value < static_cast<std::uint32_t>(servers_));
  const std::size_t cell = from.value * static_cast<std::size_t>(servers_) + to.value;
  if (!blocked_[cell]) {
    blocked_[cell] = true;
    ++blocked_count_;
  }
}

bool Network::blocked(NodeId from, NodeId to) const {
  const auto n = static_cast<std::uint32_t>(servers_);
  if (from.value >= n || to.value >= n) return false;
  return blocked_[from.value * n + to.value];
}

void Network::heal() {
  blocked_.assign(blocked_.size(), false);
  blocked_count_ = 0;
}

Micros Network::one_delay() {
  Micros d = params_.latency_us;
  if (params_.jitter_us > 0) d += rng_.between(0, params_.jitter_us);
  if (rng_.bernoulli(params_.reorder) && params_.reorder_delay_us > 0) {
    d += rng_.between(0, params_.reorder_delay_us);
  }
  return d;
}

Fate Network::send(NodeId from, NodeId to) {
  Fate fate;
  if (from == to) {
    fate.copies = 1;
    return fate;
  }
  if (blocked(from, to)) {
    fate.drop_reason = "partitioned";
    return fate;
  }
  if (rng_.bernoulli(params_.loss)) {
    fate.drop_reason = "lost";
    return fate;
  }
  fate.copies = rng_.bernoulli(params_.duplicate) ? 2 : 1;
  for (int i = 0; i < fate.copies; ++i) fate.delays_us[i] = one_delay();
  return fate;
}

Fate Network::send_stream(NodeId from, NodeId to) {
  Fate fate;
  if (from != to && blocked(from, to)) {
    fate.drop_reason = "partitioned";
    return fate;
  }
  fate.copies = 1;
  if (from == to) return fate;
  fate.delays_us[0] = one_delay();
  // A lost segment is sent again after the retransmission timeout (Linux's minimum
  // RTO is 200ms): late, never lost, never twice.
  while (rng_.bernoulli(params_.loss)) fate.delays_us[0] += kStreamRetransmitUs;
  return fate;
}

}  // namespace fl::sim
