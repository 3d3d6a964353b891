// dedup_only_retries: a request is ordered at more than one log position only if it
// entered the system more than once (a client retry, or the network duplicating
// it) or a replica passed it on more than once (a forward re-sent or duplicated). The app's dedup table makes a second
// execution harmless to clients, so a protocol that re-proposes or replays requests on its own passes every client-side
// check; this finds it.
#include <map>

#include "rsm/coordinated/replica.hpp"
#include "rsm/paxos/messages.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class DedupOnlyRetries final : public Invariant {
 public:
  DedupOnlyRetries()
      : Invariant("dedup_only_retries",
                  "a request is ordered at a second log position only if it reached the replicas more than once") {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

 private:
  void on(Micros, const ev::RequestArrived& e) { ++arrivals_[{e.client.value, e.request.id.value}]; }
  void on(Micros, const ev::Delivered& e) {
    if (const Request* r = forwarded(e.message)) ++forwards_[{r->client.value, r->id.value}];
  }
  void on(Micros now, const ev::Executed& e) {
    const Request& r = e.applied.request;
    const std::int64_t key = position_key(e.applied.slot, e.applied.index);
    const auto id = std::pair{r.client.value, r.id.value};
    auto [it, fresh] = ordered_at_.try_emplace(id, key, e.node);
    if (fresh || it->second.first == key) return;
    count();
    if (arrivals_[id] >= 2 || forwards_[id] >= 2) return;
    fail(now, {e.node, it->second.second},
         describe(r) + " reached the replicas once but " + replica_name(e.node) + " executed it at " +
             position_name(key) + " after " + replica_name(it->second.second) + " executed it at " +
             position_name(it->second.first));
  }
  template <class E>
  void on(Micros, const E&) {}

  std::string pass_detail() const override {
    return std::to_string(judged()) + " requests ordered twice, each after a retry or a duplicate";
  }

  // A request a replica passes on to the leader (either protocol's Forward).
  static const Request* forwarded(const Message& message) {
    if (const auto* m = dynamic_cast<const paxos::PaxosMessage*>(&message); m && m->kind() == paxos::Kind::kForward) {
      return &static_cast<const paxos::Forward&>(*m).request;
    }
    if (const auto* m = dynamic_cast<const fl::coordinated::ForwardMessage*>(&message)) return &m->request;
    return nullptr;
  }

  std::map<std::pair<std::uint32_t, std::int64_t>, int> arrivals_;  // (client, id) -> times it reached a replica
  std::map<std::pair<std::uint32_t, std::int64_t>, int> forwards_;  // (client, id) -> forwards delivered
  // (client, id) -> the first position it was executed at, and where.
  std::map<std::pair<std::uint32_t, std::int64_t>, std::pair<std::int64_t, NodeId>> ordered_at_;
};

}  // namespace

std::unique_ptr<Invariant> make_dedup_only_retries() { return std::make_unique<DedupOnlyRetries>(); }

}  // namespace fl::sim
