// The ZooKeeper node on the simulated network: a partition between a replica and
// ZooKeeper that outlasts the session timeout expires the session and deletes its
// ephemeral node; a shorter one does not (DESIGN.md, "Protocol cores are sans-IO";
// Programmer's Guide, "ZooKeeper Sessions").
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/app/testing.hpp"
#include "rsm/zookeeper/client.hpp"
#include "sim/invariants/invariant.hpp"
#include "sim/observe/trace.hpp"
#include "sim/observe/trace_writer.hpp"
#include "sim/world.hpp"

namespace fl::sim {
namespace {

namespace wire = fl::zookeeper;

constexpr std::uint32_t kZkTimer = 1;
constexpr Micros kSessionTimeout = 1 * kSeconds;

using fl::testing::NoApp;  // the test replica only talks to ZooKeeper

// Opens a session at boot and registers its ephemeral node "/r<k>" once connected,
// as a zk-protocol server does (DESIGN.md, "zk"), or makes the given creates
// instead. Records what its client reports.
class SessionReplica final : public Replica {
 public:
  SessionReplica(NodeId self, NodeId zk, std::vector<wire::Create> creates = {})
      : self_(self), zk_(zk), creates_(std::move(creates)) {
    if (creates_.empty()) creates_.push_back(wire::Create{"/" + replica_name(self_), "", wire::CreateMode::kEphemeral});
  }

  void start(const DiskImage&, Micros now, Output& out) override {
    client_.emplace(
        wire::ClientConfig{zk_, kSessionTimeout, kZkTimer, wire::ConnectionId(static_cast<std::uint64_t>(now) + 1)});
    client_->start(now, out);
  }
  void on_message(NodeId, const Message& message, Micros now, Output& out) override {
    react(client_->on_message(message, now, out), now, out);
  }
  void on_timer(std::uint32_t timer, Micros now, Output& out) override {
    if (timer == kZkTimer) react(client_->on_timer(now, out), now, out);
  }
  void on_client_request(const Request&, Micros, Output&) override {}
  std::optional<std::uint64_t> leader_epoch() const override { return std::nullopt; }
  std::int64_t log_requests_held() const override { return 0; }
  Replicable& app() override { return app_; }

  const wire::Client& client() const { return *client_; }
  std::vector<wire::SessionState> states;
  bool registered = false;

 private:
  void react(const std::vector<wire::ClientEvent>& events, Micros now, Output& out) {
    for (const auto& e : events) {
      if (const auto* change = std::get_if<wire::SessionChange>(&e)) {
        states.push_back(change->state);
        out.notes.push_back(std::string("zk session ") + wire::state_name(change->state));
        if (change->state == wire::SessionState::kConnected && !asked_) {
          asked_ = true;
          for (const wire::Create& c : creates_) client_->create(c.path, c.data, c.mode, now, out);
        }
      } else if (const auto* done = std::get_if<wire::Completion>(&e)) {
        if (done->kind == wire::CallKind::kCreate && done->reply.code == wire::Code::kOk) registered = true;
      }
    }
  }

  NodeId self_;
  NodeId zk_;
  std::vector<wire::Create> creates_;
  std::optional<wire::Client> client_;
  bool asked_ = false;
  NoApp app_;
};

Scenario zk_scenario(Micros heal_at_us) {
  Scenario s;
  s.name = "zk-session";
  s.cluster.replicas = 2;
  s.cluster.protocol = "zk";
  s.workload.clients = 0;
  s.duration_us = 5 * kSeconds;
  s.quiesce_us = 1 * kSeconds;
  s.faults.push_back(TimedFault{1 * kSeconds, Partition{{{"r0"}, {"zk"}}}, "faults[0]"});
  s.faults.push_back(TimedFault{heal_at_us, Heal{}, "faults[1]"});
  return s;
}

struct Outcome {
  bool r0_node = false, r1_node = false;
  wire::ConnectionId r0_connection;  // at the end; the first one is 1
  wire::SessionId r0_session;        // the client's
  wire::SessionId r0_owner;          // the owner of /r0, if it exists
  std::vector<wire::SessionState> r0_states, r1_states;
  std::uint64_t hash = 0;
};

Outcome run(Micros heal_at_us, std::uint64_t seed = 1) {
  const Scenario scenario = zk_scenario(heal_at_us);
  Trace trace;
  const NodeId zk(static_cast<std::uint32_t>(scenario.cluster.replicas));
  World world(scenario, seed, [zk](NodeId id) { return std::make_unique<SessionReplica>(id, zk); });
  TraceWriter writer(trace, world.endpoints());
  world.subscribe(&writer);
  world.run();
  EXPECT_EQ(world.zk_address(), zk);
  EXPECT_EQ(world.node_name(zk), "zk");
  Outcome o;
  o.r0_node = world.zk_service()->tree().find("/r0") != nullptr;
  o.r1_node = world.zk_service()->tree().find("/r1") != nullptr;
  auto& r0 = dynamic_cast<SessionReplica&>(*world.replica(NodeId(0)));
  auto& r1 = dynamic_cast<SessionReplica&>(*world.replica(NodeId(1)));
  EXPECT_TRUE(r0.registered);
  EXPECT_TRUE(r1.registered);
  o.r0_states = r0.states;
  o.r0_connection = r0.client().connection();
  o.r0_session = r0.client().session();
  if (const auto* node = world.zk_service()->tree().find("/r0")) o.r0_owner = node->meta.ephemeral_owner;
  o.r1_states = r1.states;
  o.hash = trace.hash();
  return o;
}

using S = wire::SessionState;

TEST(WorldZk, short_partition_from_zk_keeps_the_session) {
  const Outcome o = run(1 * kSeconds + 300 * kMillis);
  EXPECT_TRUE(o.r0_node);
  EXPECT_TRUE(o.r1_node);
  // The client may presume the connection lost (2/3 of the timeout since it last
  // heard from the server), but the session survives and it reconnects to it.
  EXPECT_EQ(std::count(o.r0_states.begin(), o.r0_states.end(), S::kExpired), 0);
  ASSERT_FALSE(o.r0_states.empty());
  EXPECT_EQ(o.r0_states.back(), S::kConnected);
  EXPECT_EQ(o.r1_states, (std::vector<S>{S::kConnected}));
  // Its pings broke the connection; it resumed the same session on a new one.
  EXPECT_NE(o.r0_connection, wire::ConnectionId(1));
  EXPECT_EQ(o.r0_session, o.r0_owner);
}

TEST(WorldZk, partition_from_zk_longer_than_the_timeout_expires_the_session) {
  const Outcome o = run(3 * kSeconds);
  EXPECT_FALSE(o.r0_node);  // its ephemeral node went with the session
  EXPECT_TRUE(o.r1_node);   // the other replica was never cut off
  // Connection lost during the partition; EXPIRED only once the healed network let
  // the server say so.
  EXPECT_EQ(o.r0_states, (std::vector<S>{S::kConnected, S::kConnecting, S::kExpired}));
  EXPECT_EQ(o.r1_states, (std::vector<S>{S::kConnected}));
}

TEST(WorldZk, partition_between_replicas_only_leaves_zk_sessions_alone) {
  Scenario scenario = zk_scenario(3 * kSeconds);
  scenario.faults[0].action = Partition{{{"r0"}, {"r1"}}};
  Trace trace;
  const NodeId zk(2);
  World world(scenario, 1, [zk](NodeId id) { return std::make_unique<SessionReplica>(id, zk); });
  TraceWriter writer(trace, world.endpoints());
  world.subscribe(&writer);
  world.run();
  EXPECT_NE(world.zk_service()->tree().find("/r0"), nullptr);
  EXPECT_NE(world.zk_service()->tree().find("/r1"), nullptr);
}

TEST(WorldZk, star_includes_zk_so_an_isolated_replica_loses_its_session) {
  Scenario scenario = zk_scenario(3 * kSeconds);
  scenario.faults[0].action = Partition{{{"r0"}, {"*"}}};
  Trace trace;
  const NodeId zk(2);
  World world(scenario, 1, [zk](NodeId id) { return std::make_unique<SessionReplica>(id, zk); });
  TraceWriter writer(trace, world.endpoints());
  world.subscribe(&writer);
  world.run();
  EXPECT_EQ(world.zk_service()->tree().find("/r0"), nullptr);
  EXPECT_NE(world.zk_service()->tree().find("/r1"), nullptr);
}

// The per-epoch invariant counts every create under /log that ZooKeeper accepts, a
// plain one as much as one inside a multi: two sessions that each append to /log
// without any epoch between them are two writers in one epoch.
TEST(WorldZk, plain_creates_under_log_from_two_sessions_break_one_writer_per_epoch) {
  Scenario scenario = zk_scenario(3 * kSeconds);
  scenario.faults.clear();
  Trace trace;
  const NodeId zk(2);
  const std::vector<wire::Create> creates{{"/log", "", wire::CreateMode::kPersistent},
                                          {"/log/e-", "", wire::CreateMode::kPersistentSequential}};
  World world(scenario, 1, [&](NodeId id) { return std::make_unique<SessionReplica>(id, zk, creates); });
  TraceWriter writer(trace, world.endpoints());
  world.subscribe(&writer);
  const auto invariant = make_one_writer_per_epoch();
  world.subscribe(invariant.get());
  world.run();
  ASSERT_EQ(world.zk_service()->tree().find("/log")->children.size(), 2u);
  EXPECT_EQ(invariant->judged(), 2u);
  ASSERT_TRUE(invariant->violation().has_value());
  EXPECT_NE(invariant->violation()->evidence.find("both had ordering writes accepted"), std::string::npos);
}

// A ZooKeeper restart breaks every connection (the old process is gone); clients
// resume their sessions, which the server kept, on new ones.
TEST(WorldZk, zookeeper_restart_breaks_every_connection_and_sessions_resume) {
  Scenario scenario = zk_scenario(3 * kSeconds);
  scenario.faults = {TimedFault{1 * kSeconds, Crash{{"zk"}}, "faults[0]"},
                     TimedFault{1100 * kMillis, Restart{{"zk"}}, "faults[1]"}};
  Trace trace;
  const NodeId zk(2);
  World world(scenario, 1, [zk](NodeId id) { return std::make_unique<SessionReplica>(id, zk); });
  TraceWriter writer(trace, world.endpoints());
  world.subscribe(&writer);
  world.run();
  for (std::uint32_t r = 0; r < 2; ++r) {
    const auto& replica = dynamic_cast<SessionReplica&>(*world.replica(NodeId(r)));
    EXPECT_NE(replica.client().connection(), wire::ConnectionId(1)) << "r" << r;
    EXPECT_EQ(replica.client().state(), S::kConnected) << "r" << r;
    const auto* node = world.zk_service()->tree().find("/r" + std::to_string(r));
    ASSERT_NE(node, nullptr) << "r" << r;
    EXPECT_EQ(node->meta.ephemeral_owner, replica.client().session()) << "the same session, resumed";
    EXPECT_EQ(std::count(replica.states.begin(), replica.states.end(), S::kExpired), 0);
  }
}

TEST(WorldZk, same_seed_same_trace) { EXPECT_EQ(run(3 * kSeconds, 7).hash, run(3 * kSeconds, 7).hash); }

}  // namespace
}  // namespace fl::sim
