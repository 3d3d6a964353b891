// Multi transactions (ZooKeeper Programmer's Guide, "Multi"; zookeeper.h zoo_multi):
// all ops succeed under one zxid or none is applied, and the per-op results say which
// one failed, as DataTree.processTxn reports them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/zookeeper/testing.hpp"
#include "sim/zookeeper/tree.hpp"

namespace fl::sim::zkserver {
namespace {

using testing::dump;

constexpr SessionId kS1{1};

std::vector<Code> codes(const MultiResult& r) {
  std::vector<Code> out;
  for (const OpResult& op : r.results) out.push_back(op.code);
  return out;
}

// /a (version 1, data "v1") with child /a/b, built outside the multi under test.
DataTree seeded() {
  DataTree tree(false);
  std::vector<TreeEvent> ignored;
  tree.write(Create{"/a", "v0"}, kS1, ignored);
  tree.write(SetData{"/a", "v1"}, kS1, ignored);
  tree.write(Create{"/a/b", ""}, kS1, ignored);
  return tree;
}

TEST(ZkMulti, all_ops_commit_under_one_zxid) {
  DataTree tree = seeded();
  std::vector<TreeEvent> events;
  const MultiResult r =
      tree.multi({Create{"/x", "1"}, SetData{"/a", "v2", 1}, Delete{"/a/b", 0}, Check{"/x", 0}}, kS1, events);
  ASSERT_EQ(r.code, Code::kOk);
  EXPECT_EQ(codes(r), (std::vector<Code>{Code::kOk, Code::kOk, Code::kOk, Code::kOk}));
  EXPECT_EQ(r.results[0].path, "/x");
  EXPECT_EQ(r.results[1].stat->version, 2);
  EXPECT_EQ(tree.stat(*tree.find("/x")).czxid, r.zxid);
  EXPECT_EQ(tree.stat(*tree.find("/a")).mzxid, r.zxid);
  EXPECT_EQ(tree.stat(*tree.find("/a")).pzxid, r.zxid);
  EXPECT_EQ(tree.last_zxid(), r.zxid);
  EXPECT_EQ(tree.find("/a/b"), nullptr);
}

TEST(ZkMulti, later_ops_see_the_effects_of_earlier_ones) {
  DataTree tree(false);
  std::vector<TreeEvent> events;
  const MultiResult r = tree.multi({Create{"/p", ""}, Create{"/p/q", ""}, SetData{"/p/q", "x", 0}, Check{"/p/q", 1},
                                    Delete{"/p/q", 1}, Create{"/p/s-", "", CreateMode::kPersistentSequential}},
                                   kS1, events);
  ASSERT_EQ(r.code, Code::kOk);
  EXPECT_EQ(r.results[5].path, "/p/s-0000000001");
  EXPECT_EQ(tree.children(*tree.find("/p")), (std::vector<std::string>{"s-0000000001"}));
}

TEST(ZkMulti, failure_leaves_the_tree_unchanged_and_reports_per_op_codes) {
  DataTree tree = seeded();
  const auto before = dump(tree);
  std::vector<TreeEvent> events;
  const MultiResult r =
      tree.multi({Create{"/x", ""}, SetData{"/a", "new"}, SetData{"/a", "stale", 1}, Delete{"/a/b"}, Create{"/y", ""}},
                 kS1, events);
  EXPECT_EQ(r.code, Code::kBadVersion);  // the second setData sees version 2
  EXPECT_EQ(codes(r), (std::vector<Code>{Code::kOk, Code::kOk, Code::kBadVersion, Code::kRuntimeInconsistency,
                                         Code::kRuntimeInconsistency}));
  for (const OpResult& op : r.results) {
    EXPECT_TRUE(op.path.empty());
    EXPECT_FALSE(op.stat.has_value());
  }
  EXPECT_EQ(dump(tree), before);
  EXPECT_TRUE(events.empty());
}

TEST(ZkMulti, failure_restores_deleted_nodes_and_sequence_counters) {
  DataTree tree = seeded();
  const auto before = dump(tree);
  std::vector<TreeEvent> events;
  const MultiResult r =
      tree.multi({Delete{"/a/b"}, Create{"/a/n-", "", CreateMode::kPersistentSequential},
                  Create{"/a/e", "", CreateMode::kEphemeral}, SetData{"/a/n-0000000001", "x"}, Check{"/nope"}},
                 kS1, events);
  EXPECT_EQ(r.code, Code::kNoNode);
  EXPECT_EQ(dump(tree), before);
  EXPECT_TRUE(tree.ephemerals(kS1).empty());
  // The counter was rolled back too (ZOOKEEPER-1624), so the next name is unchanged.
  EXPECT_EQ(tree.write(Create{"/a/n-", "", CreateMode::kPersistentSequential}, kS1, events).result.path,
            "/a/n-0000000001");
}

TEST(ZkMulti, failed_first_op_marks_the_rest_runtime_inconsistency) {
  DataTree tree = seeded();
  std::vector<TreeEvent> events;
  const MultiResult r = tree.multi({Check{"/a", 0}, Create{"/z", ""}}, kS1, events);
  EXPECT_EQ(r.code, Code::kBadVersion);
  EXPECT_EQ(codes(r), (std::vector<Code>{Code::kBadVersion, Code::kRuntimeInconsistency}));
  EXPECT_EQ(tree.find("/z"), nullptr);
}

TEST(ZkMulti, check_guards_the_transaction) {
  DataTree tree = seeded();
  std::vector<TreeEvent> events;
  EXPECT_EQ(tree.multi({Check{"/a", 1}, SetData{"/a", "ok"}}, kS1, events).code, Code::kOk);
  EXPECT_EQ(tree.find("/a")->data, "ok");
}

TEST(ZkMulti, failed_multi_still_consumes_one_zxid) {
  DataTree tree = seeded();
  const Zxid before = tree.last_zxid();
  std::vector<TreeEvent> events;
  const MultiResult r = tree.multi({Create{"/x", ""}, Create{"/x", ""}}, kS1, events);
  EXPECT_EQ(r.code, Code::kNodeExists);
  EXPECT_EQ(r.zxid, Zxid{before.value + 1});
  EXPECT_EQ(tree.last_zxid(), r.zxid);
}

TEST(ZkMulti, committed_multi_reports_changes_in_op_order) {
  DataTree tree = seeded();
  std::vector<TreeEvent> events;
  ASSERT_EQ(tree.multi({SetData{"/a", "x"}, Create{"/a/c", ""}}, kS1, events).code, Code::kOk);
  const std::vector<TreeEvent> expected{
      {EventType::kNodeDataChanged, "/a"}, {EventType::kNodeCreated, "/a/c"}, {EventType::kNodeChildrenChanged, "/a"}};
  EXPECT_EQ(events, expected);
}

TEST(ZkMulti, empty_multi_succeeds) {
  DataTree tree = seeded();
  std::vector<TreeEvent> events;
  const MultiResult r = tree.multi({}, kS1, events);
  EXPECT_EQ(r.code, Code::kOk);
  EXPECT_TRUE(r.results.empty());
}

}  // namespace
}  // namespace fl::sim::zkserver
