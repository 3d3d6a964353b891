#include "sim/setup/protocol_names.hpp"

namespace fl::sim {
namespace {

constexpr std::string_view kBug = "-bug-";

}  // namespace

const Protocol* find_protocol(std::string_view name) {
  for (const Protocol& p : protocols()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<ProtocolChoice> resolve_protocol(std::string_view name) {
  const auto [base, variant] = split_protocol(std::string(name));
  const Protocol* protocol = find_protocol(base);
  if (!protocol) return std::nullopt;
  if (variant.empty()) {
    // "paxos-bug-" names no variant; only the bare name selects the correct protocol.
    if (name != protocol->name) return std::nullopt;
    return ProtocolChoice{protocol, ""};
  }
  for (const VariantInfo& v : protocol->variants) {
    if (v.name == variant) return ProtocolChoice{protocol, variant};
  }
  return std::nullopt;
}

bool needs_zookeeper(std::string_view protocol) {
  const auto choice = resolve_protocol(protocol);
  return choice && choice->protocol->needs_zookeeper;
}

bool is_zk_protocol(const std::string& protocol) { return needs_zookeeper(protocol); }

std::vector<VariantEntry> all_variants() {
  std::vector<VariantEntry> all;
  for (const Protocol& p : protocols()) {
    for (const VariantInfo& v : p.variants) all.push_back({std::string(p.name), v});
  }
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

std::string protocol_settings_text(const ClusterSpec& cluster) {
  const auto choice = resolve_protocol(cluster.protocol);
  return choice ? choice->protocol->describe_settings(cluster) : std::string();
}

}  // namespace fl::sim
