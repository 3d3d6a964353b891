// A scenario file, parsed and validated: cluster shape, workload, a timed fault
// schedule, an optional random nemesis and the expectations the checks enforce.
// Scenarios are data: the runner has no scenario-specific code (FoundationDB
// tests/*.toml). The format is documented in scenarios/README.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rsm/core/types.hpp"

namespace fl::sim {

// The Multi-Paxos protocol's own settings (JSON "paxos"): a leader's heartbeat, and
// how long a replica hears none before it campaigns.
struct PaxosSettings {
  Micros heartbeat_us = 50 * kMillis;
  Micros election_timeout_us = 300 * kMillis;
};

// The ZooKeeper-coordinated protocol's own settings (JSON "zk"). It has no election
// timeout: a leader is replaced when its ZooKeeper session expires.
struct ZkSettings {
  Micros session_timeout_us = 600 * kMillis;  // asked of ZooKeeper when a replica opens its session
  Micros tick_us = 50 * kMillis;              // the replica's own timer: retries, batching, re-reads
};

// The replicas under test (JSON "cluster", the settings every protocol shares) and
// each protocol's own settings (JSON "paxos", "zk"). Both protocols' settings are
// always there, so a scenario runs under either (`--protocol`); a run uses those of
// its protocol and ignores the other's.
struct ClusterSpec {
  int replicas = 3;
  std::string protocol = "paxos";
  std::string store = "sqlite";
  std::int64_t max_log_size = 400;         // requests a replica may hold in memory or on disk
  std::int64_t checkpoint_interval = 100;  // executed requests between checkpoints
  int batch_size_max = 16;                 // requests per log slot
  PaxosSettings paxos;
  ZkSettings zk;
};

// The simulated network's behaviour from the start of the run (JSON "network");
// faults may change it later.
struct NetworkSpec {
  Micros latency_us = 1 * kMillis;
  Micros jitter_us = 500;
  double loss = 0.0;                       // probability a message is dropped
  double duplicate = 0.0;                  // probability a message is delivered twice
  double reorder = 0.0;                    // probability a message gets an extra delay
  Micros reorder_delay_us = 20 * kMillis;  // upper bound of that extra delay
};

// Probabilities of each operation; they are normalised, so only ratios matter.
struct OpMix {
  double insert = 0.1;
  double append = 0.7;
  double read = 0.2;
  double read_all = 0.0;
};

// The clients and what they send (JSON "workload").
struct WorkloadSpec {
  int clients = 3;
  int keys = 8;  // keys are spread around zero, negatives included
  OpMix mix;
  double rate_hz = 20.0;              // per client; think time is exponential with this rate
  std::vector<std::string> targets;   // replica names clients send to; empty = any replica
  Micros timeout_us = 500 * kMillis;  // a request unanswered this long is retried
  int attempts_max = 0;               // tries before a request is given up as unknown; 0 = until the run ends
  // Requests issued in total across all clients (retries not counted); 0 = no limit.
  // Small counts make a scenario whose history can be read by hand.
  int requests_max = 0;
};

// A set of nodes named in a fault: "r0".."rN", "leader" (the replica that believes
// it leads, newest epoch first, at the moment the fault fires) or "*" (every
// replica not named elsewhere in the same fault). Resolved when the fault fires.
using NodeSet = std::vector<std::string>;

// Stops the nodes: volatile state and unsynced disk writes are lost.
struct Crash {
  NodeSet nodes;
};
// Boots crashed nodes again from their disks alone; running nodes are left alone.
struct Restart {
  NodeSet nodes;
};
// Freezes the nodes (a GC pause, SIGSTOP, a stalled VM): they keep all state but
// handle nothing; what arrives meanwhile waits, and timers fire late.
struct Pause {
  NodeSet nodes;
};
// Unfreezes paused nodes: they handle what waited, in arrival order, at once.
struct Resume {
  NodeSet nodes;
};
// Crashes every replica at once (e.g. a power cut).
struct KillAll {};
// Restarts every crashed replica.
struct RestartAll {};
// Nodes in different groups cannot reach each other in either direction.
struct Partition {
  std::vector<NodeSet> groups;
};
// Messages from `from` to `to` are dropped; the reverse direction still works.
struct Cut {
  NodeSet from;
  NodeSet to;
};
// Removes every partition and cut.
struct Heal {};
// Changes network parameters from now on; fields left empty keep their value.
struct NetworkChange {
  std::optional<Micros> latency_us, jitter_us;
  std::optional<double> loss, duplicate, reorder;
};

using FaultAction =
    std::variant<Crash, Restart, Pause, Resume, KillAll, RestartAll, Partition, Cut, Heal, NetworkChange>;

// One fault action and the simulated time at which it fires.
struct TimedFault {
  Micros at_us = 0;
  FaultAction action;
  std::string origin;  // where it came from in the file, e.g. "faults[3]" or "faults[2].rolling"
};

// The fault kinds a swarm nemesis draws from (scenarios/README.md, "Swarm"). Every
// kind is one the protocols claim to survive, and each occurrence is undone later.
enum class SwarmKind {
  kCrash,      // 1..crashed_max replicas (or the leader) down, then restarted
  kPause,      // one replica (or the leader) frozen, then resumed
  kLagging,    // a replica down long enough for the others to move on, restarted, crashed again mid-catch-up
  kKillAll,    // every replica down, then all restarted
  kPartition,  // two or three groups, the last with "*" (minority, majority, no majority; or the leader alone)
  kBridge,     // two halves that cannot see each other and one node that sees both
  kCut,        // one replica's (or the leader's) outgoing or incoming messages dropped
  kBurst,      // loss, duplication, reordering and extra latency, then the scenario's network again
  kZkCrash,    // the ZooKeeper server down, then restarted (zk runs only)
  kZkCut,      // a replica (or the leader) cut from ZooKeeper one way or both (zk runs only)
};
inline constexpr std::size_t kSwarmKindCount = 10;
// The names scenario files use for the kinds, in enum order.
inline constexpr std::array<std::string_view, kSwarmKindCount> kSwarmKindNames = {
    "crash", "pause", "lagging", "kill_all", "partition", "bridge", "cut", "burst", "zk_crash", "zk_cut"};

// Random faults (JSON "nemesis"), in one of two modes.
//
// Classic: every `interval_us` between start and stop the nemesis heals what it did
// last and injects one new fault, drawn by weight. It never crashes more than
// `crashed_max` replicas at once, so a quorum can survive when the scenario wants one.
//
// Swarm (swarm testing, Groce et al. 2012): per seed the nemesis draws which of
// `kinds` are enabled and, for each, how often it strikes and how long it lasts.
// Faults overlap, each with its own duration, and all are undone by the stop time.
struct NemesisSpec {
  Micros interval_us = 2 * kSeconds;
  Micros start_us = 1 * kSeconds;
  Micros stop_us = 0;  // 0 = the end of the workload
  double crash = 1.0;
  double partition = 1.0;
  double cut = 1.0;
  double kill_all = 0.0;
  int crashed_max = 1;  // both modes: replicas crashed at once by crash (and lagging) faults

  bool swarm = false;
  // Kinds the swarm may enable; kill_all only when listed. The zk kinds apply to zk runs only.
  std::vector<SwarmKind> kinds = {SwarmKind::kCrash,     SwarmKind::kPause,   SwarmKind::kLagging,
                                  SwarmKind::kPartition, SwarmKind::kBridge,  SwarmKind::kCut,
                                  SwarmKind::kBurst,     SwarmKind::kZkCrash, SwarmKind::kZkCut};
  // Each enabled kind's mean time between occurrences is drawn log-uniformly in this range.
  Micros gap_min_us = 1 * kSeconds;
  Micros gap_max_us = 8 * kSeconds;
  // Each enabled kind's longest occurrence is drawn log-uniformly in this range, and
  // each occurrence lasts uniformly between fault_min and that longest.
  Micros fault_min_us = 50 * kMillis;
  Micros fault_max_us = 4 * kSeconds;
  // The scenario's "network" section, copied by the parser: what a burst's end restores.
  NetworkSpec base_network;
};

// How much liveness the scenario demands, given the faults it injects.
enum class Progress {
  kAlways,     // requests must complete within the bound throughout (no majority loss)
  kAfterHeal,  // requests must complete within the bound after the last fault is healed
  kNone,       // no liveness required (e.g. a majority stays down)
};

// Which checks must pass for the run to succeed (JSON "expect").
struct Expectations {
  bool linearizable = true;
  bool converged = true;
  bool durable = true;
  bool exactly_once = true;
  bool log_bound = true;
  Progress progress = Progress::kAfterHeal;
  Micros liveness_bound_us = 5 * kSeconds;
};

// A whole validated scenario: everything a run needs besides the seed.
struct Scenario {
  std::string name;
  std::string description;
  std::string source_file;
  ClusterSpec cluster;
  NetworkSpec network;
  WorkloadSpec workload;
  std::vector<TimedFault> faults;  // expanded and sorted by time (stable: file order for ties)
  std::optional<NemesisSpec> nemesis;
  Micros duration_us = 10 * kSeconds;  // clients issue requests until then
  Micros quiesce_us = 5 * kSeconds;    // then a quiet period before the final checks
  Expectations expect;
};

// A scenario that could not be read: which file, which field (a JSON path such as
// "faults[2].at"), and why. Printed as "FILE: FIELD: REASON".
struct ScenarioError {
  std::string file;
  std::string field;
  std::string reason;
  std::string message() const;
};

// Parses scenario JSON text. `file` is used in error messages only.
std::variant<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& file);
// Reads and parses a scenario file; a missing or unreadable file is a ScenarioError too.
std::variant<Scenario, ScenarioError> load_scenario(const std::string& path);

// "1.5s", "250ms", "100us", "2m" -> microseconds; nullopt if malformed or negative.
std::optional<Micros> parse_duration(const std::string& text);

// Limits on a scenario file (scenarios/README.md, "Limits"): its size, how deeply
// its JSON nests, a client's request rate and a nemesis weight.
inline constexpr std::size_t kScenarioBytesMax = std::size_t{16} << 20;
inline constexpr int kNestingMax = 32;
inline constexpr double kRateHzMin = 0.001;
inline constexpr double kRateHzMax = 1e6;
inline constexpr double kWeightMax = 1e6;

// Where the scenario's faults name "zk", the ZooKeeper node ("faults[3]"), if they
// do: only a protocol that runs with one may run such a scenario.
std::optional<std::string> zookeeper_named(const Scenario& scenario);
// Inverse of parse_duration for printing: the largest exact unit ("1500ms", "2s").
std::string format_duration(Micros us);

}  // namespace fl::sim
