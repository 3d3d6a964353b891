#include "rsm/coordinated/log_reader.hpp"

#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "rsm/core/assert.hpp"

namespace fl::coordinated {
namespace {

constexpr std::string_view kCheckpointKey = "zk/checkpoint";

std::string entry_path(const std::string& child) { return std::string(kLogPath) + "/" + child; }

// "<through>\n<app checkpoint>": the local checkpoint on the replica's own disk.
std::string checkpoint_text(const std::string& through, const std::string& state) { return through + "\n" + state; }

// The slot of a /log entry name, as Applied reports it; -1 before the first entry
// (sequence numbers start at 0).
Slot position(const std::string& entry_name) {
  if (entry_name.empty()) return Slot(-1);
  const auto seq = log_seq(entry_name);
  FL_ASSERT(seq.has_value(), "not a /log entry name: " + entry_name);
  return Slot(*seq);
}

}  // namespace

bool LogReader::start(const DiskImage& disk, Output& out) {
  bool restarted = false;
  if (auto it = disk.find(std::string(kCheckpointKey)); it != disk.end()) {
    const auto cut = it->second.find('\n');
    FL_ASSERT(cut != std::string::npos, "malformed local checkpoint");
    applied_ = it->second.substr(0, cut);
    checkpointed_ = applied_;
    restarted = true;
    const auto error = app_.restore(std::string_view(it->second).substr(cut + 1));
    FL_ASSERT(!error, "local checkpoint does not restore");
    out.notes.push_back("restored local checkpoint through " + (applied_.empty() ? "(none)" : applied_));
  }
  out.restored.emplace_back(out.applied.size(),
                            Restored{position(applied_), RestoreSource::kOwnCheckpoint, app_.state_digest()});
  requested_ = applied_;
  return restarted;
}

void LogReader::on_new_session() {
  reading_ = false;
  again_ = false;
  log_watched_ = false;
  ++round_;
  requested_ = applied_;
}

void LogReader::on_connected(Zk& zk) {
  reading_ = false;
  restart_round(zk);
}

// Drops the round in flight (its later replies are ignored) and starts over after
// what was applied.
void LogReader::restart_round(Zk& zk) {
  ++round_;
  requested_ = resume_after(zk.config);
  read(zk);
}

void LogReader::read(Zk& zk) {
  if (!zk.started() || !zk.connected()) return;
  if (reading_) {
    again_ = true;
    return;
  }
  reading_ = true;
  again_ = false;
  const bool watch = zk.config.mutation != ZkMutation::kLogWatchOnce || !log_watched_;
  log_watched_ = true;
  zk.call(zk.client().get_children(std::string(kLogPath), watch, zk.now, zk.out),
          LogChildren{round_, view_.doubts, view_.newest()});
}

const std::string& LogReader::resume_after(const ReplicaConfig& config) const {
  return config.mutation == ZkMutation::kResumeAfterRequested ? requested_ : applied_;
}

void LogReader::on_reply(const ReaderOp& op, const Reply& r, Zk& zk) {
  if (const auto* p = std::get_if<LogChildren>(&op)) return on_children(*p, r, zk);
  if (const auto* p = std::get_if<SnapshotRead>(&op)) return on_snapshot(*p, r, zk);
  on_entry(std::get<EntryData>(op), r, zk);
}

void LogReader::on_children(const LogChildren& p, const Reply& r, Zk& zk) {
  if (p.round != round_ || r.code != Code::kOk) {
    reading_ = false;
    return;
  }
  // ZooKeeper lists children in no particular order; entry names sort as their
  // sequence numbers.
  std::vector<std::string> children = r.children;
  if (zk.config.mutation != ZkMutation::kUnsortedListing) std::sort(children.begin(), children.end());
  // The snapshot is read after the listing, so its `collected` is at least as new as
  // the listing: entries after it, and in the listing, still exist.
  zk.call(zk.client().get(std::string(kSnapshotPath), false, zk.now, zk.out),
          SnapshotRead{p.round, p.doubts, std::move(children), p.known});
}

void LogReader::on_snapshot(const SnapshotRead& p, const Reply& r, Zk& zk) {
  reading_ = false;
  if (p.round != round_ || r.code != Code::kOk) return;
  const auto snapshot = decode_snapshot(r.data);
  if (snapshot) {
    view_.snapshot_through = snapshot->through;
    view_.collected = snapshot->collected;
    view_.snapshot_version = r.stat ? r.stat->version : kAnyVersion;
    restore_if_behind(p, *snapshot, zk);
  }
  request_entries(p, snapshot, zk);
  // Sent after every lost ordering write, so ZooKeeper had handled them (FIFO): the
  // listing holds those that made it.
  if (p.doubts == view_.doubts) view_.in_doubt = 0;
  if (again_) read(zk);
}

void LogReader::restore_if_behind(const SnapshotRead& p, const Snapshot& snapshot, Zk& zk) {
  const bool behind = zk.config.mutation == ZkMutation::kRestoreWhenLevel
                          ? !snapshot.collected.empty() && applied_ <= snapshot.collected
                          : applied_ < snapshot.collected;
  if (!behind) return;
  // Entries we still need are gone: start from the leader's snapshot.
  const auto error = app_.restore(snapshot.state);
  FL_ASSERT(!error, "the /snapshot state does not restore");
  zk.note("restored /snapshot through " + snapshot.through);
  zk.out.restored.emplace_back(
      zk.out.applied.size(), Restored{position(snapshot.through), RestoreSource::kPeerCheckpoint, app_.state_digest()});
  applied_ = zk.config.mutation == ZkMutation::kResumeAtCollected ? snapshot.collected : snapshot.through;
  requested_ = std::max(requested_, applied_);
  if (zk.config.mutation == ZkMutation::kSnapshotSkipsOne) {
    const auto next = std::upper_bound(p.children.begin(), p.children.end(), snapshot.through);
    if (next != p.children.end()) requested_ = std::max(requested_, *next);
  }
  save_checkpoint(zk);
  zk.host.acknowledge(zk);
}

void LogReader::request_entries(const SnapshotRead& p, const std::optional<Snapshot>& snapshot, Zk& zk) {
  std::map<std::string, std::int64_t> sizes;  // what is listed now; collected entries go
  for (const std::string& child : p.children) {
    if (!log_seq(child)) continue;
    const auto it = view_.entry_sizes.find(child);
    sizes.emplace(child, it != view_.entry_sizes.end() ? it->second : -1);
    if (child <= requested_) continue;
    zk.call(zk.client().get(entry_path(child), false, zk.now, zk.out), EntryData{round_, child});
    requested_ = child;
  }
  // Entries newer than both the listing and what we knew when we asked for it were
  // created by our own ordering writes since, and stay. Any other entry the listing
  // lacks is gone: counting it would hold a full log that a collection can never
  // free (its deletes fail with NoNode), and the leader would stop ordering for good.
  // So are entries the snapshot (read after the listing) says were collected, even
  // if listed: a listing taken before one of our own collections committed still
  // names what that collection deleted.
  std::string newest = p.known;
  if (!p.children.empty()) newest = std::max(newest, p.children.back());
  if (snapshot) newest = std::max(newest, snapshot->collected);
  for (auto it = view_.entry_sizes.upper_bound(newest); it != view_.entry_sizes.end(); ++it) sizes.insert(*it);
  if (snapshot) sizes.erase(sizes.begin(), sizes.upper_bound(snapshot->collected));
  view_.entry_sizes = std::move(sizes);
}

void LogReader::on_entry(const EntryData& p, const Reply& r, Zk& zk) {
  if (p.round != round_) return;
  if (r.code != Code::kOk && zk.config.mutation != ZkMutation::kSkipFailedRead) {
    // Not read: collected before we got to it (NoNode: we are behind the snapshot,
    // and the next round restores it), or the call was lost with the connection.
    // Either way the reads after it would leave a gap: drop them and start over.
    return restart_round(zk);
  }
  if (p.name <= applied_) return;
  const auto entry = r.code == Code::kOk ? decode_entry(r.data) : std::optional<LogEntry>(LogEntry{});
  FL_ASSERT(entry.has_value(), "malformed /log entry " + p.name);
  apply(p.name, *entry, zk);
  zk.host.acknowledge(zk);
  zk.host.entry_applied(zk);
}

void LogReader::apply(const std::string& name, const LogEntry& entry, Zk& zk) {
  FL_ASSERT(name > applied_, "applying " + name + " after " + applied_);
  const auto seq = log_seq(name);
  FL_ASSERT(seq.has_value(), "not a /log entry name: " + name);
  const Slot slot(*seq);
  for (std::size_t i = 0; i < entry.requests.size(); ++i) {
    const Request& request = entry.requests[i];
    const Response response = app_.execute(request);
    zk.out.applied.push_back(Applied{slot, static_cast<std::uint32_t>(i), request, app_.state_digest()});
    zk.host.reply_if_awaited(request, response, zk.out);
  }
  applied_ = name;
  view_.entry_sizes[name] = std::ssize(entry.requests);
  since_checkpoint_ += std::ssize(entry.requests);
  if (since_checkpoint_ >= zk.config.checkpoint_interval) save_checkpoint(zk);
}

void LogReader::save_checkpoint(Zk& zk) {
  zk.out.writes.push_back(DiskWrite{std::string(kCheckpointKey), checkpoint_text(applied_, app_.checkpoint()), 0});
  // Persist before send: the acknowledgement that follows names this position.
  zk.out.sync = zk.config.mutation != ZkMutation::kAckBeforeSync;
  since_checkpoint_ = 0;
  checkpointed_ = applied_;
}

}  // namespace fl::coordinated
