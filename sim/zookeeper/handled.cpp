#include "sim/zookeeper/handled.hpp"

#include "rsm/coordinated/layout.hpp"
#include "rsm/core/assert.hpp"
#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {
namespace wire = fl::zookeeper;

ev::ZkHandled HandledFacts::of(NodeId from, const wire::RequestMessage& request, const wire::ReplyMessage* reply,
                               const DataTree& tree) {
  writes_.clear();
  if (reply != nullptr && reply->reply.code == wire::Code::kOk) collect_writes(request, reply->reply);
  bool log_changed = false;
  for (const ZkWrite& w : writes_) {
    log_changed = log_changed || (w.kind != WriteKind::kSet && w.path.starts_with(fl::coordinated::kLogEntryPrefix));
  }
  if (log_changed) measure_log(tree);
  return ev::ZkHandled{from, request, reply, tree.last_zxid(), writes_, log_changed ? &log_ : nullptr, ZkView(tree)};
}

// A committed request's writes, in order, with the paths and versions its reply
// reports (a create's sequence suffix, a setData's new version).
void HandledFacts::collect_writes(const wire::RequestMessage& request, const wire::Reply& reply) {
  if (const auto* multi = std::get_if<wire::Multi>(&request.body)) {
    FL_ASSERT(reply.results.size() == multi->ops.size());
    for (std::size_t i = 0; i < multi->ops.size(); ++i) {
      std::visit([&](const auto& op) { add(op, reply.results[i].path, reply.results[i].stat); }, multi->ops[i]);
    }
  } else if (const auto* c = std::get_if<wire::Create>(&request.body)) {
    add(*c, reply.path, reply.stat);
  } else if (const auto* d = std::get_if<wire::Delete>(&request.body)) {
    add(*d, {}, std::nullopt);
  } else if (const auto* s = std::get_if<wire::SetData>(&request.body)) {
    add(*s, {}, reply.stat);
  }
}

// Each write refers to the request's own op (never a copy), so its views stay valid
// while the request does.
void HandledFacts::add(const wire::Create& op, std::string_view created, const std::optional<wire::Stat>& stat) {
  writes_.push_back({WriteKind::kCreated, created, op.data, stat ? stat->version : 0});
}
void HandledFacts::add(const wire::Delete& op, std::string_view, const std::optional<wire::Stat>&) {
  writes_.push_back({WriteKind::kDeleted, op.path, {}, -1});
}
void HandledFacts::add(const wire::SetData& op, std::string_view, const std::optional<wire::Stat>& stat) {
  writes_.push_back({WriteKind::kSet, op.path, op.data, stat ? stat->version : -1});
}
void HandledFacts::add(const wire::Check&, std::string_view, const std::optional<wire::Stat>&) {}

// /log's entries and their sizes. The protocol never deletes /log itself; if it is
// gone, it holds nothing.
void HandledFacts::measure_log(const DataTree& tree) {
  log_.entries.clear();
  log_.requests_held = 0;
  const Znode* log = tree.find(fl::coordinated::kLogPath);
  if (log == nullptr) return;
  const std::string prefix = std::string(fl::coordinated::kLogPath) + "/";
  for (const std::string& child : log->children) {
    const Znode* entry = tree.find(prefix + child);
    if (entry == nullptr) continue;
    const std::int64_t requests = fl::coordinated::entry_size(entry->data).value_or(0);
    log_.requests_held += requests;
    if (const auto seq = fl::coordinated::log_seq(child)) log_.entries.push_back({*seq, requests});
  }
}

}  // namespace fl::sim::zkserver
