// The service facade: sessions, ephemeral nodes and request handling (ZooKeeper
// Programmer's Guide, "ZooKeeper Sessions" and "Ephemeral Nodes"; zookeeper.h:
// zookeeper_init, zookeeper_close, ZSESSIONEXPIRED).
#include "sim/zookeeper/service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sim/zookeeper/testing.hpp"

namespace fl::sim::zkserver {
namespace {

using testing::call;
using testing::open_session;

constexpr Micros kTick = 100 * kMillis;

TEST(ZkService, open_session_negotiates_the_timeout) {
  ZkService zk;
  const Reply shortest = zk.handle(0, SessionId{0}, Connect{10 * kMillis, SessionId{0}, Zxid{}}).reply;
  EXPECT_EQ(shortest.code, Code::kOk);
  EXPECT_EQ(shortest.session, SessionId{1});
  EXPECT_EQ(shortest.timeout_us, 2 * kTick);
  EXPECT_EQ(shortest.zxid, Zxid{1});  // createSession is a transaction
  const Reply longest = zk.handle(0, SessionId{0}, Connect{3600 * kSeconds, SessionId{0}, Zxid{}}).reply;
  EXPECT_EQ(longest.session, SessionId{2});
  EXPECT_EQ(longest.timeout_us, 20 * kTick);
}

TEST(ZkService, ephemeral_nodes_vanish_when_the_session_expires) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  const SessionId other = open_session(zk, 0, 2 * kSeconds);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, s, Create{"/p", ""}).code, Code::kOk);
  EXPECT_TRUE(zk.expire_due(1099 * kMillis).sessions.empty());
  ASSERT_NE(zk.tree().find("/e"), nullptr);
  const Expiry expiry = zk.expire_due(1100 * kMillis);
  EXPECT_EQ(expiry.sessions, std::vector<SessionId>{s});
  EXPECT_EQ(zk.tree().find("/e"), nullptr);
  EXPECT_NE(zk.tree().find("/p"), nullptr);  // persistent nodes outlive their creator
  EXPECT_TRUE(zk.sessions().alive(other));
}

TEST(ZkService, ephemeral_nodes_vanish_at_once_on_close) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  ASSERT_EQ(call(zk, 0, s, Create{"/e-", "", CreateMode::kEphemeralSequential}).path, "/e-0000000000");
  const Reply closed = call(zk, 10, s, Close{});
  EXPECT_EQ(closed.code, Code::kOk);
  EXPECT_EQ(closed.zxid, zk.tree().last_zxid());
  EXPECT_EQ(zk.tree().find("/e-0000000000"), nullptr);
  EXPECT_FALSE(zk.sessions().alive(s));
}

TEST(ZkService, requests_keep_the_session_alive) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  for (Micros t = 500 * kMillis; t <= 5 * kSeconds; t += 500 * kMillis) {
    EXPECT_EQ(call(zk, t, s, Ping{}).code, Code::kOk) << t;
  }
  EXPECT_EQ(call(zk, 5 * kSeconds + 900 * kMillis, s, Exists{"/"}).code, Code::kOk);
  EXPECT_EQ(zk.next_expiry(), 7 * kSeconds);
}

TEST(ZkService, requests_on_an_expired_session_fail_with_session_expired) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  ASSERT_EQ(zk.expire_due(2 * kSeconds).sessions, std::vector<SessionId>{s});
  const Zxid before = zk.tree().last_zxid();
  const std::vector<Body> requests{Ping{},
                                   Close{},
                                   Create{"/x", ""},
                                   Delete{"/x"},
                                   SetData{"/x", ""},
                                   Exists{"/x", true},
                                   GetData{"/"},
                                   GetChildren{"/", true},
                                   Multi{}};
  for (const Body& request : requests) {
    EXPECT_EQ(call(zk, 2 * kSeconds, s, request).code, Code::kSessionExpired) << request.index();
  }
  EXPECT_EQ(zk.tree().last_zxid(), before);  // refused before any transaction
  EXPECT_EQ(zk.watches().size(), 0u);
  EXPECT_EQ(zk.tree().find("/x"), nullptr);
}

TEST(ZkService, requests_on_a_closed_or_unknown_session_fail) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  ASSERT_EQ(call(zk, 0, s, Close{}).code, Code::kOk);
  EXPECT_EQ(call(zk, 0, s, Ping{}).code, Code::kSessionExpired);
  EXPECT_EQ(call(zk, 0, SessionId{42}, Create{"/x", ""}).code, Code::kSessionExpired);
  EXPECT_EQ(call(zk, 0, SessionId{0}, Create{"/x", ""}).code, Code::kSessionExpired);
}

// The server's expirer runs at the deadline; a request arriving later cannot
// revive the session, whether or not the node called expire_due in between.
TEST(ZkService, late_request_cannot_revive_an_expired_session) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  const Output out = zk.handle(1100 * kMillis, s, Ping{});
  EXPECT_EQ(out.expired, std::vector<SessionId>{s});
  EXPECT_EQ(out.reply.code, Code::kSessionExpired);
  EXPECT_EQ(zk.tree().find("/e"), nullptr);
}

TEST(ZkService, write_responses_carry_path_stat_and_zxid) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  const Reply created = call(zk, 0, s, Create{"/jobs", "cfg"});
  EXPECT_EQ(created.code, Code::kOk);
  EXPECT_EQ(created.path, "/jobs");
  ASSERT_TRUE(created.stat.has_value());
  EXPECT_EQ(created.stat->czxid, created.zxid);
  const Reply set = call(zk, 0, s, SetData{"/jobs", "cfg2", 0});
  EXPECT_EQ(set.stat->version, 1);
  EXPECT_EQ(set.stat->mzxid, set.zxid);
  const Reply failed = call(zk, 0, s, SetData{"/jobs", "x", 0});
  EXPECT_EQ(failed.code, Code::kBadVersion);
  EXPECT_EQ(failed.zxid, Zxid{set.zxid.value + 1});  // an error transaction
  EXPECT_FALSE(failed.stat.has_value());
}

TEST(ZkService, reads_return_data_stat_and_children_in_no_particular_order) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  for (const std::string path : {"/app", "/app/b", "/app/a"})
    ASSERT_EQ(call(zk, 0, s, Create{path, "d"}).code, Code::kOk);
  const Reply got = call(zk, 0, s, GetData{"/app"});
  EXPECT_EQ(got.data, "d");
  EXPECT_EQ(got.stat->num_children, 2);
  EXPECT_EQ(got.zxid, zk.tree().last_zxid());
  // Children come in no particular order, as from ZooKeeper: compare them sorted.
  const auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(sorted(call(zk, 0, s, GetChildren{"/app"}).children), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(sorted(call(zk, 0, s, GetChildren{"/"}).children), (std::vector<std::string>{"app", "zookeeper"}));
  EXPECT_EQ(call(zk, 0, s, Exists{"/nope"}).code, Code::kNoNode);
  EXPECT_EQ(call(zk, 0, s, GetData{"/nope"}).code, Code::kNoNode);
  EXPECT_EQ(call(zk, 0, s, GetChildren{"/app/"}).code, Code::kBadArguments);
}

TEST(ZkService, multi_response_has_per_op_results) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  const Reply r = call(zk, 0, s, Multi{{Create{"/a", ""}, Create{"/a/e", "", CreateMode::kEphemeral}}});
  ASSERT_EQ(r.code, Code::kOk);
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[1].stat->ephemeral_owner, s);
  const Reply bad = call(zk, 0, s, Multi{{Delete{"/a/e"}, Delete{"/a", 5}}});
  EXPECT_EQ(bad.code, Code::kBadVersion);
  EXPECT_NE(zk.tree().find("/a/e"), nullptr);
}

TEST(ZkService, restart_keeps_nodes_and_sessions_but_loses_watches) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, s, Exists{"/e", true}).code, Code::kOk);
  ASSERT_EQ(zk.watches().size(), 1u);
  zk.restart(800 * kMillis, /*keep_sessions=*/true);
  EXPECT_EQ(zk.watches().size(), 0u);
  EXPECT_NE(zk.tree().find("/e"), nullptr);
  // The reloaded session's clock restarts, so it outlives its old deadline.
  EXPECT_TRUE(zk.expire_due(1500 * kMillis).sessions.empty());
  EXPECT_EQ(call(zk, 1500 * kMillis, s, Ping{}).code, Code::kOk);
}

TEST(ZkService, restart_without_sessions_removes_their_ephemerals) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  ASSERT_EQ(call(zk, 0, s, Create{"/p", ""}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  zk.restart(10, /*keep_sessions=*/false);
  EXPECT_EQ(zk.tree().find("/e"), nullptr);
  EXPECT_NE(zk.tree().find("/p"), nullptr);
  EXPECT_EQ(call(zk, 10, s, Ping{}).code, Code::kSessionExpired);
  EXPECT_EQ(open_session(zk, 10), SessionId{2});  // ids are not reused
}

// ZooKeeperServer.processConnectRequest: a ConnectRequest that names a session
// resumes it on the new connection if it is still open, and tells the client it
// expired otherwise; that reply is how a disconnected client learns of the expiry.
TEST(ZkService, reconnect_resumes_an_open_session_and_reports_an_expired_one) {
  ZkService zk;
  const SessionId s = open_session(zk, 0, 1 * kSeconds);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  const Zxid before = zk.tree().last_zxid();
  const Reply resumed = call(zk, 900 * kMillis, SessionId{0}, Connect{5 * kSeconds, s, Zxid{}});
  EXPECT_EQ(resumed.code, Code::kOk);
  EXPECT_EQ(resumed.session, s);
  EXPECT_EQ(resumed.timeout_us, 1 * kSeconds) << "the session keeps the timeout it was granted";
  EXPECT_EQ(zk.tree().last_zxid(), before) << "resuming is no transaction";
  EXPECT_TRUE(zk.expire_due(1500 * kMillis).sessions.empty()) << "resuming renews the session";
  ASSERT_FALSE(zk.expire_due(2100 * kMillis).sessions.empty());
  const Reply late = call(zk, 2200 * kMillis, SessionId{0}, Connect{1 * kSeconds, s, Zxid{}});
  EXPECT_EQ(late.code, Code::kSessionExpired);
  EXPECT_EQ(zk.tree().find("/e"), nullptr);
}

// ServerCnxn watches belong to the connection: when it closes they go, the session
// and its ephemerals stay.
TEST(ZkService, a_closed_connection_takes_its_watches_but_not_its_session) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  const SessionId other = open_session(zk, 0);
  ASSERT_EQ(call(zk, 0, s, Create{"/e", "", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, s, Exists{"/leader", true}).code, Code::kNoNode);
  ASSERT_TRUE(zk.watches().has_data_watch(s, "/leader"));
  zk.disconnect(s);
  EXPECT_FALSE(zk.watches().has_data_watch(s, "/leader"));
  EXPECT_TRUE(zk.sessions().alive(s));
  EXPECT_NE(zk.tree().find("/e"), nullptr);
  EXPECT_TRUE(testing::events_of(zk, 10, other, Create{"/leader", ""}).empty());
}

// DataTree.setWatches: each watch the client still holds fires at once if its node
// changed after the last zxid the client saw, and is set again otherwise.
TEST(ZkService, set_watches_fires_what_changed_since_the_clients_zxid_and_sets_the_rest) {
  ZkService zk;
  const SessionId s = open_session(zk, 0);
  const SessionId other = open_session(zk, 0);
  for (const char* path : {"/changed", "/same", "/deleted", "/parent", "/quiet"}) {
    ASSERT_EQ(call(zk, 0, other, Create{path, ""}).code, Code::kOk);
  }
  const Zxid seen = zk.tree().last_zxid();
  ASSERT_EQ(call(zk, 0, other, SetData{"/changed", "new"}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, other, Delete{"/deleted"}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, other, Create{"/born", ""}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, other, Create{"/parent/child", ""}).code, Code::kOk);
  SetWatches request{seen, {"/changed", "/same", "/deleted"}, {"/born", "/unborn"}, {"/parent", "/quiet"}};
  const Output out = zk.handle(10, s, request);
  EXPECT_EQ(out.reply.code, Code::kOk);
  EXPECT_EQ(out.events, (std::vector<WatchEvent>{{s, EventType::kNodeDataChanged, "/changed"},
                                                 {s, EventType::kNodeDeleted, "/deleted"},
                                                 {s, EventType::kNodeCreated, "/born"},
                                                 {s, EventType::kNodeChildrenChanged, "/parent"}}));
  EXPECT_TRUE(zk.watches().has_data_watch(s, "/same"));
  EXPECT_TRUE(zk.watches().has_data_watch(s, "/unborn"));
  EXPECT_TRUE(zk.watches().has_child_watch(s, "/quiet"));
  EXPECT_FALSE(zk.watches().has_data_watch(s, "/changed")) << "a watch that fired is not set again";
  EXPECT_EQ(zk.watches().size(), 3u);
  // The re-set watches work as if set by a read.
  EXPECT_EQ(testing::events_of(zk, 20, other, Create{"/unborn", ""}),
            (std::vector<WatchEvent>{{s, EventType::kNodeCreated, "/unborn"}}));
}

// ZooKeeper recipes, "Leader Election", as the zk protocol uses it: the leader holds
// an ephemeral /leader; a follower watching it learns when the leader's session
// dies and takes over.
TEST(ZkService, leader_handoff_through_ephemeral_node_and_exists_watch) {
  ZkService zk;
  const SessionId leader = open_session(zk, 0, 1 * kSeconds);
  const SessionId follower = open_session(zk, 0, 2 * kSeconds);
  ASSERT_EQ(call(zk, 0, leader, Create{"/leader", "r1", CreateMode::kEphemeral}).code, Code::kOk);
  ASSERT_EQ(call(zk, 0, follower, Create{"/leader", "r2", CreateMode::kEphemeral}).code, Code::kNodeExists);
  ASSERT_EQ(call(zk, 0, follower, Exists{"/leader", true}).code, Code::kOk);
  ASSERT_EQ(call(zk, 1 * kSeconds, follower, Ping{}).code, Code::kOk);  // the leader is partitioned
  const Expiry expiry = zk.expire_due(1100 * kMillis);
  EXPECT_EQ(expiry.sessions, std::vector<SessionId>{leader});
  EXPECT_EQ(expiry.events, (std::vector<WatchEvent>{{follower, EventType::kNodeDeleted, "/leader"}}));
  const Reply won = call(zk, 1200 * kMillis, follower, Create{"/leader", "r2", CreateMode::kEphemeral});
  EXPECT_EQ(won.code, Code::kOk);
  EXPECT_EQ(call(zk, 1200 * kMillis, leader, SetData{"/leader", "r1"}).code, Code::kSessionExpired);
}

}  // namespace
}  // namespace fl::sim::zkserver
