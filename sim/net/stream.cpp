#include "sim/net/stream.hpp"

#include <algorithm>

#include "rsm/core/assert.hpp"

namespace fl::sim {

StreamLinks::StreamLinks(int servers)
    : size_(static_cast<std::size_t>(servers)), servers_(size_, false), last_delivery_(size_ * size_, 0) {}

void StreamLinks::accept_on(NodeId server) {
  FL_ASSERT(server.value < size_);
  servers_[server.value] = true;
  any_server_ = true;
}

StreamLinks::Sent StreamLinks::send(Network& network, const Connection& c, NodeId from, NodeId to, bool opens,
                                    Micros now) {
  FL_ASSERT(from.value < size_ && to.value < size_);
  if (broken_[c]) return {Fate{"reset", 0, {0, 0}}, false};
  // Under a one-way cut the server never sees the opening request, so it cannot, for
  // instance, renew a session (as it would if the request got through and only the
  // reply were lost).
  if (opens && network.blocked(to, from)) return {Fate{"handshake", 0, {0, 0}}, true};
  const Fate fate = network.send_stream(from, to);
  if (fate.copies == 0) return {fate, true};
  Micros& last = last_delivery(from, to);
  last = std::max(last, now + fate.delays_us[0]);
  return {Fate{{}, 1, {last - now, 0}}, false};
}

std::optional<BreakNotice> StreamLinks::break_connection(const Connection& c, Micros now) {
  bool& broken = broken_[c];
  if (broken) return std::nullopt;
  broken = true;
  // TCP delivers the prefix it acknowledged: each end notices after the
  // retransmission timeout and after what was already on its way to it.
  const Micros notice = now + kStreamRetransmitUs;
  return BreakNotice{std::max(notice, last_delivery(c.server, c.client)),
                     std::max(notice, last_delivery(c.client, c.server))};
}

std::vector<Connection> StreamLinks::open_connections(NodeId end) const {
  std::vector<Connection> open;
  for (const auto& [c, broken] : broken_) {
    if (!broken && (c.client == end || c.server == end)) open.push_back(c);
  }
  return open;
}

}  // namespace fl::sim
