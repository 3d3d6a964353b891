// Sweeps past one machine, through the real binary: a sweep or suite split with
// --shard I/N and joined with `faultline report merge` reports exactly what the
// unsharded command reports; merge refuses bad input with the file and the reason
// (exit 64); --recheck repeats runs in fresh processes and counts them.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
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
using nlohmann::json;

std::string scenario(const std::string& name) { return std::string(FL_SOURCE_DIR) + "/scenarios/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A fresh folder for one test's reports.
std::string fresh_dir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "shard-cli-" + std::to_string(::getpid()) + "-" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// Field-by-field equality of two report.json values, ignoring only `wall_s` (each
// run's wall-clock time: the one field two runs of a seed legitimately differ in).
// The command line is not in report.json; summary.md's is compared separately.
void expect_same_report(const json& expected, const json& actual, const std::string& path = "") {
  ASSERT_EQ(expected.type(), actual.type()) << path;
  if (expected.is_object()) {
    for (const auto& [key, value] : expected.items()) {
      if (key == "wall_s") continue;
      ASSERT_TRUE(actual.contains(key)) << path << "." << key << " missing";
      expect_same_report(value, actual[key], path + "." + key);
    }
    for (const auto& [key, value] : actual.items()) {
      EXPECT_TRUE(expected.contains(key)) << path << "." << key << " extra";
    }
  } else if (expected.is_array()) {
    ASSERT_EQ(expected.size(), actual.size()) << path;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      expect_same_report(expected[i], actual[i], path + "[" + std::to_string(i) + "]");
    }
  } else {
    EXPECT_EQ(expected, actual) << path;
  }
}

// summary.md without its "Command:" line, which names the command that wrote it.
std::string without_command_line(const std::string& summary) {
  return std::regex_replace(summary, std::regex("\nCommand: `[^\n]*\n"), "\n");
}

// junit.xml's test cases as "name: failure types", in order (times differ).
std::vector<std::string> junit_cases(const std::string& path) {
  std::vector<std::string> cases;
  const XmlElement root = parse_xml(slurp(path));
  for (const XmlElement* c : all(root, "testcase")) {
    std::string text = c->attributes.at("name") + ":";
    for (const XmlElement* f : all(*c, "failure")) text += " " + f->attributes.at("type") + " " + f->text;
    cases.push_back(text);
  }
  return cases;
}

// The timeline data an index.html carries.
json page_data(const std::string& path) {
  const std::string page = slurp(path);
  const std::string start = "<script type=\"application/json\" id=\"fl-data\">";
  const auto begin = page.find(start);
  if (begin == std::string::npos) return "no data element";
  const auto from = begin + start.size();
  return json::parse(page.substr(from, page.find("</script>", from) - from));
}

TEST(ShardCli, a_sweep_in_three_shards_merges_into_the_unsharded_report) {
  // A deliberately broken Paxos, so that failing runs (sorted first, with reproduce
  // commands) are part of what must match: seeds 2 and 5 of 1..6 fail.
  const std::string dir = fresh_dir("sweep");
  const std::string sweep = "sweep " + scenario("13-nemesis-soak.json") +
                            " --seeds 1..6 --jobs 2 --protocol paxos-bug-skip-adoption --report ";
  const Ran whole = faultline(sweep + dir + "/whole");
  ASSERT_EQ(whole.code, 1) << whole.out;
  std::string shards;
  for (int i = 0; i < 3; ++i) {
    const Ran shard = faultline(sweep + dir + "/s" + std::to_string(i) + " --shard " + std::to_string(i) + "/3");
    EXPECT_TRUE(shard.code == 0 || shard.code == 1) << shard.out;
    EXPECT_NE(shard.out.find("[nemesis-soak shard " + std::to_string(i) + "/3] 2/2 runs done"), std::string::npos)
        << "the progress line names the shard\n"
        << shard.out;
    shards += " " + dir + "/s" + std::to_string(i);
  }
  const Ran merged = faultline("report merge" + shards + " --out " + dir + "/merged");
  ASSERT_EQ(merged.code, whole.code) << "the merge exits as the whole sweep did\n" << merged.out;
  EXPECT_NE(merged.out.find("nemesis-soak: 6 seeds, 4 passed, 2 failed"), std::string::npos) << merged.out;

  const json expected = json::parse(slurp(dir + "/whole/report.json"));
  const json actual = json::parse(slurp(dir + "/merged/report.json"));
  ASSERT_EQ(expected["runs"].size(), 6u);
  ASSERT_EQ(expected["summary"]["failed"], 2);
  expect_same_report(expected, actual);
  EXPECT_FALSE(actual.contains("shard")) << "a merged report is whole again";

  EXPECT_EQ(junit_cases(dir + "/merged/junit.xml"), junit_cases(dir + "/whole/junit.xml"));
  EXPECT_EQ(without_command_line(slurp(dir + "/merged/summary.md")),
            without_command_line(slurp(dir + "/whole/summary.md")));
  // The page reuses the timeline the shard that ran the first failing seed drew.
  EXPECT_EQ(page_data(dir + "/merged/index.html"), page_data(dir + "/whole/index.html"));
  EXPECT_NE(slurp(dir + "/merged/index.html").find("as shard 1/3 recorded it"), std::string::npos);
}

TEST(ShardCli, a_suite_in_two_shards_merges_into_the_unsharded_report) {
  // The slicing unit of a suite is a (scenario, seed) pair, numbered scenario by scenario.
  const std::string dir = fresh_dir("suite");
  const std::string suite = "suite " + scenario("01-one-request.json") + " " +
                            scenario("02-few-requests-one-replica.json") + " --seeds 1..3 --jobs 2 --report ";
  ASSERT_EQ(faultline(suite + dir + "/whole").code, 0);
  for (int i = 0; i < 2; ++i) {
    const Ran shard = faultline(suite + dir + "/s" + std::to_string(i) + " --shard " + std::to_string(i) + "/2");
    ASSERT_EQ(shard.code, 0) << shard.out;
    EXPECT_NE(shard.out.find("suite shard " + std::to_string(i) + "/2: the runs k"), std::string::npos) << shard.out;
  }
  const Ran merged = faultline("report merge " + dir + "/s1 " + dir + "/s0 --out " + dir + "/merged");
  ASSERT_EQ(merged.code, 0) << merged.out;
  expect_same_report(json::parse(slurp(dir + "/whole/report.json")), json::parse(slurp(dir + "/merged/report.json")));
  EXPECT_EQ(junit_cases(dir + "/merged/junit.xml"), junit_cases(dir + "/whole/junit.xml"));
}

TEST(ShardCli, the_shard_index_can_come_from_an_environment_variable) {
  const std::string dir = fresh_dir("env");
  const Ran r = faultline("sweep " + scenario("02-few-requests-one-replica.json") +
                          " --seeds 1..7 --jobs 2 --shard env:FL_TEST_SHARD/3 --report " + dir);
  EXPECT_EQ(r.code, 64) << "unset variable\n" << r.out;
  EXPECT_NE(r.out.find("environment variable 'FL_TEST_SHARD' is not set"), std::string::npos) << r.out;
  const std::string command = "FL_TEST_SHARD=2 " + std::string(FL_BINARY) + " sweep " +
                              scenario("02-few-requests-one-replica.json") +
                              " --seeds 1..7 --jobs 2 --shard env:FL_TEST_SHARD/3 --report " + dir + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  ASSERT_EQ(pclose(pipe), 0) << out;
  EXPECT_NE(out.find("seeds s in 1..7 with (s - 1) mod 3 = 2, 2 of them"), std::string::npos) << out;
  const json report = json::parse(slurp(dir + "/report.json"));
  std::vector<std::uint64_t> seeds;
  for (const auto& run : report["runs"]) seeds.push_back(run["seed"]);
  EXPECT_EQ(seeds, (std::vector<std::uint64_t>{3, 6}));
  EXPECT_EQ(report["shard"]["index"], 2);
  EXPECT_EQ(report["shard"]["count"], 3);
}

TEST(ShardCli, a_bad_shard_is_a_usage_error) {
  const std::string sweep = "sweep " + scenario("01-one-request.json") + " --seeds 1..3 --shard ";
  for (const auto& [shard, message] :
       std::vector<std::pair<std::string, std::string>>{{"3/3", "I must be in 0..2 (shards are counted from 0"},
                                                        {"1/0", "N must be a positive integer"},
                                                        {"a/3", "I must be a non-negative integer or env:VAR"},
                                                        {"2", "expected I/N"},
                                                        {"env:/3", "env: needs a variable name"}}) {
    const Ran r = faultline(sweep + shard);
    EXPECT_EQ(r.code, 64) << shard << "\n" << r.out;
    EXPECT_NE(r.out.find(message), std::string::npos) << shard << "\n" << r.out;
  }
  const Ran suite = faultline("suite " + scenario("01-one-request.json") + " --shard 5/2");
  EXPECT_EQ(suite.code, 64) << suite.out;
  const Ran recheck = faultline("sweep " + scenario("01-one-request.json") + " --seeds 1..3 --recheck 1.5");
  EXPECT_EQ(recheck.code, 64) << recheck.out;
  EXPECT_NE(recheck.out.find("--recheck needs a fraction in 0..1"), std::string::npos) << recheck.out;
}

TEST(ShardCli, merge_refuses_bad_input_naming_the_file_and_the_reason) {
  const std::string dir = fresh_dir("bad");
  const std::string a = "sweep " + scenario("01-one-request.json") + " --seeds 1..4 --jobs 2 --report ";
  const std::string b = "sweep " + scenario("02-few-requests-one-replica.json") + " --seeds 1..4 --jobs 2 --report ";
  ASSERT_EQ(faultline(a + dir + "/a0 --shard 0/2").code, 0);
  ASSERT_EQ(faultline(a + dir + "/a1 --shard 1/2").code, 0);
  ASSERT_EQ(faultline(b + dir + "/b1 --shard 1/2").code, 0);
  ASSERT_EQ(faultline(a + dir + "/whole").code, 0);
  std::filesystem::create_directories(dir + "/broken");
  std::ofstream(dir + "/broken/report.json") << "{\"faultline\": \"0.1.0\", \"runs\": [";
  std::filesystem::create_directories(dir + "/newer");
  json newer = json::parse(slurp(dir + "/a1/report.json"));
  newer["faultline"] = "9.9.9";
  for (auto& run : newer["runs"]) run["faultline"] = "9.9.9";
  std::ofstream(dir + "/newer/report.json") << newer.dump();

  const auto expect_refused = [&](const std::string& inputs, const std::string& file, const std::string& reason) {
    const Ran r = faultline("report merge " + inputs + " --out " + dir + "/out");
    EXPECT_EQ(r.code, 64) << inputs << "\n" << r.out;
    EXPECT_NE(r.out.find(file + ": " + reason), std::string::npos) << inputs << "\n" << r.out;
  };
  expect_refused(dir + "/a0 " + dir + "/nothing", dir + "/nothing", "no such folder");
  expect_refused(dir + "/a0 " + dir + "/broken", dir + "/broken/report.json", "not valid JSON");
  expect_refused(dir + "/whole", dir + "/whole/report.json", "shard: missing");
  expect_refused(dir + "/a0 " + dir + "/b1", dir + "/b1/report.json", "not a shard of the same command as");
  expect_refused(dir + "/a0 " + dir + "/newer", dir + "/newer/report.json", "written by faultline 9.9.9");
  expect_refused(dir + "/a0 " + dir + "/a1 " + dir + "/a1", dir + "/a1/report.json",
                 "is shard 1/2, and so is " + dir + "/a1/report.json: their seeds overlap");
  expect_refused(dir + "/a0", dir + "/a0/report.json", "shard 1/2 of this sharded sweep has no report");
  const Ran same = faultline("report merge " + dir + "/a0 " + dir + "/a1 --out " + dir + "/a1");
  EXPECT_EQ(same.code, 64) << same.out;
  EXPECT_NE(same.out.find("is also an input"), std::string::npos) << same.out;
  EXPECT_EQ(faultline("report merge").code, 64);
  EXPECT_EQ(faultline("report frobnicate").code, 64);

  const Ran partial = faultline("report merge " + dir + "/a0 --partial --out " + dir + "/partial");
  EXPECT_EQ(partial.code, 0) << partial.out;
  EXPECT_NE(partial.out.find("no report from shard 1/2"), std::string::npos) << partial.out;
  EXPECT_NE(slurp(dir + "/partial/summary.md").find("(incomplete: no report from shard 1/2)"), std::string::npos);
}

TEST(ShardCli, recheck_repeats_a_fraction_of_seeds_in_fresh_processes_and_counts_them) {
  const std::string dir = fresh_dir("recheck");
  const Ran r = faultline("sweep " + scenario("13-nemesis-soak.json") +
                          " --seeds 1..10 --jobs 2 --recheck 0.3 --report " + dir + "/whole");
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("recheck: 3 runs repeated, each in a fresh process (--recheck 0.3): every trace hash the same"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("[nemesis-soak recheck] 3/3 runs done, 0 failing"), std::string::npos) << r.out;
  const json report = json::parse(slurp(dir + "/whole/report.json"));
  EXPECT_EQ(report["recheck"], json::parse(R"({"fraction": 0.3, "rechecked": 3, "mismatches": []})"));
  EXPECT_NE(slurp(dir + "/whole/summary.md").find("### Recheck\n\n3 runs repeated"), std::string::npos);

  // Shards recheck their own share; the merge adds them up. At least one each.
  std::string shards;
  for (int i = 0; i < 2; ++i) {
    const std::string out = dir + "/s" + std::to_string(i);
    const Ran shard =
        faultline("sweep " + scenario("13-nemesis-soak.json") + " --seeds 1..10 --jobs 2 --recheck 0.01 --report " +
                  out + " --shard " + std::to_string(i) + "/2");
    ASSERT_EQ(shard.code, 0) << shard.out;
    EXPECT_NE(shard.out.find("[nemesis-soak shard " + std::to_string(i) + "/2 recheck] 1/1 runs done"),
              std::string::npos)
        << shard.out;
    shards += " " + out;
  }
  const Ran merged = faultline("report merge" + shards + " --out " + dir + "/merged");
  ASSERT_EQ(merged.code, 0) << merged.out;
  EXPECT_EQ(json::parse(slurp(dir + "/merged/report.json"))["recheck"]["rechecked"], 2);
}

TEST(ShardCli, help_documents_shards_merge_and_recheck) {
  const Ran sweep = faultline("sweep --help");
  EXPECT_NE(sweep.out.find("--shard I/N"), std::string::npos);
  EXPECT_NE(sweep.out.find("env:JOB_COMPLETION_INDEX"), std::string::npos);
  EXPECT_NE(sweep.out.find("--recheck F"), std::string::npos);
  EXPECT_NE(sweep.out.find("3 a rechecked seed gave a different trace hash"), std::string::npos);
  const Ran report = faultline("report merge --help");
  EXPECT_EQ(report.code, 0);
  EXPECT_NE(report.out.find("usage: faultline report merge DIR..."), std::string::npos);
  EXPECT_NE(faultline("--help").out.find("report merge DIR..."), std::string::npos);
}

}  // namespace
