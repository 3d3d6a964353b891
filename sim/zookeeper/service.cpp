#include "sim/zookeeper/service.hpp"

#include <algorithm>
#include <limits>
#include <type_traits>
#include <utility>

#include "rsm/core/assert.hpp"
#include "sim/zookeeper/path.hpp"

namespace fl::sim::zkserver {

ZkService::ZkService(ServiceConfig config)
    : tree_(config.system_nodes), sessions_(config.sessions), now_(std::numeric_limits<Micros>::min()) {}

Output ZkService::handle(Micros now, SessionId session, const Body& request) {
  Output out;
  Expiry expiry = expire_due(now);
  out.expired = std::move(expiry.sessions);
  out.events = std::move(expiry.events);
  out.reply = std::visit([&](const auto& r) { return dispatch(now, session, r, out.events); }, request);
  return out;
}

template <class R>
Reply ZkService::dispatch(Micros now, SessionId session, const R& request, std::vector<WatchEvent>& events) {
  if constexpr (std::is_same_v<R, Connect>) {
    return open(now, request);
  } else {
    // Every packet from a live session, ping or not, renews it (touchSession);
    // a dead session's requests are refused before they can change anything.
    if (!sessions_.touch(session, now)) return reply(session, Code::kSessionExpired);
    return run(session, request, events);
  }
}

Expiry ZkService::expire_due(Micros now) {
  advance(now);
  Expiry out;
  out.sessions = sessions_.due(now);
  // Forget all of them before deleting any ephemeral, so that no expiring session is
  // notified about another's nodes: its watches are gone with it.
  for (const SessionId id : out.sessions) {
    watches_.drop_session(id);
    sessions_.remove(id);
  }
  for (const SessionId id : out.sessions) {
    std::vector<TreeEvent> changes;
    tree_.close_session(id, changes);
    publish(changes, out.events);
  }
  return out;
}

void ZkService::disconnect(SessionId session) { watches_.drop_session(session); }

void ZkService::restart(Micros now, bool keep_sessions) {
  advance(now);
  watches_.clear();
  if (keep_sessions) {
    sessions_.refresh_all(now);
    return;
  }
  for (const SessionId id : sessions_.open_sessions()) {
    std::vector<WatchEvent> unheard;  // nobody is watching after a restart
    end_session(id, unheard);
    FL_ASSERT(unheard.empty());
  }
}

Reply ZkService::open(Micros now, const Connect& request) {
  if (request.session.value != 0) {
    // A reconnect: no transaction, the session only moves to the new connection.
    if (!sessions_.touch(request.session, now)) return reply(request.session, Code::kSessionExpired);
    watches_.drop_session(request.session);
    Reply r = reply(request.session, Code::kOk);
    r.timeout_us = *sessions_.timeout(request.session);
    return r;
  }
  const OpenedSession opened = sessions_.open(request.timeout_us, now);
  Reply r = reply(opened.id, Code::kOk);
  r.zxid = tree_.log_txn();  // createSession is a transaction
  r.timeout_us = opened.timeout_us;
  return r;
}

Reply ZkService::run(SessionId session, const Ping&, std::vector<WatchEvent>&) { return reply(session, Code::kOk); }

Reply ZkService::run(SessionId session, const Close&, std::vector<WatchEvent>& events) {
  Reply r = reply(session, Code::kOk);
  r.zxid = end_session(session, events);
  return r;
}

Reply ZkService::run(SessionId session, const Create& request, std::vector<WatchEvent>& events) {
  return write(session, request, events);
}

Reply ZkService::run(SessionId session, const Delete& request, std::vector<WatchEvent>& events) {
  return write(session, request, events);
}

Reply ZkService::run(SessionId session, const SetData& request, std::vector<WatchEvent>& events) {
  return write(session, request, events);
}

Reply ZkService::run(SessionId session, const Multi& request, std::vector<WatchEvent>& events) {
  std::vector<TreeEvent> changes;
  MultiResult result = tree_.multi(request.ops, session, changes);
  publish(changes, events);
  Reply r = reply(session, result.code);
  r.zxid = result.zxid;
  r.results = std::move(result.results);
  return r;
}

Reply ZkService::run(SessionId session, const Exists& request, std::vector<WatchEvent>&) {
  if (!valid_path(request.path)) return reply(session, Code::kBadArguments);
  // Set before looking the node up, so a missing node's creation fires NodeCreated
  // (Programmer's Guide, "ZooKeeper Watches"; DataTree.statNode).
  if (request.watch) watches_.add_data_watch(session, request.path);
  const Znode* node = tree_.find(request.path);
  if (node == nullptr) return reply(session, Code::kNoNode);
  Reply r = reply(session, Code::kOk);
  r.stat = tree_.stat(*node);
  return r;
}

Reply ZkService::run(SessionId session, const GetData& request, std::vector<WatchEvent>&) {
  if (!valid_path(request.path)) return reply(session, Code::kBadArguments);
  const Znode* node = tree_.find(request.path);
  if (node == nullptr) return reply(session, Code::kNoNode);  // and no watch is left
  if (request.watch) watches_.add_data_watch(session, request.path);
  Reply r = reply(session, Code::kOk);
  r.data = node->data;
  r.stat = tree_.stat(*node);
  return r;
}

namespace {

// ZooKeeper lists a node's children in no particular order (its own hash set's),
// so clients must sort what they need sorted. The simulated server scrambles them
// too, in an order that is a pure function of the names and the current zxid: it
// changes from one transaction to the next, deterministically.
std::vector<std::string> unordered(std::vector<std::string> names, Zxid zxid) {
  const auto key = [&](const std::string& name) {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ static_cast<std::uint64_t>(zxid.value);
    for (const char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
    return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
  };
  std::vector<std::pair<std::uint64_t, std::string>> keyed;
  for (auto& name : names) keyed.emplace_back(key(name), std::move(name));
  std::sort(keyed.begin(), keyed.end());
  names.clear();
  for (auto& [k, name] : keyed) names.push_back(std::move(name));
  return names;
}

}  // namespace

Reply ZkService::run(SessionId session, const GetChildren& request, std::vector<WatchEvent>&) {
  if (!valid_path(request.path)) return reply(session, Code::kBadArguments);
  const Znode* node = tree_.find(request.path);
  if (node == nullptr) return reply(session, Code::kNoNode);  // and no watch is left
  if (request.watch) watches_.add_child_watch(session, request.path);
  Reply r = reply(session, Code::kOk);
  r.children = unordered(tree_.children(*node), tree_.last_zxid());
  r.stat = tree_.stat(*node);
  return r;
}

Reply ZkService::run(SessionId session, const SetWatches& request, std::vector<WatchEvent>& events) {
  const Zxid seen = request.relative_zxid;
  auto fire = [&](EventType type, const std::string& path) { events.push_back(WatchEvent{session, type, path}); };
  for (const std::string& path : request.data) {
    const Znode* node = tree_.find(path);
    if (node == nullptr) {
      fire(EventType::kNodeDeleted, path);
    } else if (node->meta.mzxid > seen) {
      fire(EventType::kNodeDataChanged, path);
    } else {
      watches_.add_data_watch(session, path);
    }
  }
  for (const std::string& path : request.exist) {
    if (tree_.find(path) != nullptr) {
      fire(EventType::kNodeCreated, path);
    } else {
      watches_.add_data_watch(session, path);
    }
  }
  for (const std::string& path : request.child) {
    const Znode* node = tree_.find(path);
    if (node == nullptr) {
      fire(EventType::kNodeDeleted, path);
    } else if (node->meta.pzxid > seen) {
      fire(EventType::kNodeChildrenChanged, path);
    } else {
      watches_.add_child_watch(session, path);
    }
  }
  return reply(session, Code::kOk);
}

Reply ZkService::write(SessionId session, const Op& op, std::vector<WatchEvent>& events) {
  std::vector<TreeEvent> changes;
  WriteResult result = tree_.write(op, session, changes);
  publish(changes, events);
  Reply r = reply(session, result.result.code);
  r.zxid = result.zxid;
  r.path = std::move(result.result.path);
  r.stat = result.result.stat;
  return r;
}

Zxid ZkService::end_session(SessionId session, std::vector<WatchEvent>& events) {
  watches_.drop_session(session);
  const bool removed = sessions_.remove(session);
  FL_ASSERT(removed, "ending a session that is not open: " + std::to_string(session.value));
  std::vector<TreeEvent> changes;
  const Zxid zxid = tree_.close_session(session, changes);
  publish(changes, events);
  return zxid;
}

void ZkService::publish(const std::vector<TreeEvent>& changes, std::vector<WatchEvent>& events) {
  for (const TreeEvent& change : changes) watches_.trigger(change, events);
}

Reply ZkService::reply(SessionId session, Code code) const {
  Reply r;
  r.code = code;
  r.zxid = tree_.last_zxid();
  r.session = session;
  return r;
}

void ZkService::advance(Micros now) {
  FL_ASSERT(now >= now_, "time went backwards: " + std::to_string(now) + " < " + std::to_string(now_));
  now_ = now;
}

}  // namespace fl::sim::zkserver
