#include "sim/zookeeper/sessions.hpp"

#include <algorithm>

#include "rsm/core/assert.hpp"

namespace fl::sim::zkserver {

SessionTable::SessionTable(SessionConfig config) : config_(config), next_id_(config.first_session_id) {
  FL_ASSERT(config_.tick_us > 0, "tick_us must be positive");
  FL_ASSERT(config_.first_session_id > 0, "session id 0 means 'no owner' in a Stat");
  FL_ASSERT(min_timeout_us() <= max_timeout_us(), "min_session_timeout_us > max_session_timeout_us");
}

Micros SessionTable::negotiate(Micros requested_us) const {
  return std::clamp(requested_us, min_timeout_us(), max_timeout_us());
}

Micros SessionTable::min_timeout_us() const { return config_.min_session_timeout_us.value_or(2 * config_.tick_us); }

Micros SessionTable::max_timeout_us() const { return config_.max_session_timeout_us.value_or(20 * config_.tick_us); }

OpenedSession SessionTable::open(Micros requested_timeout_us, Micros now) {
  const SessionId id{next_id_++};
  Session& session = sessions_[id];
  session.timeout_us = negotiate(requested_timeout_us);
  session.deadline_us = deadline_after(now, session.timeout_us);
  by_deadline_.emplace(session.deadline_us, id);
  return OpenedSession{id, session.timeout_us};
}

bool SessionTable::alive(SessionId id) const { return sessions_.contains(id); }

bool SessionTable::touch(SessionId id, Micros now) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  set_deadline(id, it->second, deadline_after(now, it->second.timeout_us));
  return true;
}

bool SessionTable::remove(SessionId id) {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  by_deadline_.erase({it->second.deadline_us, id});
  sessions_.erase(it);
  return true;
}

std::vector<SessionId> SessionTable::due(Micros now) const {
  std::vector<SessionId> out;
  for (const auto& [deadline_us, id] : by_deadline_) {
    if (deadline_us > now) break;
    out.push_back(id);
  }
  return out;
}

std::optional<Micros> SessionTable::next_deadline() const {
  if (by_deadline_.empty()) return std::nullopt;
  return by_deadline_.begin()->first;
}

std::optional<Micros> SessionTable::deadline(SessionId id) const {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.deadline_us;
}

std::optional<Micros> SessionTable::timeout(SessionId id) const {
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  return it->second.timeout_us;
}

void SessionTable::refresh_all(Micros now) {
  for (auto& [id, session] : sessions_) set_deadline(id, session, deadline_after(now, session.timeout_us));
}

std::vector<SessionId> SessionTable::open_sessions() const {
  std::vector<SessionId> out;
  for (const auto& entry : sessions_) out.push_back(entry.first);
  return out;
}

Micros SessionTable::deadline_after(Micros now, Micros timeout_us) const {
  return ((now + timeout_us) / config_.tick_us + 1) * config_.tick_us;
}

void SessionTable::set_deadline(SessionId id, Session& session, Micros deadline_us) {
  by_deadline_.erase({session.deadline_us, id});
  session.deadline_us = deadline_us;
  by_deadline_.emplace(deadline_us, id);
}

}  // namespace fl::sim::zkserver
