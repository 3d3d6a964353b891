// apply_order: each replica executes each log position at most once and in order,
// across restarts and checkpoint restores: within one incarnation its applies and
// restores only move forward, a slot's requests go 0, 1, 2, ..., and it never jumps
// over a position that some replica applied. A restarted replica starts again from
// what it restored. This catches replays that the app's dedup table makes harmless
// to clients (a batch executed twice) and gaps that another replica's catch-up hides.
#include <map>
#include <set>

#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class ApplyOrder final : public Invariant {
 public:
  ApplyOrder()
      : Invariant("apply_order",
                  "each replica executes each log position at most once, in order and without gaps, across "
                  "restarts and restores") {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

  void finish(Micros) override {
    // A jump over a position that some replica applied (maybe later) is a gap.
    for (const Jump& j : jumps_) {
      auto it = applied_.upper_bound(j.from);
      if (it == applied_.end() || *it >= j.to) continue;
      fail(j.at_us, {j.node},
           replica_name(j.node) + " went from " + position_name(j.from) + " to " + position_name(j.to) +
               " without executing " + position_name(*it) + ", which other replicas executed");
      return;
    }
  }

 private:
  struct Jump {
    NodeId node;
    std::int64_t from, to;  // positions, exclusive
    Micros at_us;
  };

  // A new incarnation starts from what it restores.
  void on(Micros, const ev::Booted& e) { at_.erase(e.node.value); }
  void on(Micros now, const ev::StateRestored& e) { restored(now, e.node, e.restored); }
  void on(Micros now, const ev::Executed& e) { executed(now, e.node, e.applied); }
  template <class E>
  void on(Micros, const E&) {}

  void restored(Micros now, NodeId node, const Restored& r) {
    count();
    const std::int64_t to = after_slot_key(r.slot);
    if (auto it = at_.find(node.value); it != at_.end() && to < it->second) {
      fail(now, {node},
           replica_name(node) + " restored the state after slot " + std::to_string(r.slot.value) +
               " after it had executed up to " + position_name(it->second) + ": its next applies replay them");
    }
    at_[node.value] = to;
  }

  void executed(Micros now, NodeId node, const Applied& a) {
    count();
    const std::int64_t key = position_key(a.slot, a.index);
    applied_.insert(key);
    const auto it = at_.find(node.value);
    const std::int64_t from = it == at_.end() ? -1 : it->second;
    at_[node.value] = key;
    if (from >= key) {
      fail(now, {node},
           replica_name(node) + " executed " + position_name(key) + " " + describe(a.request) +
               " after it had already reached " + position_name(from) + " (a replay or an out-of-order apply)");
      return;
    }
    const bool same_slot = from >= 0 && from / kIndexSpan == a.slot.value;
    if (same_slot && key != from + 1) {
      fail(now, {node},
           replica_name(node) + " executed " + position_name(key) + " right after " + position_name(from) +
               ": it skipped requests of the slot");
    } else if (!same_slot && a.index != 0) {
      fail(now, {node},
           replica_name(node) + " began slot " + std::to_string(a.slot.value) + " at request " +
               std::to_string(a.index) + " instead of 0");
    } else if (!same_slot && from >= 0) {
      jumps_.push_back({node, from, key, now});
    }
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " applies and restores judged, each replica moved forward without gaps";
  }

  std::map<std::uint32_t, std::int64_t> at_;  // replica -> last position executed or restored
  std::set<std::int64_t> applied_;            // every position some replica executed
  std::vector<Jump> jumps_;                   // moves to a later slot, judged at the end
};

}  // namespace

std::unique_ptr<Invariant> make_apply_order() { return std::make_unique<ApplyOrder>(); }

}  // namespace fl::sim
