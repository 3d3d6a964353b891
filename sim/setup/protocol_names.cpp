#include "sim/setup/protocol_names.hpp"

#include <string_view>

namespace fl::sim {
namespace {

constexpr std::string_view kBug = "-bug-";

// A protocol name's variant part: "paxos-bug-skip-adoption" -> "skip-adoption".
std::optional<std::string> variant_of(const std::string& protocol, std::string_view base) {
  if (protocol == base) return std::string();
  const std::string prefix = std::string(base) + std::string(kBug);
  if (!protocol.starts_with(prefix)) return std::nullopt;
  return protocol.substr(prefix.size());
}

}  // namespace

// Paxos and its planted bugs, selectable by name so that a user (and the tests) can
// watch the checks catch a real protocol bug end to end.
std::optional<paxos::Mutation> paxos_variant(const std::string& protocol) {
  const auto name = variant_of(protocol, "paxos");
  if (!name) return std::nullopt;
  if (name->empty()) return paxos::Mutation::kNone;
  for (const auto& v : paxos::variants()) {
    if (v.info.name == *name) return v.mutation;
  }
  return std::nullopt;
}

// The zk protocol and its planted bugs.
std::optional<fl::coordinated::ZkMutation> zk_variant(const std::string& protocol) {
  const auto name = variant_of(protocol, "zk");
  if (!name) return std::nullopt;
  if (name->empty()) return fl::coordinated::ZkMutation::kNone;
  for (const auto& v : fl::coordinated::variants()) {
    if (v.info.name == *name) return v.mutation;
  }
  return std::nullopt;
}

bool is_zk_protocol(const std::string& protocol) { return zk_variant(protocol).has_value(); }

std::string protocol_settings_text(const ClusterSpec& cluster) {
  if (is_zk_protocol(cluster.protocol)) {
    return "session_timeout=" + format_duration(cluster.zk.session_timeout_us) +
           " tick=" + format_duration(cluster.zk.tick_us);
  }
  return "heartbeat=" + format_duration(cluster.paxos.heartbeat_us) +
         " election_timeout=" + format_duration(cluster.paxos.election_timeout_us);
}

std::vector<VariantEntry> all_variants() {
  std::vector<VariantEntry> all;
  for (const auto& v : paxos::variants()) all.push_back({"paxos", v.info});
  for (const auto& v : fl::coordinated::variants()) all.push_back({"zk", v.info});
  return all;
}

std::string variant_protocol(const std::string& protocol, const std::string& variant) {
  if (variant.empty()) return protocol;
  return split_protocol(protocol).first + std::string(kBug) + variant;
}

std::pair<std::string, std::string> split_protocol(const std::string& protocol) {
  const auto at = protocol.find(kBug);
  if (at == std::string::npos) return {protocol, ""};
  return {protocol.substr(0, at), protocol.substr(at + kBug.size())};
}

}  // namespace fl::sim
