#include "rsm/coordinated/collector.hpp"

#include <algorithm>
#include <vector>

#include "rsm/coordinated/layout.hpp"
#include "rsm/core/assert.hpp"

namespace fl::coordinated {

bool Collector::due(Zk& zk, bool urgent) const {
  const std::string& applied = reader_.applied();
  if (collecting_ || applied < view_.snapshot_through) return false;
  if (view_.snapshot_version == kAnyVersion) return false;  // /snapshot not read yet: nothing to check against
  if (zk.now < view_.collect_idle_until_us) return false;
  // Room can only come from entries we applied.
  if (urgent) return !view_.entry_sizes.empty() && view_.entry_sizes.begin()->first <= applied;
  std::int64_t since = 0;
  for (auto it = view_.entry_sizes.upper_bound(view_.snapshot_through);
       it != view_.entry_sizes.end() && it->first <= applied; ++it) {
    since += LogView::size_of(it->second, zk.config.batch_size_max);
  }
  return since >= zk.config.checkpoint_interval;
}

void Collector::collect(const Epoch& epoch, Zk& zk, bool urgent) {
  if (!epoch.bumped() || !due(zk, urgent)) return;
  collecting_ = true;
  round_ = Round{++calls_.collect_rounds, urgent, 0, std::nullopt};
  zk.call(zk.client().get_children(std::string(kMembersPath), false, zk.now, zk.out), CollectMembers{round_->id});
}

void Collector::on_members(const CollectMembers& p, const Reply& r, const Epoch& epoch, Zk& zk) {
  if (!round_ || round_->id != p.round) return;
  if (r.code != Code::kOk) return abort();
  for (const std::string& child : r.children) {
    const auto id = member_id(child);
    if (!id || *id == zk.config.self) continue;
    ++round_->waiting;
    zk.call(zk.client().get(member_path(*id), false, zk.now, zk.out), CollectAck{p.round});
  }
  if (round_->waiting == 0) finish(epoch, zk);
}

void Collector::on_ack(const CollectAck& p, const Reply& r, const Epoch& epoch, Zk& zk) {
  if (!round_ || round_->id != p.round) return;
  if (r.code == Code::kOk) {
    std::optional<std::string>& oldest = round_->oldest;
    const bool older =
        !oldest || (zk.config.mutation == ZkMutation::kCollectToNewestAck ? r.data > *oldest : r.data < *oldest);
    const bool ignored = zk.config.mutation == ZkMutation::kSkipUnackedMember && r.data.empty();
    if (older && !ignored) oldest = r.data;
  } else if (r.code != Code::kNoNode) {  // NoNode: that member is gone since the listing
    return abort();
  }
  FL_ASSERT(round_->waiting > 0, "more acknowledgements read than members listed");
  if (--round_->waiting == 0) finish(epoch, zk);
}

std::string Collector::collect_upto(const Round& round, Zk& zk) const {
  const std::string& applied = reader_.applied();
  // Nothing after the oldest acknowledgement of a live member goes: that member
  // resumes from its checkpoint plus the entries after it.
  std::string upto = applied;
  if (round.oldest && *round.oldest < upto) upto = *round.oldest;
  if (zk.config.mutation == ZkMutation::kCollectOnePast) {
    if (const auto next = view_.entry_sizes.upper_bound(upto); next != view_.entry_sizes.end()) upto = next->first;
  }
  if (round.urgent) {
    // A live member whose acknowledgement leaves no room for one more batch is too
    // far behind to wait for: collect past it, and it restores /snapshot.
    std::int64_t freed = 0;
    for (auto it = view_.entry_sizes.begin(); it != view_.entry_sizes.end() && it->first <= upto; ++it) {
      freed += LogView::size_of(it->second, zk.config.batch_size_max);
    }
    const std::int64_t held = log_held(view_, calls_, zk.config.batch_size_max);
    if (upto < applied && held - freed + zk.config.batch_size_max > zk.config.max_log_size) {
      zk.note("collecting past a member acknowledged at " + (upto.empty() ? std::string("(none)") : upto));
      upto = applied;
    }
  }
  return std::max(upto, view_.collected);
}

void Collector::finish(const Epoch& epoch, Zk& zk) {
  FL_ASSERT(round_.has_value(), "finishing a collection round that is not running");
  const Round round = *round_;
  round_.reset();
  // Rounds start only in a bumped epoch, and the collector goes with the orderer.
  FL_ASSERT(epoch.bumped(), "a collection round in an epoch not bumped");
  const std::string& applied = reader_.applied();
  const std::string upto = collect_upto(round, zk);
  std::vector<std::string> doomed;
  for (auto it = view_.entry_sizes.begin(); it != view_.entry_sizes.end() && it->first <= upto; ++it) {
    doomed.push_back(it->first);
  }
  if (doomed.empty() && applied == view_.snapshot_through) {
    // Nothing to free and nothing new to snapshot: try again a tick later.
    collecting_ = false;
    view_.collect_idle_until_us = zk.now + zk.config.tick_us;
    return;
  }
  std::vector<Op> ops;
  if (zk.config.mutation != ZkMutation::kNoFence) ops.push_back(Check{std::string(kEpochPath), epoch.version});
  ops.push_back(
      SetData{std::string(kSnapshotPath), encode_snapshot({applied, upto, app_.checkpoint()}), view_.snapshot_version});
  for (const std::string& name : doomed) ops.push_back(Delete{std::string(kLogPath) + "/" + name, kAnyVersion});
  zk.call(zk.client().multi(std::move(ops), zk.now, zk.out), Collect{applied, upto, std::move(doomed)});
}

void Collector::abort() {
  collecting_ = false;
  round_.reset();
}

}  // namespace fl::coordinated
