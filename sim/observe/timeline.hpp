// A compact record of one run for pictures of it: every message with its send and
// arrival times, crashes, restarts, pauses and resumes, network faults, leadership
// changes, and each replica's (and ZooKeeper's /log) size whenever it changes. A
// subscriber of the run's event stream, only when a report asks for it; the HTML
// report draws it (reports/html_report.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/events.hpp"

namespace fl::sim {

// One copy of a message on the wire, between endpoints by node id (the run's address
// map, sim/kernel/endpoints.hpp; Timeline::lanes names them).
struct TimelineMessage {
  Micros sent_us = 0;
  Micros arrive_us = -1;  // -1: dropped by the network when sent
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::uint32_t kind = 0;  // index into Timeline::kinds()
};

// A pause freezes a replica without losing anything (its inputs wait) until the
// resume; a crash also ends a pause.
enum class NodeChange : std::uint8_t { kCrash, kRestart, kPause, kResume };
using ev::NetworkFault;

// A node's crash, restart, pause or resume.
struct TimelineNodeEvent {
  Micros at_us = 0;
  std::uint32_t node = 0;
  NodeChange change = NodeChange::kCrash;
  std::string origin;
};

// A partition, cut, heal or change of network parameters.
struct TimelineNetworkEvent {
  Micros at_us = 0;
  NetworkFault fault = NetworkFault::kHeal;
  std::vector<std::vector<std::uint32_t>> groups;
  std::string text;  // "partition [r0][r1,r2]", as the trace says it
  std::string origin;
};

// A replica starts or stops believing it may order requests (epoch empty: stopped).
struct TimelineLeaderEvent {
  Micros at_us = 0;
  std::uint32_t node = 0;
  std::optional<std::uint64_t> epoch;
};

// How many requests a log held from `at_us` on.
struct LogSample {
  Micros at_us = 0;
  std::int64_t held = 0;
};

// Everything a Timeline recorded, as plain data: what its accessors return, and what
// a run's outcome carries between processes (sim/outcome.hpp) for a report to draw.
struct TimelineRecord {
  std::vector<std::string> lanes;
  int replicas = 0;
  std::int64_t max_log_size = 0;
  Micros end_us = 0;
  std::vector<std::string> kinds;
  std::vector<TimelineMessage> messages;
  std::vector<TimelineNodeEvent> node_events;
  std::vector<TimelineNetworkEvent> network_events;
  std::vector<TimelineLeaderEvent> leader_events;
  std::vector<std::vector<LogSample>> log_samples;
  std::vector<LogSample> zk_log_samples;
};

class Timeline final : public EventSink {
 public:
  // `lanes` names every endpoint by node id ("r0", "zk", "c3"); `replicas` of them
  // are replicas. `max_log_size` is the bound the log chart draws.
  Timeline(std::vector<std::string> lanes, int replicas, std::int64_t max_log_size);
  // A finished recording read back (from another process's outcome): drawn, not
  // recorded into.
  explicit Timeline(TimelineRecord record);

  void on_event(Micros now, const RunEvent& event) override;

  // Marks the end of the run (the last moment the pictures cover).
  void finish(Micros end_us) { rec_.end_us = end_us; }

  const TimelineRecord& record() const { return rec_; }

  const std::vector<std::string>& lanes() const { return rec_.lanes; }
  int replicas() const { return rec_.replicas; }
  std::int64_t max_log_size() const { return rec_.max_log_size; }
  Micros end_us() const { return rec_.end_us; }
  // Message kinds in order of first appearance ("request", "accept", ...).
  const std::vector<std::string>& kinds() const { return rec_.kinds; }
  const std::vector<TimelineMessage>& messages() const { return rec_.messages; }
  const std::vector<TimelineNodeEvent>& node_events() const { return rec_.node_events; }
  const std::vector<TimelineNetworkEvent>& network_events() const { return rec_.network_events; }
  const std::vector<TimelineLeaderEvent>& leader_events() const { return rec_.leader_events; }
  // Per replica, its log size at every change (starting from its first step).
  const std::vector<std::vector<LogSample>>& log_samples() const { return rec_.log_samples; }
  // ZooKeeper's /log size at every change; empty in a run without ZooKeeper.
  const std::vector<LogSample>& zk_log_samples() const { return rec_.zk_log_samples; }

 private:
  std::uint32_t kind_index(std::string_view kind);
  // A message left `from` for `to` at `now`: a protocol message (kind is the first
  // word of its trace description), a client "request" or a "reply", one copy per
  // arrival time (none: dropped at once).
  void message(Micros now, NodeId from, NodeId to, std::string_view kind, std::span<const Micros> arrivals_us);
  void node(Micros now, NodeId id, NodeChange change, std::string_view origin);
  void network(Micros now, const ev::NetworkChanged& e);
  void replica(Micros now, NodeId id, std::int64_t log_held, std::optional<std::uint64_t> leader_epoch);
  void set_leader(Micros now, std::uint32_t node, std::optional<std::uint64_t> epoch);

  TimelineRecord rec_;
  std::map<std::string, std::uint32_t, std::less<>> kind_ids_;
  std::vector<std::optional<std::uint64_t>> leading_;  // per replica, as last told
};

}  // namespace fl::sim
