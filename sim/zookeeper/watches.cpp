#include "sim/zookeeper/watches.hpp"

#include <utility>

namespace fl::sim::zkserver {

void WatchManager::add_data_watch(SessionId session, std::string_view path) {
  data_[std::string(path)].insert(session);
}

void WatchManager::add_child_watch(SessionId session, std::string_view path) {
  child_[std::string(path)].insert(session);
}

void WatchManager::drop_session(SessionId session) {
  for (Table* table : {&data_, &child_}) {
    for (auto it = table->begin(); it != table->end();) {
      it->second.erase(session);
      it = it->second.empty() ? table->erase(it) : std::next(it);
    }
  }
}

void WatchManager::clear() {
  data_.clear();
  child_.clear();
}

void WatchManager::trigger(const TreeEvent& change, std::vector<WatchEvent>& out) {
  std::set<SessionId> fired;
  switch (change.type) {
    case EventType::kNodeCreated:
    case EventType::kNodeDataChanged:
      fired = take(data_, change.path);
      break;
    case EventType::kNodeDeleted:
      fired = take(data_, change.path);
      fired.merge(take(child_, change.path));
      break;
    case EventType::kNodeChildrenChanged:
      fired = take(child_, change.path);
      break;
  }
  for (const SessionId session : fired) out.push_back(WatchEvent{session, change.type, change.path});
}

std::size_t WatchManager::size() const {
  std::size_t n = 0;
  for (const Table* table : {&data_, &child_}) {
    for (const auto& [path, sessions] : *table) n += sessions.size();
  }
  return n;
}

bool WatchManager::has_data_watch(SessionId session, std::string_view path) const { return has(data_, session, path); }

bool WatchManager::has_child_watch(SessionId session, std::string_view path) const {
  return has(child_, session, path);
}

std::set<SessionId> WatchManager::take(Table& table, std::string_view path) {
  const auto it = table.find(path);
  if (it == table.end()) return {};
  std::set<SessionId> sessions = std::move(it->second);
  table.erase(it);
  return sessions;
}

bool WatchManager::has(const Table& table, SessionId session, std::string_view path) {
  const auto it = table.find(path);
  return it != table.end() && it->second.contains(session);
}

}  // namespace fl::sim::zkserver
