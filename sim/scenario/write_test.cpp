// write_scenario is the parser's inverse: every shipped scenario, and one that sets
// every field and fault kind, reads back equal, and runs to the same trace hash.
#include "sim/scenario/write.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "sim/observe/trace.hpp"
#include "sim/run.hpp"
#include "sim/scenario/nemesis.hpp"

namespace fl::sim {
namespace {

Scenario parsed(const std::string& text, const std::string& file = "test.json") {
  auto result = parse_scenario(text, file);
  if (auto* error = std::get_if<ScenarioError>(&result)) {
    ADD_FAILURE() << error->message() << "\n" << text;
    return {};
  }
  return std::get<Scenario>(result);
}

std::string join(const std::vector<std::string>& paths) {
  std::string out;
  for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::vector<std::filesystem::path> shipped_scenarios() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FL_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ScenarioWrite, every_shipped_scenario_reads_back_equal_and_runs_to_the_same_hash) {
  const auto files = shipped_scenarios();
  ASSERT_GE(files.size(), 29u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    auto loaded = load_scenario(file.string());
    ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
    const Scenario& original = std::get<Scenario>(loaded);
    const std::string text = write_scenario(original);
    const Scenario again = parsed(text, file.string());
    EXPECT_EQ(join(scenario_differences(original, again)), "") << text;
    EXPECT_EQ(write_scenario(again), text);  // a fixpoint: writing is deterministic
    RunOptions options;
    options.seed = 1;
    EXPECT_EQ(hex16(run_scenario(original, options).trace_hash), hex16(run_scenario(again, options).trace_hash));
  }
}

// Every section away from its defaults, every fault action, a rolling element.
constexpr const char* kEverything = R"({
  "name": "everything", "description": "all fields",
  "cluster": {"replicas": 5, "protocol": "zk", "store": "sqlite", "max_log_size": 77, "checkpoint_interval": 11,
              "batch_size_max": 3},
  "paxos": {"heartbeat": "40ms", "election_timeout": "1.5s"},
  "zk": {"session_timeout": "1100ms", "tick": "70ms"},
  "network": {"latency": "2ms", "jitter": "250us", "loss": 0.01, "duplicate": 0.02, "reorder": 0.3,
              "reorder_delay": "7ms"},
  "workload": {"clients": 7, "keys": 3, "mix": {"append": 0.25, "read_all": 0.75}, "rate_hz": 12.5,
               "targets": ["r1", "r3"], "timeout": "750ms", "attempts_max": 4, "requests_max": 99},
  "faults": [
    {"at": "1s", "crash": ["r1", "r2"]},
    {"at": "1s", "pause": "leader"},
    {"at": "2s", "restart": ["r1", "r2"]},
    {"at": "2100ms", "resume": "*"},
    {"at": "3s", "partition": [["leader"], ["r4", "zk"], ["*"]]},
    {"at": "4s", "heal": true},
    {"at": "4s", "cut": {"from": "r0", "to": ["r1", "zk"]}},
    {"at": "5s", "network": {"latency": "9ms", "loss": 0.5}},
    {"at": "5500ms", "network": {"jitter": "1us", "duplicate": 0.1, "reorder": 0}},
    {"at": "6s", "kill_all": true},
    {"at": "7s", "restart_all": true},
    {"at": "7s", "rolling": {"nodes": ["r3", "r0"], "down": "800ms", "gap": "0s"}},
    {"at": "9s", "crash": "zk"},
    {"at": "9200ms", "restart": "zk"}
  ],
  "nemesis": {"swarm": true, "start": "500ms", "stop": "11s", "crashed_max": 2, "kinds": ["zk_cut", "burst", "bridge"],
              "gap_min": "2s", "gap_max": "3s", "fault_min": "70ms", "fault_max": "900ms"},
  "duration": "10s", "quiesce": "3s",
  "expect": {"linearizable": false, "converged": true, "durable": false, "exactly_once": true, "log_bound": false,
             "progress": "always", "liveness_bound": "2500ms"}
})";

TEST(ScenarioWrite, every_field_and_fault_kind_survives_the_round_trip) {
  const Scenario original = parsed(kEverything);
  ASSERT_EQ(original.faults.size(), 17u);
  const std::string text = write_scenario(original);
  const Scenario again = parsed(text);
  EXPECT_EQ(join(scenario_differences(original, again)), "") << text;
  // The rolling element is written again as one, so its origins stay.
  const std::string rolling = R"("rolling": {"nodes": ["r3", "r0"], "down": "800ms", "gap": "0s"})";
  EXPECT_NE(text.find(rolling), std::string::npos) << text;
  // Durations in format_duration's style, probabilities as numbers.
  EXPECT_NE(text.find(R"("election_timeout": "1500ms")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("mix": {"insert": 0.0, "append": 0.25, "read": 0.0, "read_all": 0.75})"), std::string::npos);
}

TEST(ScenarioWrite, protocol_settings_are_written_in_their_sections_and_old_names_read_back_as_sections) {
  const Scenario old_form =
      parsed(R"({"name": "o", "cluster": {"protocol": "zk", "heartbeat": "40ms", "election_timeout": "350ms"}})");
  const std::string text = write_scenario(old_form);
  EXPECT_NE(text.find(R"(  "paxos": {"heartbeat": "40ms", "election_timeout": "350ms"},)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(  "zk": {"session_timeout": "700ms", "tick": "40ms"},)"), std::string::npos) << text;
  // The cluster line holds the shared settings only.
  EXPECT_NE(text.find(R"("cluster": {"replicas": 3, "protocol": "zk", "store": "sqlite", "max_log_size": 400, )"
                      R"("checkpoint_interval": 100, "batch_size_max": 16},)"),
            std::string::npos)
      << text;
  EXPECT_EQ(join(scenario_differences(old_form, parsed(text))), "") << text;
  Scenario other = old_form;
  other.cluster.zk.tick_us += 1;
  other.cluster.paxos.heartbeat_us += 1;
  EXPECT_EQ(join(scenario_differences(old_form, other)), "paxos.heartbeat, zk.tick");
}

TEST(ScenarioWrite, classic_nemesis_and_after_heal_defaults_round_trip) {
  const Scenario original = parsed(R"({"name": "n", "nemesis": {"interval": "1500ms", "crash": 2, "partition": 0,
      "cut": 0.5, "kill_all": 1, "crashed_max": 2}, "duration": "20s", "expect": {"progress": "none"}})");
  const std::string text = write_scenario(original);
  EXPECT_EQ(text.find("kinds"), std::string::npos) << "swarm-only fields are errors in classic mode";
  EXPECT_EQ(join(scenario_differences(original, parsed(text))), "") << text;
}

TEST(ScenarioWrite, faults_without_a_file_layout_are_written_one_per_element_in_schedule_order) {
  Scenario s = parsed(R"({"name": "n", "duration": "20s",
      "nemesis": {"interval": "2s", "start": "1s", "crash": 1, "partition": 1, "cut": 1}})");
  s.faults = expand_nemesis(*s.nemesis, 3, false, s.duration_us, 5);  // origin "nemesis"
  s.nemesis.reset();
  ASSERT_GT(s.faults.size(), 4u);
  Scenario again = parsed(write_scenario(s));
  ASSERT_EQ(again.faults.size(), s.faults.size());
  for (std::size_t i = 0; i < s.faults.size(); ++i) {
    EXPECT_EQ(again.faults[i].origin, "faults[" + std::to_string(i) + "]");
    again.faults[i].origin.clear();
  }
  Scenario expected = s;
  for (auto& f : expected.faults) f.origin.clear();
  EXPECT_EQ(join(scenario_differences(expected, again)), "");
}

TEST(ScenarioWrite, a_rolling_group_with_a_fault_removed_is_written_as_plain_faults) {
  Scenario s = parsed(R"({"name": "n", "duration": "20s",
      "faults": [{"at": "2s", "rolling": {"nodes": ["r0", "r1", "r2"], "down": "2s", "gap": "1s"}}]})");
  ASSERT_EQ(s.faults.size(), 6u);
  s.faults.erase(s.faults.begin() + 3);  // r1's restart
  const std::string text = write_scenario(s);
  EXPECT_EQ(text.find("rolling"), std::string::npos) << text;
  const Scenario again = parsed(text);
  ASSERT_EQ(again.faults.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(again.faults[i].at_us, s.faults[i].at_us);
    EXPECT_EQ(again.faults[i].origin, "faults[" + std::to_string(i) + "]");
  }
}

TEST(ScenarioWrite, differences_name_the_fields) {
  const Scenario a = parsed(kEverything);
  Scenario b = a;
  b.workload.clients = 1;
  b.faults[2].at_us += 1;
  b.nemesis->kinds.pop_back();
  b.expect.progress = Progress::kNone;
  EXPECT_EQ(join(scenario_differences(a, b)), "workload.clients, faults[2].at, nemesis.kinds, expect.progress");
  b = a;
  b.faults[0].action = Crash{{"r1"}};
  b.faults.pop_back();
  EXPECT_EQ(join(scenario_differences(a, b)), "faults.size, faults[0].action");
}

}  // namespace
}  // namespace fl::sim
