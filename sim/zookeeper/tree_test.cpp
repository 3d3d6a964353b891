// The znode tree's single writes and reads, against the ZooKeeper Programmer's Guide
// ("The ZooKeeper Data Model": ZNodes, Ephemeral Nodes, Sequence Nodes, "ZooKeeper
// Stat Structure") and the error codes of the C client's zookeeper.h.
#include "sim/zookeeper/tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fl::sim::zkserver {
namespace {

constexpr SessionId kS1{1};
constexpr SessionId kS2{2};

// A tree without /zookeeper, so that the root starts empty.
struct Bare {
  DataTree tree{false};
  std::vector<TreeEvent> events;

  OpResult run(const Op& op, SessionId session = kS1) { return tree.write(op, session, events).result; }
  Code create(const std::string& path, CreateMode mode = CreateMode::kPersistent, SessionId s = kS1) {
    return run(Create{path, "", mode}, s).code;
  }
  std::string create_seq(const std::string& prefix) {
    return run(Create{prefix, "", CreateMode::kPersistentSequential}).path;
  }
  Stat stat(const std::string& path) const { return tree.stat(*tree.find(path)); }
  std::vector<std::string> children(const std::string& path) const { return tree.children(*tree.find(path)); }
};

TEST(ZkTree, fresh_tree_has_the_system_nodes_of_a_real_server) {
  DataTree tree;
  EXPECT_EQ(tree.children(*tree.find("/")), (std::vector<std::string>{"zookeeper"}));
  EXPECT_EQ(tree.children(*tree.find("/zookeeper")), (std::vector<std::string>{"config", "quota"}));
  // The system nodes are linked without a transaction, so the root's visible
  // cversion is 2*0 - 1, as `stat /` shows on a fresh ZooKeeper.
  EXPECT_EQ(tree.stat(*tree.find("/")).cversion, -1);
  EXPECT_EQ(tree.last_zxid(), Zxid{0});
}

// Programmer's Guide, "Sequence Nodes -- Unique Naming".
TEST(ZkTree, sequence_suffix_is_ten_digits_from_the_parent_counter) {
  Bare t;
  ASSERT_EQ(t.create("/q"), Code::kOk);
  EXPECT_EQ(t.create_seq("/q/n-"), "/q/n-0000000000");
  EXPECT_EQ(t.create_seq("/q/n-"), "/q/n-0000000001");
  EXPECT_EQ(t.create_seq("/q/other-"), "/q/other-0000000002");
}

TEST(ZkTree, sequence_counter_is_per_parent) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  ASSERT_EQ(t.create("/b"), Code::kOk);
  EXPECT_EQ(t.create_seq("/a/x"), "/a/x0000000000");
  EXPECT_EQ(t.create_seq("/b/x"), "/b/x0000000000");
  EXPECT_EQ(t.create_seq("/a/x"), "/a/x0000000001");
}

// The counter is the parent's count of child creations, so plain creates advance it.
TEST(ZkTree, plain_children_advance_the_sequence_counter) {
  Bare t;
  ASSERT_EQ(t.create("/q"), Code::kOk);
  ASSERT_EQ(t.create("/q/a"), Code::kOk);
  ASSERT_EQ(t.create("/q/b"), Code::kOk);
  EXPECT_EQ(t.create_seq("/q/c-"), "/q/c-0000000002");
}

TEST(ZkTree, sequence_keeps_increasing_after_deletions) {
  Bare t;
  ASSERT_EQ(t.create("/q"), Code::kOk);
  const std::string first = t.create_seq("/q/n");
  const std::string second = t.create_seq("/q/n");
  ASSERT_EQ(t.run(Delete{first}).code, Code::kOk);
  ASSERT_EQ(t.run(Delete{second}).code, Code::kOk);
  EXPECT_EQ(t.create_seq("/q/n"), "/q/n0000000002");  // never reuses 0 or 1
}

TEST(ZkTree, sequential_prefix_may_end_with_a_slash) {
  Bare t;
  ASSERT_EQ(t.create("/q"), Code::kOk);
  EXPECT_EQ(t.create_seq("/q/"), "/q/0000000000");
  EXPECT_EQ(t.create_seq("/"), "/0000000001");
}

// "ZooKeeper Stat Structure": cversion is the number of changes to the children.
TEST(ZkTree, visible_cversion_counts_creates_and_deletes) {
  Bare t;
  ASSERT_EQ(t.create("/p"), Code::kOk);
  ASSERT_EQ(t.create("/p/a"), Code::kOk);
  ASSERT_EQ(t.create("/p/b"), Code::kOk);
  const WriteResult del = t.tree.write(Delete{"/p/a"}, kS1, t.events);
  ASSERT_EQ(del.result.code, Code::kOk);
  const Stat s = t.stat("/p");
  EXPECT_EQ(s.cversion, 3);
  EXPECT_EQ(s.num_children, 1);
  EXPECT_EQ(s.pzxid, del.zxid);
}

TEST(ZkTree, create_stat_carries_the_transaction_zxid) {
  Bare t;
  const WriteResult w = t.tree.write(Create{"/a", "hello", CreateMode::kPersistent}, kS1, t.events);
  ASSERT_EQ(w.result.code, Code::kOk);
  ASSERT_TRUE(w.result.stat.has_value());
  EXPECT_EQ(w.result.stat->czxid, w.zxid);
  EXPECT_EQ(w.result.stat->mzxid, w.zxid);
  EXPECT_EQ(w.result.stat->pzxid, w.zxid);
  EXPECT_EQ(w.result.stat->version, 0);
  EXPECT_EQ(w.result.stat->data_length, 5);
  EXPECT_EQ(w.result.stat->ephemeral_owner, SessionId{0});
  EXPECT_EQ(t.tree.find("/a")->data, "hello");
}

// "Ephemeral Nodes": ephemeral znodes are not allowed to have children.
TEST(ZkTree, ephemeral_nodes_cannot_have_children) {
  Bare t;
  ASSERT_EQ(t.create("/e", CreateMode::kEphemeral), Code::kOk);
  EXPECT_EQ(t.stat("/e").ephemeral_owner, kS1);
  EXPECT_EQ(t.create("/e/child"), Code::kNoChildrenForEphemerals);
  EXPECT_EQ(t.create("/e/child", CreateMode::kEphemeral), Code::kNoChildrenForEphemerals);
  EXPECT_EQ(t.run(Create{"/e/s", "", CreateMode::kPersistentSequential}).code, Code::kNoChildrenForEphemerals);
  EXPECT_TRUE(t.tree.find("/e")->children.empty());
}

// zoo_set: ZBADVERSION if the expected version does not match; -1 matches any.
TEST(ZkTree, conditional_set_checks_the_version) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  EXPECT_EQ(t.run(SetData{"/a", "x", 1}).code, Code::kBadVersion);
  EXPECT_EQ(t.tree.find("/a")->data, "");
  const OpResult ok = t.run(SetData{"/a", "x", 0});
  ASSERT_EQ(ok.code, Code::kOk);
  EXPECT_EQ(ok.stat->version, 1);
  EXPECT_EQ(t.run(SetData{"/a", "y", 0}).code, Code::kBadVersion);
  EXPECT_EQ(t.run(SetData{"/a", "y", kAnyVersion}).code, Code::kOk);
  EXPECT_EQ(t.stat("/a").version, 2);
  EXPECT_EQ(t.tree.find("/a")->data, "y");
}

// zoo_delete: ZBADVERSION if the expected version does not match.
TEST(ZkTree, conditional_delete_checks_the_version) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  ASSERT_EQ(t.run(SetData{"/a", "x"}).code, Code::kOk);
  EXPECT_EQ(t.run(Delete{"/a", 0}).code, Code::kBadVersion);
  EXPECT_NE(t.tree.find("/a"), nullptr);
  EXPECT_EQ(t.run(Delete{"/a", 1}).code, Code::kOk);
  EXPECT_EQ(t.tree.find("/a"), nullptr);
}

// zoo_delete: ZNOTEMPTY, children may not be deleted implicitly.
TEST(ZkTree, delete_with_children_is_not_empty) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  ASSERT_EQ(t.create("/a/b"), Code::kOk);
  EXPECT_EQ(t.run(Delete{"/a"}).code, Code::kNotEmpty);
  ASSERT_EQ(t.run(Delete{"/a/b"}).code, Code::kOk);
  EXPECT_EQ(t.run(Delete{"/a"}).code, Code::kOk);
}

// PrepRequestProcessor checks the version before emptiness.
TEST(ZkTree, delete_reports_bad_version_before_not_empty) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  ASSERT_EQ(t.create("/a/b"), Code::kOk);
  EXPECT_EQ(t.run(Delete{"/a", 7}).code, Code::kBadVersion);
}

TEST(ZkTree, create_of_existing_node_is_node_exists) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  EXPECT_EQ(t.create("/a"), Code::kNodeExists);
  EXPECT_EQ(t.create("/a", CreateMode::kEphemeral), Code::kNodeExists);
  EXPECT_EQ(t.create("/"), Code::kNodeExists);
}

TEST(ZkTree, missing_parent_or_node_is_no_node) {
  Bare t;
  EXPECT_EQ(t.create("/a/b"), Code::kNoNode);
  EXPECT_EQ(t.run(Create{"/a/b", "", CreateMode::kPersistentSequential}).code, Code::kNoNode);
  EXPECT_EQ(t.run(Delete{"/a"}).code, Code::kNoNode);
  EXPECT_EQ(t.run(SetData{"/a", "x"}).code, Code::kNoNode);
  EXPECT_EQ(t.run(Check{"/a", 0}).code, Code::kNoNode);
}

TEST(ZkTree, invalid_paths_are_bad_arguments) {
  Bare t;
  for (const std::string path : {"", "a", "/a/", "//a", "/a/./b", "/.."}) {
    EXPECT_EQ(t.create(path), Code::kBadArguments) << path;
    EXPECT_EQ(t.run(Delete{path}).code, Code::kBadArguments) << path;
    EXPECT_EQ(t.run(SetData{path, "x"}).code, Code::kBadArguments) << path;
  }
}

// DataTree.isSpecialPath: the root and ZooKeeper's own nodes cannot be deleted, and
// /zookeeper/config is read-only to clients (ZOOKEEPER-2014).
TEST(ZkTree, reserved_nodes_are_protected) {
  DataTree tree;
  std::vector<TreeEvent> events;
  for (const std::string path : {"/", "/zookeeper", "/zookeeper/config", "/zookeeper/quota"}) {
    EXPECT_EQ(tree.write(Delete{path}, kS1, events).result.code, Code::kBadArguments) << path;
  }
  EXPECT_EQ(tree.write(SetData{"/zookeeper/config", "x"}, kS1, events).result.code, Code::kNoAuth);
  EXPECT_EQ(tree.write(Create{"/zookeeper/config/x", ""}, kS1, events).result.code, Code::kNoAuth);
  EXPECT_EQ(tree.write(Create{"/zookeeper/mine", ""}, kS1, events).result.code, Code::kOk);
}

// Every write request is a transaction, logged even when it fails.
TEST(ZkTree, every_write_consumes_a_zxid_even_when_it_fails) {
  Bare t;
  EXPECT_EQ(t.tree.write(Create{"/a", ""}, kS1, t.events).zxid, Zxid{1});
  EXPECT_EQ(t.tree.write(Create{"/a", ""}, kS1, t.events).zxid, Zxid{2});   // NodeExists
  EXPECT_EQ(t.tree.write(SetData{"/b", ""}, kS1, t.events).zxid, Zxid{3});  // NoNode
  EXPECT_EQ(t.tree.log_txn(), Zxid{4});
  EXPECT_EQ(t.tree.last_zxid(), Zxid{4});
  EXPECT_EQ(t.stat("/a").mzxid, Zxid{1});
}

TEST(ZkTree, writes_report_changes_in_datatree_trigger_order) {
  Bare t;
  ASSERT_EQ(t.create("/a"), Code::kOk);
  ASSERT_EQ(t.run(SetData{"/a", "x"}).code, Code::kOk);
  ASSERT_EQ(t.run(Delete{"/a"}).code, Code::kOk);
  ASSERT_EQ(t.create("/a"), Code::kOk);
  const std::vector<TreeEvent> expected{{EventType::kNodeCreated, "/a"},        {EventType::kNodeChildrenChanged, "/"},
                                        {EventType::kNodeDataChanged, "/a"},    {EventType::kNodeDeleted, "/a"},
                                        {EventType::kNodeChildrenChanged, "/"}, {EventType::kNodeCreated, "/a"},
                                        {EventType::kNodeChildrenChanged, "/"}};
  EXPECT_EQ(t.events, expected);
}

TEST(ZkTree, failed_writes_report_no_changes) {
  Bare t;
  EXPECT_EQ(t.create("/a/b"), Code::kNoNode);
  EXPECT_EQ(t.run(Delete{"/x"}).code, Code::kNoNode);
  EXPECT_TRUE(t.events.empty());
}

TEST(ZkTree, children_are_sorted) {
  Bare t;
  for (const std::string name : {"/c", "/a", "/b10", "/b2"}) ASSERT_EQ(t.create(name), Code::kOk);
  EXPECT_EQ(t.children("/"), (std::vector<std::string>{"a", "b10", "b2", "c"}));
}

TEST(ZkTree, close_session_deletes_only_that_sessions_ephemerals) {
  Bare t;
  ASSERT_EQ(t.create("/p"), Code::kOk);
  ASSERT_EQ(t.create("/p/e1", CreateMode::kEphemeral, kS1), Code::kOk);
  ASSERT_EQ(t.run(Create{"/p/e-", "", CreateMode::kEphemeralSequential}, kS1).code, Code::kOk);
  ASSERT_EQ(t.create("/p/e2", CreateMode::kEphemeral, kS2), Code::kOk);
  EXPECT_EQ(t.tree.ephemerals(kS1), (std::vector<std::string>{"/p/e-0000000001", "/p/e1"}));
  t.events.clear();
  const Zxid zxid = t.tree.close_session(kS1, t.events);
  EXPECT_EQ(t.children("/p"), (std::vector<std::string>{"e2"}));
  EXPECT_TRUE(t.tree.ephemerals(kS1).empty());
  EXPECT_EQ(t.stat("/p").pzxid, zxid);
  EXPECT_EQ(t.events.size(), 4u);  // NodeDeleted + NodeChildrenChanged per node
}

}  // namespace
}  // namespace fl::sim::zkserver
