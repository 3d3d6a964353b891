// stale_leader_steps_down (zk runs): a leader whose ZooKeeper session has expired,
// or whose epoch another leader has superseded, stops believing it leads (and so
// stops ordering) within one session timeout of running time. Fencing keeps such a
// leader's writes out of /log, so clients see nothing; but a leader that never
// notices keeps serving, forwarding and claiming, and in any design that trusts
// leadership for more than ordering (local reads, leases) it is a split brain.
#include <map>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class StaleLeaderStepsDown final : public Invariant {
 public:
  explicit StaleLeaderStepsDown(Micros session_timeout_us)
      : Invariant("stale_leader_steps_down",
                  "a zk leader whose session expired or whose epoch was superseded stops leading within one "
                  "session timeout"),
        timeout_us_(session_timeout_us) {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

 private:
  // Why a replica's leadership went stale, and by when it must have noticed.
  struct Stale {
    std::uint64_t epoch;  // the leadership that went stale (and every older one)
    Micros deadline_us;
    std::string why;
  };

  void on(Micros now, const ev::ZkHandled& e) {
    session_of_[e.request.session.value] = e.from;
    const auto epoch = e.state.node(fl::coordinated::kEpochPath);
    if (!epoch || epoch->version <= epoch_version_) return;
    epoch_version_ = epoch->version;
    // The session that bumped /epoch leads the epoch after the version it left (the
    // zk replica's leader_epoch()); every older epoch is superseded.
    const auto fresh = static_cast<std::uint64_t>(epoch_version_) + 1;
    epoch_of_session_[e.request.session.value] = fresh;
    for (const auto& [node, leads] : leading_) {
      if (leads >= fresh) continue;
      mark(NodeId(node), leads, now, "epoch was superseded (epoch " + std::to_string(fresh) + " began)");
    }
  }
  void on(Micros now, const ev::ZkExpired& e) {
    // A leader whose session expired: only the epoch it claimed with that session
    // (and older ones) went stale; it may lead a newer one through a new session.
    for (const auto session : e.sessions) {
      const auto node = session_of_.find(session.value);
      const auto claimed = epoch_of_session_.find(session.value);
      if (node == session_of_.end() || claimed == epoch_of_session_.end()) continue;
      const auto leads = leading_.find(node->second.value);
      if (leads == leading_.end() || leads->second > claimed->second) continue;
      mark(node->second, claimed->second, now, "session " + std::to_string(session.value) + " expired");
    }
  }
  void on(Micros now, const ev::Stepped& e) {
    const auto epoch = e.replica.leader_epoch();
    if (!epoch) {
      leading_.erase(e.node.value);
      stale_.erase(e.node.value);
      return;
    }
    leading_[e.node.value] = *epoch;
    count();
    const auto it = stale_.find(e.node.value);
    if (it == stale_.end() || *epoch > it->second.epoch || now <= it->second.deadline_us) return;
    fail(now, {e.node},
         replica_name(e.node) + " still leads epoch " + std::to_string(*epoch) + " " +
             std::to_string(now - (it->second.deadline_us - timeout_us_)) + " us after its " + it->second.why);
  }
  void on(Micros, const ev::Crashed& e) {
    leading_.erase(e.node.value);
    stale_.erase(e.node.value);
  }
  void on(Micros now, const ev::Resumed& e) {
    // Time spent frozen does not count: the replica could not notice anything.
    if (auto it = stale_.find(e.node.value); it != stale_.end()) {
      it->second.deadline_us = std::max(it->second.deadline_us, now + timeout_us_);
    }
  }
  template <class E>
  void on(Micros, const E&) {}

  void mark(NodeId node, std::uint64_t epoch, Micros now, std::string why) {
    stale_.try_emplace(node.value, Stale{epoch, now + timeout_us_, std::move(why)});
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " leader steps judged, every stale leader stepped down in time";
  }

  Micros timeout_us_;
  std::int32_t epoch_version_ = -1;
  std::map<std::int64_t, NodeId> session_of_;               // ZooKeeper session -> the replica that used it
  std::map<std::int64_t, std::uint64_t> epoch_of_session_;  // session -> the /epoch version it claimed
  std::map<std::uint32_t, std::uint64_t> leading_;          // replica -> the epoch it believes it leads
  std::map<std::uint32_t, Stale> stale_;                    // replicas that must step down, and by when
};

}  // namespace

std::unique_ptr<Invariant> make_stale_leader_steps_down(Micros session_timeout_us) {
  return std::make_unique<StaleLeaderStepsDown>(session_timeout_us);
}

}  // namespace fl::sim
