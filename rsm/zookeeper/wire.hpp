// The ZooKeeper wire protocol as the protocol cores see it: requests a replica's
// client library sends, the replies and watch notifications it receives. It mirrors
// the ZooKeeper C client's jute records (RequestHeader with xid, ReplyHeader with
// xid/zxid/err, WatcherEvent) without their encoding. Defined here rather than in
// sim/ so that rsm/ stays independent of the simulator. This is the one ZooKeeper
// vocabulary: the client library sends these bodies, the simulated server
// (sim/zookeeper, fl::sim::zkserver) handles the same bodies and answers with the
// same Reply, so the two cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/core/types.hpp"

namespace fl::zookeeper {

// A client session as the server issued it; 0 means "none yet" (zookeeper.h
// zoo_client_id: client_id 0 asks for a new session).
using SessionId = Tagged<struct SessionIdTag, std::int64_t>;
// A ZooKeeper transaction id (Programmer's Guide, "Time in ZooKeeper").
using Zxid = Tagged<struct ZxidTag, std::int64_t>;
// A request's sequence number within a session. The server answers a session's
// requests in xid order (Programmer's Guide, "ZooKeeper Guarantees": sequential
// consistency, FIFO client order).
using Xid = Tagged<struct XidTag, std::int32_t>;
// One TCP connection between a client and the server. A session outlives its
// connections: after a connection breaks, the client reconnects to the same session
// on a new one, and whatever was still in flight on the old one is gone (a restarted
// replica, too, ignores its predecessor's connections).
using ConnectionId = Tagged<struct ConnectionIdTag, std::uint64_t>;
// A znode data version; kAnyVersion matches any (zoo_set, zoo_delete).
using Version = std::int32_t;
inline constexpr Version kAnyVersion = -1;

// Result codes with zookeeper.h's ZOO_ERRORS values.
enum class Code : std::int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,
  kDataInconsistency = -3,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,
  kInvalidState = -9,
  kApiError = -100,
  kNoNode = -101,
  kNoAuth = -102,
  kBadVersion = -103,
  kNoChildrenForEphemerals = -108,
  kNodeExists = -110,
  kNotEmpty = -111,
  kSessionExpired = -112,
  kInvalidCallback = -113,
  kInvalidAcl = -114,
  kAuthFailed = -115,
  kClosing = -116,
  kNothing = -117,
  kSessionMoved = -118,
};
// The C client's name for a code, e.g. "ZNONODE".
const char* code_name(Code code);

// zoo_create flags: ZOO_EPHEMERAL and ZOO_SEQUENCE.
enum class CreateMode : std::uint8_t { kPersistent, kEphemeral, kPersistentSequential, kEphemeralSequential };

// Watch event types with the C client's ZOO_*_EVENT values.
enum class EventType : std::int32_t {
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
};
// "NodeDeleted" etc., as ZooKeeper logs them.
const char* event_name(EventType type);

// A znode's stat (Programmer's Guide, "ZooKeeper Stat Structure"), without times and
// ACL version.
struct Stat {
  Zxid czxid, mzxid, pzxid;
  Version version = 0;
  std::int32_t cversion = 0;
  SessionId ephemeral_owner;
  std::int32_t data_length = 0;
  std::int32_t num_children = 0;
  friend bool operator==(const Stat&, const Stat&) = default;
};

// ConnectRequest: asks for a new session with this timeout (`session` 0), or to
// resume `session` on a new connection. `last_zxid` is the newest zxid the client
// saw in a reply, as ClientCnxn sends it (lastZxidSeen).
struct Connect {
  Micros timeout_us = 0;
  SessionId session;
  Zxid last_zxid;
};
// Keeps the session alive (the C client's ping, sent when idle).
struct Ping {};
// Ends the session; its ephemerals go at once (zookeeper_close).
struct Close {};
// zoo_create.
struct Create {
  std::string path;
  std::string data;
  CreateMode mode = CreateMode::kPersistent;
};
// zoo_delete.
struct Delete {
  std::string path;
  Version version = kAnyVersion;
};
// zoo_set.
struct SetData {
  std::string path;
  std::string data;
  Version version = kAnyVersion;
};
// zoo_check, inside a multi only.
struct Check {
  std::string path;
  Version version = kAnyVersion;
};
// zoo_exists; `watch` sets a data watch even on a missing node.
struct Exists {
  std::string path;
  bool watch = false;
};
// zoo_get; `watch` sets a data watch if the node exists.
struct GetData {
  std::string path;
  bool watch = false;
};
// zoo_get_children2; `watch` sets a child watch if the node exists.
struct GetChildren {
  std::string path;
  bool watch = false;
};
// One operation of a multi.
using Op = std::variant<Create, Delete, SetData, Check>;
// zoo_multi: all ops or none.
struct Multi {
  std::vector<Op> ops;
};
// Re-registers, on a new connection, the watches the client still holds (the server
// dropped them with the old connection). The server fires at once each watch whose
// node changed after `relative_zxid`, the last zxid the client saw, and sets the rest
// again (ClientCnxn.primeConnection, DataTree.setWatches). `data` are watches set by
// getData or by exists on an existing node, `exist` by exists on a missing one.
struct SetWatches {
  Zxid relative_zxid;
  std::vector<std::string> data;
  std::vector<std::string> exist;
  std::vector<std::string> child;
};

// Every request body.
using Body =
    std::variant<Connect, Ping, Close, Create, Delete, SetData, Exists, GetData, GetChildren, Multi, SetWatches>;

// One op's outcome (zoo_op_result_t). `path` is the created path (with its sequence
// suffix) for a create; `stat` is the node's stat after a create or setData. In a
// failed multi every result carries only a code: kOk for the ops before the failing
// one (they were rolled back), the failing op's error, kRuntimeInconsistency for the
// ops after it (never attempted), as ZooKeeper's DataTree.processTxn reports them.
struct OpResult {
  Code code = Code::kOk;
  std::string path;
  std::optional<Stat> stat;
  friend bool operator==(const OpResult&, const OpResult&) = default;
};

// What a reply carries; only the fields of the request's kind are filled.
struct Reply {
  Code code = Code::kOk;
  // As in ZooKeeper's ReplyHeader: the request's own transaction for a write (also
  // when it failed), the last committed one for a read.
  Zxid zxid;
  SessionId session;                  // Connect: the new session; otherwise the requester
  Micros timeout_us = 0;              // Connect: the negotiated timeout
  std::string path;                   // Create: the created path, with any sequence suffix
  std::string data;                   // GetData
  std::optional<Stat> stat;           // Create, SetData, Exists, GetData, GetChildren
  std::vector<std::string> children;  // GetChildren, sorted
  std::vector<OpResult> results;      // Multi: one per op
  friend bool operator==(const Reply&, const Reply&) = default;
};

// Anything sent on a client's connection to the server. The transport delivers
// these in order on each connection, or breaks the connection (a TCP stream).
class ConnectionMessage : public Message {
 public:
  explicit ConnectionMessage(ConnectionId connection) : connection(connection) {}
  ConnectionId connection;
};

// A request from a client to the ZooKeeper server.
class RequestMessage final : public ConnectionMessage {
 public:
  RequestMessage(ConnectionId connection, SessionId session, Xid xid, Body body)
      : ConnectionMessage(connection), session(session), xid(xid), body(std::move(body)) {}
  std::string describe() const override;

  SessionId session;  // 0 for Connect
  Xid xid;
  Body body;
};

// The server's reply to the request with the same connection and xid.
class ReplyMessage final : public ConnectionMessage {
 public:
  ReplyMessage(ConnectionId connection, Xid xid, Reply reply)
      : ConnectionMessage(connection), xid(xid), reply(std::move(reply)) {}
  std::string describe() const override;

  Xid xid;
  Reply reply;
};

// A watch notification for a session (the C client's xid -1 WatcherEvent).
class WatchMessage final : public ConnectionMessage {
 public:
  WatchMessage(ConnectionId connection, SessionId session, EventType type, std::string path)
      : ConnectionMessage(connection), session(session), type(type), path(std::move(path)) {}
  std::string describe() const override;

  SessionId session;
  EventType type;
  std::string path;
};

// Not on the wire: the local TCP stack telling the client that `connection` broke
// (a reset, or a segment the network could not deliver). What the server sent
// before the break has been delivered; nothing after it will be.
class ConnectionResetMessage final : public Message {
 public:
  explicit ConnectionResetMessage(ConnectionId connection) : connection(connection) {}
  std::string describe() const override;

  ConnectionId connection;
};

// "create /leader ephemeral" etc., for traces.
std::string describe(const Body& body);

}  // namespace fl::zookeeper
