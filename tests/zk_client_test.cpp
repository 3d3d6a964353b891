// The replica-side ZooKeeper client (rsm/zookeeper/client.hpp) against the simulated
// service, wired back to back through ZkNode with no network in between
// (Programmer's Guide, "ZooKeeper Sessions", "ZooKeeper Watches").
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "rsm/zookeeper/client.hpp"
#include "sim/zookeeper/node.hpp"

namespace fl::sim::zkserver {
namespace {

namespace wire = fl::zookeeper;

constexpr std::uint32_t kTimer = 7;
const NodeId kServer(9);

// One client with its own Output and the time its timer is due.
struct Peer {
  explicit Peer(NodeId self, std::uint64_t connection = 1)
      : self(self), client(wire::ClientConfig{kServer, 1 * kSeconds, kTimer, wire::ConnectionId(connection)}) {}

  // Remembers the armed timer and hands back the messages to send.
  std::vector<std::pair<NodeId, MessagePtr>> take(Micros now) {
    for (const auto& t : out.timers) {
      if (t.timer == kTimer) timer_due = now + t.after_us;
    }
    auto messages = std::move(out.messages);
    out.clear();
    return messages;
  }

  NodeId self;
  wire::Client client;
  fl::Output out;
  std::optional<Micros> timer_due;
  std::vector<wire::ClientEvent> events;
};

// Delivers every queued request of every peer to the node at `now`, and the node's
// messages back to their peers, until nothing is left in flight.
void pump(ZkNode& node, std::vector<Peer*> peers, Micros now) {
  for (bool moved = true; moved;) {
    moved = false;
    for (Peer* p : peers) {
      for (auto& [to, message] : p->take(now)) {
        EXPECT_EQ(to, kServer);
        for (auto& [dest, reply] : node.on_message(p->self, *message, now).sends) {
          for (Peer* q : peers) {
            if (q->self != dest) continue;
            auto ev = q->client.on_message(*reply, now, q->out);
            q->events.insert(q->events.end(), ev.begin(), ev.end());
          }
        }
        moved = true;
      }
    }
  }
  for (Peer* p : peers) p->take(now);
}

// Fires the peer's timer if it is due by `now`.
void tick(Peer& p, Micros now) {
  if (!p.timer_due || *p.timer_due > now) return;
  p.timer_due.reset();
  auto ev = p.client.on_timer(now, p.out);
  p.events.insert(p.events.end(), ev.begin(), ev.end());
}

template <class T>
std::vector<T> only(const std::vector<wire::ClientEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events) {
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  }
  return out;
}

Peer connected(ZkNode& node, NodeId self, Micros now) {
  Peer p(self);
  p.client.start(now, p.out);
  pump(node, {&p}, now);
  return p;
}

TEST(ZkClient, session_opens_and_reports_connected) {
  ZkNode node;
  Peer p(NodeId(0));
  p.client.start(0, p.out);
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnecting);
  ASSERT_EQ(p.out.messages.size(), 1u);
  pump(node, {&p}, 0);
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnected);
  EXPECT_EQ(p.client.session(), wire::SessionId(1));
  EXPECT_EQ(p.client.timeout_us(), 1 * kSeconds);
  ASSERT_EQ(only<wire::SessionChange>(p.events).size(), 1u);
  EXPECT_EQ(only<wire::SessionChange>(p.events)[0].state, wire::SessionState::kConnected);
  EXPECT_TRUE(node.service().sessions().alive(SessionId(1)));
}

TEST(ZkClient, calls_before_the_session_are_queued_then_sent_in_order) {
  ZkNode node;
  Peer p(NodeId(0));
  p.client.start(0, p.out);
  const auto a = p.client.create("/a", "", wire::CreateMode::kPersistent, 0, p.out);
  const auto b = p.client.get("/a", false, 0, p.out);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(p.out.messages.size(), 1u);  // only the ConnectRequest so far
  pump(node, {&p}, 0);
  const auto done = only<wire::Completion>(p.events);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].xid, *a);
  EXPECT_EQ(done[0].reply.code, wire::Code::kOk);
  EXPECT_EQ(done[1].xid, *b);
  EXPECT_EQ(done[1].kind, wire::CallKind::kGetData);
  EXPECT_EQ(done[1].reply.code, wire::Code::kOk);
}

TEST(ZkClient, create_ephemeral_is_owned_by_the_session) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  const auto xid = p.client.create("/r0", "x", wire::CreateMode::kEphemeral, 10, p.out);
  ASSERT_TRUE(xid);
  pump(node, {&p}, 10);
  const auto done = only<wire::Completion>(p.events);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].xid, *xid);
  EXPECT_EQ(done[0].kind, wire::CallKind::kCreate);
  EXPECT_EQ(done[0].reply.code, wire::Code::kOk);
  EXPECT_EQ(done[0].reply.path, "/r0");
  const Znode* znode = node.service().tree().find("/r0");
  ASSERT_NE(znode, nullptr);
  EXPECT_EQ(znode->meta.ephemeral_owner, SessionId(1));
}

// ZooKeeper recipes, "Leader Election": followers watch the leader's ephemeral node.
TEST(ZkClient, watch_fires_after_delete) {
  ZkNode node;
  Peer leader = connected(node, NodeId(0), 0);
  Peer follower = connected(node, NodeId(1), 0);
  leader.client.create("/leader", "", wire::CreateMode::kEphemeral, 1, leader.out);
  pump(node, {&leader, &follower}, 1);
  follower.client.exists("/leader", true, 2, follower.out);
  pump(node, {&leader, &follower}, 2);
  EXPECT_TRUE(only<wire::WatchNotice>(follower.events).empty());
  leader.client.remove("/leader", wire::kAnyVersion, 3, leader.out);
  pump(node, {&leader, &follower}, 3);
  const auto fired = only<wire::WatchNotice>(follower.events);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].type, wire::EventType::kNodeDeleted);
  EXPECT_EQ(fired[0].path, "/leader");
}

// "What ZooKeeper Guarantees about Watches": a client sees the event before the
// reply of the change that fired it.
TEST(ZkClient, watch_event_precedes_the_reply_that_fired_it) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  p.client.create("/x", "", wire::CreateMode::kPersistent, 1, p.out);
  p.client.get("/x", true, 1, p.out);
  pump(node, {&p}, 1);
  p.events.clear();
  const auto xid = p.client.set("/x", "new", wire::kAnyVersion, 2, p.out);
  pump(node, {&p}, 2);
  ASSERT_EQ(p.events.size(), 2u);
  ASSERT_TRUE(std::holds_alternative<wire::WatchNotice>(p.events[0]));
  EXPECT_EQ(std::get<wire::WatchNotice>(p.events[0]).type, wire::EventType::kNodeDataChanged);
  ASSERT_TRUE(std::holds_alternative<wire::Completion>(p.events[1]));
  EXPECT_EQ(std::get<wire::Completion>(p.events[1]).xid, *xid);
}

TEST(ZkClient, pings_keep_an_idle_session_alive) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  p.client.create("/r0", "", wire::CreateMode::kEphemeral, 0, p.out);
  pump(node, {&p}, 0);
  int pings = 0;
  for (Micros now = 0; now <= 10 * kSeconds; now += 10 * kMillis) {
    tick(p, now);
    pings += static_cast<int>(p.out.messages.size());
    pump(node, {&p}, now);
    node.on_expiry_timer(now);
  }
  EXPECT_GE(pings, 25);  // one per timeout/3 of idleness
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnected);
  EXPECT_TRUE(node.service().sessions().alive(SessionId(1)));
  EXPECT_NE(node.service().tree().find("/r0"), nullptr);
}

// A client cut off from the server cannot know its session expired: it reports a
// lost connection, and EXPIRED only once the server tells it ("ZooKeeper Sessions").
TEST(ZkClient, without_pings_the_session_expires_and_the_client_hears_it_later) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  p.client.create("/r0", "", wire::CreateMode::kEphemeral, 0, p.out);
  pump(node, {&p}, 0);
  p.events.clear();
  // Nothing reaches the server for 2s: the client's messages are dropped.
  for (Micros now = 0; now <= 2 * kSeconds; now += 10 * kMillis) {
    tick(p, now);
    p.take(now);
    node.on_expiry_timer(now);
  }
  EXPECT_FALSE(node.service().sessions().alive(SessionId(1)));
  EXPECT_EQ(node.service().tree().find("/r0"), nullptr);
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnecting);  // lost, not yet known expired
  ASSERT_EQ(only<wire::SessionChange>(p.events).size(), 1u);
  // Called while no connection is up: queued until one is.
  const auto pending = p.client.get("/r0", false, 2 * kSeconds, p.out);
  ASSERT_TRUE(pending);
  EXPECT_TRUE(p.take(2 * kSeconds).empty());
  // The network is back: the next attempt to resume the session hears it expired.
  for (Micros now = 2 * kSeconds; now <= 3 * kSeconds && p.client.state() == wire::SessionState::kConnecting;
       now += 10 * kMillis) {
    tick(p, now);
    pump(node, {&p}, now);
  }
  EXPECT_EQ(p.client.state(), wire::SessionState::kExpired);
  const auto done = only<wire::Completion>(p.events);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].xid, *pending);
  EXPECT_EQ(done[0].reply.code, wire::Code::kSessionExpired);
  EXPECT_FALSE(p.client.get("/r0", false, 2 * kSeconds, p.out));  // ZINVALIDSTATE
}

TEST(ZkClient, a_lost_reply_fails_older_calls_with_connection_loss) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  const auto lost = p.client.create("/a", "", wire::CreateMode::kPersistent, 1, p.out);
  p.take(1);  // dropped on the way
  const auto kept = p.client.create("/b", "", wire::CreateMode::kPersistent, 1, p.out);
  pump(node, {&p}, 1);
  const auto done = only<wire::Completion>(p.events);
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].xid, *lost);
  EXPECT_EQ(done[0].reply.code, wire::Code::kConnectionLoss);
  EXPECT_EQ(done[1].xid, *kept);
  EXPECT_EQ(done[1].reply.code, wire::Code::kOk);
}

TEST(ZkClient, replies_for_another_connection_are_ignored) {
  ZkNode node;
  Peer old_incarnation = connected(node, NodeId(0), 0);
  Peer fresh(NodeId(0), 2);
  fresh.client.start(1, fresh.out);
  wire::ReplyMessage stale(wire::ConnectionId(1), wire::Xid(1), wire::Reply{});
  EXPECT_TRUE(fresh.client.on_message(stale, 1, fresh.out).empty());
  EXPECT_EQ(fresh.client.state(), wire::SessionState::kConnecting);
}

// ClientCnxn.primeConnection and DataTree.setWatches: a client whose connection broke
// resumes its session on a new one and sets its watches again, with the last zxid it
// saw, before anything else; the server fires at once the watch whose node changed
// meanwhile, so the notification the broken connection lost is not lost for good.
TEST(ZkClient, after_a_reset_the_session_resumes_and_the_missed_change_fires) {
  ZkNode node;
  Peer watcher = connected(node, NodeId(0), 0);
  Peer other = connected(node, NodeId(1), 0);
  watcher.client.exists("/leader", true, 1, watcher.out);
  watcher.client.create("/stable", "", wire::CreateMode::kPersistent, 1, watcher.out);
  watcher.client.get("/stable", true, 1, watcher.out);
  pump(node, {&watcher, &other}, 1);
  EXPECT_EQ(watcher.client.watches().exist, std::vector<std::string>{"/leader"});
  EXPECT_EQ(watcher.client.watches().data, std::vector<std::string>{"/stable"});
  watcher.events.clear();
  const wire::ConnectionId old = watcher.client.connection();
  // The connection breaks: the server drops its watches with it, so the creation of
  // /leader notifies nobody.
  node.on_disconnect(watcher.self, old);
  other.client.create("/leader", "1", wire::CreateMode::kEphemeral, 2, other.out);
  pump(node, {&watcher, &other}, 2);
  EXPECT_TRUE(only<wire::WatchNotice>(watcher.events).empty());
  auto ev = watcher.client.on_message(wire::ConnectionResetMessage(old), 3, watcher.out);
  watcher.events.insert(watcher.events.end(), ev.begin(), ev.end());
  EXPECT_EQ(watcher.client.state(), wire::SessionState::kConnecting);
  EXPECT_NE(watcher.client.connection(), old);
  // A call made while reconnecting waits for the new connection, behind SetWatches.
  const auto later = watcher.client.get("/stable", false, 3, watcher.out);
  ASSERT_TRUE(later);
  pump(node, {&watcher, &other}, 3);
  EXPECT_EQ(watcher.client.state(), wire::SessionState::kConnected);
  EXPECT_EQ(watcher.client.session(), wire::SessionId(1)) << "the same session, resumed";
  const auto fired = only<wire::WatchNotice>(watcher.events);
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].type, wire::EventType::kNodeCreated);
  EXPECT_EQ(fired[0].path, "/leader");
  EXPECT_TRUE(watcher.client.watches().exist.empty()) << "a watch that fired is forgotten";
  const auto done = only<wire::Completion>(watcher.events);
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].xid, *later);
  // The unchanged watch was set again on the server, over the new connection.
  EXPECT_TRUE(node.service().watches().has_data_watch(SessionId(1), "/stable"));
  watcher.events.clear();
  other.client.set("/stable", "x", wire::kAnyVersion, 4, other.out);
  pump(node, {&watcher, &other}, 4);
  ASSERT_EQ(only<wire::WatchNotice>(watcher.events).size(), 1u);
  EXPECT_EQ(only<wire::WatchNotice>(watcher.events)[0].type, wire::EventType::kNodeDataChanged);
}

// A reset of a connection the client already gave up on changes nothing.
TEST(ZkClient, a_reset_of_an_old_connection_is_ignored) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  const wire::ConnectionId first = p.client.connection();
  EXPECT_TRUE(p.client.on_message(wire::ConnectionResetMessage(wire::ConnectionId(first.value + 7)), 1, p.out).empty());
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnected);
  EXPECT_EQ(p.client.connection(), first);
}

// The C client's recv_timeout: silence for 2/3 of the timeout ends the connection;
// the client resumes the session on a new one while the session is still open.
TEST(ZkClient, a_silent_connection_is_given_up_and_the_session_resumed_on_a_new_one) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  const wire::ConnectionId first = p.client.connection();
  Micros now = 0;
  for (; now <= 1 * kSeconds; now += 10 * kMillis) {
    tick(p, now);
    if (p.client.state() != wire::SessionState::kConnected) break;
    p.take(now);  // the pings are lost
  }
  EXPECT_EQ(now, 670 * kMillis);
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnecting);
  EXPECT_NE(p.client.connection(), first);
  pump(node, {&p}, now);  // the new connection works, within the session timeout
  EXPECT_EQ(p.client.state(), wire::SessionState::kConnected);
  EXPECT_EQ(p.client.session(), wire::SessionId(1));
  EXPECT_EQ(only<wire::SessionChange>(p.events).size(), 3u);  // connected, connecting, connected
}

TEST(ZkClient, close_ends_the_session_and_its_ephemerals) {
  ZkNode node;
  Peer p = connected(node, NodeId(0), 0);
  p.client.create("/r0", "", wire::CreateMode::kEphemeral, 0, p.out);
  pump(node, {&p}, 0);
  const auto events = p.client.close(1, p.out);
  ASSERT_EQ(only<wire::SessionChange>(events).size(), 1u);
  EXPECT_EQ(p.client.state(), wire::SessionState::kClosed);
  pump(node, {&p}, 1);
  EXPECT_EQ(node.service().tree().find("/r0"), nullptr);
}

}  // namespace
}  // namespace fl::sim::zkserver
