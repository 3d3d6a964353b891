// The protocol registry: every protocol a run can select, with what the rest of the
// code needs to know about it (its name, whether it runs with a ZooKeeper node, the
// scenario-file section of its own settings, its planted bugs, how to build a
// replica). Code outside the registry asks it instead of comparing protocol names.
// A leaf apart from the replica factories (sim/setup/protocols.hpp), so that what
// only needs a name (the World: does this run have a ZooKeeper node?) does not
// depend on building replicas; the table itself is defined in protocols.cpp.
//
// A run selects a protocol by its name ("paxos", "zk") and a planted bug as
// "<protocol>-bug-<variant>" (what --variant NAME builds).
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsm/core/replica.hpp"
#include "rsm/core/variant.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// Builds replica `id` of `cluster` around `app`, with the planted bug `variant`
// planted ("" for none, otherwise one of the protocol's variants).
using MakeReplica = std::unique_ptr<Replica> (*)(const ClusterSpec& cluster, std::string_view variant, NodeId id,
                                                 std::unique_ptr<Replicable> app);

// One protocol of the registry.
struct Protocol {
  std::string_view name;              // "paxos", "zk": cluster.protocol and --protocol
  std::string_view summary;           // one line, for listings
  bool needs_zookeeper = false;       // runs with a simulated ZooKeeper node on the network
  std::string_view settings_section;  // the scenario file's section of its own settings (scenarios/README.md)
  std::vector<VariantInfo> variants;  // its planted bugs, in listing order (rsm/*/variants.cpp)
  MakeReplica make_replica = nullptr;
  // Its own settings as the run's header prints them: "heartbeat=50ms election_timeout=300ms".
  std::string (*describe_settings)(const ClusterSpec& cluster) = nullptr;
};

// Every protocol, in listing order (paxos first).
std::span<const Protocol> protocols();

// The protocol named `name` exactly ("paxos"), or null.
const Protocol* find_protocol(std::string_view name);

// A run's protocol name resolved: the protocol and the planted bug ("" for none).
struct ProtocolChoice {
  const Protocol* protocol = nullptr;
  std::string variant;
};

// "paxos" -> (paxos, ""), "zk-bug-lead-past-expiry" -> (zk, "lead-past-expiry");
// nullopt when the name is no protocol or no variant of one.
std::optional<ProtocolChoice> resolve_protocol(std::string_view name);

// True when `protocol` (a variant too) runs with a ZooKeeper node; false for a name
// the registry does not know.
bool needs_zookeeper(std::string_view protocol);
// The same question under its older name, for callers not yet moved to the above.
bool is_zk_protocol(const std::string& protocol);

// A planted bug of one protocol, as `faultline variants` lists it. A run selects
// it as protocol "<protocol>-bug-<name>" (what --variant NAME builds).
struct VariantEntry {
  std::string protocol;  // "paxos" or "zk"
  VariantInfo info;
};

// Every planted bug of every protocol, in registry order.
std::vector<VariantEntry> all_variants();

// The protocol name that runs `variant` of `protocol`: ("paxos", "skip-adoption")
// -> "paxos-bug-skip-adoption"; an empty variant leaves the protocol as it is, and a
// protocol that already names a variant has it replaced.
std::string variant_protocol(const std::string& protocol, const std::string& variant);

// The inverse: "paxos-bug-skip-adoption" -> ("paxos", "skip-adoption"), "zk" -> ("zk", "").
std::pair<std::string, std::string> split_protocol(const std::string& protocol);

// The settings of the protocol `cluster` runs, for a run's header:
// "heartbeat=50ms election_timeout=300ms" (paxos), "session_timeout=600ms tick=50ms" (zk).
std::string protocol_settings_text(const ClusterSpec& cluster);

}  // namespace fl::sim
