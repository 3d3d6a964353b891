// The multi transaction: ops applied in order under one zxid, with an undo log of
// before-images so that a failure leaves the tree as it was (ZooKeeper Programmer's
// Guide, "Multi": all operations succeed or none is applied).
#include <utility>

#include "rsm/core/assert.hpp"
#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {

MultiResult DataTree::multi(const std::vector<Op>& ops, SessionId session, std::vector<TreeEvent>& events) {
  MultiResult out;
  out.zxid = log_txn();
  std::vector<Undo> undo;
  std::vector<TreeEvent> pending;  // published only if the whole multi commits
  std::size_t failed_at = ops.size();
  for (std::size_t i = 0; i < ops.size(); ++i) {
    OpResult result = apply(ops[i], session, out.zxid, &undo, pending);
    if (result.code != Code::kOk) {
      out.code = result.code;
      failed_at = i;
      break;
    }
    out.results.push_back(std::move(result));
  }
  if (failed_at == ops.size()) {
    events.insert(events.end(), pending.begin(), pending.end());
    return out;
  }
  for (auto it = undo.rbegin(); it != undo.rend(); ++it) restore(*it);
  // Results as DataTree.processTxn reports a failed multi: the ops before the
  // failure say kOk (they were valid, then rolled back), the failure its code, and
  // the rest kRuntimeInconsistency (never attempted).
  out.results.assign(ops.size(), OpResult{});
  out.results[failed_at].code = out.code;
  for (std::size_t i = failed_at + 1; i < ops.size(); ++i) out.results[i].code = Code::kRuntimeInconsistency;
  return out;
}

void DataTree::save(std::vector<Undo>* undo, const std::string& path) const {
  if (undo == nullptr) return;
  const Znode* node = find(path);
  if (node == nullptr) {
    undo->push_back(Undo{path, std::nullopt});
    return;
  }
  // Children are not copied: each child's own entry re-links or unlinks it.
  undo->push_back(Undo{path, Znode{node->data, node->meta, {}}});
}

void DataTree::restore(const Undo& entry) {
  const auto it = nodes_.find(entry.path);
  if (!entry.before) {  // created by the multi
    FL_ASSERT(it != nodes_.end(), entry.path);
    erase_node(entry.path);
    return;
  }
  if (it == nodes_.end()) {  // deleted by the multi
    insert_node(entry.path, *entry.before);
    return;
  }
  it->second.data = entry.before->data;
  it->second.meta = entry.before->meta;
}

}  // namespace fl::sim::zkserver
