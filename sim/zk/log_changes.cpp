#include "sim/zk/log_changes.hpp"

#include <type_traits>

#include "rsm/zk/layout.hpp"

namespace fl::sim::zk {

LogChanges log_changes(const fl::zk::RequestMessage& request) {
  const auto ordering = [](const std::string& path) { return path.starts_with(fl::zk::kLogEntryPrefix); };
  LogChanges changes;
  for_each_write(request, [&](const auto& op) {
    using T = std::decay_t<decltype(op)>;
    if constexpr (std::is_same_v<T, fl::zk::Create>) changes.creates += ordering(op.path) ? 1 : 0;
    if constexpr (std::is_same_v<T, fl::zk::Delete>) changes.deletes = changes.deletes || ordering(op.path);
  });
  return changes;
}

}  // namespace fl::sim::zk
