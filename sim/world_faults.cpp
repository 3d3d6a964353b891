// Fault injection for the World: resolving node names and applying crashes,
// restarts, partitions, cuts, heals and network changes.
#include <algorithm>
#include <set>

#include "rsm/core/assert.hpp"
#include "sim/world.hpp"

namespace fl::sim {

std::string World::join(const std::vector<NodeId>& ids) const {
  std::string s = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? "," : "") + node_name(ids[i]);
  return s + "]";
}

// A concrete node name: "r<k>", or "zk" when the run has a ZooKeeper node (in a run
// without one, "zk" names nothing).
std::optional<std::uint32_t> World::named_id(const std::string& name) const {
  if (name == "zk") {
    if (auto zk = endpoints_.zookeeper()) return zk->value;
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(std::stoul(name.substr(1)));
}

std::optional<NodeId> World::current_leader() const {
  std::optional<NodeId> best;
  std::uint64_t best_epoch = 0;
  for (std::uint32_t r = 0; r < static_cast<std::uint32_t>(replicas()); ++r) {
    const Node& node = nodes_[r];
    if (!node.up) continue;
    auto epoch = node.replica->leader_epoch();
    if (epoch && (!best || *epoch > best_epoch)) {
      best = NodeId(r);
      best_epoch = *epoch;
    }
  }
  return best;
}

// Resolves sets[which]; "*" means every replica (and the ZooKeeper node, if any)
// named in no other set of the fault.
std::vector<NodeId> World::resolve(const std::vector<NodeSet>& sets, std::size_t which) {
  auto named = [&](const NodeSet& set) {
    std::set<std::uint32_t> out;
    for (const auto& name : set) {
      if (name == "leader") {
        if (auto leader = current_leader()) out.insert(leader->value);
      } else if (name == "*") {
        std::set<std::uint32_t> others;
        for (std::size_t j = 0; j < sets.size(); ++j) {
          if (j == which) continue;
          for (const auto& other_name : sets[j]) {
            if (other_name == "*") continue;
            if (other_name == "leader") {
              if (auto leader = current_leader()) others.insert(leader->value);
            } else if (auto id = named_id(other_name)) {
              others.insert(*id);
            }
          }
        }
        for (std::uint32_t r = 0; r < static_cast<std::uint32_t>(endpoints_.servers()); ++r) {
          if (!others.contains(r)) out.insert(r);
        }
      } else if (auto id = named_id(name)) {
        out.insert(*id);
      }
    }
    return out;
  };
  std::vector<NodeId> ids;
  for (std::uint32_t r : named(sets[which])) ids.push_back(NodeId(r));
  return ids;
}

// A server stops: its volatile state, its timers and any inputs held for it are
// gone, and its kernel closes its sockets, so the other end of each of its
// connections hears of it. A replica also loses its unsynced writes; ZooKeeper keeps
// its sessions, which do not expire while it is down (zkserver::Endpoint).
void World::crash(NodeId id, const std::string& origin) {
  Node& node = nodes_[id.value];
  if (!node.up) return;
  node.up = false;
  node.paused = false;
  held_.erase(id.value);
  node.timer_generation.clear();
  if (endpoints_.is_replica(id)) {
    node.replica.reset();
    node.disk.crash();
    publish(ev::Crashed{id, origin});
  } else {
    zk_->crash(now(), origin);
  }
  break_connections(id, endpoints_.is_replica(id) ? "replica crashed" : "zk crashed");
}

void World::pause(NodeId id, const std::string& origin) {
  if (!endpoints_.is_replica(id)) return;  // ZooKeeper does not pause
  Node& node = nodes_[id.value];
  if (!node.up || node.paused) return;
  node.paused = true;
  publish(ev::Paused{id, origin});
}

void World::resume(NodeId id, const std::string& origin) {
  if (!endpoints_.is_replica(id)) return;
  Node& node = nodes_[id.value];
  if (!node.paused) return;
  node.paused = false;
  std::vector<Event> held = std::move(held_[id.value]);
  held_.erase(id.value);
  publish(ev::Resumed{id, origin, held.size()});
  for (Event& event : held) dispatch(event);
}

// A server starts again in a new incarnation, so that nothing armed by the last
// one fires. A replica is rebuilt from its disk alone; the ZooKeeper server comes
// back with its tree and sessions (zkserver::Endpoint::restart).
void World::restart(NodeId id, const std::string& origin) {
  Node& node = nodes_[id.value];
  if (node.up) return;
  node.up = true;
  ++node.incarnation;
  if (!endpoints_.is_replica(id)) {
    execute(id, zk_->restart(now(), origin));
    return;
  }
  node.replica = factory_(id);
  publish(ev::Booted{id, node.incarnation, origin});
  const DiskImage image = node.disk.durable();
  step(id, [&](Replica& r, Output& out) { r.start(image, now(), out); });
}

void World::apply_fault(const FaultAction& action, const std::string& origin) {
  publish(ev::FaultFired{origin});
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, Crash>) {
          for (NodeId id : resolve({a.nodes}, 0)) crash(id, origin);
        } else if constexpr (std::is_same_v<T, Restart>) {
          for (NodeId id : resolve({a.nodes}, 0)) restart(id, origin);
        } else if constexpr (std::is_same_v<T, Pause>) {
          for (NodeId id : resolve({a.nodes}, 0)) pause(id, origin);
        } else if constexpr (std::is_same_v<T, Resume>) {
          for (NodeId id : resolve({a.nodes}, 0)) resume(id, origin);
        } else if constexpr (std::is_same_v<T, KillAll>) {
          for (int r = 0; r < replicas(); ++r) crash(NodeId(static_cast<std::uint32_t>(r)), origin);
        } else if constexpr (std::is_same_v<T, RestartAll>) {
          for (int r = 0; r < replicas(); ++r) restart(NodeId(static_cast<std::uint32_t>(r)), origin);
        } else if constexpr (std::is_same_v<T, Partition>) {
          std::vector<std::vector<NodeId>> groups;
          std::string text;
          for (std::size_t g = 0; g < a.groups.size(); ++g) {
            groups.push_back(resolve(a.groups, g));
            text += join(groups.back());
          }
          for (std::size_t g = 0; g < groups.size(); ++g) {
            for (std::size_t h = 0; h < groups.size(); ++h) {
              if (g == h) continue;
              for (NodeId x : groups[g]) {
                for (NodeId y : groups[h]) {
                  if (x != y) network_.block(x, y);
                }
              }
            }
          }
          publish(ev::NetworkChanged{ev::NetworkFault::kPartition, groups, text, origin});
        } else if constexpr (std::is_same_v<T, Cut>) {
          const std::vector<NodeSet> sets{a.from, a.to};
          const auto from = resolve(sets, 0);
          const auto to = resolve(sets, 1);
          for (NodeId x : from) {
            for (NodeId y : to) {
              if (x != y) network_.block(x, y);
            }
          }
          const std::vector<std::vector<NodeId>> groups{from, to};
          publish(ev::NetworkChanged{ev::NetworkFault::kCut, groups, join(from) + "->" + join(to), origin});
        } else if constexpr (std::is_same_v<T, Heal>) {
          network_.heal();
          publish(ev::NetworkChanged{ev::NetworkFault::kHeal, {}, "", origin});
        } else if constexpr (std::is_same_v<T, NetworkChange>) {
          NetworkParams p = network_.params();
          if (a.latency_us) p.latency_us = *a.latency_us;
          if (a.jitter_us) p.jitter_us = *a.jitter_us;
          if (a.loss) p.loss = *a.loss;
          if (a.duplicate) p.duplicate = *a.duplicate;
          if (a.reorder) p.reorder = *a.reorder;
          network_.set_params(p);
          const std::string detail = "latency=" + std::to_string(p.latency_us) + " loss=" + std::to_string(p.loss) +
                                     " dup=" + std::to_string(p.duplicate);
          publish(ev::NetworkChanged{ev::NetworkFault::kChange, {}, detail, origin});
        }
      },
      action);
}

}  // namespace fl::sim
