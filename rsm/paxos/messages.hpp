// Messages of the Multi-Paxos protocol (Lamport, "Paxos Made Simple" §2-§3, with the
// Multi-Paxos optimisation of one phase 1 for all later slots). Every message is
// immutable once built: the simulated network may deliver one object twice.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/core/request.hpp"
#include "rsm/core/types.hpp"

namespace fl::paxos {

// A proposal number: rounds are compared first, then the proposer's id breaks ties,
// so two proposers never use the same ballot. Round 0 is "no ballot yet".
struct Ballot {
  std::uint64_t round = 0;
  NodeId node;
  auto operator<=>(const Ballot&) const = default;
  bool operator==(const Ballot&) const = default;
  bool empty() const { return round == 0; }
  // "4.1": round 4 of node 1.
  std::string describe() const;
};

// The requests one log slot holds: a batch, possibly empty (a no-op that fills a gap
// found during phase 1).
using Batch = std::vector<Request>;

// One log slot as an acceptor reports it in a promise.
struct SlotReport {
  Slot slot;
  Ballot ballot;  // the ballot it was accepted in
  Batch batch;
  bool decided = false;
};

enum class Kind : std::uint8_t {
  kPrepare,
  kPromise,
  kNack,
  kAccept,
  kAccepted,
  kDecide,
  kHeartbeat,
  kHeartbeatAck,
  kForward,
  kCatchupRequest,
  kSnapshot,
};

// Common base: the kind lets the replica dispatch without RTTI.
class PaxosMessage : public Message {
 public:
  explicit PaxosMessage(Kind kind) : kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// "No limit" for a Prepare's budget and "nothing left out" for a Promise.
inline constexpr std::int64_t kUnlimited = std::numeric_limits<std::int64_t>::max();

// Phase 1a: a candidate asks acceptors to promise `ballot` for every slot >= from,
// and to report at most about `budget` requests of what they accepted there, so
// that the union of a majority's reports fits in the candidate's bounded log.
struct Prepare final : PaxosMessage {
  Prepare(Ballot b, Slot f, std::int64_t budget_requests = kUnlimited)
      : PaxosMessage(Kind::kPrepare), ballot(b), from(f), budget(budget_requests) {}
  std::string describe() const override;
  Ballot ballot;
  Slot from;
  std::int64_t budget;
};

// Phase 1b: the acceptor promised `ballot` and reports what it accepted from `from`
// on. `checkpoint_slot` >= from means it already collected slots the candidate lacks.
// When the budget cut the report short, `truncated_at` is the first slot left out:
// the report is complete only below it.
struct Promise final : PaxosMessage {
  Promise(Ballot b, Slot ckpt, std::vector<SlotReport> e, Slot truncated = Slot(kUnlimited))
      : PaxosMessage(Kind::kPromise),
        ballot(b),
        checkpoint_slot(ckpt),
        entries(std::move(e)),
        truncated_at(truncated) {}
  std::string describe() const override;
  Ballot ballot;
  Slot checkpoint_slot;
  std::vector<SlotReport> entries;
  Slot truncated_at;
};

// A refusal: the acceptor has promised a higher ballot, so the sender is stale.
struct Nack final : PaxosMessage {
  explicit Nack(Ballot p) : PaxosMessage(Kind::kNack), promised(p) {}
  std::string describe() const override;
  Ballot promised;
};

// Phase 2a: the leader asks acceptors to accept `batch` at `slot` in `ballot`.
struct Accept final : PaxosMessage {
  Accept(Ballot b, Slot s, Batch v) : PaxosMessage(Kind::kAccept), ballot(b), slot(s), batch(std::move(v)) {}
  std::string describe() const override;
  Ballot ballot;
  Slot slot;
  Batch batch;
};

// Phase 2b: the acceptor durably accepted `slot` in `ballot`.
struct Accepted final : PaxosMessage {
  Accepted(Ballot b, Slot s) : PaxosMessage(Kind::kAccepted), ballot(b), slot(s) {}
  std::string describe() const override;
  Ballot ballot;
  Slot slot;
};

// The value at `slot` is chosen; learners may execute it once every earlier slot is.
struct Decide final : PaxosMessage {
  Decide(Slot s, Batch v) : PaxosMessage(Kind::kDecide), slot(s), batch(std::move(v)) {}
  std::string describe() const override;
  Slot slot;
  Batch batch;
};

// The leader is alive; `executed` is how far it has executed, so laggards notice.
struct Heartbeat final : PaxosMessage {
  Heartbeat(Ballot b, Slot e) : PaxosMessage(Kind::kHeartbeat), ballot(b), executed(e) {}
  std::string describe() const override;
  Ballot ballot;
  Slot executed;
};

// A follower heard the heartbeat of the leader of `ballot`. It is how a leader with
// nothing to propose still learns that a majority hears it (check-quorum).
struct HeartbeatAck final : PaxosMessage {
  explicit HeartbeatAck(Ballot b) : PaxosMessage(Kind::kHeartbeatAck), ballot(b) {}
  std::string describe() const override;
  Ballot ballot;
};

// A client request that entered at a non-leader, passed on to the leader.
struct Forward final : PaxosMessage {
  explicit Forward(Request r) : PaxosMessage(Kind::kForward), request(r) {}
  std::string describe() const override;
  Request request;
};

// A lagging replica asks for every decision from `from` on.
struct CatchupRequest final : PaxosMessage {
  explicit CatchupRequest(Slot f) : PaxosMessage(Kind::kCatchupRequest), from(f) {}
  std::string describe() const override;
  Slot from;
};

// The sender's latest checkpoint: the application state after executing `slot`.
// Sent instead of decisions that the sender has already garbage-collected.
struct Snapshot final : PaxosMessage {
  Snapshot(Slot s, std::string t) : PaxosMessage(Kind::kSnapshot), slot(s), state(std::move(t)) {}
  std::string describe() const override;
  Slot slot;
  std::string state;
};

// "[c1#4 append(3,17), c2#9 read(-1)]" shortened to a count when long.
std::string describe_batch(const Batch& batch);

}  // namespace fl::paxos
