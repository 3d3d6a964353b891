// restore_only_when_behind (zk runs): a replica restores /snapshot only when an
// entry it still needed was collected from /log; otherwise it could have caught up
// from the log. A needless restore is safe but costs a whole-state transfer, and
// signals a replica that lost track of its position (a bad read of /snapshot, a
// position compared the wrong way).
#include <map>
#include <set>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class RestoreOnlyWhenBehind final : public Invariant {
 public:
  RestoreOnlyWhenBehind()
      : Invariant("restore_only_when_behind",
                  "a zk replica restores /snapshot only when an entry it needed was collected from /log") {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

 private:
  void on(Micros, const ev::ZkHandled& e) {
    for (const zkserver::ZkWrite& w : e.writes) {
      if (w.kind != zkserver::WriteKind::kDeleted || !w.path.starts_with(fl::coordinated::kLogEntryPrefix)) continue;
      if (const auto seq = fl::coordinated::log_seq(w.path.substr(fl::coordinated::kLogPath.size() + 1)))
        collected_.insert(*seq);
    }
  }
  void on(Micros, const ev::Booted& e) { at_.erase(e.node.value); }
  void on(Micros, const ev::Executed& e) { at_[e.node.value] = e.applied.slot.value; }
  void on(Micros now, const ev::StateRestored& e) {
    const auto it = at_.find(e.node.value);
    if (e.restored.source == RestoreSource::kPeerCheckpoint && it != at_.end()) {
      count();
      if (collected_.upper_bound(it->second) == collected_.end()) {
        fail(now, {e.node},
             replica_name(e.node) + " restored /snapshot through " + std::to_string(e.restored.slot.value) +
                 " at position " + std::to_string(it->second) + ", though no entry after it had been collected");
      }
    }
    at_[e.node.value] = e.restored.slot.value;
  }
  template <class E>
  void on(Micros, const E&) {}

  std::string pass_detail() const override {
    return std::to_string(judged()) + " snapshot restores judged, each by a replica behind the collected log";
  }

  std::set<std::int64_t> collected_;          // /log entries deleted so far
  std::map<std::uint32_t, std::int64_t> at_;  // replica -> the last slot it executed or restored
};

}  // namespace

std::unique_ptr<Invariant> make_restore_only_when_behind() { return std::make_unique<RestoreOnlyWhenBehind>(); }

}  // namespace fl::sim
