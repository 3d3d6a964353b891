// Watch semantics through the service (ZooKeeper Programmer's Guide, "ZooKeeper
// Watches": one-time triggers; data watches from exists and getData, child watches
// from getChildren; "What ZooKeeper Guarantees about Watches": ordered delivery).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/zookeeper/service.hpp"
#include "sim/zookeeper/testing.hpp"

namespace fl::sim::zkserver {
namespace {

using testing::call;
using testing::events_of;
using testing::open_session;

using Events = std::vector<WatchEvent>;

// A service with two live sessions and a persistent /a.
struct Fixture {
  ZkService zk;
  SessionId s1 = open_session(zk, 0);
  SessionId s2 = open_session(zk, 0);

  Fixture() { EXPECT_EQ(call(zk, 0, s1, Create{"/a", "0"}).code, Code::kOk); }
  Events run(SessionId s, const Body& r) { return events_of(zk, 0, s, r); }
};

// "Watches are one time triggers": a second change fires nothing until re-set.
TEST(ZkWatches, data_watch_fires_once_and_must_be_set_again) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, SetData{"/a", "1"}), (Events{{f.s1, EventType::kNodeDataChanged, "/a"}}));
  EXPECT_TRUE(f.run(f.s2, SetData{"/a", "2"}).empty());
  ASSERT_EQ(call(f.zk, 0, f.s1, Exists{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, SetData{"/a", "3"}), (Events{{f.s1, EventType::kNodeDataChanged, "/a"}}));
}

TEST(ZkWatches, setting_the_same_watch_twice_fires_once) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s1, Exists{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, SetData{"/a", "1"}).size(), 1u);
}

TEST(ZkWatches, exists_watch_on_a_missing_node_fires_on_create) {
  Fixture f;
  EXPECT_EQ(call(f.zk, 0, f.s1, Exists{"/b", true}).code, Code::kNoNode);
  EXPECT_EQ(f.run(f.s2, Create{"/b", ""}), (Events{{f.s1, EventType::kNodeCreated, "/b"}}));
}

TEST(ZkWatches, get_data_on_a_missing_node_sets_no_watch) {
  Fixture f;
  EXPECT_EQ(call(f.zk, 0, f.s1, GetData{"/b", true}).code, Code::kNoNode);
  EXPECT_EQ(call(f.zk, 0, f.s1, GetChildren{"/b", true}).code, Code::kNoNode);
  EXPECT_TRUE(f.run(f.s2, Create{"/b", ""}).empty());
  EXPECT_EQ(f.zk.watches().size(), 0u);
}

TEST(ZkWatches, child_watch_fires_on_child_create_and_delete) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, Create{"/a/x", ""}), (Events{{f.s1, EventType::kNodeChildrenChanged, "/a"}}));
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, Delete{"/a/x"}), (Events{{f.s1, EventType::kNodeChildrenChanged, "/a"}}));
}

TEST(ZkWatches, child_watch_ignores_data_changes) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, Create{"/a/x", ""}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_TRUE(f.run(f.s2, SetData{"/a", "1"}).empty());
  EXPECT_TRUE(f.run(f.s2, SetData{"/a/x", "1"}).empty());
  EXPECT_TRUE(f.zk.watches().has_child_watch(f.s1, "/a"));
}

// DataTree.deleteNode fires data and child watches on the deleted node, telling a
// session that holds both only once.
TEST(ZkWatches, delete_fires_data_and_child_watches_once_per_session) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s2, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s2, Delete{"/a"}),
            (Events{{f.s1, EventType::kNodeDeleted, "/a"}, {f.s2, EventType::kNodeDeleted, "/a"}}));
  EXPECT_EQ(f.zk.watches().size(), 0u);
}

// "Watches are ordered with respect to other events": notifications come in the
// order of the updates that caused them, within a multi and across requests.
TEST(ZkWatches, notifications_follow_the_order_of_updates) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, Exists{"/b", true}).code, Code::kNoNode);
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s2, GetChildren{"/a", true}).code, Code::kOk);
  const Events multi = f.run(f.s2, Multi{{SetData{"/a", "1"}, Create{"/b", ""}, Create{"/a/c", ""}}});
  EXPECT_EQ(multi, (Events{{f.s1, EventType::kNodeDataChanged, "/a"},
                           {f.s1, EventType::kNodeCreated, "/b"},
                           {f.s1, EventType::kNodeChildrenChanged, "/"},
                           {f.s2, EventType::kNodeChildrenChanged, "/a"}}));
  ASSERT_EQ(call(f.zk, 0, f.s1, Exists{"/b", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s2, Exists{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s1, Delete{"/b"}), (Events{{f.s1, EventType::kNodeDeleted, "/b"}}));
  EXPECT_EQ(f.run(f.s1, SetData{"/a", "2"}), (Events{{f.s2, EventType::kNodeDataChanged, "/a"}}));
}

TEST(ZkWatches, one_change_notifies_sessions_in_id_order) {
  Fixture f;
  const SessionId s3 = open_session(f.zk, 0);
  for (const SessionId s : {s3, f.s1, f.s2}) ASSERT_EQ(call(f.zk, 0, s, Exists{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s1, SetData{"/a", "1"}), (Events{{f.s1, EventType::kNodeDataChanged, "/a"},
                                                     {f.s2, EventType::kNodeDataChanged, "/a"},
                                                     {s3, EventType::kNodeDataChanged, "/a"}}));
}

TEST(ZkWatches, failed_writes_fire_nothing) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s1, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_TRUE(f.run(f.s2, SetData{"/a", "1", 9}).empty());
  EXPECT_TRUE(f.run(f.s2, Multi{{Create{"/a/x", ""}, Delete{"/a", 9}}}).empty());
  EXPECT_EQ(f.zk.watches().size(), 2u);
}

TEST(ZkWatches, ephemeral_deletion_on_close_notifies_watchers) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, Create{"/a/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s2, Exists{"/a/e", true}).code, Code::kOk);
  ASSERT_EQ(call(f.zk, 0, f.s2, GetChildren{"/a", true}).code, Code::kOk);
  EXPECT_EQ(f.run(f.s1, Close{}),
            (Events{{f.s2, EventType::kNodeDeleted, "/a/e"}, {f.s2, EventType::kNodeChildrenChanged, "/a"}}));
}

TEST(ZkWatches, watches_of_an_expired_session_are_dropped) {
  ZkService zk;
  const SessionId watcher = open_session(zk, 0, 1 * kSeconds);
  const SessionId writer = open_session(zk, 0, 10 * kSeconds);
  ASSERT_EQ(call(zk, 0, writer, Create{"/a", ""}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, watcher, GetData{"/a", true}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, watcher, Exists{"/missing", true}).code, Code::kNoNode);
  ASSERT_EQ(zk.watches().size(), 2u);
  ASSERT_EQ(zk.expire_due(2 * kSeconds).sessions, std::vector<SessionId>{watcher});
  EXPECT_EQ(zk.watches().size(), 0u);
  EXPECT_TRUE(events_of(zk, 2 * kSeconds, writer, SetData{"/a", "x"}).empty());
  EXPECT_TRUE(events_of(zk, 2 * kSeconds, writer, Create{"/missing", ""}).empty());
}

// Sessions expiring together are forgotten before any of their ephemerals go, so
// none is told about the others' nodes.
TEST(ZkWatches, sessions_expiring_together_are_not_notified_of_each_other) {
  ZkService zk;
  const SessionId a = open_session(zk, 0, 1 * kSeconds);
  const SessionId b = open_session(zk, 0, 1 * kSeconds);
  const SessionId c = open_session(zk, 0, 10 * kSeconds);
  ASSERT_EQ(call(zk, 0, a, Create{"/ea", "", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, b, Exists{"/ea", true}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, c, Exists{"/ea", true}).code, Code::kOk);
  const Expiry expiry = zk.expire_due(1100 * kMillis);
  EXPECT_EQ(expiry.sessions, (std::vector<SessionId>{a, b}));
  EXPECT_EQ(expiry.events, (Events{{c, EventType::kNodeDeleted, "/ea"}}));
}

TEST(ZkWatches, restart_loses_all_watches) {
  Fixture f;
  ASSERT_EQ(call(f.zk, 0, f.s1, GetData{"/a", true}).code, Code::kOk);
  f.zk.restart(0, /*keep_sessions=*/true);
  EXPECT_TRUE(f.run(f.s2, SetData{"/a", "1"}).empty());
}

}  // namespace
}  // namespace fl::sim::zkserver
