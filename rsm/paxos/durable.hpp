// The Paxos replica's records on its own disk, and how it reads them back at start.
// Keys: "promised" (the highest ballot promised), "ckpt" (the latest checkpoint and
// the slot it covers) and "log/<slot>" (one per slot held: its accepted ballot, its
// batch and whether it is known decided). A restart rebuilds the replica from these
// alone, so what must survive a crash is synced before any message depends on it.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rsm/core/replica.hpp"
#include "rsm/paxos/messages.hpp"

namespace fl::paxos {

// One slot of the log as a replica holds it.
struct Entry {
  Ballot ballot;  // accepted in this ballot (empty if only learned as decided)
  Batch batch;
  bool decided = false;
};

// Everything a replica recovers from its disk.
struct Recovered {
  Ballot promised;
  Slot checkpoint_slot{0};
  std::string checkpoint;             // empty: no checkpoint taken yet (start from the empty state)
  std::map<std::int64_t, Entry> log;  // slots above checkpoint_slot only
};

DiskWrite promised_record(Ballot promised);
// The record's weight is the batch size, so the runner can measure the on-disk log.
DiskWrite log_record(Slot slot, const Entry& entry);
DiskWrite log_erase(Slot slot);
DiskWrite checkpoint_record(Slot slot, const std::string& state);

// Reads a disk image written by the records above. The image is the replica's own
// output, so a record it cannot parse is a bug and panics with the key.
Recovered recover(const DiskImage& disk);

}  // namespace fl::paxos
