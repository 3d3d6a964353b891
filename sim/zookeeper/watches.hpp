// One-shot watches, as ZooKeeper's server keeps them (Programmer's Guide, "ZooKeeper
// Watches"): data watches, set by exists and getData, and child watches, set by
// getChildren. A watch fires at most once and must be set again by a new read.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/zookeeper/tree.hpp"
#include "sim/zookeeper/types.hpp"

namespace fl::sim::zkserver {

// The registered watches, by path and kind. Ordered containers only, so that the
// order of notifications never depends on hashing.
class WatchManager {
 public:
  // Registers a data watch of `session` on `path`. Setting the same watch twice is
  // one watch, as the server keeps a set of watchers per path.
  void add_data_watch(SessionId session, std::string_view path);
  // Registers a child watch of `session` on `path`.
  void add_child_watch(SessionId session, std::string_view path);
  // Forgets every watch of `session` (its session ended; no notification is due).
  void drop_session(SessionId session);
  // Forgets every watch (a service restart: clients must set them again).
  void clear();

  // Fires and removes the watches `change` triggers, appending one notification per
  // watching session, ordered by session id. As in DataTree.deleteNode, a deletion
  // fires both data and child watches on the node, but a session watching it both
  // ways is told once.
  void trigger(const TreeEvent& change, std::vector<WatchEvent>& out);

  // Watches currently registered (data plus child), for tests and metrics.
  std::size_t size() const;
  // True if `session` has a data watch on `path`.
  bool has_data_watch(SessionId session, std::string_view path) const;
  // True if `session` has a child watch on `path`.
  bool has_child_watch(SessionId session, std::string_view path) const;

 private:
  using Table = std::map<std::string, std::set<SessionId>, std::less<>>;

  static std::set<SessionId> take(Table& table, std::string_view path);
  static bool has(const Table& table, SessionId session, std::string_view path);

  Table data_;
  Table child_;
};

}  // namespace fl::sim::zkserver
