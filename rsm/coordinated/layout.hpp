// Where the zk protocol keeps its state in ZooKeeper, and the text of what it
// stores there. Shared by the replicas (rsm/coordinated/replica) and the simulator's checks,
// which read the same znodes to verify the protocol from outside.
//
//   /members/<id>   ephemeral, one per live replica; data: the /log child name its
//                   latest local checkpoint includes ("" for none), its
//                   acknowledgement: the leader deletes no entry after it
//   /leader         ephemeral, held by the replica that orders (data: its id)
//   /epoch          persistent; a new leader bumps its version, and every ordering
//                   write is a multi that checks that version (the fence)
//   /log/e-<seq>    persistent sequential: one batch of ordered requests
//   /snapshot       persistent: the leader's latest checkpoint, and the log position
//                   up to which entries may be gone (garbage-collected)
//   /pending/p-<seq> persistent sequential: one client request a follower could not
//                   get ordered through the leader directly (no sign of it within a
//                   timeout); the leader orders it and deletes it in the same fenced
//                   multi
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/core/request.hpp"

namespace fl::coordinated {

inline constexpr std::string_view kMembersPath = "/members";
inline constexpr std::string_view kLeaderPath = "/leader";
inline constexpr std::string_view kEpochPath = "/epoch";
inline constexpr std::string_view kLogPath = "/log";
inline constexpr std::string_view kLogEntryPrefix = "/log/e-";
inline constexpr std::string_view kSnapshotPath = "/snapshot";
inline constexpr std::string_view kPendingPath = "/pending";
inline constexpr std::string_view kPendingEntryPrefix = "/pending/p-";

// "/members/0000000002": zero-padded so that ZooKeeper's sorted children are in id order.
std::string member_path(NodeId id);
// The id a member child name stands for ("0000000002" -> 2), if it is one.
std::optional<NodeId> member_id(std::string_view child);

// The sequence number of a /log child ("e-0000000042" -> 42), if it is one. Names
// compare in the same order as their numbers (the suffix is zero-padded).
std::optional<std::int64_t> log_seq(std::string_view child);

// One /log entry: a batch of requests, and who ordered it in which epoch (for traces
// and the per-epoch invariant; the fence itself is the multi's version check).
struct LogEntry {
  std::uint64_t epoch = 0;
  NodeId leader;
  std::vector<Request> requests;
};
std::string encode_entry(const LogEntry& entry);
std::optional<LogEntry> decode_entry(std::string_view data);
// The number of requests an entry holds, read from its header alone.
std::optional<std::int64_t> entry_size(std::string_view data);

// /snapshot: the state after applying every entry up to and including `through`
// (a /log child name, empty for "none"), and `collected`: entries up to it may
// have been deleted, so a replica behind it must start from this snapshot.
struct Snapshot {
  std::string through;
  std::string collected;
  std::string state;  // the app's checkpoint JSON
};
std::string encode_snapshot(const Snapshot& snapshot);
std::optional<Snapshot> decode_snapshot(std::string_view data);

}  // namespace fl::coordinated
