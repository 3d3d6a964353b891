// The typed facts of a run, as the World publishes them to its subscribers: the
// trace, the timeline, the stats and every invariant checker (DESIGN.md "the typed
// event stream"; STYLE.md "one fact, one place"). Each fact is published
// once, after the World has acted on it, with references that are valid only for
// the duration of the call. A subscriber only watches: it can change nothing, so a
// run gives the same trace and hash whoever else subscribes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/zookeeper/wire.hpp"
#include "sim/kernel/endpoints.hpp"
#include "sim/zookeeper/facts.hpp"

namespace fl::sim {
namespace ev {

// A replica booted (first boot, origin "boot", or restart) with incarnation
// `incarnation`; its start() outputs follow as Executed/StateRestored facts.
struct Booted {
  NodeId node;
  std::uint64_t incarnation;
  std::string_view origin;
};
// A replica crashed: volatile state and unsynced writes are gone.
struct Crashed {
  NodeId node;
  std::string_view origin;
};
// A replica was frozen or thawed; the `held` inputs that reached it while frozen are
// handled right after Resumed.
struct Paused {
  NodeId node;
  std::string_view origin;
};
struct Resumed {
  NodeId node;
  std::string_view origin;
  std::size_t held;
};
// A protocol message left `from` for `to`, to arrive once per time in `arrivals_us`
// (empty: dropped at once, for `drop_reason`). Messages to and from ZooKeeper are
// included.
struct Sent {
  NodeId from;
  NodeId to;
  const Message& message;
  std::span<const Micros> arrivals_us;
  std::string_view drop_reason;
  int copies() const { return static_cast<int>(arrivals_us.size()); }
};
// A message (null: a client's request) reached an endpoint that was down.
struct Undelivered {
  NodeId from;
  NodeId to;
  const Message* message;
  std::string_view reason;
};
// A protocol message reached a live, running endpoint (a replica or ZooKeeper), which
// is about to handle it.
struct Delivered {
  NodeId from;
  NodeId to;
  const Message& message;
};
// A replica's connection to ZooKeeper broke (nothing more is delivered on it); later
// ZooKeeper's end learns of it.
struct ConnectionBroken {
  NodeId replica;
  fl::zookeeper::ConnectionId connection;
  std::string_view why;
};
struct ZkDisconnected {
  NodeId replica;
  fl::zookeeper::ConnectionId connection;
};
// A client sent (attempt `attempt` of) a request from its address `from`.
struct Called {
  ClientId client;
  NodeId from;
  NodeId to;
  const Request& request;
  int attempt;
  std::span<const Micros> arrivals_us;
};
// A client's request reached a live, running replica.
struct RequestArrived {
  ClientId client;
  NodeId to;
  const Request& request;
};
// A replica sent a client (at address `to`) its reply.
struct Replied {
  NodeId from;
  const ClientReply& reply;
  NodeId to;
  std::span<const Micros> arrivals_us;
};
// A reply reached its client; `fresh` unless the client had its answer already.
struct ReplyDelivered {
  NodeId from;
  const ClientReply& reply;
  bool fresh;
};
// A client gave up on a request after its last attempt.
struct GaveUp {
  ClientId client;
  RequestId id;
};
// A replica's step asks to persist `writes` to its disk and, if `synced`, to make
// everything written so far durable; the World does so right after this fact and
// before any of the step's sends (persist before send, rsm/core/replica.hpp).
struct Persisting {
  NodeId node;
  const std::vector<DiskWrite>& writes;
  bool synced;
};
// A replica's timer fired.
struct TimerFired {
  NodeId node;
  std::uint32_t timer;
};
// A replica executed a request (see Applied in rsm/core/replica.hpp).
struct Executed {
  NodeId node;
  const Applied& applied;
};
// A replica replaced its whole state by a checkpoint (see Restored).
struct StateRestored {
  NodeId node;
  const Restored& restored;
};
// A replica's note for the trace (rsm/core/replica.hpp Output::notes).
struct Note {
  NodeId node;
  std::string_view text;
};
// A replica finished handling one input: `replica` may be observed (leadership),
// never changed; `log_held` is the most requests it holds in memory or on disk.
struct Stepped {
  NodeId node;
  const Replica& replica;
  std::int64_t log_held;
};
// ZooKeeper handled a request from `from` and committed `reply` (null when it sent
// none, e.g. a ping). `last_zxid` is its newest transaction after the request (what
// a read saw); `writes` are the writes it committed for the request, in order (none
// unless the reply is kOk); `log` is what /log holds after it, when the request
// created or deleted a /log entry (null otherwise); `state` answers the few
// questions a check must ask of ZooKeeper's state after it (sim/zookeeper/facts.hpp).
struct ZkHandled {
  NodeId from;
  const fl::zookeeper::RequestMessage& request;
  const fl::zookeeper::ReplyMessage* reply;
  fl::zookeeper::Zxid last_zxid;
  std::span<const zkserver::ZkWrite> writes;
  const zkserver::ZkLog* log;
  zkserver::ZkView state;
};
// ZooKeeper expired these sessions (and deleted their ephemeral nodes).
struct ZkExpired {
  const std::vector<fl::zookeeper::SessionId>& sessions;
};
// The ZooKeeper server (at address `node`) crashed or restarted.
struct ZkDown {
  NodeId node;
  std::string_view origin;
};
struct ZkUp {
  NodeId node;
  std::string_view origin;
};
// A scheduled fault or a nemesis action fires; its effects follow as events.
struct FaultFired {
  std::string_view origin;
};
// A partition (groups), a one-way cut (groups = {from, to}), a heal (no groups) or a
// change of network parameters; `detail` is what the trace says after the kind
// ("[r0][r1,r2]", "[r0]->[r1]", "", "latency=... loss=... dup=...").
enum class NetworkFault : std::uint8_t { kPartition, kCut, kHeal, kChange };
struct NetworkChanged {
  NetworkFault fault;
  const std::vector<std::vector<NodeId>>& groups;
  std::string_view detail;
  std::string_view origin;
};
// The workload stopped issuing new requests (the quiet period begins).
struct StoppedIssuing {};
// The run ended at `end_us` (the last event may come earlier).
struct Ended {
  Micros end_us;
};

}  // namespace ev

// The position of request `index` of `slot` as one ordered number: the World keeps
// batches below kIndexSpan requests, so positions of different slots never meet.
inline constexpr std::int64_t kIndexSpan = 1 << 16;
inline std::int64_t position_key(Slot slot, std::uint32_t index) { return slot.value * kIndexSpan + index; }
// After every request of `slot`: where a restore to `slot` leaves a replica.
inline std::int64_t after_slot_key(Slot slot) { return slot.value * kIndexSpan + (kIndexSpan - 1); }

using RunEvent = std::variant<ev::Booted, ev::Crashed, ev::Paused, ev::Resumed, ev::Sent, ev::Undelivered,
                              ev::Delivered, ev::ConnectionBroken, ev::ZkDisconnected, ev::Called, ev::RequestArrived,
                              ev::Replied, ev::ReplyDelivered, ev::GaveUp, ev::Persisting, ev::TimerFired, ev::Executed,
                              ev::StateRestored, ev::Note, ev::Stepped, ev::ZkHandled, ev::ZkExpired, ev::ZkDown,
                              ev::ZkUp, ev::FaultFired, ev::NetworkChanged, ev::StoppedIssuing, ev::Ended>;

// Receives every fact of a run, in the order they happen, at simulated time `now`.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(Micros now, const RunEvent& event) = 0;
};

// Hands every fact to each subscriber, in the order they subscribed. The World and
// the endpoints it hosts publish through one, so each fact reaches every subscriber.
class Broadcast final : public EventSink {
 public:
  void subscribe(EventSink* sink) { sinks_.push_back(sink); }
  void on_event(Micros now, const RunEvent& event) override {
    for (EventSink* sink : sinks_) sink->on_event(now, event);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace fl::sim
