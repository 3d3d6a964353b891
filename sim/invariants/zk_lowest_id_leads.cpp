// lowest_id_leads (zk runs): a replica claims /leader only if no live member with a
// lower id was in the /members listing it last read (the election rule of the
// seed: the lowest live id leads). A claim that skips the rule still gives one
// fenced writer, so clients see nothing; but leadership then depends on who
// restarted first, which the design promises it does not.
#include <algorithm>
#include <map>
#include <tuple>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"
#include "sim/zookeeper/request_writes.hpp"

namespace fl::sim {
namespace {

class LowestIdLeads final : public Invariant {
 public:
  LowestIdLeads()
      : Invariant("lowest_id_leads",
                  "a zk replica claims /leader only when no lower live id was among the members it listed") {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

 private:
  // A call by the replica that made it, its connection and xid: connection ids are
  // the client's own (two replicas that connect at the same moment have the same),
  // so the replica is part of the key.
  using CallId = std::tuple<std::uint32_t, std::uint64_t, std::int64_t>;

  // ZooKeeper answered a /members listing as of its newest transaction.
  void on(Micros now, const ev::ZkHandled& e) {
    if (e.reply == nullptr || e.reply->reply.code != fl::zookeeper::Code::kOk) return;
    const CallId call{e.from.value, e.request.connection.value, e.request.xid.value};
    if (const auto* list = std::get_if<fl::zookeeper::GetChildren>(&e.request.body);
        list && list->path == fl::coordinated::kMembersPath) {
      listing_zxid_[call] = e.last_zxid.value;
      return;
    }
    const bool claim = std::ranges::any_of(e.writes, [](const zkserver::ZkWrite& w) {
      return w.kind == zkserver::WriteKind::kCreated && w.path == fl::coordinated::kLeaderPath;
    });
    if (claim) judge(now, e, call);
  }
  // The replica read that listing: what it knows of the members from now on.
  void on(Micros, const ev::Delivered& e) {
    const auto* reply = dynamic_cast<const fl::zookeeper::ReplyMessage*>(&e.message);
    if (reply == nullptr) return;
    const auto it = listing_zxid_.find({e.to.value, reply->connection.value, reply->xid.value});
    if (it == listing_zxid_.end()) return;
    known_[e.to.value] = it->second;
    listing_zxid_.erase(it);
  }
  // A claim is judged by what its sender knew when it sent it.
  void on(Micros, const ev::Sent& e) {
    const auto* request = dynamic_cast<const fl::zookeeper::RequestMessage*>(&e.message);
    if (request == nullptr || !claims(*request)) return;
    const auto it = known_.find(e.from.value);
    basis_[{e.from.value, request->connection.value, request->xid.value}] = it == known_.end() ? -1 : it->second;
  }
  template <class E>
  void on(Micros, const E&) {}

  // Whether a request its sender is about to send asks to create /leader.
  static bool claims(const fl::zookeeper::RequestMessage& request) {
    bool claim = false;
    zkserver::for_each_write(request, [&](const auto& w) {
      if constexpr (std::is_same_v<std::decay_t<decltype(w)>, fl::zookeeper::Create>) {
        claim = claim || w.path == fl::coordinated::kLeaderPath;
      }
    });
    return claim;
  }

  void judge(Micros now, const ev::ZkHandled& e, const CallId& call) {
    count();
    const auto basis = basis_.find(call);
    const std::int64_t known = basis == basis_.end() ? -1 : basis->second;
    for (const std::string& child : e.state.children(fl::coordinated::kMembersPath)) {
      const auto id = fl::coordinated::member_id(child);
      const auto node = e.state.node(std::string(fl::coordinated::kMembersPath) + "/" + child);
      if (!id || !node || id->value >= e.from.value) continue;
      // Registered after the listing the claimer had read: a race the rule does not cover.
      if (known >= 0 && node->czxid.value > known) continue;
      fail(now, {e.from, *id},
           replica_name(e.from) + " claimed /leader while " + replica_name(*id) + ", a lower id, was a live member" +
               (known < 0 ? " (it had read no /members listing)" : " in the listing it had read"));
      return;
    }
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " claims judged, each by the lowest live member listed";
  }

  std::map<CallId, std::int64_t> listing_zxid_;  // /members listings answered, not yet read: their zxid
  std::map<std::uint32_t, std::int64_t> known_;  // replica -> zxid of the newest listing it has read
  std::map<CallId, std::int64_t> basis_;         // claims in flight -> what their sender had read
};

}  // namespace

std::unique_ptr<Invariant> make_lowest_id_leads() { return std::make_unique<LowestIdLeads>(); }

}  // namespace fl::sim
