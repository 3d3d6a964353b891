// The catalogue of planted Paxos bugs. Each is a one-line kind of mistake a person
// writes (a comparison off by one, a sync forgotten, a quorum miscounted), switched
// on by Config::mutation; real runs use kNone.
#pragma once

#include <cstdint>
#include <span>

#include "rsm/core/variant.hpp"

namespace fl::paxos {

enum class Mutation : std::uint8_t {
  kNone,
  kSkipValueAdoption,  // a new leader ignores the values reported in promises (breaks P2c)
  kNeverSync,          // never asks for a sync: replies go out before anything is durable
  kLocalReads,         // answers reads from the local copy without ordering them (stale reads)
  // Durability of promises and accepted values.
  kPromiseUnsynced,  // a promise is written but not synced before the Promise leaves
  kAcceptUnsynced,   // an accepted value is written but not synced before Accepted leaves
  // Quorum size.
  kPhase1QuorumHalf,  // phase 1 counts replicas/2 promises as a majority
  kPhase2QuorumHalf,  // phase 2 counts replicas/2 acceptances as a majority
  // Ballot comparison and adoption in phase 1.
  kPromiseRoundOnly,   // a Prepare is compared by round alone, so an equal round from another node is promised
  kAdoptLowestBallot,  // a new leader adopts the lowest-ballot value reported for a slot
  kAdoptFirstReport,   // a new leader keeps the first value it saw for a slot (its own, if any)
  kAdoptLastReport,    // a new leader takes any report of another ballot (!= for >): the last promise wins
  kForgetOwnAccepted,  // a candidate counts its own promise but not what it accepted itself
  // Executing before a decision.
  kExecuteOnSend,  // the leader executes and replies once its Accepts are sent, before a quorum accepted
  // Checkpoint and log-collection boundaries.
  kCollectPastCheckpoint,  // a checkpoint collects the log through checkpoint_slot + 1
  kCheckpointSlotBehind,   // a checkpoint is recorded as covering executed - 1 (replays one slot)
  kRestartSkipsFirstSlot,  // a restart resumes execution at checkpoint_slot + 2
  // Catch-up ranges and snapshots.
  kCatchupFromNext,  // catch-up sends the decisions after the requested slot, not from it
  kSnapshotSlotLow,  // an installed peer checkpoint of slot s is taken as covering s - 1 only
  // Batching.
  kBatchDropsLast,          // a full batch leaves out its last request (dropped from the queue all the same)
  kRetransmitPendingBatch,  // a retransmitted Accept carries the queued requests, not the in-flight batch
  kBatchOverlap,            // a full batch is cut from the queue one short: its last request is proposed twice
  // Replies.
  kStepDownForgetsClients,  // a leader that steps down forgets which clients await its replies
};

// One catalogue row: the switch and how it is listed.
struct PaxosVariant {
  Mutation mutation;
  VariantInfo info;
};

// Every planted Paxos bug, in listing order.
std::span<const PaxosVariant> variants();

}  // namespace fl::paxos
