#include "rsm/zookeeper/wire.hpp"

namespace fl::zookeeper {
namespace {

const char* mode_name(CreateMode mode) {
  switch (mode) {
    case CreateMode::kPersistent:
      return "persistent";
    case CreateMode::kEphemeral:
      return "ephemeral";
    case CreateMode::kPersistentSequential:
      return "persistent-seq";
    case CreateMode::kEphemeralSequential:
      return "ephemeral-seq";
  }
  return "?";
}

std::string describe_op(const Op& op) {
  return std::visit(
      [](const auto& o) -> std::string {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, Create>) return "create " + o.path + " " + mode_name(o.mode);
        if constexpr (std::is_same_v<T, Delete>) return "delete " + o.path + " v" + std::to_string(o.version);
        if constexpr (std::is_same_v<T, SetData>) return "setData " + o.path + " v" + std::to_string(o.version);
        if constexpr (std::is_same_v<T, Check>) return "check " + o.path + " v" + std::to_string(o.version);
      },
      op);
}

std::string watch_flag(bool watch) { return watch ? " watch" : ""; }

}  // namespace

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk:
      return "ZOK";
    case Code::kSystemError:
      return "ZSYSTEMERROR";
    case Code::kRuntimeInconsistency:
      return "ZRUNTIMEINCONSISTENCY";
    case Code::kDataInconsistency:
      return "ZDATAINCONSISTENCY";
    case Code::kConnectionLoss:
      return "ZCONNECTIONLOSS";
    case Code::kMarshallingError:
      return "ZMARSHALLINGERROR";
    case Code::kUnimplemented:
      return "ZUNIMPLEMENTED";
    case Code::kOperationTimeout:
      return "ZOPERATIONTIMEOUT";
    case Code::kBadArguments:
      return "ZBADARGUMENTS";
    case Code::kInvalidState:
      return "ZINVALIDSTATE";
    case Code::kApiError:
      return "ZAPIERROR";
    case Code::kNoNode:
      return "ZNONODE";
    case Code::kNoAuth:
      return "ZNOAUTH";
    case Code::kBadVersion:
      return "ZBADVERSION";
    case Code::kNoChildrenForEphemerals:
      return "ZNOCHILDRENFOREPHEMERALS";
    case Code::kNodeExists:
      return "ZNODEEXISTS";
    case Code::kNotEmpty:
      return "ZNOTEMPTY";
    case Code::kSessionExpired:
      return "ZSESSIONEXPIRED";
    case Code::kInvalidCallback:
      return "ZINVALIDCALLBACK";
    case Code::kInvalidAcl:
      return "ZINVALIDACL";
    case Code::kAuthFailed:
      return "ZAUTHFAILED";
    case Code::kClosing:
      return "ZCLOSING";
    case Code::kNothing:
      return "ZNOTHING";
    case Code::kSessionMoved:
      return "ZSESSIONMOVED";
  }
  return "Z?";
}

const char* event_name(EventType type) {
  switch (type) {
    case EventType::kNodeCreated:
      return "NodeCreated";
    case EventType::kNodeDeleted:
      return "NodeDeleted";
    case EventType::kNodeDataChanged:
      return "NodeDataChanged";
    case EventType::kNodeChildrenChanged:
      return "NodeChildrenChanged";
  }
  return "?";
}

std::string describe(const Body& body) {
  return std::visit(
      [](const auto& b) -> std::string {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, Connect>) {
          if (b.session.value == 0) return "connect timeout=" + std::to_string(b.timeout_us);
          return "reconnect s" + std::to_string(b.session.value) + " last_zxid=" + std::to_string(b.last_zxid.value);
        }
        if constexpr (std::is_same_v<T, SetWatches>) {
          return "setWatches zxid=" + std::to_string(b.relative_zxid.value) + " data=" + std::to_string(b.data.size()) +
                 " exist=" + std::to_string(b.exist.size()) + " child=" + std::to_string(b.child.size());
        }
        if constexpr (std::is_same_v<T, Ping>) return "ping";
        if constexpr (std::is_same_v<T, Close>) return "close";
        if constexpr (std::is_same_v<T, Create> || std::is_same_v<T, Delete> || std::is_same_v<T, SetData>) {
          return describe_op(b);
        }
        if constexpr (std::is_same_v<T, Exists>) return "exists " + b.path + watch_flag(b.watch);
        if constexpr (std::is_same_v<T, GetData>) return "getData " + b.path + watch_flag(b.watch);
        if constexpr (std::is_same_v<T, GetChildren>) return "getChildren " + b.path + watch_flag(b.watch);
        if constexpr (std::is_same_v<T, Multi>) {
          std::string s = "multi[";
          for (std::size_t i = 0; i < b.ops.size(); ++i) s += (i ? "; " : "") + describe_op(b.ops[i]);
          return s + "]";
        }
      },
      body);
}

std::string RequestMessage::describe() const {
  return "zk-req s" + std::to_string(session.value) + " x" + std::to_string(xid.value) + " " +
         zookeeper::describe(body);
}

std::string ReplyMessage::describe() const {
  std::string s = "zk-reply x" + std::to_string(xid.value) + " " + code_name(reply.code) +
                  " zxid=" + std::to_string(reply.zxid.value);
  if (reply.session.value != 0) s += " s" + std::to_string(reply.session.value);
  if (!reply.path.empty()) s += " " + reply.path;
  return s;
}

std::string ConnectionResetMessage::describe() const {
  return "zk-connection-reset c" + std::to_string(connection.value);
}

std::string WatchMessage::describe() const {
  return "zk-watch s" + std::to_string(session.value) + " " + event_name(type) + " " + path;
}

}  // namespace fl::zookeeper
