#include "rsm/coordinated/variants.hpp"

namespace fl::coordinated {
namespace {

constexpr ZkVariant kVariants[] = {
    {ZkMutation::kNoFence,
     {"no-fence", "fencing", "a replaced leader never steps down and orders without checking /epoch"}},
    {ZkMutation::kClaimWithoutBump,
     {"claim-without-bump", "fencing",
      "the claim multi creates /leader without bumping /epoch; the new leader fences with the version it then reads"}},
    {ZkMutation::kResumeAfterRequested,
     {"resume-after-requested", "reading /log",
      "after a failed entry read or a reconnect, reading resumes after the last entry requested instead of the last "
      "applied"}},
    {ZkMutation::kUnsortedListing,
     {"unsorted-listing", "reading /log",
      "entries are read and applied in the order getChildren lists them, not sorted by sequence number"}},
    {ZkMutation::kSkipFailedRead,
     {"skip-failed-read", "reading /log", "an entry whose read failed is applied as an empty batch and skipped"}},
    {ZkMutation::kCollectToNewestAck,
     {"collect-to-newest-ack", "collection",
      "collection deletes entries up to the newest member acknowledgement instead of the oldest"}},
    {ZkMutation::kSkipUnackedMember,
     {"skip-unacked-member", "collection",
      "a member that registered but has acknowledged nothing yet is left out of the oldest acknowledgement"}},
    {ZkMutation::kCollectOnePast,
     {"collect-one-past", "collection",
      "collection deletes through the entry after the oldest acknowledgement (the acknowledgement read as exclusive)"}},
    {ZkMutation::kSnapshotSkipsOne,
     {"snapshot-skips-one", "snapshot tail",
      "after restoring /snapshot, reading resumes after the entry following `through`, skipping that one"}},
    {ZkMutation::kResumeAtCollected,
     {"resume-at-collected", "snapshot tail",
      "after restoring /snapshot, the replica resumes after `collected` instead of `through` and re-applies the "
      "entries between"}},
    {ZkMutation::kLeaderWatchOnce,
     {"leader-watch-once", "watches",
      "the /leader watch is set in a session's first election round only; later changes are seen by the periodic "
      "re-read alone"}},
    {ZkMutation::kLogWatchOnce,
     {"log-watch-once", "watches",
      "the /log watch is set by a session's first listing only; later entries are found by the per-tick re-read "
      "alone"}},
    {ZkMutation::kLeadPastExpiry,
     {"lead-past-expiry", "session expiry",
      "a leader that loses its session keeps its leader state (epoch, queue): not given up after a session timeout "
      "of silence, nor on expiry, until a write fails or an election round deposes it"}},
    {ZkMutation::kRestartClaimsBlindly,
     {"restart-claims-blindly", "lowest-id rule",
      "a replica restarted from its local checkpoint claims a free /leader without checking for a lower live member"}},
    {ZkMutation::kReplyOnCreate,
     {"reply-on-create", "replies",
      "the leader answers its clients' inserts and appends with ok once their /log entry is created, before applying "
      "them"}},
    {ZkMutation::kApplyBeforeLog,
     {"apply-before-log", "replies",
      "the leader executes its batch and answers its clients before the /log write that orders it"}},
    {ZkMutation::kAckBeforeSync,
     {"ack-before-sync", "checkpoint durability",
      "the local checkpoint is written without a sync, and its position acknowledged in /members at once"}},
    {ZkMutation::kRestoreWhenLevel,
     {"restore-when-level", "snapshot tail",
      "a replica restores /snapshot when its position equals the collected one too (<= where < belongs), though it "
      "needs nothing that was collected"}},
    {ZkMutation::kDropWithoutLeader,
     {"drop-without-leader", "holding requests",
      "a replica that knows no leader drops a client request (the client retries) instead of holding it until "
      "there is one"}},
    {ZkMutation::kStepDownDropsQueue,
     {"step-down-drops-queue", "holding requests",
      "a leader that steps down clears its queue of requests not yet written to /log instead of keeping them for "
      "the next leader"}},
};

}  // namespace

std::span<const ZkVariant> variants() { return kVariants; }

}  // namespace fl::coordinated
