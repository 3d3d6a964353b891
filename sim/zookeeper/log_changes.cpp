#include "sim/zookeeper/log_changes.hpp"

#include <type_traits>

#include "rsm/coordinated/layout.hpp"
#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {

LogChanges log_changes(const fl::zookeeper::RequestMessage& request) {
  const auto ordering = [](const std::string& path) { return path.starts_with(fl::coordinated::kLogEntryPrefix); };
  LogChanges changes;
  for_each_write(request, [&](const auto& op) {
    using T = std::decay_t<decltype(op)>;
    if constexpr (std::is_same_v<T, fl::zookeeper::Create>) changes.creates += ordering(op.path) ? 1 : 0;
    if constexpr (std::is_same_v<T, fl::zookeeper::Delete>) changes.deletes = changes.deletes || ordering(op.path);
  });
  return changes;
}

std::optional<std::int64_t> log_held_after(const fl::zookeeper::RequestMessage& request,
                                           const fl::zookeeper::ReplyMessage* reply, const DataTree& tree) {
  if (reply == nullptr || reply->reply.code != fl::zookeeper::Code::kOk) return std::nullopt;
  const LogChanges changes = log_changes(request);
  if (changes.creates == 0 && !changes.deletes) return std::nullopt;
  const Znode* log = tree.find(fl::coordinated::kLogPath);
  if (log == nullptr) return std::nullopt;
  std::int64_t held = 0;
  for (const std::string& child : log->children) {
    const Znode* entry = tree.find(std::string(fl::coordinated::kLogPath) + "/" + child);
    if (entry != nullptr) held += fl::coordinated::entry_size(entry->data).value_or(0);
  }
  return held;
}

}  // namespace fl::sim::zkserver
