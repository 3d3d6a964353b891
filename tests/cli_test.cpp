// The faultline command as a user meets it: help, exit codes, error messages for
// bad input, and the shape of a run's output (seed first, trace hash last).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "tests/run_binary.hpp"
#include "tests/xml_reader.hpp"

namespace {

using fl::testing::all;
using fl::testing::faultline;
using fl::testing::parse_xml;
using fl::testing::Ran;
using fl::testing::XmlElement;

std::string scenario(const std::string& name) { return std::string(FL_SOURCE_DIR) + "/scenarios/" + name; }

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(Cli, help_lists_commands_and_exit_codes) {
  const Ran r = faultline("--help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("run SCENARIO.json"), std::string::npos);
  EXPECT_NE(r.out.find("64 bad usage"), std::string::npos);
  for (const char* command : {"run", "sweep", "suite", "bench"}) {
    const Ran sub = faultline(std::string(command) + " --help");
    EXPECT_EQ(sub.code, 0) << command;
    EXPECT_NE(sub.out.find("usage: faultline " + std::string(command)), std::string::npos) << command;
  }
}

TEST(Cli, unknown_command_and_unknown_option_are_usage_errors) {
  EXPECT_EQ(faultline("frobnicate").code, 64);
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --sede 3");
  EXPECT_EQ(r.code, 64);
  EXPECT_NE(r.out.find("--sede"), std::string::npos) << r.out;
  EXPECT_EQ(faultline("run " + scenario("01-one-request.json") + " --seed abc").code, 64);
  EXPECT_EQ(faultline("sweep " + scenario("01-one-request.json") + " --seeds 5..2").code, 64);
}

TEST(Cli, malformed_scenario_names_file_field_and_reason) {
  const std::string path = write_temp("bad-field.json", R"({"name": "x", "cluster": {"replicas": "three"}})");
  const Ran r = faultline("run " + path + " --seed 1");
  EXPECT_EQ(r.code, 64);
  EXPECT_NE(r.out.find(path), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cluster.replicas"), std::string::npos) << r.out;
}

TEST(Cli, missing_scenario_file_is_bad_input) {
  const Ran r = faultline("run /nonexistent/nothing.json --seed 1");
  EXPECT_EQ(r.code, 64);
  EXPECT_NE(r.out.find("/nonexistent/nothing.json"), std::string::npos) << r.out;
}

TEST(Cli, unavailable_protocol_is_bad_input_not_a_crash) {
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 1 --protocol nosuch");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_NE(r.out.find("nosuch"), std::string::npos) << r.out;
}

TEST(Cli, run_prints_seed_first_verdicts_and_trace_hash_last) {
  const Ran r = faultline("run " + scenario("03-requests-to-all-replicas.json") + " --seed 5");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(r.out.rfind("seed: 5\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("check converged"), std::string::npos);
  const auto last = r.out.rfind("trace-hash: ");
  ASSERT_NE(last, std::string::npos);
  EXPECT_EQ(r.out.size() - last, std::string("trace-hash: ").size() + 16 + 1) << "the hash line is last";
  // Same seed, same hash, across processes too.
  const Ran again = faultline("run " + scenario("03-requests-to-all-replicas.json") + " --seed 5");
  EXPECT_EQ(again.out.substr(again.out.rfind("trace-hash: ")), r.out.substr(last));
}

TEST(Cli, a_liveness_failure_exits_2_and_prints_how_to_reproduce) {
  // Every replica is killed for good, but the scenario demands progress throughout.
  const std::string path = write_temp("no-progress.json", R"({
    "name": "all-down-yet-progress-required",
    "workload": {"clients": 2, "rate_hz": 20},
    "faults": [{"at": "2s", "kill_all": true}],
    "duration": "5s", "quiesce": "5s",
    "expect": {"progress": "always", "liveness_bound": "1s"}
  })");
  const Ran r = faultline("run " + path + " --seed 9");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("reproduce: "), std::string::npos);
  EXPECT_NE(r.out.find("--seed 9"), std::string::npos);
}

TEST(Cli, trace_file_holds_every_line_and_a_bad_path_is_bad_input) {
  const std::string path = ::testing::TempDir() + "one.trace";
  const Ran r = faultline("run " + scenario("01-one-request.json") + " --seed 3 --trace " + path);
  ASSERT_EQ(r.code, 0) << r.out;
  std::ifstream in(path);
  std::string line, text;
  int lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    text += line + "\n";
  }
  EXPECT_GT(lines, 10);
  EXPECT_NE(text.find(" apply r"), std::string::npos);
  EXPECT_NE(text.find(" call c0 "), std::string::npos);
  EXPECT_NE(text.find(" return c0 "), std::string::npos);
  const Ran bad = faultline("run " + scenario("01-one-request.json") + " --seed 3 --trace /nonexistent/dir/x.trace");
  EXPECT_EQ(bad.code, 64) << bad.out;
  EXPECT_NE(bad.out.find("/nonexistent/dir/x.trace"), std::string::npos) << bad.out;
}

TEST(Cli, a_safety_violation_exits_1_and_lists_the_failing_seed_with_its_reproduce_command) {
  // A deliberately broken Paxos (new leaders ignore phase-1 reports) under the
  // random nemesis: some seed in 1..10 must break slot agreement.
  const Ran r = faultline("sweep " + scenario("13-nemesis-soak.json") +
                          " --seeds 1..10 --jobs 2 --protocol paxos-bug-skip-adoption");
  EXPECT_EQ(r.code, 1) << r.out;
  const auto fail = r.out.find("FAIL nemesis-soak seed ");
  ASSERT_NE(fail, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("reproduce: ", fail), std::string::npos);
  // The old protocol name still works; the reproduce command spells it as a variant.
  EXPECT_NE(r.out.find("--protocol paxos --variant skip-adoption", fail), std::string::npos) << r.out;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Cli, sweep_report_writes_json_junit_and_markdown) {
  const std::string dir = ::testing::TempDir() + "sweep-report";
  const Ran r = faultline("sweep " + scenario("13-nemesis-soak.json") +
                          " --seeds 1..6 --jobs 2 --protocol paxos-bug-skip-adoption --report " + dir);
  ASSERT_EQ(r.code, 1) << r.out;
  const auto report = nlohmann::json::parse(slurp(dir + "/report.json"));
  ASSERT_EQ(report["runs"].size(), 6u);
  EXPECT_EQ(report["runs"][0]["verdict"], "fail-safety") << "failing runs come first";
  // The reproduce command of each failing run, by its JUnit test case name.
  std::map<std::string, std::string> reproduce;
  for (const auto& run : report["runs"]) {
    if (run.contains("reproduce")) {
      reproduce["nemesis-soak protocol=paxos-bug-skip-adoption seed=" + std::to_string(run["seed"].get<int>())] =
          run["reproduce"];
    }
  }
  ASSERT_GT(reproduce.size(), 0u);
  ASSERT_EQ(reproduce.size(), report["summary"]["failed"].get<std::size_t>());

  // junit.xml read as a CI system reads it: well-formed, counted, one case per seed.
  const XmlElement root = parse_xml(slurp(dir + "/junit.xml"));
  ASSERT_EQ(root.name, "testsuites");
  EXPECT_EQ(root.attributes.at("tests"), "6");
  EXPECT_EQ(root.attributes.at("failures"), std::to_string(reproduce.size()));
  EXPECT_EQ(root.attributes.at("errors"), "0");
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 6u);
  std::size_t failed_cases = 0;
  for (const XmlElement* c : cases) {
    const std::string name = c->attributes.at("name");
    EXPECT_EQ(c->attributes.at("classname"), "faultline.nemesis-soak");
    EXPECT_EQ(name.rfind("nemesis-soak protocol=paxos-bug-skip-adoption seed=", 0), 0u) << name;
    const auto failures = all(*c, "failure");
    const auto it = reproduce.find(name);
    if (it == reproduce.end()) {
      EXPECT_TRUE(failures.empty()) << name << " passed";
      continue;
    }
    ++failed_cases;
    ASSERT_EQ(failures.size(), 1u) << name;
    EXPECT_EQ(failures[0]->attributes.at("type"), "safety");
    EXPECT_FALSE(failures[0]->attributes.at("message").empty());
    const std::string last_line = "\nreproduce: " + it->second;
    const std::string& text = failures[0]->text;
    ASSERT_GE(text.size(), last_line.size());
    EXPECT_EQ(text.substr(text.size() - last_line.size()), last_line) << text;
  }
  EXPECT_EQ(failed_cases, reproduce.size());

  // summary.md: named after the command, the protocol in its column, every failing
  // seed's reproduce command.
  const std::string summary = slurp(dir + "/summary.md");
  EXPECT_EQ(summary.rfind("## faultline sweep nemesis-soak: 1 of 1 scenario/protocol pair failing", 0), 0u) << summary;
  EXPECT_NE(summary.find("| nemesis-soak | paxos-bug-skip-adoption |"), std::string::npos) << summary;
  for (const auto& [name, command] : reproduce) {
    EXPECT_NE(summary.find("; reproduce: `" + command + "`\n"), std::string::npos) << name << "\n" << summary;
  }
}

TEST(Cli, run_report_summary_names_the_scenarios_own_protocol) {
  const std::string dir = ::testing::TempDir() + "zk-run-report";
  const Ran r = faultline("run " + scenario("19-zk-zookeeper-restart.json") + " --seed 1 --report " + dir);
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string summary = slurp(dir + "/summary.md");
  EXPECT_EQ(summary.rfind("## faultline run zk-zookeeper-restart: all pass (1 scenario/protocol pair, 1 run)", 0), 0u)
      << summary;
  EXPECT_NE(summary.find("\n| zk-zookeeper-restart | zk | pass |"), std::string::npos) << summary;
  EXPECT_NE(summary.find("Command: `" + std::string(FL_BINARY) + " run "), std::string::npos) << summary;
}

TEST(Cli, bench_check_judges_every_generated_history_linearizable) {
  // Figures only, no timing asserted: the generated histories are linearizable by
  // construction, so every row must say so.
  const Ran r = faultline("bench check --runs 1 --max-ops 1000");
  EXPECT_EQ(r.code, 0) << r.out;
  std::size_t rows = 0;
  for (auto at = r.out.find(" linearizable\n"); at != std::string::npos; at = r.out.find(" linearizable\n", at + 1)) {
    ++rows;
  }
  EXPECT_EQ(rows, 4u) << r.out;
  EXPECT_EQ(r.out.find("NOT JUDGED"), std::string::npos) << r.out;
}

TEST(Cli, sweep_runs_every_seed_and_summarises) {
  const Ran r = faultline("sweep " + scenario("02-few-requests-one-replica.json") + " --seeds 1..4 --jobs 2");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("4 seeds, 4 passed, 0 failed"), std::string::npos) << r.out;
}

}  // namespace
