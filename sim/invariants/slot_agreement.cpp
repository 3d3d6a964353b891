// slot_agreement: no two replicas ever apply different requests at the same log
// position (Paxos's consistency, or ZooKeeper's single /log, seen from the replicas).
#include <unordered_map>

#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class SlotAgreement final : public Invariant {
 public:
  SlotAgreement() : Invariant("slot_agreement", "no two replicas apply different requests at the same log position") {}

  void on_event(Micros now, const RunEvent& event) override {
    const auto* e = std::get_if<ev::Executed>(&event);
    if (e == nullptr) return;
    count();
    const Applied& a = e->applied;
    auto [it, fresh] = first_.try_emplace(position_key(a.slot, a.index), a.request, e->node);
    if (fresh || it->second.first == a.request) return;
    fail(now, {e->node, it->second.second},
         "slot " + std::to_string(a.slot.value) + "." + std::to_string(a.index) + ": " +
             replica_name(it->second.second) + " applied " + describe(it->second.first) + " but " +
             replica_name(e->node) + " applied " + describe(a.request));
  }

 private:
  std::string pass_detail() const override { return "every slot applied the same requests on every replica"; }

  // Position -> the request first applied there, and by whom.
  std::unordered_map<std::int64_t, std::pair<Request, NodeId>> first_;
};

}  // namespace

std::unique_ptr<Invariant> make_slot_agreement() { return std::make_unique<SlotAgreement>(); }

}  // namespace fl::sim
