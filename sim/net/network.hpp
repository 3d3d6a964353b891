// The simulated network's fault model: latency with jitter, loss, duplication,
// reordering (an extra random delay), and partitions between servers (replicas and
// ZooKeeper) as blocked directed links. send() is the datagram link: it decides each
// message's fate and the World schedules the deliveries. Stream links (connections,
// sim/net/stream.hpp) draw their fates from the same network.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "rsm/core/types.hpp"
#include "sim/kernel/rng.hpp"

namespace fl::sim {

struct NetworkParams {
  Micros latency_us = 1000;
  Micros jitter_us = 500;
  double loss = 0.0;
  double duplicate = 0.0;
  double reorder = 0.0;
  Micros reorder_delay_us = 20'000;
};

// How long a stream waits before sending a lost segment again (Linux's minimum RTO),
// and so how long an end takes to notice that its connection broke.
inline constexpr Micros kStreamRetransmitUs = 200 * kMillis;

// What happens to one message: dropped (with a reason), or delivered after each of
// `copies` delays.
struct Fate {
  std::string_view drop_reason;  // empty when delivered
  int copies = 0;
  Micros delays_us[2] = {0, 0};
  // When each copy arrives, for a send at `now` (the first `copies` are meaningful).
  std::array<Micros, 2> arrivals(Micros now) const { return {now + delays_us[0], now + delays_us[1]}; }
};

class Network {
 public:
  // Endpoints 0..servers-1 (the replicas and ZooKeeper, Endpoints::servers) can be
  // partitioned; higher ids are clients, which partitions do not affect.
  Network(int servers, NetworkParams params, Rng rng);

  const NetworkParams& params() const { return params_; }
  void set_params(const NetworkParams& params) { params_ = params; }

  // Drops every message from `from` to `to` until heal(). Only pairs of servers.
  void block(NodeId from, NodeId to);
  bool blocked(NodeId from, NodeId to) const;
  bool any_blocked() const { return blocked_count_ > 0; }
  void heal();

  // Decides the fate of a message sent now. Messages to self are always delivered
  // at once: a process talking to itself does not cross the network.
  Fate send(NodeId from, NodeId to);
  // The fate of a message on a TCP connection (a ZooKeeper session): loss delays it
  // by retransmissions instead of dropping it, and it is never duplicated; only a
  // partition drops it, and then the caller must break the connection, so that
  // nothing sent after it arrives either. StreamLinks keeps send order.
  Fate send_stream(NodeId from, NodeId to);

 private:
  Micros one_delay();

  int servers_;
  NetworkParams params_;
  Rng rng_;
  std::vector<bool> blocked_;  // servers x servers, row = from
  int blocked_count_ = 0;
};

}  // namespace fl::sim
