// What each outstanding ZooKeeper call of a zk replica is for, grouped by the part
// that issued it. A call records its purpose when it is issued (Session::call), and
// its reply goes back to that part (ZkReplica::dispatch): there is no ladder of
// cases in one place that every part's replies pass through.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/request.hpp"

namespace fl::coordinated {

// ---- the session (session.cpp): registration and the acknowledgement ----
struct Setup {};          // create a persistent top-level node; already there is fine
struct Register {};       // create /members/<self>
struct OldMember {};      // read a /members/<self> that a previous session may have left
struct DropOldMember {};  // remove that node; gone already is fine
struct Ack {
  std::string position;
};  // setData(/members/<self>)
using SessionOp = std::variant<Setup, Register, OldMember, DropOldMember, Ack>;

// ---- the election (election.cpp) ----
struct LeaderExists {};   // exists(/leader, watch)
struct LeaderData {};     // get(/leader)
struct Members {};        // getChildren(/members, watch)
struct ClaimLeader {};    // multi[create(/leader), setData(/epoch)]
struct WatchLeader {};    // exists(/leader, watch) after a claim; only the watch matters
struct DropOldLeader {};  // remove a /leader of our previous session; gone already is fine
struct BumpEpoch {};      // setData(/epoch)
struct EpochRead {};      // get(/epoch): only planted bugs fence with what it returns
using ElectionOp =
    std::variant<LeaderExists, LeaderData, Members, ClaimLeader, WatchLeader, DropOldLeader, BumpEpoch, EpochRead>;

// ---- the log reader (log_reader.cpp) ----
// `known` is the newest /log entry this replica knew of when it asked for the
// listing: the listing was taken after ZooKeeper handled its creation (FIFO), so an
// entry up to it that the listing lacks is gone. `doubts` counts the ordering writes
// lost before the listing was asked for (LogView::doubts).
struct LogChildren {
  std::uint64_t round;
  std::uint64_t doubts;
  std::string known;
};
struct SnapshotRead {
  std::uint64_t round;
  std::uint64_t doubts;
  std::vector<std::string> children;  // the listing, in the order entries are read
  std::string known;
};
struct EntryData {
  std::uint64_t round;
  std::string name;
};
using ReaderOp = std::variant<LogChildren, SnapshotRead, EntryData>;

// ---- the orderer (orderer.cpp, collector.cpp); replies may come after it is gone ----
// An ordering multi: its requests, and the /pending children it deletes.
struct Order {
  std::int64_t requests;
  std::vector<Request> batch;
  std::vector<std::string> pending;
};
struct PendingChildren {};  // getChildren(/pending, watch)
struct PendingData {
  std::string name;
};  // get(/pending/<name>)
struct CollectMembers {
  std::uint64_t round;
};  // getChildren(/members)
struct CollectAck {
  std::uint64_t round;
};  // get(/members/<id>)
// The snapshot and garbage-collection multi: /snapshot through `through`, entries
// up to `collected` deleted (`deleted`, as listed).
struct Collect {
  std::string through;
  std::string collected;
  std::vector<std::string> deleted;
};
using OrdererOp = std::variant<Order, PendingChildren, PendingData, CollectMembers, CollectAck, Collect>;

// ---- the intake (intake.cpp): client requests this replica passes on ----
struct Submit {  // create(/pending/p-) for a forward that got no answer
  std::uint32_t client;
  std::uint64_t id;
};
using IntakeOp = std::variant<Submit>;

// Any outstanding call: first which part it belongs to, then what for.
using Call = std::variant<SessionOp, ElectionOp, ReaderOp, OrdererOp, IntakeOp>;

}  // namespace fl::coordinated
