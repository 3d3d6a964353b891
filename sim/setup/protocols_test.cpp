// The protocol registry: what it lists, how names resolve, and that every entry is
// wired through (its settings section parses, its factory builds replicas).
#include "sim/setup/protocols.hpp"

#include <gtest/gtest.h>

#include <set>

#include "sim/setup/protocol_names.hpp"

namespace fl::sim {
namespace {

TEST(ProtocolRegistry, lists_paxos_then_zk_with_their_facts) {
  ASSERT_EQ(protocols().size(), 2u);
  EXPECT_EQ(protocols()[0].name, "paxos");
  EXPECT_FALSE(protocols()[0].needs_zookeeper);
  EXPECT_EQ(protocols()[0].settings_section, "paxos");
  EXPECT_EQ(protocols()[1].name, "zk");
  EXPECT_TRUE(protocols()[1].needs_zookeeper);
  EXPECT_EQ(protocols()[1].settings_section, "zk");
  for (const Protocol& p : protocols()) {
    EXPECT_FALSE(p.variants.empty()) << p.name;
    EXPECT_NE(p.make_replica, nullptr) << p.name;
    EXPECT_NE(p.describe_settings, nullptr) << p.name;
  }
}

TEST(ProtocolRegistry, names_resolve_to_a_protocol_and_a_planted_bug) {
  const auto plain = resolve_protocol("zk");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->protocol, find_protocol("zk"));
  EXPECT_EQ(plain->variant, "");
  for (const VariantEntry& v : all_variants()) {
    const auto choice = resolve_protocol(v.protocol + "-bug-" + std::string(v.info.name));
    ASSERT_TRUE(choice.has_value()) << v.protocol << " " << v.info.name;
    EXPECT_EQ(choice->protocol->name, v.protocol);
    EXPECT_EQ(choice->variant, v.info.name);
  }
  EXPECT_FALSE(resolve_protocol("raft"));
  EXPECT_FALSE(resolve_protocol("paxos-bug-no-such-bug"));
  EXPECT_FALSE(resolve_protocol("paxos-bug-"));
  EXPECT_TRUE(needs_zookeeper("zk-bug-" + std::string(find_protocol("zk")->variants[0].name)));
  EXPECT_FALSE(needs_zookeeper("paxos"));
  EXPECT_FALSE(needs_zookeeper("raft"));
}

TEST(ProtocolRegistry, variant_names_are_unique_within_a_protocol) {
  for (const Protocol& p : protocols()) {
    std::set<std::string_view> names;
    for (const VariantInfo& v : p.variants) EXPECT_TRUE(names.insert(v.name).second) << p.name << ": " << v.name;
  }
}

TEST(ProtocolRegistry, every_protocol_is_accepted_by_scenario_files_with_its_section_and_builds_replicas) {
  for (const Protocol& p : protocols()) {
    const std::string text = R"({"name": "t", "cluster": {"protocol": ")" + std::string(p.name) + R"("}, ")" +
                             std::string(p.settings_section) + R"(": {}})";
    auto parsed = parse_scenario(text, "t.json");
    ASSERT_TRUE(std::holds_alternative<Scenario>(parsed)) << std::get<ScenarioError>(parsed).message();
    const ClusterSpec& cluster = std::get<Scenario>(parsed).cluster;
    EXPECT_NE(make_replica_factory(cluster)(NodeId(0)), nullptr) << p.name;
    EXPECT_FALSE(protocol_settings_text(cluster).empty()) << p.name;
  }
}

TEST(ProtocolRegistry, a_planted_bug_reaches_only_its_own_protocol_config) {
  ClusterSpec cluster;
  const VariantInfo& bug = find_protocol("paxos")->variants[0];
  cluster.protocol = "paxos-bug-" + std::string(bug.name);
  EXPECT_NE(paxos_config(cluster, NodeId(0)).mutation, paxos::Mutation::kNone);
  EXPECT_EQ(zk_config(cluster, NodeId(0)).mutation, fl::coordinated::ZkMutation::kNone);
  cluster.protocol = "paxos";
  EXPECT_EQ(paxos_config(cluster, NodeId(0)).mutation, paxos::Mutation::kNone);
  cluster.protocol = "raft";
  EXPECT_THROW(make_replica_factory(cluster), BadRunOption);
}

}  // namespace
}  // namespace fl::sim
