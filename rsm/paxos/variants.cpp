#include "rsm/paxos/variants.hpp"

namespace fl::paxos {
namespace {

// Classes group the bugs by the part of the protocol they break; each description
// says what the broken code does, not what a check reports.
constexpr PaxosVariant kVariants[] = {
    {Mutation::kSkipValueAdoption,
     {"skip-adoption", "phase-1 adoption", "a new leader ignores the values acceptors report in phase 1"}},
    {Mutation::kNeverSync,
     {"never-sync", "durability", "never syncs the disk: promises, accepts and replies leave before they are durable"}},
    {Mutation::kLocalReads,
     {"local-reads", "read path", "reads are answered from the local copy without being ordered"}},
    {Mutation::kPromiseUnsynced,
     {"promise-unsynced", "durability",
      "a raised promise is written but not synced before the Promise leaves (a later accept's sync covers it)"}},
    {Mutation::kAcceptUnsynced,
     {"accept-unsynced", "durability",
      "an acceptor writes the accepted value but Accepted leaves before any sync (sync dropped for accepts only)"}},
    {Mutation::kPhase1QuorumHalf,
     {"phase1-quorum-half", "quorum size", "phase 1 needs replicas/2 promises, not replicas/2+1"}},
    {Mutation::kPhase2QuorumHalf,
     {"phase2-quorum-half", "quorum size", "phase 2 needs replicas/2 acceptances, not replicas/2+1"}},
    {Mutation::kPromiseRoundOnly,
     {"promise-round-only", "ballot comparison",
      "an acceptor compares a Prepare's round only, so it promises an equal round from another node"}},
    {Mutation::kAdoptLowestBallot,
     {"adopt-lowest-ballot", "phase-1 adoption",
      "a new leader adopts the lowest-ballot value reported for a slot instead of the highest"}},
    {Mutation::kAdoptFirstReport,
     {"adopt-first-report", "phase-1 adoption",
      "a new leader keeps the first value it has for a slot (its own, else the first report), ignoring ballots and "
      "decided"}},
    {Mutation::kAdoptLastReport,
     {"adopt-last-report", "phase-1 adoption",
      "a new leader replaces a slot's value with any report of another ballot (!= where > belongs), so the last "
      "promise to arrive wins"}},
    {Mutation::kForgetOwnAccepted,
     {"forget-own-accepted", "phase-1 adoption",
      "a candidate counts itself toward the phase-1 quorum but merges only the other promisers' reports, "
      "leaving out the values it accepted itself"}},
    {Mutation::kExecuteOnSend,
     {"execute-on-send", "decide before quorum",
      "the leader marks its proposal decided and executes it once the Accepts are sent, before a quorum accepted"}},
    {Mutation::kCollectPastCheckpoint,
     {"collect-past-checkpoint", "checkpoint boundary",
      "a checkpoint collects the log through checkpoint_slot+1, dropping the next slot not yet executed"}},
    {Mutation::kCheckpointSlotBehind,
     {"checkpoint-slot-behind", "checkpoint boundary",
      "a checkpoint is recorded as covering executed-1, so restore and peers replay a slot it already holds"}},
    {Mutation::kRestartSkipsFirstSlot,
     {"restart-skips-first-slot", "checkpoint boundary",
      "a restarted replica resumes execution at checkpoint_slot+2, never executing the slot after its checkpoint"}},
    {Mutation::kCatchupFromNext,
     {"catchup-from-next", "catch-up range",
      "a catch-up answer sends the decisions after the requested slot, not from it"}},
    {Mutation::kSnapshotSlotLow,
     {"snapshot-slot-low", "dedup across restore",
      "a peer checkpoint of slot s is installed as covering s-1, so slot s is executed again on top of it"}},
    {Mutation::kBatchDropsLast,
     {"batch-drops-last", "batching",
      "a full batch leaves out its last request, which is removed from the queue all the same"}},
    {Mutation::kRetransmitPendingBatch,
     {"retransmit-pending-batch", "batching",
      "a retransmitted Accept carries the requests now queued instead of the in-flight batch of its slot"}},
    {Mutation::kBatchOverlap,
     {"batch-overlap", "batching",
      "a full batch is cut from the queue one request short, so its last request is proposed again in the next "
      "batch (the dedup table hides the second execution)"}},
    {Mutation::kStepDownForgetsClients,
     {"step-down-forgets-clients", "replies",
      "a leader that steps down clears the table of clients awaiting a reply with its queue, so the requests it "
      "took are executed later without an answer (the clients' retries are answered from the dedup table)"}},
};

}  // namespace

std::span<const PaxosVariant> variants() { return kVariants; }

}  // namespace fl::paxos
