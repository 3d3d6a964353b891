#include "sim/world.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "rsm/core/app_runner.hpp"
#include "rsm/core/assert.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::sim {
namespace {

NetworkParams params_from(const NetworkSpec& spec) {
  return NetworkParams{spec.latency_us, spec.jitter_us, spec.loss, spec.duplicate, spec.reorder, spec.reorder_delay_us};
}

std::vector<NodeId> resolve_targets(const std::vector<std::string>& names) {
  std::vector<NodeId> ids;
  // The parser has validated the names as "r<k>".
  for (const auto& name : names) ids.push_back(NodeId(static_cast<std::uint32_t>(std::stoul(name.substr(1)))));
  return ids;
}

// The "zk" protocol runs with a simulated ZooKeeper node on the network.
bool has_zk(const Scenario& scenario) { return is_zk_protocol(scenario.cluster.protocol); }

// The ZooKeeper server's one timer (session expiry).
constexpr std::uint32_t kServerTimer = 0;

}  // namespace

World::World(const Scenario& scenario, std::uint64_t seed, ReplicaFactory factory)
    : scenario_(scenario),
      seed_(seed),
      factory_(std::move(factory)),
      endpoints_{scenario.cluster.replicas, has_zk(scenario), scenario.workload.clients},
      nodes_(static_cast<std::size_t>(endpoints_.servers())),
      network_(endpoints_.servers(), params_from(scenario.network), Rng::stream(seed, "network")),
      streams_(endpoints_.servers()),
      workload_(scenario.workload, scenario.cluster.replicas, resolve_targets(scenario.workload.targets),
                Rng::stream(seed, "workload").next()) {
  FL_ASSERT(scenario.cluster.batch_size_max < kIndexSpan);
  if (auto zk = endpoints_.zookeeper()) {
    // The server is up from the start; its clients' sessions run on TCP connections.
    zk_.emplace(*zk, facts_);
    nodes_[zk->value].up = true;
    streams_.accept_on(*zk);
  }
  if (scenario.nemesis) {
    nemesis_.emplace(
        expand_nemesis(*scenario.nemesis, scenario.cluster.replicas, has_zk(scenario), scenario.duration_us, seed));
  }
}

World::~World() = default;

// GCC 12 at -O3 inlines the event queue's heap moves of the Event variant into this
// loop and reports its moved-from vectors as maybe-uninitialized: a false positive
// of GCC 12's flow analysis through std::variant, silent in clang and later GCCs.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
void World::run() {
  for (int r = 0; r < replicas(); ++r) restart(NodeId(static_cast<std::uint32_t>(r)), "boot");
  for (int c = 0; c < workload_.clients(); ++c) {
    const ClientId id(static_cast<std::uint32_t>(c));
    queue_.push(workload_.think_time(id), ClientWake{id});
  }
  for (std::size_t i = 0; i < scenario_.faults.size(); ++i) queue_.push(scenario_.faults[i].at_us, FaultFire{i});
  if (nemesis_) {
    const std::vector<Micros> times = nemesis_->times();
    for (std::size_t i = 0; i < times.size(); ++i) queue_.push(times[i], NemesisTick{i + 1 == times.size()});
  }
  queue_.push(scenario_.duration_us, StopIssuing{});
  const Micros end = scenario_.duration_us + scenario_.quiesce_us;
  while (!queue_.empty() && queue_.next_time() <= end) {
    Event event = queue_.pop();
    ++events_handled_;
    dispatch(event);
  }
  workload_.finish();
  publish(ev::Ended{end});
}
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 13
#pragma GCC diagnostic pop
#endif

void World::dispatch(Event& event) {
  std::visit([this](auto& e) { handle(e); }, event);
}

void World::step(NodeId id, const std::function<void(Replica&, Output&)>& input) {
  Node& node = nodes_[id.value];
  FL_ASSERT(node.up && node.replica);
  out_.clear();
  input(*node.replica, out_);
  // The app steps first, where the core used to call the app: they complete the
  // Output (checkpoint writes, replies, applies) before it is persisted.
  carry_out_app_steps(*node.replica, out_);
  execute(id, out_);
}

void World::execute(NodeId id, Output& out) {
  Node& node = nodes_[id.value];
  // Persist before send (the Output contract): writes and sync, then messages.
  if (!out.writes.empty() || out.sync) publish(ev::Persisting{id, out.writes, out.sync});
  for (auto& w : out.writes) node.disk.write(std::move(w));
  if (out.sync) node.disk.sync();
  for (auto& [to, message] : out.messages) send_peer(id, to, message);
  for (auto& reply : out.replies) {
    const NodeId to = client_address(reply.client);
    const Fate fate = network_.send(id, to);
    for (int i = 0; i < fate.copies; ++i) queue_.push(now() + fate.delays_us[i], DeliverReply{id, reply});
    const std::array<Micros, 2> arrivals = fate.arrivals(now());
    publish(ev::Replied{id, reply, to, std::span(arrivals).first(static_cast<std::size_t>(fate.copies))});
  }
  for (const auto& t : out.timers) {
    const std::uint64_t generation = ++node.timer_generation[t.timer];
    queue_.push(now() + std::max<Micros>(0, t.after_us), TimerFire{id, node.incarnation, t.timer, generation});
  }
  // Restores and applies in the order they happened.
  std::size_t restored = 0;
  for (std::size_t i = 0; i <= out.applied.size(); ++i) {
    for (; restored < out.restored.size() && out.restored[restored].first <= i; ++restored) {
      publish(ev::StateRestored{id, out.restored[restored].second});
    }
    if (i < out.applied.size()) publish(ev::Executed{id, out.applied[i]});
  }
  for (const auto& note : out.notes) publish(ev::Note{id, note});
  const std::int64_t held = std::max(node.replica->log_requests_held(), node.disk.weight());
  publish(ev::Stepped{id, *node.replica, held});
}

void World::send_peer(NodeId from, NodeId to, const MessagePtr& message) {
  if (streams_.is_stream(from, to)) {
    send_stream(from, to, message);
    return;
  }
  const Fate fate = network_.send(from, to);
  for (int i = 0; i < fate.copies; ++i) queue_.push(now() + fate.delays_us[i], DeliverPeer{from, to, message});
  publish_sent(from, to, *message, fate);
}

void World::publish_sent(NodeId from, NodeId to, const Message& message, const Fate& fate) {
  const std::array<Micros, 2> arrivals = fate.arrivals(now());
  publish(
      ev::Sent{from, to, message, std::span(arrivals).first(static_cast<std::size_t>(fate.copies)), fate.drop_reason});
}

// A ZooKeeper session runs over TCP (sim/net/stream.hpp): the stream link decides
// the message's fate, and a message it cannot deliver breaks the connection.
void World::send_stream(NodeId from, NodeId to, const MessagePtr& message) {
  const std::optional<zkserver::StreamFrame> frame = zkserver::stream_frame(*message);
  FL_ASSERT(frame.has_value(), "a message on a stream link outside a connection: " + message->describe());
  const Connection connection = streams_.connection(from, to, frame->connection);
  const StreamLinks::Sent sent = streams_.send(network_, connection, from, to, frame->opens, now());
  if (sent.fate.copies == 1) queue_.push(now() + sent.fate.delays_us[0], DeliverPeer{from, to, message});
  publish_sent(from, to, *message, sent.fate);
  if (sent.breaks) break_connection(connection, std::string(sent.fate.drop_reason));
}

void World::break_connection(const Connection& connection, const std::string& why) {
  const std::optional<BreakNotice> notice = streams_.break_connection(connection, now());
  if (!notice) return;
  publish(ev::ConnectionBroken{connection.client, fl::zookeeper::ConnectionId(connection.id), why});
  const MessagePtr reset = zkserver::connection_reset(connection.id);
  queue_.push(notice->client_at_us, DeliverPeer{connection.server, connection.client, reset});
  // Sent as from the server, so the timeline shows when the client learns.
  publish_sent(connection.server, connection.client, *reset, Fate{{}, 1, {notice->client_at_us - now(), 0}});
  queue_.push(notice->server_at_us, ServerNotice{connection});
}

// Breaks every open connection that has `end` as one of its ends.
void World::break_connections(NodeId end, const std::string& why) {
  for (const Connection& connection : streams_.open_connections(end)) break_connection(connection, why);
}

void World::send_request(const ClientSend& send) {
  const NodeId from = client_address(send.client);
  const Fate fate = network_.send(from, send.to);
  for (int i = 0; i < fate.copies; ++i) {
    queue_.push(now() + fate.delays_us[i], DeliverRequest{send.client, send.to, send.request});
  }
  const std::array<Micros, 2> arrivals = fate.arrivals(now());
  publish(ev::Called{send.client, from, send.to, send.request, send.attempt,
                     std::span(arrivals).first(static_cast<std::size_t>(fate.copies))});
  queue_.push(now() + workload_.timeout_us(), ClientTimeout{send.client, send.request.id, send.attempt});
}

template <class E>
bool World::hold_if_paused(NodeId id, E& event) {
  if (!nodes_[id.value].paused) return false;
  held_[id.value].push_back(std::move(event));
  return true;
}

void World::handle(DeliverPeer& e) {
  Node& node = nodes_[e.to.value];
  if (!node.up) {
    publish(ev::Undelivered{e.from, e.to, e.message.get(), "down"});
    if (const auto frame = zkserver::stream_frame(*e.message)) {
      const Connection connection = streams_.connection(e.from, e.to, frame->connection);
      break_connection(connection, connection.server == e.to ? "zk down" : "replica down");
    }
    return;
  }
  if (hold_if_paused(e.to, e)) return;
  publish(ev::Delivered{e.from, e.to, *e.message});
  if (node.replica) {
    step(e.to, [&](Replica& r, Output& out) { r.on_message(e.from, *e.message, now(), out); });
  } else {
    execute(e.to, zk_->on_message(e.from, *e.message, now()));
  }
}

void World::handle(DeliverRequest& e) {
  if (!nodes_[e.to.value].up) {
    publish(ev::Undelivered{client_address(e.client), e.to, nullptr, "down"});
    return;
  }
  if (hold_if_paused(e.to, e)) return;
  publish(ev::RequestArrived{e.client, e.to, e.request});
  step(e.to, [&](Replica& r, Output& out) { r.on_client_request(e.request, now(), out); });
}

void World::handle(DeliverReply& e) {
  const bool fresh = workload_.on_reply(e.reply, now());
  publish(ev::ReplyDelivered{e.from, e.reply, fresh});
  if (!fresh) return;  // stale or duplicate reply: no event for the client
  queue_.push(now() + workload_.think_time(e.reply.client), ClientWake{e.reply.client});
}

void World::handle(TimerFire& e) {
  Node& node = nodes_[e.node.value];
  if (!node.up || node.incarnation != e.incarnation) return;
  if (node.timer_generation[e.timer] != e.generation) return;  // re-armed since
  if (hold_if_paused(e.node, e)) return;
  if (!node.replica) {
    execute(e.node, zk_->on_timer(now()));
    return;
  }
  publish(ev::TimerFired{e.node, e.timer});
  step(e.node, [&](Replica& r, Output& out) { r.on_timer(e.timer, now(), out); });
}

void World::handle(ClientWake& e) {
  if (auto send = workload_.issue(e.client, now())) send_request(*send);
}

void World::handle(ClientTimeout& e) {
  const auto action = workload_.on_timeout(e.client, e.id, e.attempt);
  if (action.retry) {
    send_request(*action.retry);
  } else if (action.gave_up) {
    publish(ev::GaveUp{e.client, e.id});
    queue_.push(now() + workload_.think_time(e.client), ClientWake{e.client});
  }
}

void World::handle(FaultFire& e) {
  const TimedFault& fault = scenario_.faults[e.index];
  apply_fault(fault.action, fault.origin);
}

void World::handle(NemesisTick& e) {
  for (const auto& action : nemesis_->tick(e.last)) apply_fault(action, "nemesis");
}

void World::handle(StopIssuing&) {
  workload_.stop_issuing();
  publish(ev::StoppedIssuing{});
}

void World::handle(ServerNotice& e) {
  if (!nodes_[e.connection.server.value].up) return;  // a restarted server has no connections anyway
  zk_->on_disconnect(e.connection.client, e.connection.id, now());
}

void World::execute(NodeId id, const zkserver::Effects& effects) {
  for (const auto& [to, message] : effects.sends) send_peer(id, to, message);
  // One pending timer at the server's next deadline: re-arming cancels the last.
  Node& node = nodes_[id.value];
  const std::uint64_t generation = ++node.timer_generation[kServerTimer];
  if (effects.timer_at_us) {
    queue_.push(std::max(*effects.timer_at_us, now()), TimerFire{id, node.incarnation, kServerTimer, generation});
  }
}

}  // namespace fl::sim
