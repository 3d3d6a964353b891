// Vocabulary of the simulated ZooKeeper service: ids, result codes, create modes,
// the client-visible Stat and watch events. Numeric values mirror the C client's
// zookeeper.h and the Java EventType, so traces read like real ZooKeeper logs.
#pragma once

#include <cstdint>
#include <string>

#include "rsm/core/types.hpp"
#include "rsm/zookeeper/wire.hpp"

namespace fl::sim::zkserver {

// The server speaks the client's vocabulary, rsm/zookeeper/wire.hpp (rsm may not
// include sim, but sim may include rsm), so service and clients cannot drift apart:
// session ids, zxids, versions, result codes with zookeeper.h's values, create
// modes, watch event types, the client-visible Stat (Programmer's Guide,
// "ZooKeeper Stat Structure"; a session id of 0 is never issued, since
// ephemeralOwner == 0 means "not ephemeral"), the request bodies, the write ops a
// multi carries, their results and the reply. These declarations bring the same
// types into this namespace; they are not copies.
using fl::zookeeper::Body;
using fl::zookeeper::Check;
using fl::zookeeper::Close;
using fl::zookeeper::Code;
using fl::zookeeper::code_name;
using fl::zookeeper::Connect;
using fl::zookeeper::Create;
using fl::zookeeper::CreateMode;
using fl::zookeeper::Delete;
using fl::zookeeper::event_name;
using fl::zookeeper::EventType;
using fl::zookeeper::Exists;
using fl::zookeeper::GetChildren;
using fl::zookeeper::GetData;
using fl::zookeeper::kAnyVersion;
using fl::zookeeper::Multi;
using fl::zookeeper::Op;
using fl::zookeeper::OpResult;
using fl::zookeeper::Ping;
using fl::zookeeper::Reply;
using fl::zookeeper::SessionId;
using fl::zookeeper::SetData;
using fl::zookeeper::SetWatches;
using fl::zookeeper::Stat;
using fl::zookeeper::Version;
using fl::zookeeper::Zxid;

// True for the modes whose node is deleted when its session ends.
constexpr bool is_ephemeral(CreateMode m) {
  return m == CreateMode::kEphemeral || m == CreateMode::kEphemeralSequential;
}
// True for the modes that append the parent's 10-digit sequence counter to the name.
constexpr bool is_sequential(CreateMode m) {
  return m == CreateMode::kPersistentSequential || m == CreateMode::kEphemeralSequential;
}

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

}  // namespace fl::sim::zkserver
