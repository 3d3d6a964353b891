// Vocabulary of the simulated ZooKeeper service: ids, result codes, create modes,
// the client-visible Stat and watch events. Numeric values mirror the C client's
// zookeeper.h and the Java EventType, so traces read like real ZooKeeper logs.
#pragma once

#include <cstdint>
#include <string>

#include "rsm/core/types.hpp"

namespace fl::sim::zk {

// A client session. 0 is never issued: ZooKeeper uses ephemeralOwner == 0 to mean
// "not ephemeral" (Programmer's Guide, "ZooKeeper Stat Structure").
using SessionId = Tagged<struct SessionIdTag, std::int64_t>;

// A ZooKeeper transaction id. Every committed transaction gets the next one, so
// zxids totally order all changes (Programmer's Guide, "Time in ZooKeeper").
using Zxid = Tagged<struct ZxidTag, std::int64_t>;

// A znode data version. ZooKeeper keeps it as a signed 32-bit int.
using Version = std::int32_t;

// Passing this as the expected version of setData/delete/check means "any version"
// (zookeeper.h: zoo_set, zoo_delete).
inline constexpr Version kAnyVersion = -1;

// Result codes, with the values of zookeeper.h's ZOO_ERRORS so that a trace can be
// compared with a real client's output. Only the codes the service can produce, plus
// the transport-level ones a network wrapper will need, are listed.
enum class Code : std::int32_t {
  kOk = 0,
  kSystemError = -1,
  kRuntimeInconsistency = -2,  // a later op of a failed multi (never attempted)
  kDataInconsistency = -3,
  kConnectionLoss = -4,
  kMarshallingError = -5,
  kUnimplemented = -6,
  kOperationTimeout = -7,
  kBadArguments = -8,  // malformed path, or a path ZooKeeper reserves
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

// The C client's name for a code ("ZNONODE"), for traces and test failure messages.
const char* code_name(Code code);

// How a znode is created (zoo_create flags ZOO_EPHEMERAL and ZOO_SEQUENCE). Container
// and TTL nodes are not modelled.
enum class CreateMode : std::uint8_t {
  kPersistent,
  kEphemeral,
  kPersistentSequential,
  kEphemeralSequential,
};

// True for the modes whose node is deleted when its session ends.
constexpr bool is_ephemeral(CreateMode m) {
  return m == CreateMode::kEphemeral || m == CreateMode::kEphemeralSequential;
}
// True for the modes that append the parent's 10-digit sequence counter to the name.
constexpr bool is_sequential(CreateMode m) {
  return m == CreateMode::kPersistentSequential || m == CreateMode::kEphemeralSequential;
}

// The watch event types, with the values of the Java Watcher.Event.EventType and the
// C client's ZOO_*_EVENT constants.
enum class EventType : std::int32_t {
  kNodeCreated = 1,
  kNodeDeleted = 2,
  kNodeDataChanged = 3,
  kNodeChildrenChanged = 4,
};

// "NodeCreated" etc., as ZooKeeper logs them.
const char* event_name(EventType type);

// The client-visible stat of a znode (Programmer's Guide, "ZooKeeper Stat
// Structure"). ctime/mtime and aversion are not modelled: the simulation has no
// wall clock and no ACLs.
struct Stat {
  Zxid czxid;             // zxid of the change that created the node
  Zxid mzxid;             // zxid of the change that last set its data
  Zxid pzxid;             // zxid of the change that last added or removed a child
  Version version = 0;    // number of changes to the data
  std::int32_t cversion = 0;  // number of changes to the children
  SessionId ephemeral_owner;  // owning session if ephemeral, else 0
  std::int32_t data_length = 0;
  std::int32_t num_children = 0;

  friend bool operator==(const Stat&, const Stat&) = default;
};

// A watch notification for one session: which watch fired and on which path. The
// service emits them in the order of the updates that triggered them.
struct WatchEvent {
  SessionId session;
  EventType type = EventType::kNodeCreated;
  std::string path;

  friend bool operator==(const WatchEvent&, const WatchEvent&) = default;
};

// "s3 NodeDeleted /leader": one line of a trace.
std::string to_string(const WatchEvent& event);

}  // namespace fl::sim::zk
