// state_agreement: after executing the same log position every replica's app state
// has the same digest, and a replica that restores a checkpoint of slot k holds
// exactly the state replicas had after executing k. Catches divergence that the
// final tables no longer show (a replica later overwritten by a snapshot) and
// checkpoints cut at the wrong slot or missing part of the state (the dedup table).
#include <map>
#include <optional>

#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

std::string hex(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) text[static_cast<std::size_t>(i)] = kDigits[value & 0xF];
  return text;
}

class StateAgreement final : public Invariant {
 public:
  StateAgreement()
      : Invariant("state_agreement",
                  "after the same log position every replica's state digest is equal, and a restored "
                  "checkpoint of slot k equals the state after k") {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

 private:
  void on(Micros now, const ev::Executed& e) {
    count();
    const std::int64_t key = position_key(e.applied.slot, e.applied.index);
    auto [it, fresh] = after_.try_emplace(key, e.applied.state_digest, e.node);
    if (fresh || it->second.first == e.applied.state_digest) return;
    fail(now, {e.node, it->second.second},
         "after " + position_name(key) + " " + describe(e.applied.request) + " " + replica_name(e.node) +
             "'s state digest is " + hex(e.applied.state_digest) + " but " + replica_name(it->second.second) +
             "'s was " + hex(it->second.first));
  }
  void on(Micros now, const ev::StateRestored& e) {
    count();
    restored(now, e.node, e.restored);
  }
  template <class E>
  void on(Micros, const E&) {}

  void restored(Micros now, NodeId node, const Restored& r) {
    const std::int64_t key = after_slot_key(r.slot);
    // The state after slot k is the state after the last request at or before k.
    auto it = after_.upper_bound(key);
    std::optional<std::pair<std::uint64_t, NodeId>> expected;
    if (it != after_.begin()) {
      expected = std::prev(it)->second;
    } else if (empty_) {
      expected = empty_;
    } else {
      empty_ = std::pair{r.state_digest, node};  // the empty state, as first booted
      return;
    }
    if (expected->first == r.state_digest) return;
    const char* source = r.source == RestoreSource::kOwnCheckpoint ? "its own checkpoint" : "a peer's checkpoint";
    fail(now, {node, expected->second},
         replica_name(node) + " restored " + source + " of slot " + std::to_string(r.slot.value) +
             " with state digest " + hex(r.state_digest) + " but the state after slot " + std::to_string(r.slot.value) +
             " was " + hex(expected->first) + " (as " + replica_name(expected->second) + " reached it)");
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " applies and restores judged, every state digest agreed";
  }

  // Position -> the digest first seen after it, and the replica that had it.
  std::map<std::int64_t, std::pair<std::uint64_t, NodeId>> after_;
  std::optional<std::pair<std::uint64_t, NodeId>> empty_;
};

}  // namespace

std::unique_ptr<Invariant> make_state_agreement() { return std::make_unique<StateAgreement>(); }

}  // namespace fl::sim
