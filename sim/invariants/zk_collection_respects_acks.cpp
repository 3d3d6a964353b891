// collection_respects_acks (zk runs): the leader's /log collection never deletes an
// entry that a live member has not acknowledged, unless that member is too far
// behind to wait for: what /log holds from its acknowledgement on leaves no room for
// one more batch. A collection past a member that could have caught up from /log
// forces a needless /snapshot restore: safe, so no client-side check sees it, but a
// whole-state transfer that a bigger state or a slower link turns into an outage.
//
// The collector is judged on what it knew. Its members are those whose
// acknowledgement it read (one that registered since is not held against it), at the
// value it read. "Too far behind" is measured as the collector measures it: an entry
// it has not read counts as a full batch, and writes it may have lost count in full
// too (up to a pipeline of batches), so a collection is flagged only when even that
// pessimistic count left room.
#include <algorithm>
#include <map>
#include <set>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class CollectionRespectsAcks final : public Invariant {
 public:
  CollectionRespectsAcks(std::int64_t max_log_size, int batch_size_max, int pipeline_max)
      : Invariant("collection_respects_acks",
                  "zk /log collection deletes no entry a live member has not acknowledged, unless the log is full",
                  Severity::kLiveness),
        max_log_size_(max_log_size),
        batch_size_max_(batch_size_max),
        in_doubt_max_(static_cast<std::int64_t>(pipeline_max) * batch_size_max) {}

  void on_event(Micros now, const RunEvent& event) override {
    if (const auto* c = std::get_if<ev::Crashed>(&event)) {
      known_.erase(c->node.value);
      acks_read_.erase(c->node.value);
      return;
    }
    const auto* e = std::get_if<ev::ZkHandled>(&event);
    if (e == nullptr || e->reply == nullptr || e->reply->reply.code != fl::zookeeper::Code::kOk) return;
    note_read(*e);
    std::int64_t past = -1;      // the newest /log entry it deletes
    std::int64_t collects = -1;  // what the /snapshot it writes says is collected
    for (const zkserver::ZkWrite& w : e->writes) {
      if (w.kind == zkserver::WriteKind::kDeleted) {
        if (const auto seq = entry_seq(w.path)) past = std::max(past, *seq);
      } else if (w.kind == zkserver::WriteKind::kSet && w.path == fl::coordinated::kSnapshotPath) {
        if (const auto snapshot = fl::coordinated::decode_snapshot(w.data)) {
          collects = fl::coordinated::log_seq(snapshot->collected).value_or(-1);
        }
      }
    }
    if (past >= 0) judge(now, *e, past);
    collected_ = std::max(collected_, std::max(past, collects));
    note_created(*e);
    if (e->log != nullptr) remember(*e->log);
  }

 private:
  // "/log/entry-0000000012" -> 12
  static std::optional<std::int64_t> entry_seq(std::string_view path) {
    if (!path.starts_with(fl::coordinated::kLogEntryPrefix)) return std::nullopt;
    return fl::coordinated::log_seq(path.substr(fl::coordinated::kLogPath.size() + 1));
  }

  // What a replica has read: each member's acknowledgement (as of the read) and the
  // size of each /log entry.
  void note_read(const ev::ZkHandled& e) {
    const auto* get = std::get_if<fl::zookeeper::GetData>(&e.request.body);
    if (get == nullptr) return;
    if (const auto seq = entry_seq(get->path)) {
      known_[e.from.value].insert(*seq);
      return;
    }
    if (!get->path.starts_with(std::string(fl::coordinated::kMembersPath) + "/")) return;
    const auto member = fl::coordinated::member_id(get->path.substr(fl::coordinated::kMembersPath.size() + 1));
    if (!member || *member == e.from) return;
    acks_read_[e.from.value][member->value] =
        AckRead{fl::coordinated::log_seq(e.reply->reply.data).value_or(-1), e.last_zxid.value};
  }

  // The collector knows the size of the entries it created itself.
  void note_created(const ev::ZkHandled& e) {
    for (const zkserver::ZkWrite& w : e.writes) {
      if (w.kind != zkserver::WriteKind::kCreated) continue;
      if (const auto seq = entry_seq(w.path)) known_[e.from.value].insert(*seq);
    }
  }

  void judge(Micros now, const ev::ZkHandled& e, std::int64_t past) {
    count();
    if (past <= collected_) return;  // an earlier collection already gave these up
    // The oldest acknowledgement the collector read of a member still live now.
    std::optional<std::pair<std::int64_t, std::uint32_t>> oldest;
    const auto reads = acks_read_.find(e.from.value);
    if (reads == acks_read_.end()) return;
    for (const auto& [member, read] : reads->second) {
      const auto node = e.state.node(fl::coordinated::member_path(NodeId(member)));
      if (!node || node->czxid.value > read.zxid) continue;  // gone, or a later registration
      if (!oldest || read.acked < oldest->first) oldest = std::pair{read.acked, member};
    }
    if (!oldest || past <= oldest->first) return;
    // Past it: allowed only if, counted as the collector counts, what stays from that
    // acknowledgement on leaves no room for one more batch.
    const std::set<std::int64_t>& known = known_[e.from.value];
    std::int64_t held = in_doubt_max_, freed = 0;
    for (const auto& [seq, size] : sizes_) {
      const std::int64_t counted = known.contains(seq) ? size : batch_size_max_;
      held += counted;
      if (seq <= oldest->first) freed += counted;
    }
    if (held - freed + batch_size_max_ > max_log_size_) return;
    fail(now, {e.from, NodeId(oldest->second)},
         replica_name(e.from) + " collected /log through entry " + std::to_string(past) + " but live member " +
             replica_name(NodeId(oldest->second)) + " had acknowledged " +
             (oldest->first < 0 ? std::string("nothing") : "only entry " + std::to_string(oldest->first)) +
             ", and the log had room: at most " + std::to_string(held - freed) + " requests from there on, limit " +
             std::to_string(max_log_size_));
  }

  // The size of every entry /log holds, as it is before the next request.
  void remember(const zkserver::ZkLog& log) {
    sizes_.clear();
    for (const zkserver::ZkLogEntry& entry : log.entries) sizes_[entry.seq] = entry.requests;
    for (auto& [replica, known] : known_) {
      known.erase(known.begin(), sizes_.empty() ? known.end() : known.lower_bound(sizes_.begin()->first));
    }
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " collections judged, none past a member that could catch up";
  }

  struct AckRead {
    std::int64_t acked = -1;  // the entry acknowledged, -1 for none
    std::int64_t zxid = 0;    // when it was read
  };

  std::int64_t max_log_size_;
  std::int64_t batch_size_max_;
  std::int64_t in_doubt_max_;
  std::map<std::uint32_t, std::map<std::uint32_t, AckRead>> acks_read_;  // collector -> member -> its latest read
  std::map<std::uint32_t, std::set<std::int64_t>> known_;                // replica -> /log entries whose size it knows
  std::map<std::int64_t, std::int64_t> sizes_;  // /log entry -> requests, before the current request
  std::int64_t collected_ = -1;                 // the newest entry given up by a committed collection
};

}  // namespace

std::unique_ptr<Invariant> make_collection_respects_acks(std::int64_t max_log_size, int batch_size_max,
                                                         int pipeline_max) {
  return std::make_unique<CollectionRespectsAcks>(max_log_size, batch_size_max, pipeline_max);
}

}  // namespace fl::sim
