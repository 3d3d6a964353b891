#include "rsm/coordinated/election.hpp"

#include <string_view>
#include <type_traits>
#include <vector>

#include "rsm/coordinated/layout.hpp"
#include "rsm/core/assert.hpp"

namespace fl::coordinated {
namespace {

// The id /leader's data names ("2"), if it is one.
std::optional<std::uint32_t> parse_id(std::string_view text) {
  std::uint32_t id = 0;
  if (text.empty()) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return id;
}

}  // namespace

void Election::on_new_session() {
  electing_ = false;
  leader_watched_ = false;
  leader_.reset();
}

void Election::elect(Zk& zk) {
  if (electing_ || !zk.started() || !zk.connected()) return;
  electing_ = true;
  leader_checked_us_ = zk.now;
  const bool watch = zk.config.mutation != ZkMutation::kLeaderWatchOnce || !leader_watched_;
  leader_watched_ = true;
  zk.call(zk.client().exists(std::string(kLeaderPath), watch, zk.now, zk.out), LeaderExists{});
}

bool Election::due(Micros now, const ReplicaConfig& config) const {
  return !electing_ && (!leader_ || now - leader_checked_us_ >= config.session_timeout_us);
}

void Election::on_watch(const WatchNotice& w, Zk& zk) {
  FL_ASSERT(w.path == kLeaderPath || w.path == kMembersPath, "not an election watch: " + w.path);
  if (w.path == kLeaderPath && w.type == EventType::kNodeDeleted) leader_.reset();
  electing_ = false;
  elect(zk);
}

void Election::on_reply(const ElectionOp& op, const Reply& r, Zk& zk) {
  std::visit(
      [&](const auto& o) {
        using O = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<O, LeaderExists>) on_leader_exists(r, zk);
        if constexpr (std::is_same_v<O, LeaderData>) on_leader_data(r, zk);
        if constexpr (std::is_same_v<O, Members>) on_members(r, zk);
        if constexpr (std::is_same_v<O, ClaimLeader>) on_claimed(r, zk);
        if constexpr (std::is_same_v<O, BumpEpoch>) on_epoch(r, zk);
        if constexpr (std::is_same_v<O, EpochRead>) on_epoch_read(r, zk);
        // WatchLeader and DropOldLeader: the outcome does not matter.
      },
      op);
}

void Election::on_leader_exists(const Reply& r, Zk& zk) {
  if (r.code == Code::kOk && r.stat) {
    zk.call(zk.client().get(std::string(kLeaderPath), false, zk.now, zk.out), LeaderData{});
    return;
  }
  if (r.code != Code::kNoNode) {
    electing_ = false;
    return;
  }
  leader_.reset();
  if (zk.host.leading()) zk.host.step_down("/leader is gone", zk);
  // The lowest live member claims; the /members watch brings the next round if it
  // is not us ("Leader Election": watch, rather than poll, for the change).
  zk.call(zk.client().get_children(std::string(kMembersPath), true, zk.now, zk.out), Members{});
}

void Election::on_leader_data(const Reply& r, Zk& zk) {
  electing_ = false;
  if (r.code == Code::kNoNode) return elect(zk);  // deleted between the two reads
  if (r.code != Code::kOk || !r.stat) return;
  const auto id = parse_id(r.data);
  if (!id) return;
  const ReplicaConfig& config = zk.config;
  if (NodeId(*id) == config.self && r.stat->ephemeral_owner != zk.client().session()) {
    // Left by our previous incarnation, whose session has not expired yet.
    zk.note("dropping /leader of a previous session");
    if (zk.host.leading()) zk.host.step_down("/leader belongs to an old session", zk);
    zk.call(zk.client().remove(std::string(kLeaderPath), r.stat->version, zk.now, zk.out), DropOldLeader{});
    return elect(zk);
  }
  leader_ = NodeId(*id);
  if (*leader_ == config.self) {
    if (!zk.host.leading()) lead(zk);  // ours, but the epoch bump was lost with the connection
    return;
  }
  if (zk.host.leading()) zk.host.step_down("r" + std::to_string(*id) + " holds /leader", zk);
  zk.host.forward_waiting(zk);  // what waited for a leader goes to it now
}

void Election::on_members(const Reply& r, Zk& zk) {
  electing_ = false;
  if (r.code != Code::kOk || !zk.host.registered()) return;  // registering calls elect() again
  std::optional<NodeId> lowest;
  for (const std::string& child : r.children) {
    const auto id = member_id(child);
    if (id && (!lowest || *id < *lowest)) lowest = id;
  }
  const bool blind = zk.config.mutation == ZkMutation::kRestartClaimsBlindly && restarted_;
  if (lowest != zk.config.self && !blind) return;  // the /members watch brings the next round
  claim(zk);
}

// Claiming /leader and bumping /epoch in one transaction: from the moment we hold
// /leader, every earlier leader's ordering write fails its check of /epoch.
void Election::claim(Zk& zk) {
  electing_ = true;
  std::vector<Op> ops;
  ops.push_back(Create{std::string(kLeaderPath), std::to_string(zk.config.self.value), CreateMode::kEphemeral});
  if (zk.config.mutation != ZkMutation::kClaimWithoutBump) {
    ops.push_back(SetData{std::string(kEpochPath), std::to_string(zk.config.self.value), kAnyVersion});
  }
  zk.call(zk.client().multi(std::move(ops), zk.now, zk.out), ClaimLeader{});
}

void Election::on_claimed(const Reply& r, Zk& zk) {
  electing_ = false;
  if (r.code == Code::kNodeExists) return elect(zk);
  // Lost with the connection: if it committed, the next round finds /leader ours and
  // bumps /epoch again (lead()).
  const bool bumped = zk.config.mutation != ZkMutation::kClaimWithoutBump;
  if (r.code != Code::kOk) return;
  if (r.results.size() != (bumped ? 2U : 1U)) return;
  if (bumped && !r.results[1].stat) return;
  // Watch /leader so that losing it (our session expired) is noticed.
  zk.call(zk.client().exists(std::string(kLeaderPath), true, zk.now, zk.out), WatchLeader{});
  leader_ = zk.config.self;
  zk.host.become_leader();
  if (!bumped) {
    zk.call(zk.client().get(std::string(kEpochPath), false, zk.now, zk.out), EpochRead{});
    return;
  }
  zk.host.start_leading(*r.results[1].stat, zk);
}

// We hold /leader but have not bumped the epoch in this leadership: bump it, which
// fences every earlier leader (their ordering writes check the old version of /epoch
// and fail from now on), then order.
void Election::lead(Zk& zk) {
  leader_ = zk.config.self;
  zk.host.become_leader();
  zk.call(zk.client().set(std::string(kEpochPath), std::to_string(zk.config.self.value), kAnyVersion, zk.now, zk.out),
          BumpEpoch{});
}

void Election::on_epoch(const Reply& r, Zk& zk) {
  if (!zk.host.leading()) return;
  if (r.code != Code::kOk || !r.stat) {
    // Lost with the connection (or the session): we may still hold /leader; the next
    // election round finds out and bumps again.
    zk.host.abandon_leading();
    leader_.reset();
    return;
  }
  zk.host.start_leading(*r.stat, zk);
}

// Only planted bugs get here: they fence with the /epoch version they read rather
// than the one their own bump left.
void Election::on_epoch_read(const Reply& r, Zk& zk) {
  if (!zk.host.leading()) return;
  if (r.code != Code::kOk || !r.stat) return zk.host.step_down("/epoch not read", zk);
  zk.host.start_leading(*r.stat, zk);
}

}  // namespace fl::coordinated
