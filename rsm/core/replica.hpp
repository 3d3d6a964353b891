// The sans-IO contract between a replication protocol core and whatever runs it
// (the simulator or the real runtime). A replica is handed inputs and the current
// time, and fills an Output; it never reads a clock, touches a socket or file,
// starts a thread or draws random numbers (etcd raft Step/Ready, ScyllaDB fsm).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/request.hpp"
#include "rsm/core/types.hpp"

namespace fl {

class Replicable;

// A protocol message. Immutable once sent: the network may deliver one object
// more than once (duplication), so receivers must not rely on its identity.
class Message {
 public:
  virtual ~Message() = default;
  // One deterministic line for the trace (no pointers, no unordered iteration).
  virtual std::string describe() const = 0;
};
using MessagePtr = std::shared_ptr<const Message>;

// One write to the replica's own disk. `value` empty means erase the key.
// `weight` is how many client requests the record holds, so the runner can
// measure the on-disk log size without understanding the record.
struct DiskWrite {
  std::string key;
  std::optional<std::string> value;
  std::int64_t weight = 0;
};

// What is durable on a replica's disk when it starts: key -> value, in key order.
using DiskImage = std::map<std::string, std::string>;

// Arms (or re-arms, replacing the pending one) the protocol's timer `timer`.
struct TimerSet {
  std::uint32_t timer = 0;
  Micros after_us = 0;
};

// A reply to a client request that entered the system at this replica.
struct ClientReply {
  ClientId client;
  RequestId id;
  Response response;
};

// Observation: this replica executed `request` as the `index`-th request of `slot`,
// and its app's state digest (Replicable::state_digest) was `state_digest` after.
// Invariant checkers use it to verify that all replicas apply the same sequence,
// each position once and in order, and reach the same state.
struct Applied {
  Slot slot;
  std::uint32_t index = 0;
  Request request;
  std::uint64_t state_digest = 0;
};

// Where a restored state came from.
enum class RestoreSource : std::uint8_t {
  kOwnCheckpoint,   // the replica's own disk, at start (an empty state on first boot)
  kPeerCheckpoint,  // another replica's checkpoint, or a snapshot the leader published
};

// Observation: the app's whole state was replaced by the state after `slot` (a slot
// before the protocol's first one: the empty state), digest `state_digest`;
// execution resumes after `slot`.
struct Restored {
  Slot slot;
  RestoreSource source = RestoreSource::kOwnCheckpoint;
  std::uint64_t state_digest = 0;
};

// App steps: what a core asks of its application state machine (Replicable). A core
// never calls the app itself (with a Cassandra store every call is network IO); it
// lists the steps, and the runtime carries them out against Replica::app() in order.

// Execute `request` as the `index`-th request of decided `slot`. If `reply`, this
// replica owes the client the response: the runtime sends it as a ClientReply.
struct ExecuteStep {
  Slot slot;
  std::uint32_t index = 0;
  Request request;
  bool reply = false;
};

// Answer the read `request` from the app's table as it stands, unordered, and reply.
// Only a planted bug (paxos kLocalReads) asks for this.
struct ReadStep {
  Request request;
};

// Replace the app's whole state by `state`, the state after `slot` (absent: keep the
// fresh app's empty state, a first boot). A state that does not restore is a broken
// invariant (the core wrote it or a peer took it from its app), so the runtime asserts.
struct RestoreStep {
  Slot slot;
  RestoreSource source = RestoreSource::kOwnCheckpoint;
  std::optional<std::string> state;
};

// Take a checkpoint of the app now, after the steps before it, and hand it back with
// Replica::on_checkpoint(slot, text, out) into the same Output.
struct CheckpointStep {
  Slot slot;
};

using AppStep = std::variant<ExecuteStep, ReadStep, RestoreStep, CheckpointStep>;

// Everything one input produced. The runner must apply it in this order:
//   0. `app` steps against the replica's app, in order and before anything else: a
//      checkpoint's text goes back through Replica::on_checkpoint, which completes this
//      Output (it adds the write that holds the text), so it must come before 1. The
//      runner appends what the steps produce to this Output: a reply the replica owes
//      to `replies`, and the observations `applied` and `restored` (the runner, not the
//      core, knows the app's state digest).
//   1. `writes` to the disk, then `sync` them if set (persist before send);
//   2. `messages` and `replies` to the network;
//   3. `timers`, `applied`, `restored` and `notes` in any order (they are not
//      externally visible; `applied` and `restored` keep their relative order).
// The coordinated core still calls its app itself and fills `replies`, `applied` and
// `restored` directly; it lists no app steps.
struct Output {
  std::vector<AppStep> app;
  std::vector<DiskWrite> writes;
  bool sync = false;
  std::vector<std::pair<NodeId, MessagePtr>> messages;
  std::vector<ClientReply> replies;
  std::vector<TimerSet> timers;
  std::vector<Applied> applied;
  // State replacements, each placed before the applies that follow it: the index
  // into `applied` at which it happened.
  std::vector<std::pair<std::size_t, Restored>> restored;
  // Protocol events worth a trace line, e.g. "leader ballot=4.1".
  std::vector<std::string> notes;

  void clear() {
    app.clear();
    writes.clear();
    sync = false;
    messages.clear();
    replies.clear();
    timers.clear();
    applied.clear();
    restored.clear();
    notes.clear();
  }
};

// A replica of the replicated database under some protocol.
class Replica {
 public:
  virtual ~Replica() = default;

  // Rebuilds state from the durable disk image alone (empty on first boot) and
  // arms the initial timers.
  virtual void start(const DiskImage& disk, Micros now, Output& out) = 0;
  virtual void on_message(NodeId from, const Message& message, Micros now, Output& out) = 0;
  virtual void on_timer(std::uint32_t timer, Micros now, Output& out) = 0;
  virtual void on_client_request(const Request& request, Micros now, Output& out) = 0;
  // The checkpoint a CheckpointStep of `out` asked for: `state` is the app's whole
  // state after `slot`. The runner calls it while carrying out `out`'s app steps,
  // before persisting `out`, and before any other input reaches the replica. A core
  // that asks for no checkpoints (the coordinated one calls its app itself) keeps
  // this default, which asserts.
  virtual void on_checkpoint(Slot slot, std::string state, Output& out);

  // Observations for checkers and fault targeting; they never change protocol state.
  // If this replica believes it may order requests: its epoch (higher is newer).
  virtual std::optional<std::uint64_t> leader_epoch() const = 0;
  // Client requests held in the in-memory log.
  virtual std::int64_t log_requests_held() const = 0;
  // The application state machine. The replica object owns it because the two live
  // and die together: a crash loses both, and the runtime's factory pairs a fresh app
  // with every fresh replica. The core's code never calls it; the runner carries out
  // the app steps against it (rsm/core/app_runner.hpp) and checks convergence at the end.
  virtual Replicable& app() = 0;
};

}  // namespace fl
