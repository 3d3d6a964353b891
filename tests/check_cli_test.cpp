// `faultline check` as a user meets it: its help, an exit code per verdict (0
// linearizable, 1 not, 2 unknown, 64 bad input as FILE:LINE: reason), and a run's
// history saved with `faultline run --history` checking as the run did.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/run_binary.hpp"

namespace {

using fl::testing::faultline;
using fl::testing::Ran;

std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr const char* kWriteThenRead = R"({:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 1, :type :ok, :f :read, :value %}
)";

std::string write_then_read(const std::string& read_value) {
  std::string text = kWriteThenRead;
  text.replace(text.find('%'), 1, read_value);
  return text;
}

TEST(CheckCli, help_describes_models_and_exit_codes) {
  const Ran r = faultline("check --help");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("usage: faultline check"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cas-register"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 unknown"), std::string::npos) << r.out;
  EXPECT_NE(faultline("--help").out.find("check HISTORY"), std::string::npos);
}

TEST(CheckCli, linearizable_history_exits_0) {
  const std::string path = write_temp("cli-ok.edn", write_then_read("1"));
  const Ran r = faultline("check " + path + " --model cas-register");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("linearizable"), std::string::npos) << r.out;
}

TEST(CheckCli, violation_exits_1_with_the_counterexample) {
  const std::string path = write_temp("cli-bad.edn", write_then_read("2"));
  const Ran r = faultline("check " + path + " --model cas-register");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("not linearizable"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("read() -> 2"), std::string::npos) << r.out;
}

TEST(CheckCli, exhausted_step_budget_exits_2) {
  const std::string path = write_temp("cli-budget.edn", write_then_read("1"));
  const Ran r = faultline("check " + path + " --model cas-register --steps 1");
  EXPECT_EQ(r.code, 2) << r.out;
  EXPECT_NE(r.out.find("unknown"), std::string::npos) << r.out;
}

TEST(CheckCli, malformed_history_exits_64_with_file_line_and_reason) {
  const std::string path = write_temp("cli-malformed.edn", write_then_read("1") + "{:process 2, :type :ok\n");
  const Ran r = faultline("check " + path + " --model cas-register");
  EXPECT_EQ(r.code, 64) << r.out;
  EXPECT_NE(r.out.find(path + ":6: unbalanced '{' opened on line 5"), std::string::npos) << r.out;

  const std::string json =
      write_temp("cli-orphan.history", "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n");
  const Ran orphan = faultline("check " + json + " --model cas-register --format json");
  EXPECT_EQ(orphan.code, 64) << orphan.out;
  EXPECT_NE(orphan.out.find(json + ":1: :ok with no matching :invoke"), std::string::npos) << orphan.out;

  const std::string wrong_f = write_temp("cli-wrong-f.edn", write_then_read("1"));
  const Ran grade = faultline("check " + wrong_f + " --model grade");
  EXPECT_EQ(grade.code, 64) << grade.out;
  EXPECT_NE(grade.out.find(wrong_f + ":1: unknown :f :write for the grade model"), std::string::npos) << grade.out;
}

TEST(CheckCli, usage_errors_exit_64) {
  const std::string path = write_temp("cli-usage.edn", write_then_read("1"));
  EXPECT_EQ(faultline("check " + path).code, 64);  // no --model
  EXPECT_EQ(faultline("check " + path + " --model queue").code, 64);
  EXPECT_EQ(faultline("check " + path + " --model kv --format yaml").code, 64);
  EXPECT_EQ(faultline("check --model kv").code, 64);
  const Ran missing = faultline("check /nonexistent/h.edn --model kv");
  EXPECT_EQ(missing.code, 64);
  EXPECT_NE(missing.out.find("/nonexistent/h.edn: cannot read"), std::string::npos) << missing.out;
}

TEST(CheckCli, run_history_file_checks_as_the_run_did) {
  const std::string scenario = std::string(FL_SOURCE_DIR) + "/scenarios/03-requests-to-all-replicas.json";
  for (const char* name : {"cli-run.edn", "cli-run.json"}) {
    const std::string path = ::testing::TempDir() + name;
    const Ran run = faultline("run " + scenario + " --seed 4 --history " + path);
    ASSERT_EQ(run.code, 0) << run.out;
    const auto at = run.out.find("check linearizable");
    ASSERT_NE(at, std::string::npos) << run.out;
    const std::string run_line = run.out.substr(at, run.out.find('\n', at) - at);
    const std::string text = read_file(path);
    EXPECT_NE(text.find(std::string(name).ends_with(".edn") ? ":type :invoke" : "\"type\":\"invoke\""),
              std::string::npos);
    const Ran check = faultline("check " + path + " --model grade");
    EXPECT_EQ(check.code, 0) << check.out;
    // "check linearizable    pass   8 keys, N search steps" vs "linearizable: 8 keys, N search steps"
    const std::string detail = check.out.substr(check.out.find(": ") + 2);
    EXPECT_NE(run_line.find(detail.substr(0, detail.find('\n'))), std::string::npos) << run_line << "\n" << check.out;
  }
}

}  // namespace

// Two registers, one of them read wrong: --jobs prints exactly what one thread does.
TEST(CheckCli, jobs_print_the_same_counterexample) {
  const std::string text = R"({:process 0, :type :invoke, :f :write, :key 1, :value 1}
{:process 0, :type :ok, :f :write, :key 1, :value 1}
{:process 1, :type :invoke, :f :write, :key 2, :value 1}
{:process 1, :type :ok, :f :write, :key 2, :value 1}
{:process 2, :type :invoke, :f :read, :key 1, :value nil}
{:process 2, :type :ok, :f :read, :key 1, :value 1}
{:process 3, :type :invoke, :f :read, :key 2, :value nil}
{:process 3, :type :ok, :f :read, :key 2, :value 7}
)";
  const std::string path = write_temp("cli-two-keys.edn", text);
  const Ran one = faultline("check " + path + " --model cas-register");
  const Ran three = faultline("check " + path + " --model cas-register --jobs 3");
  EXPECT_EQ(one.code, 1) << one.out;
  EXPECT_EQ(three.code, 1) << three.out;
  EXPECT_NE(one.out.find("on key 2"), std::string::npos) << one.out;
  EXPECT_EQ(three.out, one.out);
  EXPECT_EQ(faultline("check " + path + " --model cas-register --jobs 0").code, 64);
}
