// promises_kept (paxos runs): a replica never promises or accepts a ballot below one
// it promised before, in this incarnation or an earlier one (Paxos Made Simple §2.2,
// P1a; §2.4: an acceptor must remember its promise across a crash). Judged from the
// messages it sends, so a promise that was not durable is caught at the first
// message that breaks it after the restart, even if no value was lost this time.
#include <map>

#include "rsm/paxos/messages.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class PromisesKept final : public Invariant {
 public:
  PromisesKept()
      : Invariant("promises_kept",
                  "a replica never promises or accepts below a ballot it promised before, across crashes") {}

  void on_event(Micros now, const RunEvent& event) override {
    const auto* e = std::get_if<ev::Sent>(&event);
    if (e == nullptr) return;
    const auto* m = dynamic_cast<const paxos::PaxosMessage*>(&e->message);
    if (m == nullptr) return;
    switch (m->kind()) {
      case paxos::Kind::kPrepare:  // a candidate promises its own ballot first
        return raise(e->from, static_cast<const paxos::Prepare&>(*m).ballot, now);
      case paxos::Kind::kPromise:
        return judge(now, e->from, static_cast<const paxos::Promise&>(*m).ballot, "promised");
      case paxos::Kind::kAccepted:
        return judge(now, e->from, static_cast<const paxos::Accepted&>(*m).ballot, "accepted");
      default:
        return;
    }
  }

 private:
  void judge(Micros now, NodeId node, const paxos::Ballot& ballot, const char* what) {
    count();
    const auto it = promised_.find(node.value);
    if (it != promised_.end() && ballot < it->second.first) {
      fail(now, {node},
           replica_name(node) + " " + what + " ballot " + ballot.describe() + " after it had promised " +
               it->second.first.describe() + " at t=" + std::to_string(it->second.second));
      return;
    }
    raise(node, ballot, now);
  }

  void raise(NodeId node, const paxos::Ballot& ballot, Micros now) {
    auto [it, fresh] = promised_.try_emplace(node.value, ballot, now);
    if (!fresh && it->second.first < ballot) it->second = {ballot, now};
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " promises and accepts judged, none below an earlier promise";
  }

  std::map<std::uint32_t, std::pair<paxos::Ballot, Micros>> promised_;  // highest ballot promised, and when
};

}  // namespace

std::unique_ptr<Invariant> make_promises_kept() { return std::make_unique<PromisesKept>(); }

}  // namespace fl::sim
