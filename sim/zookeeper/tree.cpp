// Single writes and reads of the znode tree. The order of the checks in each write
// is the order of ZooKeeper's PrepRequestProcessor, so that a request that breaks
// two rules gets the same error as from a real server.
#include "sim/zookeeper/tree.hpp"

#include <cstdint>
#include <utility>

#include "rsm/core/assert.hpp"
#include "sim/zookeeper/path.hpp"

namespace fl::sim::zkserver {
namespace {

constexpr std::string_view kSystemRoot = "/zookeeper";
constexpr std::string_view kConfigNode = "/zookeeper/config";
constexpr std::string_view kQuotaNode = "/zookeeper/quota";

// ZooKeeper's int arithmetic wraps; do the same without signed overflow.
std::int32_t wrapping_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

// The data version after a change: +1, skipping -1 so that a wrapped version can
// never be mistaken for kAnyVersion (ZOOKEEPER-4743).
Version next_version(Version v) {
  const Version next = wrapping_add(v, 1);
  return next == kAnyVersion ? 0 : next;
}

bool version_matches(Version expected, Version actual) { return expected == kAnyVersion || expected == actual; }

// The parent a create request names: everything before the last '/', the root if
// that is empty. Unlike parent_path it accepts "/" and a trailing slash, which a
// sequential create may carry ("/queue/" makes "/queue/0000000004").
std::string create_parent(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? std::string("/") : std::string(path.substr(0, slash));
}

OpResult failed(Code code) { return OpResult{code, {}, std::nullopt}; }

}  // namespace

DataTree::DataTree(bool system_nodes) : system_nodes_(system_nodes) {
  nodes_.emplace("/", Znode{});
  if (system_nodes_) {
    // Created without a transaction, as in ZooKeeper's DataTree constructor: the
    // root's stored cversion stays 0 while it has one child, so clients see -1.
    insert_node(std::string(kSystemRoot), Znode{});
    insert_node(std::string(kConfigNode), Znode{});
    insert_node(std::string(kQuotaNode), Znode{});
  }
}

const Znode* DataTree::find(std::string_view path) const {
  const auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : &it->second;
}

Stat DataTree::stat(const Znode& node) const {
  const auto children = static_cast<std::int32_t>(node.children.size());
  Stat s;
  s.czxid = node.meta.czxid;
  s.mzxid = node.meta.mzxid;
  s.pzxid = node.meta.pzxid;
  s.version = node.meta.version;
  // Every child still present was created once; every other one was created and
  // deleted: changes = 2 * creates - present (DataNode.copyStat).
  s.cversion = wrapping_add(wrapping_add(node.meta.child_creates, node.meta.child_creates), -children);
  s.ephemeral_owner = node.meta.ephemeral_owner;
  s.data_length = static_cast<std::int32_t>(node.data.size());
  s.num_children = children;
  return s;
}

std::vector<std::string> DataTree::children(const Znode& node) const {
  return {node.children.begin(), node.children.end()};
}

std::vector<std::string> DataTree::ephemerals(SessionId session) const {
  const auto it = ephemerals_.find(session);
  if (it == ephemerals_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

Zxid DataTree::log_txn() {
  last_zxid_ = Zxid{last_zxid_.value + 1};
  return last_zxid_;
}

WriteResult DataTree::write(const Op& op, SessionId session, std::vector<TreeEvent>& events) {
  const Zxid zxid = log_txn();
  // A single write needs no undo log: every check precedes the first mutation.
  return WriteResult{zxid, apply(op, session, zxid, nullptr, events)};
}

Zxid DataTree::close_session(SessionId session, std::vector<TreeEvent>& events) {
  const Zxid zxid = log_txn();
  for (const std::string& path : ephemerals(session)) remove_node(path, zxid, nullptr, events);
  FL_ASSERT(!ephemerals_.contains(session));
  return zxid;
}

OpResult DataTree::apply(const Op& op, SessionId session, Zxid zxid, std::vector<Undo>* undo,
                         std::vector<TreeEvent>& events) {
  if (const auto* c = std::get_if<Create>(&op)) return apply_create(*c, session, zxid, undo, events);
  if (const auto* d = std::get_if<Delete>(&op)) return apply_delete(*d, zxid, undo, events);
  if (const auto* s = std::get_if<SetData>(&op)) return apply_set(*s, zxid, undo, events);
  return apply_check(std::get<Check>(op));
}

OpResult DataTree::apply_create(const Create& op, SessionId session, Zxid zxid, std::vector<Undo>* undo,
                                std::vector<TreeEvent>& events) {
  const bool sequential = is_sequential(op.mode);
  if (!valid_create_path(op.path, sequential)) return failed(Code::kBadArguments);
  const std::string parent = create_parent(op.path);
  const auto parent_it = nodes_.find(parent);
  if (parent_it == nodes_.end()) return failed(Code::kNoNode);
  if (config_protected(parent)) return failed(Code::kNoAuth);
  std::string path = op.path;
  if (sequential) path += sequence_suffix(parent_it->second.meta.child_creates);
  if (nodes_.contains(path)) return failed(Code::kNodeExists);
  // Checked after existence, as ZooKeeper does: creating an existing child of an
  // ephemeral reports NodeExists, not NoChildrenForEphemerals.
  if (parent_it->second.meta.ephemeral_owner.value != 0) return failed(Code::kNoChildrenForEphemerals);
  const bool ephemeral = is_ephemeral(op.mode);
  FL_ASSERT(!ephemeral || session.value != 0, "ephemeral create without a session: " + path);

  save(undo, parent);
  save(undo, path);
  ZnodeMeta& parent_meta = parent_it->second.meta;
  parent_meta.child_creates = wrapping_add(parent_meta.child_creates, 1);
  parent_meta.pzxid = zxid;
  Znode node;
  node.data = op.data;
  node.meta = ZnodeMeta{zxid, zxid, zxid, 0, 0, ephemeral ? session : SessionId{0}};
  insert_node(path, std::move(node));
  events.push_back({EventType::kNodeCreated, path});
  events.push_back({EventType::kNodeChildrenChanged, parent});
  return OpResult{Code::kOk, path, stat(*find(path))};
}

OpResult DataTree::apply_delete(const Delete& op, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events) {
  if (!valid_path(op.path) || special(op.path)) return failed(Code::kBadArguments);
  const auto it = nodes_.find(op.path);
  if (it == nodes_.end()) return failed(Code::kNoNode);
  // Version before emptiness: PrepRequestProcessor checks them in this order.
  if (!version_matches(op.version, it->second.meta.version)) return failed(Code::kBadVersion);
  if (!it->second.children.empty()) return failed(Code::kNotEmpty);
  remove_node(op.path, zxid, undo, events);
  return OpResult{};
}

OpResult DataTree::apply_set(const SetData& op, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events) {
  if (!valid_path(op.path)) return failed(Code::kBadArguments);
  const auto it = nodes_.find(op.path);
  if (it == nodes_.end()) return failed(Code::kNoNode);
  if (config_protected(op.path)) return failed(Code::kNoAuth);
  if (!version_matches(op.version, it->second.meta.version)) return failed(Code::kBadVersion);
  save(undo, op.path);
  Znode& node = it->second;
  node.data = op.data;
  node.meta.version = next_version(node.meta.version);
  node.meta.mzxid = zxid;
  events.push_back({EventType::kNodeDataChanged, op.path});
  return OpResult{Code::kOk, {}, stat(node)};
}

OpResult DataTree::apply_check(const Check& op) const {
  if (!valid_path(op.path)) return failed(Code::kBadArguments);
  const Znode* node = find(op.path);
  if (node == nullptr) return failed(Code::kNoNode);
  if (!version_matches(op.version, node->meta.version)) return failed(Code::kBadVersion);
  return OpResult{};
}

void DataTree::remove_node(const std::string& path, Zxid zxid, std::vector<Undo>* undo,
                           std::vector<TreeEvent>& events) {
  const std::string parent(parent_path(path));
  save(undo, parent);
  save(undo, path);
  // A delete changes the parent's pzxid but not its stored cversion: the visible
  // cversion still rises, because it is derived from creates and present children.
  nodes_.find(parent)->second.meta.pzxid = zxid;
  erase_node(path);
  events.push_back({EventType::kNodeDeleted, path});
  events.push_back({EventType::kNodeChildrenChanged, parent});
}

void DataTree::insert_node(const std::string& path, Znode node) {
  FL_ASSERT(node.children.empty(), path);
  const SessionId owner = node.meta.ephemeral_owner;
  const bool inserted = nodes_.emplace(path, std::move(node)).second;
  FL_ASSERT(inserted, path);
  const auto parent = nodes_.find(parent_path(path));
  FL_ASSERT(parent != nodes_.end(), path);
  parent->second.children.emplace(base_name(path));
  if (owner.value != 0) ephemerals_[owner].insert(path);
}

void DataTree::erase_node(const std::string& path) {
  const auto it = nodes_.find(path);
  FL_ASSERT(it != nodes_.end(), path);
  FL_ASSERT(it->second.children.empty(), "a node with children is never unlinked: " + path);
  const SessionId owner = it->second.meta.ephemeral_owner;
  if (owner.value != 0) {
    const auto owned = ephemerals_.find(owner);
    FL_ASSERT(owned != ephemerals_.end(), path);
    owned->second.erase(path);
    if (owned->second.empty()) ephemerals_.erase(owned);
  }
  auto& siblings = nodes_.find(parent_path(path))->second.children;
  const auto link = siblings.find(base_name(path));
  FL_ASSERT(link != siblings.end(), path);
  siblings.erase(link);
  nodes_.erase(it);
}

bool DataTree::special(std::string_view path) const {
  if (path == "/") return true;
  return system_nodes_ && (path == kSystemRoot || path == kConfigNode || path == kQuotaNode);
}

bool DataTree::config_protected(std::string_view path) const { return system_nodes_ && path == kConfigNode; }

}  // namespace fl::sim::zkserver
