#include "sim/zk/types.hpp"

namespace fl::sim::zk {

const char* code_name(Code code) {
  switch (code) {
    case Code::kOk: return "ZOK";
    case Code::kSystemError: return "ZSYSTEMERROR";
    case Code::kRuntimeInconsistency: return "ZRUNTIMEINCONSISTENCY";
    case Code::kDataInconsistency: return "ZDATAINCONSISTENCY";
    case Code::kConnectionLoss: return "ZCONNECTIONLOSS";
    case Code::kMarshallingError: return "ZMARSHALLINGERROR";
    case Code::kUnimplemented: return "ZUNIMPLEMENTED";
    case Code::kOperationTimeout: return "ZOPERATIONTIMEOUT";
    case Code::kBadArguments: return "ZBADARGUMENTS";
    case Code::kInvalidState: return "ZINVALIDSTATE";
    case Code::kApiError: return "ZAPIERROR";
    case Code::kNoNode: return "ZNONODE";
    case Code::kNoAuth: return "ZNOAUTH";
    case Code::kBadVersion: return "ZBADVERSION";
    case Code::kNoChildrenForEphemerals: return "ZNOCHILDRENFOREPHEMERALS";
    case Code::kNodeExists: return "ZNODEEXISTS";
    case Code::kNotEmpty: return "ZNOTEMPTY";
    case Code::kSessionExpired: return "ZSESSIONEXPIRED";
    case Code::kInvalidCallback: return "ZINVALIDCALLBACK";
    case Code::kInvalidAcl: return "ZINVALIDACL";
    case Code::kAuthFailed: return "ZAUTHFAILED";
    case Code::kClosing: return "ZCLOSING";
    case Code::kNothing: return "ZNOTHING";
    case Code::kSessionMoved: return "ZSESSIONMOVED";
  }
  return "ZUNKNOWN";
}

const char* event_name(EventType type) {
  switch (type) {
    case EventType::kNodeCreated: return "NodeCreated";
    case EventType::kNodeDeleted: return "NodeDeleted";
    case EventType::kNodeDataChanged: return "NodeDataChanged";
    case EventType::kNodeChildrenChanged: return "NodeChildrenChanged";
  }
  return "Unknown";
}

std::string to_string(const WatchEvent& event) {
  return "s" + std::to_string(event.session.value) + " " + event_name(event.type) + " " + event.path;
}

}  // namespace fl::sim::zk
