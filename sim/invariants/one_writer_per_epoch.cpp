// one_writer_per_epoch (zk runs): at most one session gets ordering writes (creates
// under /log, alone or in a multi) accepted per version of /epoch, i.e. fencing
// works. Judged after every request ZooKeeper commits, the only events that can
// add to /log, from what ZooKeeper committed and its own /epoch rather than from
// what replicas claim.
#include <map>

#include "rsm/coordinated/layout.hpp"
#include "sim/invariants/invariant.hpp"

namespace fl::sim {
namespace {

class OneWriterPerEpoch final : public Invariant {
 public:
  OneWriterPerEpoch()
      : Invariant("one_writer_per_epoch", "at most one session has ordering writes accepted per /epoch version") {}

  void on_event(Micros now, const RunEvent& event) override {
    const auto* e = std::get_if<ev::ZkHandled>(&event);
    if (e == nullptr) return;
    std::uint64_t creates = 0;
    for (const zkserver::ZkWrite& w : e->writes) {
      if (w.kind == zkserver::WriteKind::kCreated && w.path.starts_with(fl::coordinated::kLogEntryPrefix)) ++creates;
    }
    if (creates == 0) return;
    count(creates);
    const auto epoch = e->state.node(fl::coordinated::kEpochPath);
    const std::int32_t version = epoch ? epoch->version : -1;
    const std::int64_t session = e->request.session.value;
    auto [it, fresh] = writer_.try_emplace(version, session, e->from);
    if (fresh || it->second.first == session) return;
    fail(now, {e->from, it->second.second},
         "epoch version " + std::to_string(version) + ": session " + std::to_string(it->second.first) + " (" +
             replica_name(it->second.second) + ") and session " + std::to_string(session) + " (" +
             replica_name(e->from) + ") both had ordering writes accepted");
  }

 private:
  std::string pass_detail() const override {
    return std::to_string(judged()) +
           " creates under /log accepted, each epoch's from one session (checked after every ZooKeeper request)";
  }

  // /epoch version -> the session (and its node) whose ordering write it accepted first.
  std::map<std::int32_t, std::pair<std::int64_t, NodeId>> writer_;
};

}  // namespace

std::unique_ptr<Invariant> make_one_writer_per_epoch() { return std::make_unique<OneWriterPerEpoch>(); }

}  // namespace fl::sim
