// Scenario file parsing: the shipped scenarios, durations, fault expansion, and one
// test per kind of bad input, each checking the JSON path and the reason reported.
#include "sim/scenario/scenario.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace fl::sim {
namespace {

// Parses text that must be valid; a failure prints the parser's message.
Scenario parse_ok(const std::string& text) {
  auto parsed = parse_scenario(text, "test.json");
  if (auto* error = std::get_if<ScenarioError>(&parsed)) {
    ADD_FAILURE() << error->message();
    return Scenario{};
  }
  return std::get<Scenario>(std::move(parsed));
}

// Parses text that must be rejected and returns why.
ScenarioError parse_error(const std::string& text) {
  auto parsed = parse_scenario(text, "test.json");
  if (auto* error = std::get_if<ScenarioError>(&parsed)) return *error;
  ADD_FAILURE() << "expected a parse error for: " << text;
  return ScenarioError{};
}

// A scenario with a name and the given extra top-level fields (a JSON fragment).
std::string with(const std::string& fields) { return R"({"name": "t", )" + fields + "}"; }

// A scenario whose fault list is `faults` (a JSON array body), in a 3-replica
// cluster that runs for 10s + 5s.
std::string with_faults(const std::string& faults) {
  return with(R"("duration": "10s", "quiesce": "5s", "faults": [)" + faults + "]");
}

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(FL_SOURCE_DIR "/scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// ---------------------------------------------------------------------------
// Shipped scenarios

TEST(ScenarioFiles, every_shipped_scenario_parses) {
  const auto files = shipped_scenarios();
  EXPECT_GE(files.size(), 14u);
  for (const auto& file : files) {
    auto loaded = load_scenario(file.string());
    const auto* error = std::get_if<ScenarioError>(&loaded);
    EXPECT_EQ(error, nullptr) << (error ? error->message() : "");
  }
}

TEST(ScenarioFiles, shipped_scenarios_have_unique_names_descriptions_and_a_quiet_tail) {
  std::set<std::string> names;
  for (const auto& file : shipped_scenarios()) {
    auto loaded = load_scenario(file.string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << file;
    const Scenario& s = std::get<Scenario>(loaded);
    EXPECT_TRUE(names.insert(s.name).second) << "duplicate name " << s.name;
    EXPECT_FALSE(s.description.empty()) << file;
    // Leaders need a few election timeouts to settle before the final checks.
    EXPECT_GE(s.quiesce_us, 5 * kSeconds) << file;
    EXPECT_EQ(s.source_file, file.string());
  }
}

TEST(ScenarioFiles, checkpoint_scenario_issues_more_than_five_logs_worth_of_requests) {
  auto loaded = load_scenario(FL_SOURCE_DIR "/scenarios/09-checkpoint-recovery.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
  const Scenario& s = std::get<Scenario>(loaded);
  // The first fault is the kill; count only what clients can issue before it, at
  // half the nominal rate to leave room for request latency.
  ASSERT_FALSE(s.faults.empty());
  const double seconds_before_kill = static_cast<double>(s.faults.front().at_us) / kSeconds;
  const double expected = s.workload.clients * s.workload.rate_hz * seconds_before_kill / 2;
  EXPECT_GT(expected, 5.0 * static_cast<double>(s.cluster.max_log_size));
  EXPECT_LT(s.cluster.checkpoint_interval, s.cluster.max_log_size);
}

// ---------------------------------------------------------------------------
// Durations

TEST(Duration, parse_accepts_each_unit) {
  EXPECT_EQ(parse_duration("100us"), 100);
  EXPECT_EQ(parse_duration("250ms"), 250 * kMillis);
  EXPECT_EQ(parse_duration("1.5s"), 1500 * kMillis);
  EXPECT_EQ(parse_duration("2m"), 120 * kSeconds);
  EXPECT_EQ(parse_duration("0s"), 0);
  EXPECT_EQ(parse_duration("0.001s"), 1 * kMillis);
  EXPECT_EQ(parse_duration("0.25m"), 15 * kSeconds);
}

TEST(Duration, parse_rejects_malformed_negative_and_unitless) {
  for (const char* text : {"", "5", "-1s", "+1s", "1 s", " 1s", "1.s", ".5s", "1e3ms", "5h", "ms", "1..5s", "0.5us",
                           "99999999999999999999s", "1000000000000000m"}) {
    EXPECT_EQ(parse_duration(text), std::nullopt) << text;
  }
}

TEST(Duration, format_uses_the_largest_exact_unit_and_round_trips) {
  EXPECT_EQ(format_duration(1500 * kMillis), "1500ms");
  EXPECT_EQ(format_duration(2 * kSeconds), "2s");
  EXPECT_EQ(format_duration(90 * kSeconds), "90s");
  EXPECT_EQ(format_duration(120 * kSeconds), "2m");
  EXPECT_EQ(format_duration(100), "100us");
  EXPECT_EQ(format_duration(0), "0s");
  for (Micros us : {Micros{1}, Micros{999}, 1500 * kMillis, 61 * kSeconds, 3 * 60 * kSeconds}) {
    EXPECT_EQ(parse_duration(format_duration(us)), us) << us;
  }
}

// ---------------------------------------------------------------------------
// Valid scenarios

TEST(Scenario, a_name_alone_gives_the_documented_defaults) {
  const Scenario s = parse_ok(R"({"name": "minimal"})");
  EXPECT_EQ(s.name, "minimal");
  EXPECT_EQ(s.source_file, "test.json");
  EXPECT_EQ(s.cluster.replicas, 3);
  EXPECT_EQ(s.cluster.protocol, "paxos");
  EXPECT_EQ(s.cluster.store, "sqlite");
  EXPECT_EQ(s.cluster.max_log_size, 400);
  EXPECT_EQ(s.workload.requests_max, 0);
  EXPECT_TRUE(s.faults.empty());
  EXPECT_FALSE(s.nemesis.has_value());
  EXPECT_EQ(s.duration_us, 10 * kSeconds);
  EXPECT_EQ(s.quiesce_us, 5 * kSeconds);
  EXPECT_EQ(s.expect.progress, Progress::kAfterHeal);
}

TEST(Scenario, every_section_is_read_into_its_struct) {
  const Scenario s = parse_ok(R"({
    "name": "full", "description": "all fields",
    "cluster": {"replicas": 5, "protocol": "zk", "store": "cassandra", "max_log_size": 40,
                "checkpoint_interval": 10, "batch_size_max": 4},
    "paxos": {"heartbeat": "20ms", "election_timeout": "200ms"},
    "zk": {"session_timeout": "900ms", "tick": "30ms"},
    "network": {"latency": "2ms", "jitter": "1ms", "loss": 0.1, "duplicate": 0, "reorder": 1, "reorder_delay": "5ms"},
    "workload": {"clients": 2, "keys": 3, "mix": {"append": 0.75, "read": 0.25}, "rate_hz": 12.5,
                 "targets": ["r4", "r0"],
                 "timeout": "1s", "attempts_max": 4, "requests_max": 7},
    "nemesis": {"interval": "1s", "start": "0s", "stop": "9s", "crash": 2, "partition": 0, "cut": 0.5,
                "kill_all": 0, "crashed_max": 2},
    "duration": "20s", "quiesce": "7s",
    "expect": {"linearizable": false, "converged": false, "durable": false, "exactly_once": false,
               "log_bound": false, "progress": "always", "liveness_bound": "3s"}
  })");
  EXPECT_EQ(s.description, "all fields");
  EXPECT_EQ(s.cluster.replicas, 5);
  EXPECT_EQ(s.cluster.protocol, "zk");
  EXPECT_EQ(s.cluster.store, "cassandra");
  EXPECT_EQ(s.cluster.checkpoint_interval, 10);
  EXPECT_EQ(s.cluster.batch_size_max, 4);
  EXPECT_EQ(s.cluster.paxos.heartbeat_us, 20 * kMillis);
  EXPECT_EQ(s.cluster.paxos.election_timeout_us, 200 * kMillis);
  EXPECT_EQ(s.cluster.zk.session_timeout_us, 900 * kMillis);
  EXPECT_EQ(s.cluster.zk.tick_us, 30 * kMillis);
  EXPECT_EQ(s.network.latency_us, 2 * kMillis);
  EXPECT_DOUBLE_EQ(s.network.reorder, 1.0);
  EXPECT_EQ(s.network.reorder_delay_us, 5 * kMillis);
  EXPECT_EQ(s.workload.targets, (std::vector<std::string>{"r4", "r0"}));
  EXPECT_DOUBLE_EQ(s.workload.rate_hz, 12.5);
  EXPECT_EQ(s.workload.timeout_us, 1 * kSeconds);
  EXPECT_EQ(s.workload.attempts_max, 4);
  EXPECT_EQ(s.workload.requests_max, 7);
  ASSERT_TRUE(s.nemesis.has_value());
  EXPECT_EQ(s.nemesis->stop_us, 9 * kSeconds);
  EXPECT_EQ(s.nemesis->crashed_max, 2);
  EXPECT_DOUBLE_EQ(s.nemesis->cut, 0.5);
  EXPECT_EQ(s.duration_us, 20 * kSeconds);
  EXPECT_FALSE(s.expect.linearizable);
  EXPECT_FALSE(s.expect.log_bound);
  EXPECT_EQ(s.expect.progress, Progress::kAlways);
  EXPECT_EQ(s.expect.liveness_bound_us, 3 * kSeconds);
}

TEST(Scenario, a_mix_leaves_the_operations_it_omits_at_zero) {
  const Scenario s = parse_ok(with(R"("workload": {"mix": {"append": 1}})"));
  EXPECT_DOUBLE_EQ(s.workload.mix.append, 1.0);
  EXPECT_DOUBLE_EQ(s.workload.mix.insert, 0.0);
  EXPECT_DOUBLE_EQ(s.workload.mix.read, 0.0);
  EXPECT_DOUBLE_EQ(s.workload.mix.read_all, 0.0);
}

TEST(Scenario, null_nemesis_means_none) { EXPECT_FALSE(parse_ok(with(R"("nemesis": null)")).nemesis.has_value()); }

TEST(Scenario, each_fault_action_is_parsed_with_its_origin) {
  const Scenario s = parse_ok(with_faults(R"(
    {"at": "1s", "crash": "r1"}, {"at": "2s", "restart": ["r1", "r2"]}, {"at": "3s", "kill_all": true},
    {"at": "4s", "restart_all": true}, {"at": "5s", "partition": [["r0"], ["r1", "r2"]]},
    {"at": "6s", "cut": {"from": "r0", "to": ["r1"]}}, {"at": "7s", "heal": true},
    {"at": "8s", "network": {"loss": 0.5, "latency": "3ms"}})"));
  ASSERT_EQ(s.faults.size(), 8u);
  EXPECT_EQ(std::get<Crash>(s.faults[0].action).nodes, NodeSet{"r1"});
  EXPECT_EQ(std::get<Restart>(s.faults[1].action).nodes, (NodeSet{"r1", "r2"}));
  EXPECT_TRUE(std::holds_alternative<KillAll>(s.faults[2].action));
  EXPECT_TRUE(std::holds_alternative<RestartAll>(s.faults[3].action));
  EXPECT_EQ(std::get<Partition>(s.faults[4].action).groups.size(), 2u);
  EXPECT_EQ(std::get<Cut>(s.faults[5].action).from, NodeSet{"r0"});
  EXPECT_TRUE(std::holds_alternative<Heal>(s.faults[6].action));
  const auto& change = std::get<NetworkChange>(s.faults[7].action);
  EXPECT_EQ(change.loss, 0.5);
  EXPECT_EQ(change.latency_us, 3 * kMillis);
  EXPECT_FALSE(change.jitter_us.has_value());
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    EXPECT_EQ(s.faults[i].origin, "faults[" + std::to_string(i) + "]");
    EXPECT_EQ(s.faults[i].at_us, static_cast<Micros>(i + 1) * kSeconds);
  }
}

TEST(Scenario, leader_and_star_are_accepted_in_fault_node_sets) {
  const Scenario s = parse_ok(with_faults(R"(
    {"at": "1s", "partition": [["leader"], ["*"]]}, {"at": "2s", "cut": {"from": ["leader"], "to": ["*"]}},
    {"at": "3s", "crash": "leader"}, {"at": "4s", "restart": "*"})"));
  ASSERT_EQ(s.faults.size(), 4u);
  const auto& partition = std::get<Partition>(s.faults[0].action);
  EXPECT_EQ(partition.groups[0], NodeSet{"leader"});
  EXPECT_EQ(partition.groups[1], NodeSet{"*"});
  EXPECT_EQ(std::get<Cut>(s.faults[1].action).to, NodeSet{"*"});
}

TEST(Scenario, rolling_expands_into_serial_crash_restart_pairs_sorted_among_other_faults) {
  const Scenario s = parse_ok(with_faults(R"(
    {"at": "1s", "rolling": {"nodes": ["r0", "r2"], "down": "2s", "gap": "1s"}},
    {"at": "3.5s", "heal": true})"));
  ASSERT_EQ(s.faults.size(), 5u);
  // r0 down 1s..3s, then a 1s gap, r2 down 4s..6s; the heal sorts in between.
  EXPECT_EQ(s.faults[0].at_us, 1 * kSeconds);
  EXPECT_EQ(std::get<Crash>(s.faults[0].action).nodes, NodeSet{"r0"});
  EXPECT_EQ(s.faults[1].at_us, 3 * kSeconds);
  EXPECT_EQ(std::get<Restart>(s.faults[1].action).nodes, NodeSet{"r0"});
  EXPECT_EQ(s.faults[2].at_us, 3500 * kMillis);
  EXPECT_EQ(s.faults[2].origin, "faults[1]");
  EXPECT_EQ(s.faults[3].at_us, 4 * kSeconds);
  EXPECT_EQ(std::get<Crash>(s.faults[3].action).nodes, NodeSet{"r2"});
  EXPECT_EQ(s.faults[4].at_us, 6 * kSeconds);
  EXPECT_EQ(std::get<Restart>(s.faults[4].action).nodes, NodeSet{"r2"});
  for (std::size_t i : {0u, 1u, 3u, 4u}) EXPECT_EQ(s.faults[i].origin, "faults[0].rolling");
}

TEST(Scenario, faults_at_the_same_time_keep_file_order) {
  const Scenario s = parse_ok(with_faults(R"(
    {"at": "2s", "heal": true}, {"at": "1s", "crash": "r0"}, {"at": "2s", "crash": "r1"})"));
  ASSERT_EQ(s.faults.size(), 3u);
  EXPECT_EQ(s.faults[0].origin, "faults[1]");
  EXPECT_EQ(s.faults[1].origin, "faults[0]");
  EXPECT_EQ(s.faults[2].origin, "faults[2]");
}

TEST(Scenario, a_fault_exactly_at_the_end_is_allowed) {
  EXPECT_EQ(parse_ok(with_faults(R"({"at": "15s", "heal": true})")).faults.size(), 1u);
}

// ---------------------------------------------------------------------------
// Rejected input

// ---------------------------------------------------------------------------
// Per-protocol sections and the old names in "cluster"

TEST(ScenarioSections, defaults_are_the_timings_both_protocols_always_ran_with) {
  const Scenario s = parse_ok(R"({"name": "t"})");
  EXPECT_EQ(s.cluster.paxos.heartbeat_us, 50 * kMillis);
  EXPECT_EQ(s.cluster.paxos.election_timeout_us, 300 * kMillis);
  EXPECT_EQ(s.cluster.zk.session_timeout_us, 600 * kMillis);
  EXPECT_EQ(s.cluster.zk.tick_us, 50 * kMillis);
}

TEST(ScenarioSections, the_section_of_the_protocol_not_run_is_read_and_kept) {
  // Documented: a paxos scenario's "zk" section is validated and applies under --protocol zk.
  const Scenario s = parse_ok(with(R"("cluster": {"protocol": "paxos"}, "zk": {"session_timeout": "1s"})"));
  EXPECT_EQ(s.cluster.zk.session_timeout_us, 1 * kSeconds);
  EXPECT_EQ(s.cluster.zk.tick_us, 50 * kMillis);
}

TEST(ScenarioSections, old_names_in_cluster_keep_their_meaning_for_both_protocols) {
  const Scenario s =
      parse_ok(with(R"("cluster": {"protocol": "zk", "heartbeat": "40ms", "election_timeout": "450ms"})"));
  EXPECT_EQ(s.cluster.paxos.heartbeat_us, 40 * kMillis);
  EXPECT_EQ(s.cluster.paxos.election_timeout_us, 450 * kMillis);
  EXPECT_EQ(s.cluster.zk.tick_us, 40 * kMillis);              // the heartbeat was the zk tick
  EXPECT_EQ(s.cluster.zk.session_timeout_us, 900 * kMillis);  // and the session twice the election timeout
}

TEST(ScenarioSections, old_names_beside_a_section_are_an_error_that_says_what_to_write) {
  const auto e = parse_error(with(R"("cluster": {"election_timeout": "400ms"}, "zk": {"tick": "20ms"})"));
  EXPECT_EQ(e.file, "test.json");
  EXPECT_EQ(e.field, "cluster.election_timeout");
  EXPECT_TRUE(contains(e.reason, R"("paxos": {"heartbeat": "50ms", "election_timeout": "400ms"})")) << e.reason;
  EXPECT_TRUE(contains(e.reason, R"("zk": {"session_timeout": "800ms")")) << e.reason;
}

TEST(ScenarioSections, a_misspelt_key_in_a_section_names_file_and_field) {
  auto e = parse_error(with(R"("paxos": {"heartbeet": "50ms"})"));
  EXPECT_EQ(e.message(), R"(test.json: paxos.heartbeet: unknown field (did you mean "heartbeat"?))");
  e = parse_error(with(R"("zk": {"session_timout": "1s"})"));
  EXPECT_EQ(e.message(), R"(test.json: zk.session_timout: unknown field (did you mean "session_timeout"?))");
  e = parse_error(with(R"("zk": {"election_timeout": "300ms"})"));
  EXPECT_EQ(e.field, "zk.election_timeout");
  EXPECT_TRUE(contains(e.reason, "session_timeout")) << e.reason;
  e = parse_error(with(R"("paxos": {"session_timeout": "1s"})"));
  EXPECT_EQ(e.field, "paxos.session_timeout");
}

TEST(ScenarioSections, settings_are_checked_where_they_are_written) {
  EXPECT_EQ(parse_error(with(R"("paxos": {"heartbeat": "300ms"})")).field, "paxos.election_timeout");
  EXPECT_EQ(parse_error(with(R"("cluster": {"heartbeat": "300ms"})")).field, "cluster.election_timeout");
  // The simulated server grants 200ms..2s; anything else would quietly be clamped.
  auto e = parse_error(with(R"("zk": {"session_timeout": "3s"})"));
  EXPECT_EQ(e.message(),
            "test.json: zk.session_timeout: must be between 200ms and 2s (what the simulated "
            "ZooKeeper server grants), got \"3s\"");
  e = parse_error(with(R"("cluster": {"election_timeout": "1500ms"})"));
  EXPECT_EQ(e.field, "cluster.election_timeout");
  EXPECT_TRUE(contains(e.reason, "3s")) << e.reason;
  EXPECT_EQ(parse_error(with(R"("zk": {"tick": "600ms"})")).field, "zk.tick");
  EXPECT_EQ(parse_error(with(R"("zk": {"tick": "0s"})")).field, "zk.tick");
}

TEST(ScenarioError, message_is_file_field_reason) {
  EXPECT_EQ((ScenarioError{"a.json", "cluster.replicas", "expected an integer"}).message(),
            "a.json: cluster.replicas: expected an integer");
  EXPECT_EQ((ScenarioError{"a.json", "", "cannot read the file: x"}).message(), "a.json: cannot read the file: x");
}

TEST(ScenarioError, bad_json_reports_line_column_and_byte) {
  const auto e = parse_error("{\n  \"name\": \"t\",\n  \"duration\": 5s\n}");
  EXPECT_EQ(e.field, "");
  EXPECT_TRUE(starts_with(e.reason, "invalid JSON at line 3, column 16")) << e.reason;
  EXPECT_TRUE(contains(e.reason, "byte")) << e.reason;
  EXPECT_TRUE(contains(e.message(), "test.json: invalid JSON")) << e.message();
}

TEST(ScenarioError, top_level_must_be_an_object) {
  const auto e = parse_error("[1, 2]");
  EXPECT_EQ(e.field, "");
  EXPECT_EQ(e.reason, "the top level must be a JSON object");
}

TEST(ScenarioError, unknown_top_level_field_is_named_with_a_hint) {
  const auto e = parse_error(with(R"("nemsis": null)"));
  EXPECT_EQ(e.field, "nemsis");
  EXPECT_EQ(e.reason, "unknown field (did you mean \"nemesis\"?)");
}

TEST(ScenarioError, unknown_nested_fields_are_named_by_their_path) {
  EXPECT_EQ(parse_error(with(R"("workload": {"mixx": {}})")).field, "workload.mixx");
  EXPECT_EQ(parse_error(with(R"("workload": {"mix": {"apend": 1}})")).field, "workload.mix.apend");
  EXPECT_EQ(parse_error(with(R"("expect": {"bogus": true})")).field, "expect.bogus");
  const auto e =
      parse_error(with_faults(R"({"at": "1s", "rolling": {"nodes": ["r0"], "down": "1s", "gap": "1s", "x": 1}})"));
  EXPECT_EQ(e.field, "faults[0].rolling.x");
  EXPECT_TRUE(starts_with(e.reason, "unknown field")) << e.reason;
}

TEST(ScenarioError, duplicate_field_is_named_by_its_path) {
  const auto e = parse_error(with(R"("workload": {"clients": 1, "clients": 2})"));
  EXPECT_EQ(e.field, "workload.clients");
  EXPECT_EQ(e.reason, "duplicate field");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "heal": true}, {"at": "1s", "at": "2s", "heal": true})")).field,
            "faults[1].at");
}

TEST(ScenarioError, wrong_types_are_named) {
  auto e = parse_error(with(R"("cluster": {"replicas": "3"})"));
  EXPECT_EQ(e.field, "cluster.replicas");
  EXPECT_EQ(e.reason, "expected an integer");
  EXPECT_EQ(parse_error(with(R"("cluster": {"replicas": 3.0})")).reason, "expected an integer");
  EXPECT_EQ(parse_error(with(R"("expect": {"durable": 1})")).field, "expect.durable");
  e = parse_error(with(R"("duration": 5)"));
  EXPECT_EQ(e.field, "duration");
  EXPECT_TRUE(starts_with(e.reason, "expected a duration with a unit")) << e.reason;
  EXPECT_EQ(parse_error(with(R"("faults": {})")).reason, "expected an array of faults");
  EXPECT_EQ(parse_error(with(R"("nemesis": true)")).reason, "expected an object or null");
  EXPECT_EQ(parse_error(R"({"name": 7})").reason, "expected a string");
}

TEST(ScenarioError, unknown_node_names_are_rejected_at_the_fault_field) {
  const auto e = parse_error(with_faults(R"(
    {"at": "1s", "crash": "r0"}, {"at": "2s", "restart": "r0"}, {"at": "3s", "crash": "r5"})"));
  EXPECT_EQ(e.field, "faults[2].crash");
  EXPECT_TRUE(starts_with(e.reason, "unknown node \"r5\": a 3-replica cluster has r0..r2")) << e.reason;
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "crash": ["r1", "bob"]})")).field, "faults[0].crash[1]");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "crash": "r01"})")).field, "faults[0].crash");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "partition": [["r0"], ["r3"]]})")).field,
            "faults[0].partition[1][0]");
}

TEST(ScenarioError, leader_and_star_are_rejected_where_a_fixed_replica_is_needed) {
  auto e = parse_error(with(R"("workload": {"targets": ["r0", "leader"]})"));
  EXPECT_EQ(e.field, "workload.targets[1]");
  EXPECT_TRUE(contains(e.reason, "not allowed here")) << e.reason;
  e = parse_error(with_faults(R"({"at": "1s", "rolling": {"nodes": ["*"], "down": "1s", "gap": "0s"}})"));
  EXPECT_EQ(e.field, "faults[0].rolling.nodes[0]");
}

TEST(ScenarioError, node_sets_must_be_non_empty_distinct_and_disjoint) {
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "crash": []})")).reason, "names no node");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "crash": ["r1", "r1"]})")).field, "faults[0].crash[1]");
  auto e = parse_error(with_faults(R"({"at": "1s", "partition": [["r0", "r1"], ["r1", "r2"]]})"));
  EXPECT_EQ(e.field, "faults[0].partition[1]");
  EXPECT_TRUE(contains(e.reason, "\"r1\" is also named")) << e.reason;
  e = parse_error(with_faults(R"({"at": "1s", "cut": {"from": ["*"], "to": ["*"]}})"));
  EXPECT_EQ(e.field, "faults[0].cut.to");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "partition": [["r0"]]})")).field, "faults[0].partition");
}

TEST(ScenarioError, negative_times_are_rejected) {
  auto e = parse_error(with_faults(R"({"at": "-1s", "heal": true})"));
  EXPECT_EQ(e.field, "faults[0].at");
  EXPECT_TRUE(starts_with(e.reason, "must not be negative")) << e.reason;
  EXPECT_EQ(parse_error(with(R"("network": {"latency": "-5ms"})")).field, "network.latency");
  EXPECT_EQ(parse_error(with(R"("quiesce": "-1s")")).field, "quiesce");
}

TEST(ScenarioError, zero_where_a_positive_duration_is_needed) {
  EXPECT_EQ(parse_error(with(R"("duration": "0s")")).reason, "must be greater than zero");
  EXPECT_EQ(parse_error(with(R"("workload": {"timeout": "0ms"})")).field, "workload.timeout");
}

TEST(ScenarioError, faults_after_the_end_of_the_run_are_rejected) {
  auto e = parse_error(with_faults(R"({"at": "15001ms", "heal": true})"));
  EXPECT_EQ(e.field, "faults[0].at");
  EXPECT_EQ(e.reason, "15001ms is after the run ends at 15s (duration + quiesce)");
  e = parse_error(with_faults(R"({"at": "10s", "rolling": {"nodes": ["r0", "r1"], "down": "2s", "gap": "2s"}})"));
  EXPECT_EQ(e.field, "faults[0].rolling");
  EXPECT_TRUE(starts_with(e.reason, "ends at 16s, after the run ends at 15s")) << e.reason;
}

TEST(ScenarioError, missing_or_empty_name_is_rejected) {
  auto e = parse_error(R"({"duration": "1s"})");
  EXPECT_EQ(e.field, "name");
  EXPECT_EQ(e.reason, "required field is missing");
  EXPECT_EQ(parse_error(R"({"name": ""})").reason, "must not be empty");
}

TEST(ScenarioError, unknown_protocol_and_store_are_rejected) {
  auto e = parse_error(with(R"("cluster": {"protocol": "raft"})"));
  EXPECT_EQ(e.field, "cluster.protocol");
  EXPECT_EQ(e.reason, "unknown protocol \"raft\" (allowed: paxos, zk)");
  e = parse_error(with(R"("cluster": {"store": "redis"})"));
  EXPECT_EQ(e.field, "cluster.store");
  EXPECT_EQ(e.reason, "unknown store \"redis\" (allowed: sqlite, cassandra)");
}

TEST(ScenarioError, probabilities_outside_zero_to_one_are_rejected) {
  auto e = parse_error(with(R"("network": {"loss": 1.5})"));
  EXPECT_EQ(e.field, "network.loss");
  EXPECT_EQ(e.reason, "must be a probability between 0 and 1, got 1.5");
  EXPECT_EQ(parse_error(with(R"("workload": {"mix": {"read": -0.1}})")).field, "workload.mix.read");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "network": {"duplicate": 2}})")).field,
            "faults[0].network.duplicate");
  EXPECT_EQ(parse_error(with(R"("workload": {"mix": {"read": 0}})")).reason,
            "needs at least one operation with a probability above 0");
}

TEST(ScenarioError, integers_out_of_range_are_rejected) {
  auto e = parse_error(with(R"("cluster": {"replicas": 10})"));
  EXPECT_EQ(e.field, "cluster.replicas");
  EXPECT_EQ(e.reason, "must be between 1 and 9, got 10");
  EXPECT_EQ(parse_error(with(R"("cluster": {"replicas": 0})")).field, "cluster.replicas");
  EXPECT_EQ(parse_error(with(R"("workload": {"clients": 0})")).field, "workload.clients");
  EXPECT_EQ(parse_error(with(R"("workload": {"keys": 0})")).field, "workload.keys");
  EXPECT_EQ(parse_error(with(R"("workload": {"requests_max": -1})")).field, "workload.requests_max");
  EXPECT_EQ(parse_error(with(R"("cluster": {"max_log_size": 18446744073709551615})")).field, "cluster.max_log_size");
  e = parse_error(with(R"("cluster": {"max_log_size": 40, "checkpoint_interval": 40})"));
  EXPECT_EQ(e.field, "cluster.checkpoint_interval");
  EXPECT_EQ(e.reason, "checkpoint_interval (40) must be less than max_log_size (40)");
  EXPECT_EQ(parse_error(with(R"("cluster": {"max_log_size": 50})")).field, "cluster.max_log_size");
}

TEST(ScenarioError, fault_elements_need_exactly_one_action) {
  auto e = parse_error(with_faults(R"({"at": "1s"})"));
  EXPECT_EQ(e.field, "faults[0]");
  EXPECT_TRUE(starts_with(e.reason, "needs one action")) << e.reason;
  e = parse_error(with_faults(R"({"at": "1s", "crash": "r0", "heal": true})"));
  EXPECT_TRUE(starts_with(e.reason, "has more than one action")) << e.reason;
  EXPECT_EQ(parse_error(with_faults(R"({"heal": true})")).field, "faults[0].at");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "heal": false})")).field, "faults[0].heal");
  EXPECT_EQ(parse_error(with_faults(R"({"at": "1s", "network": {}})")).field, "faults[0].network");
}

TEST(ScenarioError, nemesis_limits_are_checked) {
  auto e = parse_error(with(R"("nemesis": {"crashed_max": 3})"));
  EXPECT_EQ(e.field, "nemesis.crashed_max");
  EXPECT_EQ(e.reason, "must be between 0 and 2, got 3");
  EXPECT_EQ(parse_error(with(R"("nemesis": {"crashed_max": 0})")).field, "nemesis.crashed_max");
  EXPECT_EQ(parse_error(with(R"("nemesis": {"crash": -1})")).field, "nemesis.crash");
  EXPECT_EQ(parse_error(with(R"("nemesis": {"interval": "0s"})")).field, "nemesis.interval");
  EXPECT_EQ(parse_error(with(R"("nemesis": {"start": "10s"})")).field, "nemesis.start");
  EXPECT_EQ(parse_error(with(R"("nemesis": {"stop": "1h"})")).field, "nemesis.stop");
}

TEST(ScenarioError, missing_file_is_reported_without_a_field) {
  auto loaded = load_scenario("/nonexistent/faultline/none.json");
  ASSERT_TRUE(std::holds_alternative<ScenarioError>(loaded));
  const auto& e = std::get<ScenarioError>(loaded);
  EXPECT_EQ(e.file, "/nonexistent/faultline/none.json");
  EXPECT_EQ(e.field, "");
  EXPECT_EQ(e.message(), "/nonexistent/faultline/none.json: cannot read the file: No such file or directory");
}

// ---------------------------------------------------------------------------
// Limits (issue "Robustness"): values that would break the run are refused here

TEST(ScenarioLimits, a_request_rate_outside_its_range_is_refused) {
  for (const std::string rate : {"2e-13", "0", "-1", "1e7"}) {
    const ScenarioError e = parse_error(with(R"("workload": {"rate_hz": )" + rate + "}"));
    EXPECT_EQ(e.field, "workload.rate_hz") << rate;
    EXPECT_TRUE(contains(e.reason, "between 0.001 and 1000000")) << e.reason;
  }
  EXPECT_DOUBLE_EQ(parse_ok(with(R"("workload": {"rate_hz": 0.001})")).workload.rate_hz, 0.001);
}

TEST(ScenarioLimits, nemesis_weights_cannot_add_up_to_infinity) {
  const ScenarioError e = parse_error(with(R"("nemesis": {"crash": 1e308, "partition": 1e308})"));
  EXPECT_EQ(e.field, "nemesis.crash");
  EXPECT_TRUE(contains(e.reason, "between 0 and 1000000")) << e.reason;
}

TEST(ScenarioLimits, nesting_is_bounded_and_cheap) {
  std::string deep;
  for (int i = 0; i < 50'000; ++i) deep += "[";
  deep += std::string(50'000, ']');
  const ScenarioError e = parse_error(R"({"name": "t", "x": )" + deep + "}");
  EXPECT_TRUE(contains(e.reason, "nesting deeper than 32 levels")) << e.reason;
}

TEST(ScenarioLimits, a_number_too_large_for_a_double_says_where) {
  const ScenarioError e = parse_error(with(R"("duration": 1e400)"));
  EXPECT_TRUE(contains(e.reason, "the number 1e400 at line 1")) << e.reason;
  EXPECT_FALSE(contains(e.reason, "json.exception")) << e.reason;
}

TEST(ScenarioLimits, zookeeper_named_is_found_in_every_kind_of_fault) {
  EXPECT_EQ(zookeeper_named(parse_ok(with_faults(R"({"at": "1s", "crash": "r1"})"))), std::nullopt);
  EXPECT_EQ(zookeeper_named(parse_ok(with_faults(R"({"at": "1s", "crash": "r1"}, {"at": "2s", "crash": "zk"})"))),
            "faults[1]");
  EXPECT_EQ(zookeeper_named(parse_ok(with_faults(R"({"at": "1s", "partition": [["r0", "zk"], ["r1", "r2"]]})"))),
            "faults[0]");
  EXPECT_EQ(zookeeper_named(parse_ok(with_faults(R"({"at": "1s", "cut": {"from": "r0", "to": "zk"}})"))), "faults[0]");
}

}  // namespace
}  // namespace fl::sim
