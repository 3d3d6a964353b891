// The log reader of a zk replica (every replica has one, the leader too): it lists
// /log (watching it), reads /snapshot, reads every new entry in name order and
// applies it, keeps a local checkpoint every checkpoint_interval requests, and
// restores /snapshot when entries it still needs were collected. The seed design:
// "replicas apply ... server state and the ordered request log are kept so a
// crashed server can recover".
//
// A round: getChildren(/log, watch), then get(/snapshot), then get() of every entry
// after what was already asked for. Rounds do not overlap; a /log watch that fires
// during one starts another when it ends. A read that fails leaves a gap, so the
// round is dropped (its later replies ignored) and reading resumes after the last
// applied entry.
#pragma once

#include <cstdint>
#include <string>

#include "rsm/app/replicable.hpp"
#include "rsm/coordinated/context.hpp"
#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/log_view.hpp"

namespace fl::coordinated {

class LogReader {
 public:
  LogReader(Replicable& app, LogView& view) : app_(app), view_(view) {}

  // Resumes from the local checkpoint on `disk`, if any; true if there was one.
  bool start(const DiskImage& disk, Output& out);

  // Starts a round, or asks for another after the one in flight.
  void read(Zk& zk);
  // Starts a round unless one is in flight: the per-tick safety net (the /log watch
  // does the work).
  void poll(Zk& zk) {
    if (!reading_) read(zk);
  }
  void on_reply(const ReaderOp& op, const Reply& reply, Zk& zk);

  // A new session: replies of the old session's reads never arrive; start over
  // after the last applied entry, the /log watch not set yet.
  void on_new_session();
  // (Re)connected: what was asked for on the lost connection may never arrive.
  void on_connected(Zk& zk);
  // Calls failed with the connection: the round in flight is over.
  void on_connection_lost() { reading_ = false; }

  // The last applied /log child, "" for none.
  const std::string& applied() const { return applied_; }
  // The position of the local checkpoint, "" for none.
  const std::string& checkpointed() const { return checkpointed_; }

 private:
  // Where reading /log resumes after a lost read or connection: after the last
  // applied entry (what was requested since may never arrive).
  const std::string& resume_after(const ReplicaConfig& config) const;
  void restart_round(Zk& zk);
  void on_children(const LogChildren& p, const Reply& reply, Zk& zk);
  void on_snapshot(const SnapshotRead& p, const Reply& reply, Zk& zk);
  // Restores /snapshot if entries this replica still needs were collected.
  void restore_if_behind(const SnapshotRead& p, const Snapshot& snapshot, Zk& zk);
  // Asks for the listed entries not asked for yet and forgets entries that are gone.
  void request_entries(const SnapshotRead& p, const std::optional<Snapshot>& snapshot, Zk& zk);
  void on_entry(const EntryData& p, const Reply& reply, Zk& zk);
  void apply(const std::string& name, const LogEntry& entry, Zk& zk);
  // The log lives in ZooKeeper, so the local checkpoint only saves replaying it; it
  // still goes to disk durably, as a restart trusts it.
  void save_checkpoint(Zk& zk);

  Replicable& app_;
  LogView& view_;
  std::string applied_;                // the last applied /log child, "" for none
  std::int64_t since_checkpoint_ = 0;  // requests applied since the local checkpoint
  std::string checkpointed_;           // the position of the local checkpoint
  std::uint64_t round_ = 0;            // the current round; older replies are ignored
  bool reading_ = false;               // a round's listing or snapshot read is in flight
  bool again_ = false;                 // a /log watch fired during a round
  std::string requested_;              // entries up to this name have been asked for
  // Whether this session has set the /log watch once (only a planted bug looks: the
  // correct replica sets it again with every listing).
  bool log_watched_ = false;
};

}  // namespace fl::coordinated
