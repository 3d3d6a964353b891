// accepts_kept (paxos runs): what an acceptor said it accepted, it still has when it
// reports in phase 1, across crashes: a Promise that covers a slot the acceptor
// acknowledged with Accepted(b) reports that slot with a ballot of at least b (or
// decided), unless the slot is behind the checkpoint it reports (Paxos Made Simple
// §2.4: an acceptor must remember what it accepted even if it fails). A leader that
// counted the acknowledgement toward a quorum relies on it; losing it lets a later
// leader choose another value, which clients see only after more bad luck.
#include <map>

#include "rsm/paxos/messages.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class AcceptsKept final : public Invariant {
 public:
  AcceptsKept()
      : Invariant("accepts_kept",
                  "an acceptor's phase-1 report keeps every value it acknowledged as accepted, across crashes") {}

  void on_event(Micros now, const RunEvent& event) override {
    if (const auto* d = std::get_if<ev::Delivered>(&event)) {
      // The Prepare a Promise answers says from which slot on the report is complete.
      const auto* m = dynamic_cast<const paxos::PaxosMessage*>(&d->message);
      if (m != nullptr && m->kind() == paxos::Kind::kPrepare) {
        const auto& prepare = static_cast<const paxos::Prepare&>(*m);
        asked_[d->to.value] = {prepare.ballot, prepare.from.value};
      }
      return;
    }
    const auto* e = std::get_if<ev::Sent>(&event);
    if (e == nullptr) return;
    const auto* m = dynamic_cast<const paxos::PaxosMessage*>(&e->message);
    if (m == nullptr) return;
    if (m->kind() == paxos::Kind::kAccepted) {
      const auto& a = static_cast<const paxos::Accepted&>(*m);
      auto& highest = accepted_[e->from.value][a.slot.value];
      highest = std::max(highest, a.ballot);
    } else if (m->kind() == paxos::Kind::kPromise) {
      judge(now, e->from, static_cast<const paxos::Promise&>(*m));
    }
  }

 private:
  void judge(Micros now, NodeId node, const paxos::Promise& p) {
    const auto mine = accepted_.find(node.value);
    const auto asked = asked_.find(node.value);
    // A Promise that answers no Prepare delivered to it (a candidate's own) is not judged.
    if (mine == accepted_.end() || asked == asked_.end() || asked->second.first != p.ballot) return;
    std::map<std::int64_t, const paxos::SlotReport*> reported;
    for (const auto& r : p.entries) reported[r.slot.value] = &r;
    // The report is complete from the slot asked for (and after the checkpoint) up to
    // where the budget cut it.
    const std::int64_t from = std::max(asked->second.second, p.checkpoint_slot.value + 1);
    for (auto it = mine->second.lower_bound(from); it != mine->second.end(); ++it) {
      const auto [slot, ballot] = *it;
      if (slot >= p.truncated_at.value) break;
      count();
      const auto found = reported.find(slot);
      if (found != reported.end() && (found->second->decided || !(found->second->ballot < ballot))) continue;
      fail(now, {node},
           replica_name(node) + " acknowledged slot " + std::to_string(slot) + " as accepted in ballot " +
               ballot.describe() + " but its promise for " + p.ballot.describe() +
               (found == reported.end() ? " does not report the slot"
                                        : " reports it at ballot " + found->second->ballot.describe()));
      return;
    }
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " reported slots judged, every acknowledged value was still there";
  }

  std::map<std::uint32_t, std::pair<paxos::Ballot, std::int64_t>> asked_;  // acceptor -> last Prepare's ballot, from
  // replica -> slot -> the highest ballot it acknowledged accepting there.
  std::map<std::uint32_t, std::map<std::int64_t, paxos::Ballot>> accepted_;
};

}  // namespace

std::unique_ptr<Invariant> make_accepts_kept() { return std::make_unique<AcceptsKept>(); }

}  // namespace fl::sim
