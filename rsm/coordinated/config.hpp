// What a zk replica is told about its cluster, its limits and its timers.
#pragma once

#include <cstdint>

#include "rsm/coordinated/variants.hpp"
#include "rsm/core/types.hpp"

namespace fl::coordinated {

struct ReplicaConfig {
  NodeId self;
  NodeId zookeeper;  // the ZooKeeper server's address
  int replicas = 3;
  std::int64_t max_log_size = 400;         // requests in /log (or held by a replica), at most
  std::int64_t checkpoint_interval = 100;  // applied requests between checkpoints
  int batch_size_max = 16;                 // requests per /log entry
  int pipeline_max = 8;                    // ordering writes in flight
  Micros session_timeout_us = 600 * kMillis;
  Micros tick_us = 50 * kMillis;  // retries, batching
  // A forwarded request not applied by then goes to the leader through /pending.
  Micros forward_timeout_us = 200 * kMillis;
  ZkMutation mutation = ZkMutation::kNone;
};

// The ZooKeeper client's timer (its pings and connection timeouts).
inline constexpr std::uint32_t kZkClientTimer = 1;
// The replica's own tick: new sessions, re-reads, batching, /pending.
inline constexpr std::uint32_t kZkTickTimer = 2;

}  // namespace fl::coordinated
