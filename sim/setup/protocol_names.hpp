// The names a run selects a protocol by: "paxos", "zk", and each planted bug as
// "<protocol>-bug-<name>". A leaf of its own, beside the replica factories
// (sim/setup/protocols.hpp), so that what only needs a name (the World: does this run
// have a ZooKeeper node?) does not depend on building replicas.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "rsm/core/variant.hpp"
#include "rsm/paxos/variants.hpp"
#include "rsm/coordinated/variants.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// The Paxos variant `protocol` names: kNone for "paxos", a planted bug for
// "paxos-bug-<name>", nullopt if it names no Paxos variant.
std::optional<paxos::Mutation> paxos_variant(const std::string& protocol);

// The zk variant `protocol` names, in the same way.
std::optional<fl::coordinated::ZkMutation> zk_variant(const std::string& protocol);

// A planted bug of one protocol, as `faultline variants` lists it. A run selects
// it as protocol "<protocol>-bug-<name>" (what --variant NAME builds).
struct VariantEntry {
  std::string protocol;  // "paxos" or "zk"
  VariantInfo info;
};

// Every planted bug of every protocol, paxos first.
std::vector<VariantEntry> all_variants();

// The protocol name that runs `variant` of `protocol`: ("paxos", "skip-adoption")
// -> "paxos-bug-skip-adoption"; an empty variant leaves the protocol as it is, and a
// protocol that already names a variant has it replaced.
std::string variant_protocol(const std::string& protocol, const std::string& variant);

// The inverse: "paxos-bug-skip-adoption" -> ("paxos", "skip-adoption"), "zk" -> ("zk", "").
std::pair<std::string, std::string> split_protocol(const std::string& protocol);

// True for "zk" and its deliberately broken variants: runs with a ZooKeeper node.
bool is_zk_protocol(const std::string& protocol);

// The settings of the protocol `cluster` runs, for a run's header:
// "heartbeat=50ms election_timeout=300ms" (paxos), "session_timeout=600ms tick=50ms" (zk).
std::string protocol_settings_text(const ClusterSpec& cluster);

}  // namespace fl::sim
