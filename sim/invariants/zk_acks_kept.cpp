// acks_kept (zk runs): a replica never restarts from a checkpoint older than a
// position it acknowledged to ZooKeeper (in its /members node). The leader collects
// /log behind the acknowledgements, so an acknowledgement that was not durable
// leaves a restarted replica needing entries that are gone: it survives by
// restoring /snapshot, which hides the bug from every client-side check.
#include <map>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class AcksKept final : public Invariant {
 public:
  AcksKept()
      : Invariant("acks_kept",
                  "a zk replica never restarts from a checkpoint behind a position it acknowledged to ZooKeeper") {}

  void on_event(Micros now, const RunEvent& event) override {
    if (const auto* e = std::get_if<ev::ZkHandled>(&event)) {
      const std::string mine = fl::coordinated::member_path(e->from);
      for (const zkserver::ZkWrite& w : e->writes) {
        if (w.kind != zkserver::WriteKind::kDeleted && w.path == mine) acknowledge(e->from, w.data, now);
      }
    } else if (const auto* r = std::get_if<ev::StateRestored>(&event)) {
      if (r->restored.source != RestoreSource::kOwnCheckpoint) return;
      count();
      const auto it = acked_.find(r->node.value);
      if (it == acked_.end() || r->restored.slot.value >= it->second.first) return;
      fail(now, {r->node},
           replica_name(r->node) + " restarted from its checkpoint of slot " + std::to_string(r->restored.slot.value) +
               " but had acknowledged slot " + std::to_string(it->second.first) +
               " to ZooKeeper at t=" + std::to_string(it->second.second));
    }
  }

 private:
  void acknowledge(NodeId node, std::string_view position, Micros now) {
    const auto seq = fl::coordinated::log_seq(position);
    if (!seq) return;  // nothing acknowledged yet
    auto [it, fresh] = acked_.try_emplace(node.value, *seq, now);
    if (!fresh && it->second.first < *seq) it->second = {*seq, now};
  }

  std::string pass_detail() const override {
    return std::to_string(judged()) + " restarts judged, none behind its acknowledged position";
  }

  std::map<std::uint32_t, std::pair<std::int64_t, Micros>> acked_;  // replica -> highest acknowledged slot, when
};

}  // namespace

std::unique_ptr<Invariant> make_acks_kept() { return std::make_unique<AcksKept>(); }

}  // namespace fl::sim
