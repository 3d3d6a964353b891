// The typed facts of a run, as the World publishes them to its subscribers (the
// invariant checkers; DESIGN.md "the typed event stream"). Each fact is published
// once, after the World has acted on it, with references that are valid only for
// the duration of the call. A subscriber only watches: it can change nothing, so a
// run with or without one gives the same trace and hash.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/zk/wire.hpp"

namespace fl::sim {
namespace zk {
class DataTree;
}

namespace ev {

// A replica booted (first boot or restart) with incarnation `incarnation`; its
// start() outputs follow as Applied/Restored facts.
struct Booted { NodeId node; std::uint64_t incarnation; };
// A replica crashed: volatile state and unsynced writes are gone.
struct Crashed { NodeId node; };
// A replica was frozen or thawed (held inputs are handled right after Resumed).
struct Paused { NodeId node; };
struct Resumed { NodeId node; };
// A protocol message left `from` for `to`; `copies` the network will deliver (0:
// dropped at once). Messages to and from ZooKeeper are included.
struct Sent { NodeId from; NodeId to; const Message& message; int copies; };
// A protocol message reached a live, running replica, which is about to handle it.
struct Delivered { NodeId from; NodeId to; const Message& message; };
// A client's request reached a live, running replica.
struct RequestArrived { ClientId client; NodeId to; const Request& request; };
// A replica sent a client its reply.
struct Replied { NodeId from; const ClientReply& reply; };
// A replica executed a request (see Applied in rsm/core/replica.hpp).
struct Executed { NodeId node; const Applied& applied; };
// A replica replaced its whole state by a checkpoint (see Restored).
struct StateRestored { NodeId node; const Restored& restored; };
// A replica finished handling one input: `replica` may be observed (leadership,
// log size), never changed.
struct Stepped { NodeId node; const Replica& replica; };
// ZooKeeper handled a request from `from` and committed `reply` (null when it sent
// none, e.g. a ping); `tree` is its data tree after the request.
struct ZkHandled {
  NodeId from;
  const fl::zk::RequestMessage& request;
  const fl::zk::ReplyMessage* reply;
  const zk::DataTree& tree;
};
// ZooKeeper expired these sessions (and deleted their ephemeral nodes).
struct ZkExpired { const std::vector<fl::zk::SessionId>& sessions; const zk::DataTree& tree; };
// The ZooKeeper server crashed or restarted.
struct ZkDown {};
struct ZkUp {};

}  // namespace ev

// The position of request `index` of `slot` as one ordered number: the World keeps
// batches below kIndexSpan requests, so positions of different slots never meet.
inline constexpr std::int64_t kIndexSpan = 1 << 16;
inline std::int64_t position_key(Slot slot, std::uint32_t index) { return slot.value * kIndexSpan + index; }
// After every request of `slot`: where a restore to `slot` leaves a replica.
inline std::int64_t after_slot_key(Slot slot) { return slot.value * kIndexSpan + (kIndexSpan - 1); }

using RunEvent = std::variant<ev::Booted, ev::Crashed, ev::Paused, ev::Resumed, ev::Sent, ev::Delivered,
                              ev::RequestArrived, ev::Replied, ev::Executed, ev::StateRestored, ev::Stepped,
                              ev::ZkHandled, ev::ZkExpired, ev::ZkDown, ev::ZkUp>;

// Receives every fact of a run, in the order they happen, at simulated time `now`.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(Micros now, const RunEvent& event) = 0;
};

}  // namespace fl::sim
