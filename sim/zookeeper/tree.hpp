// The znode tree of the simulated ZooKeeper: ZooKeeper's DataTree together with the
// checks its PrepRequestProcessor makes before a write. Deterministic and sans-IO:
// no clocks, no sessions table, no watches; it reports each change as a TreeEvent
// and the caller decides whom to notify.
//
// Every write request is one transaction and consumes the next zxid, even when it
// fails (ZooKeeper logs an error transaction for it), and a multi consumes exactly
// one zxid for all its ops. Reads never consume one.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/zookeeper/types.hpp"

namespace fl::sim::zkserver {

// A change that may trigger watches, in the order ZooKeeper's DataTree triggers
// them: NodeCreated/NodeDeleted/NodeDataChanged on the node itself, then
// NodeChildrenChanged on its parent.
struct TreeEvent {
  EventType type = EventType::kNodeCreated;
  std::string path;

  friend bool operator==(const TreeEvent&, const TreeEvent&) = default;
};

// What ZooKeeper persists of a znode's stat (its StatPersisted). `child_creates` is
// what ZooKeeper stores as cversion: the number of children ever created. The
// sequence suffix is taken from it, so it never repeats after deletions; the
// client-visible cversion (creates plus deletes) is derived from it on read, as
// DataNode.copyStat does.
struct ZnodeMeta {
  Zxid czxid;
  Zxid mzxid;
  Zxid pzxid;
  Version version = 0;
  std::int32_t child_creates = 0;
  SessionId ephemeral_owner;

  friend bool operator==(const ZnodeMeta&, const ZnodeMeta&) = default;
};

// One znode: its data, persisted stat and child names (sorted, so that reads are
// deterministic; ZooKeeper keeps them in a HashSet and returns them unordered).
struct Znode {
  std::string data;
  ZnodeMeta meta;
  std::set<std::string, std::less<>> children;
};

// A single write's outcome and the zxid of its transaction.
struct WriteResult {
  Zxid zxid;
  OpResult result;
};

// A multi's outcome: `code` is kOk or the failing op's code (zoo_multi's return
// value), `results` has one entry per op (see OpResult for the failure convention).
struct MultiResult {
  Zxid zxid;
  Code code = Code::kOk;
  std::vector<OpResult> results;
};

// The tree itself: znodes by path, the ephemerals index by owner, and the zxid
// counter. Single-threaded; every method runs to completion.
class DataTree {
 public:
  // An empty tree. With `system_nodes`, it holds the nodes a fresh ZooKeeper 3.5+
  // server has: /zookeeper, /zookeeper/config and /zookeeper/quota, so that
  // getChildren("/") returns ["zookeeper"] as on a real server.
  explicit DataTree(bool system_nodes = true);

  // The node at `path` exactly as written, or nullptr. An invalid path finds nothing;
  // callers that must report kBadArguments validate the path first.
  const Znode* find(std::string_view path) const;
  // The stat a client would see for `node`.
  Stat stat(const Znode& node) const;
  // The node's child names, sorted byte-wise (ZooKeeper's order is unspecified).
  std::vector<std::string> children(const Znode& node) const;
  // Paths of the ephemeral nodes `session` owns, sorted.
  std::vector<std::string> ephemerals(SessionId session) const;
  // Every node by path, for state comparisons in tests and checkers.
  const std::map<std::string, Znode, std::less<>>& nodes() const { return nodes_; }
  // The zxid of the last transaction (0 before any).
  Zxid last_zxid() const { return last_zxid_; }

  // Applies one write as its own transaction. `session` is the requester; it owns
  // the node an ephemeral create makes and must then be non-zero.
  WriteResult write(const Op& op, SessionId session, std::vector<TreeEvent>& events);
  // Applies `ops` atomically as one transaction: either all succeed, or the tree is
  // left exactly as it was (only the zxid counter advances) and no events are added.
  // Later ops see the effects of earlier ones (create /a then create /a/b works).
  MultiResult multi(const std::vector<Op>& ops, SessionId session, std::vector<TreeEvent>& events);
  // The closeSession transaction (explicit close or expiry): deletes the session's
  // ephemeral nodes, in path order, all under one new zxid, which it returns.
  Zxid close_session(SessionId session, std::vector<TreeEvent>& events);
  // Consumes a zxid for a transaction that changes no node (createSession).
  Zxid log_txn();

 private:
  // Before-image of one path, taken before a multi op changes it: nullopt if the
  // node did not exist. Restoring the images in reverse undoes the multi.
  struct Undo {
    std::string path;
    std::optional<Znode> before;  // children left empty: links are restored by path
  };

  OpResult apply(const Op& op, SessionId session, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events);
  OpResult apply_create(const Create& op, SessionId session, Zxid zxid, std::vector<Undo>* undo,
                        std::vector<TreeEvent>& events);
  OpResult apply_delete(const Delete& op, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events);
  OpResult apply_set(const SetData& op, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events);
  OpResult apply_check(const Check& op) const;

  // Unlinks a childless node; shared by delete and closeSession.
  void remove_node(const std::string& path, Zxid zxid, std::vector<Undo>* undo, std::vector<TreeEvent>& events);
  void save(std::vector<Undo>* undo, const std::string& path) const;
  void restore(const Undo& entry);
  void insert_node(const std::string& path, Znode node);
  void erase_node(const std::string& path);
  // ZooKeeper refuses to delete these (DataTree.isSpecialPath).
  bool special(std::string_view path) const;
  // Writes below or to /zookeeper/config need an ACL no client has by default
  // (ZOOKEEPER-2014), so they fail with kNoAuth.
  bool config_protected(std::string_view path) const;

  std::map<std::string, Znode, std::less<>> nodes_;
  std::map<SessionId, std::set<std::string>> ephemerals_;
  Zxid last_zxid_{0};
  bool system_nodes_ = true;
};

}  // namespace fl::sim::zkserver
