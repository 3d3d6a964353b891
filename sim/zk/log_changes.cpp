#include "sim/zk/log_changes.hpp"

#include <type_traits>
#include <variant>

#include "rsm/zk/layout.hpp"

namespace fl::sim::zk {

LogChanges log_changes(const fl::zk::RequestMessage& request) {
  const auto ordering = [](const std::string& path) { return path.starts_with(fl::zk::kLogEntryPrefix); };
  LogChanges changes;
  const auto count = [&](const auto& op) {
    using T = std::decay_t<decltype(op)>;
    if constexpr (std::is_same_v<T, fl::zk::Create>) changes.creates += ordering(op.path) ? 1 : 0;
    if constexpr (std::is_same_v<T, fl::zk::Delete>) changes.deletes = changes.deletes || ordering(op.path);
  };
  if (const auto* multi = std::get_if<fl::zk::Multi>(&request.body)) {
    for (const fl::zk::Op& op : multi->ops) std::visit(count, op);
  } else {
    std::visit(count, request.body);
  }
  return changes;
}

std::vector<fl::zk::Op> writes_of(const fl::zk::RequestMessage& request) {
  if (const auto* multi = std::get_if<fl::zk::Multi>(&request.body)) return multi->ops;
  if (const auto* c = std::get_if<fl::zk::Create>(&request.body)) return {*c};
  if (const auto* d = std::get_if<fl::zk::Delete>(&request.body)) return {*d};
  if (const auto* s = std::get_if<fl::zk::SetData>(&request.body)) return {*s};
  return {};
}

}  // namespace fl::sim::zk
