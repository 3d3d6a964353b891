// The catalogue of planted bugs in the ZooKeeper-coordinated protocol, switched on
// by ReplicaConfig::mutation; real runs use kNone. Each is the kind of one-line
// mistake a person writes, guarded by `config_.mutation == ZkMutation::kX` at the
// very spot of the mistake in rsm/coordinated/ (the part that makes it), so that with kNone behaviour is
// exactly the correct protocol's.
#pragma once

#include <cstdint>
#include <span>

#include "rsm/core/variant.hpp"

namespace fl::coordinated {

enum class ZkMutation : std::uint8_t {
  kNone,
  // fencing
  kNoFence,           // never steps down and orders without checking /epoch
  kClaimWithoutBump,  // claims /leader without bumping /epoch, fencing with the version it then reads
  // reading /log
  kResumeAfterRequested,  // after a lost read, resumes after the last entry requested, not applied
  kUnsortedListing,       // applies /log entries in the order getChildren lists them
  kSkipFailedRead,        // an entry whose read failed is applied as an empty batch
  // collection versus acknowledgements
  kCollectToNewestAck,  // collects up to the newest acknowledgement instead of the oldest
  kSkipUnackedMember,   // a member that acknowledged nothing yet does not hold collection back
  kCollectOnePast,      // collects one entry past the oldest acknowledgement
  // snapshot plus the tail after it
  kSnapshotSkipsOne,   // after restoring /snapshot, skips the entry right after `through`
  kResumeAtCollected,  // after restoring /snapshot, resumes after `collected`, not `through`
  // one-shot watches
  kLeaderWatchOnce,  // sets the /leader watch once per session, never again after it fires
  kLogWatchOnce,     // sets the /log watch once per session, never again after it fires
  // session expiry
  kLeadPastExpiry,  // keeps its leader state through a session timeout of silence and across expiry
  // the lowest-id rule
  kRestartClaimsBlindly,  // a replica restarted from its checkpoint claims /leader without the lowest-id check
  // replies
  kReplyOnCreate,   // writes are answered once their /log entry is created, not once applied
  kApplyBeforeLog,  // the leader executes its own batch before writing it to /log
  // checkpoint durability
  kAckBeforeSync,     // acknowledges a checkpoint that was never synced to disk
  kRestoreWhenLevel,  // restores /snapshot when applied == collected too (<= for <): a needless restore
  // holding requests until they can be passed on
  kDropWithoutLeader,   // a replica that knows no leader drops a client request instead of holding it
  kStepDownDropsQueue,  // a leader that steps down drops its queue instead of keeping it for the next leader
};

// One catalogue row: the switch and how it is listed.
struct ZkVariant {
  ZkMutation mutation;
  VariantInfo info;
};

// Every planted zk bug, in listing order.
std::span<const ZkVariant> variants();

}  // namespace fl::coordinated
