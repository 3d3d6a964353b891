// Every shipped scenario meets its own expectations on several seeds: the default
// suite as a test. A failure prints the check's evidence and the failing seed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {
namespace {

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(std::string(FL_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() == ".json") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, passes_its_expectations_on_seeds_1_to_4) {
  auto loaded = load_scenario(std::string(FL_SOURCE_DIR) + "/scenarios/" + GetParam());
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded)) << std::get<ScenarioError>(loaded).message();
  const Scenario& scenario = std::get<Scenario>(loaded);
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    RunOptions options;
    options.seed = seed;
    const RunResult result = run_scenario(scenario, options);
    for (const CheckResult& c : result.checks) {
      EXPECT_FALSE(c.enforced && c.verdict == Verdict::kFail)
          << GetParam() << " seed " << seed << ": " << c.name << ": " << c.detail;
    }
    EXPECT_GT(result.figures.committed, 0) << GetParam() << " seed " << seed << " committed nothing";
  }
}

// The shipped files show the current form: protocol timings in their "paxos" and
// "zk" sections, not under the old Paxos names in "cluster" (which still parse).
TEST_P(ShippedScenario, keeps_protocol_settings_in_their_sections) {
  std::ifstream in(std::string(FL_SOURCE_DIR) + "/scenarios/" + GetParam());
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("\"cluster\"") == std::string::npos) continue;
    EXPECT_EQ(line.find("\"heartbeat\""), std::string::npos) << GetParam() << ": " << line;
    EXPECT_EQ(line.find("\"election_timeout\""), std::string::npos) << GetParam() << ": " << line;
  }
}

INSTANTIATE_TEST_SUITE_P(All, ShippedScenario, ::testing::ValuesIn(scenario_names()), [](const auto& param_info) {
  std::string name = param_info.param.substr(0, param_info.param.find('.'));
  for (char& c : name)
    if (c == '-') c = '_';
  return "s" + name;
});

}  // namespace
}  // namespace fl::sim
