// HandledFacts: the typed facts of one request ZooKeeper handled, as the endpoint
// publishes them (ev::ZkHandled). A check reads these instead of the data tree, so
// they must say exactly what ZooKeeper committed.
#include "sim/zookeeper/handled.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rsm/coordinated/layout.hpp"
#include "sim/zookeeper/testing.hpp"

namespace fl::sim::zkserver {
namespace {

namespace wire = fl::zookeeper;

// One ZooKeeper service, each request published through HandledFacts.
struct Server {
  ZkService zk;
  HandledFacts facts;
  SessionId session = testing::open_session(zk, 0);
  std::int32_t xid = 0;

  // Handles `body` and hands its fact to `look` while it is valid.
  template <class Look>
  void handle(wire::Body body, Look&& look) {
    const wire::RequestMessage request(wire::ConnectionId(1), session, wire::Xid(++xid), std::move(body));
    const wire::ReplyMessage reply(request.connection, request.xid, testing::call(zk, 1, session, request.body));
    look(facts.of(NodeId(0), request, &reply, zk.tree()));
  }
  void handle(wire::Body body) {
    handle(std::move(body), [](const ev::ZkHandled&) {});
  }
};

std::string entry_of(int requests) {
  fl::coordinated::LogEntry entry{1, NodeId(0), {}};
  for (int i = 0; i < requests; ++i)
    entry.requests.push_back(Request{ClientId(9), RequestId(static_cast<std::uint64_t>(i + 1)), OpKind::kAppend, 1, i});
  return fl::coordinated::encode_entry(entry);
}

TEST(ZkHandledFacts, a_committed_multi_lists_its_writes_in_order_with_created_paths_and_versions) {
  Server s;
  s.handle(wire::Create{"/log", ""});
  s.handle(wire::Create{"/epoch", ""});
  wire::Multi multi;
  multi.ops.push_back(wire::Check{"/epoch", 0});
  multi.ops.push_back(wire::Create{std::string(fl::coordinated::kLogEntryPrefix), entry_of(3),
                                   wire::CreateMode::kPersistentSequential});
  multi.ops.push_back(wire::SetData{"/epoch", "x", wire::kAnyVersion});
  s.handle(std::move(multi), [](const ev::ZkHandled& e) {
    ASSERT_EQ(e.writes.size(), 2U);  // a check writes nothing
    EXPECT_EQ(e.writes[0].kind, WriteKind::kCreated);
    EXPECT_EQ(e.writes[0].path, "/log/e-0000000000");
    EXPECT_EQ(e.writes[0].version, 0);
    EXPECT_EQ(e.writes[1].kind, WriteKind::kSet);
    EXPECT_EQ(e.writes[1].path, "/epoch");
    EXPECT_EQ(e.writes[1].data, "x");
    EXPECT_EQ(e.writes[1].version, 1);
    ASSERT_NE(e.log, nullptr);
    EXPECT_EQ(e.log->requests_held, 3);
    ASSERT_EQ(e.log->entries.size(), 1U);
    EXPECT_EQ(e.log->entries[0].seq, 0);
    EXPECT_EQ(e.state.node("/epoch")->version, 1);
  });
}

TEST(ZkHandledFacts, a_failed_request_wrote_nothing_and_left_log_unmeasured) {
  Server s;
  s.handle(wire::Create{"/log", ""});
  s.handle(wire::Create{"/log/e-", entry_of(2), wire::CreateMode::kPersistentSequential});
  wire::Multi multi;
  multi.ops.push_back(wire::Create{"/log/e-", entry_of(2), wire::CreateMode::kPersistentSequential});
  multi.ops.push_back(wire::Check{"/epoch", 4});  // no /epoch: the multi fails
  s.handle(std::move(multi), [](const ev::ZkHandled& e) {
    EXPECT_TRUE(e.writes.empty());
    EXPECT_EQ(e.log, nullptr);
  });
}

TEST(ZkHandledFacts, deleting_a_log_entry_measures_what_log_still_holds) {
  Server s;
  s.handle(wire::Create{"/log", ""});
  s.handle(wire::Create{"/log/e-", entry_of(2), wire::CreateMode::kPersistentSequential});
  s.handle(wire::Create{"/log/e-", entry_of(5), wire::CreateMode::kPersistentSequential});
  s.handle(wire::Delete{"/log/e-0000000000", wire::kAnyVersion}, [](const ev::ZkHandled& e) {
    ASSERT_EQ(e.writes.size(), 1U);
    EXPECT_EQ(e.writes[0].kind, WriteKind::kDeleted);
    EXPECT_EQ(e.writes[0].path, "/log/e-0000000000");
    ASSERT_NE(e.log, nullptr);
    EXPECT_EQ(e.log->requests_held, 5);
    ASSERT_EQ(e.log->entries.size(), 1U);
    EXPECT_EQ(e.log->entries[0].seq, 1);
  });
  // A write elsewhere leaves /log unmeasured.
  s.handle(wire::Create{"/other", "y"}, [](const ev::ZkHandled& e) {
    ASSERT_EQ(e.writes.size(), 1U);
    EXPECT_EQ(e.log, nullptr);
    EXPECT_EQ(e.state.children("/log"), std::vector<std::string>{"e-0000000001"});
    EXPECT_FALSE(e.state.node("/missing").has_value());
  });
}

}  // namespace
}  // namespace fl::sim::zkserver
