#include "sim/zookeeper/facts.hpp"

#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {

std::optional<ZnodeFacts> ZkView::node(std::string_view path) const {
  const Znode* node = tree_->find(path);
  if (node == nullptr) return std::nullopt;
  return ZnodeFacts{node->meta.czxid, node->meta.version};
}

std::vector<std::string> ZkView::children(std::string_view path) const {
  const Znode* node = tree_->find(path);
  if (node == nullptr) return {};
  return tree_->children(*node);
}

}  // namespace fl::sim::zkserver
