// The znode tree against a deliberately simple model (the etcd quorum/quick_test.go
// pattern): a flat std::map from path to node, children found by scanning every
// path, ephemerals found by scanning owners, and a multi done on a copy that is
// thrown away on failure. On random sequences of create/delete/setData/multi and
// session closes both must give the same results, the same change events, the same
// zxids and the same final state. ZooKeeper semantics mirrored: Programmer's Guide,
// "The ZooKeeper Data Model" and "ZooKeeper Stat Structure"; check order of
// PrepRequestProcessor; multi results of DataTree.processTxn.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sim/zookeeper/path.hpp"
#include "sim/zookeeper/testing.hpp"
#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {
namespace {

struct ModelNode {
  std::string data;
  std::int64_t czxid = 0, mzxid = 0, pzxid = 0;
  std::int32_t version = 0;
  std::int32_t creates = 0;
  std::int64_t owner = 0;
};

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == 0 ? "/" : path.substr(0, slash);
}

class Model {
 public:
  Model() {
    for (const char* path : {"/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"}) nodes_[path] = {};
  }

  std::int64_t zxid() const { return zxid_; }

  std::vector<std::string> children(const std::string& path) const {
    std::vector<std::string> out;
    for (const auto& [p, node] : nodes_) {
      if (p != "/" && parent_of(p) == path) out.push_back(p.substr(p.rfind('/') + 1));
    }
    return out;
  }

  Stat stat(const std::string& path) const {
    const ModelNode& n = nodes_.at(path);
    const auto kids = static_cast<std::int32_t>(children(path).size());
    return Stat{Zxid{n.czxid},
                Zxid{n.mzxid},
                Zxid{n.pzxid},
                n.version,
                2 * n.creates - kids,
                SessionId{n.owner},
                static_cast<std::int32_t>(n.data.size()),
                kids};
  }

  std::map<std::string, std::pair<std::string, Stat>> dump() const {
    std::map<std::string, std::pair<std::string, Stat>> out;
    for (const auto& [path, node] : nodes_) out.emplace(path, std::pair{node.data, stat(path)});
    return out;
  }

  std::vector<std::string> paths() const {
    std::vector<std::string> out;
    for (const auto& entry : nodes_) out.push_back(entry.first);
    return out;
  }

  OpResult write(const Op& op, std::int64_t session, std::vector<TreeEvent>& events) {
    ++zxid_;
    return apply(op, session, events);
  }

  MultiResult multi(const std::vector<Op>& ops, std::int64_t session, std::vector<TreeEvent>& events) {
    ++zxid_;
    const auto saved = nodes_;
    MultiResult out;
    out.zxid = Zxid{zxid_};
    std::vector<TreeEvent> pending;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      OpResult r = apply(ops[i], session, pending);
      if (r.code == Code::kOk) {
        out.results.push_back(r);
        continue;
      }
      nodes_ = saved;
      out.code = r.code;
      out.results.assign(ops.size(), OpResult{Code::kRuntimeInconsistency, {}, {}});
      for (std::size_t j = 0; j < i; ++j) out.results[j].code = Code::kOk;
      out.results[i].code = r.code;
      return out;
    }
    events.insert(events.end(), pending.begin(), pending.end());
    return out;
  }

  void close_session(std::int64_t session, std::vector<TreeEvent>& events) {
    ++zxid_;
    for (const std::string& path : paths()) {
      if (nodes_.at(path).owner == session) remove(path, events);
    }
  }

  std::vector<std::string> ephemerals(std::int64_t session) const {
    std::vector<std::string> out;
    for (const auto& [path, node] : nodes_) {
      if (node.owner == session) out.push_back(path);
    }
    return out;
  }

 private:
  static bool matches(Version expected, Version actual) { return expected == -1 || expected == actual; }
  static bool reserved(const std::string& p) {
    return p == "/" || p == "/zookeeper" || p == "/zookeeper/config" || p == "/zookeeper/quota";
  }

  OpResult apply(const Op& op, std::int64_t session, std::vector<TreeEvent>& events) {
    if (const auto* c = std::get_if<Create>(&op)) return create(*c, session, events);
    if (const auto* d = std::get_if<Delete>(&op)) return erase(*d, events);
    if (const auto* s = std::get_if<SetData>(&op)) return set(*s, events);
    const auto& check = std::get<Check>(op);
    if (!valid_path(check.path)) return {Code::kBadArguments, {}, {}};
    if (!nodes_.contains(check.path)) return {Code::kNoNode, {}, {}};
    if (!matches(check.version, nodes_.at(check.path).version)) return {Code::kBadVersion, {}, {}};
    return {};
  }

  OpResult create(const Create& op, std::int64_t session, std::vector<TreeEvent>& events) {
    const bool seq = is_sequential(op.mode);
    if (!valid_create_path(op.path, seq)) return {Code::kBadArguments, {}, {}};
    const std::string parent = parent_of(op.path);
    if (!nodes_.contains(parent)) return {Code::kNoNode, {}, {}};
    if (parent == "/zookeeper/config") return {Code::kNoAuth, {}, {}};
    const std::string path = op.path + (seq ? sequence_suffix(nodes_.at(parent).creates) : "");
    if (nodes_.contains(path)) return {Code::kNodeExists, {}, {}};
    if (nodes_.at(parent).owner != 0) return {Code::kNoChildrenForEphemerals, {}, {}};
    nodes_.at(parent).creates += 1;
    nodes_.at(parent).pzxid = zxid_;
    nodes_[path] = ModelNode{op.data, zxid_, zxid_, zxid_, 0, 0, is_ephemeral(op.mode) ? session : 0};
    events.push_back({EventType::kNodeCreated, path});
    events.push_back({EventType::kNodeChildrenChanged, parent});
    return {Code::kOk, path, stat(path)};
  }

  OpResult erase(const Delete& op, std::vector<TreeEvent>& events) {
    if (!valid_path(op.path) || reserved(op.path)) return {Code::kBadArguments, {}, {}};
    if (!nodes_.contains(op.path)) return {Code::kNoNode, {}, {}};
    if (!matches(op.version, nodes_.at(op.path).version)) return {Code::kBadVersion, {}, {}};
    if (!children(op.path).empty()) return {Code::kNotEmpty, {}, {}};
    remove(op.path, events);
    return {};
  }

  OpResult set(const SetData& op, std::vector<TreeEvent>& events) {
    if (!valid_path(op.path)) return {Code::kBadArguments, {}, {}};
    if (!nodes_.contains(op.path)) return {Code::kNoNode, {}, {}};
    if (op.path == "/zookeeper/config") return {Code::kNoAuth, {}, {}};
    ModelNode& n = nodes_.at(op.path);
    if (!matches(op.version, n.version)) return {Code::kBadVersion, {}, {}};
    n.data = op.data;
    n.version += 1;
    n.mzxid = zxid_;
    events.push_back({EventType::kNodeDataChanged, op.path});
    return {Code::kOk, {}, stat(op.path)};
  }

  void remove(const std::string& path, std::vector<TreeEvent>& events) {
    nodes_.erase(path);
    nodes_.at(parent_of(path)).pzxid = zxid_;
    events.push_back({EventType::kNodeDeleted, path});
    events.push_back({EventType::kNodeChildrenChanged, parent_of(path)});
  }

  std::map<std::string, ModelNode> nodes_;
  std::int64_t zxid_ = 0;
};

// ---- random operations ----

const std::vector<std::string> kPaths{
    "/", "/a", "/b",  "/a/b", "/a/c",  "/b/a",  "/a/b/c", "/zookeeper", "/zookeeper/config", "/zookeeper/quota/q",
    "",  "a",  "/a/", "//a",  "/a/..", "/a/s-", "/s"};

std::string gen_path(const Model& model) {
  if (*rc::gen::inRange(0, 3) == 0) return *rc::gen::elementOf(model.paths());
  return *rc::gen::elementOf(kPaths);
}

Version gen_version() {
  return *rc::gen::element(Version{kAnyVersion}, Version{kAnyVersion}, Version{0}, Version{1}, Version{2});
}

Op gen_op(const Model& model, bool allow_check) {
  switch (*rc::gen::inRange(0, allow_check ? 4 : 3)) {
    case 0: {
      const auto mode = *rc::gen::element(CreateMode::kPersistent, CreateMode::kEphemeral,
                                          CreateMode::kPersistentSequential, CreateMode::kEphemeralSequential);
      return Create{gen_path(model), *rc::gen::element(std::string(), std::string("x"), std::string("yy")), mode};
    }
    case 1:
      return Delete{gen_path(model), gen_version()};
    case 2:
      return SetData{gen_path(model), *rc::gen::element(std::string(), std::string("p"), std::string("qq")),
                     gen_version()};
    default:
      return Check{gen_path(model), gen_version()};
  }
}

void expect_same_state(const DataTree& tree, const Model& model) {
  RC_ASSERT(testing::dump(tree) == model.dump());
  RC_ASSERT(tree.last_zxid() == Zxid{model.zxid()});
  for (std::int64_t s = 1; s <= 3; ++s) RC_ASSERT(tree.ephemerals(SessionId{s}) == model.ephemerals(s));
  for (const auto& [path, node] : tree.nodes()) RC_ASSERT(tree.children(node) == model.children(path));
}

// One random step applied to both; results and change events must agree.
void step(DataTree& tree, Model& model) {
  const std::int64_t session = *rc::gen::inRange<std::int64_t>(1, 4);
  std::vector<TreeEvent> tree_events;
  std::vector<TreeEvent> model_events;
  switch (*rc::gen::inRange(0, 10)) {
    case 0: {
      tree.close_session(SessionId{session}, tree_events);
      model.close_session(session, model_events);
      break;
    }
    case 1:
    case 2: {
      std::vector<Op> ops;
      const int n = *rc::gen::inRange(0, 5);
      for (int i = 0; i < n; ++i) ops.push_back(gen_op(model, true));
      const MultiResult got = tree.multi(ops, SessionId{session}, tree_events);
      const MultiResult want = model.multi(ops, session, model_events);
      RC_ASSERT(got.code == want.code);
      RC_ASSERT(got.zxid == want.zxid);
      RC_ASSERT(got.results == want.results);
      break;
    }
    default: {
      const Op op = gen_op(model, false);
      const WriteResult got = tree.write(op, SessionId{session}, tree_events);
      RC_ASSERT(got.result == model.write(op, session, model_events));
      RC_ASSERT(got.zxid == Zxid{model.zxid()});
      break;
    }
  }
  RC_ASSERT(tree_events == model_events);
}

RC_GTEST_PROP(ZkTreeProperty, tree_matches_a_flat_map_model_on_random_writes, ()) {
  DataTree tree;
  Model model;
  expect_same_state(tree, model);
  // Not sized: early cases would otherwise hold only a step or two.
  const int steps = *rc::gen::resize(100, rc::gen::inRange(1, 80));
  for (int i = 0; i < steps; ++i) step(tree, model);
  expect_same_state(tree, model);
}

}  // namespace
}  // namespace fl::sim::zkserver
