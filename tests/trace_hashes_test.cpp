// Every shipped scenario, under both protocols, still runs exactly as recorded in
// tests/trace_hashes.txt: same seed, same trace hash, across refactors (issue 13:
// "record the hashes before you start; a test compares them"). A change that means
// to alter runs rewrites the file with tools/trace-hashes and says why in its commit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "sim/observe/trace.hpp"
#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

struct Recorded {
  std::string scenario, protocol;
  std::uint64_t seed = 0;
  std::string hash;
};

std::vector<Recorded> recorded() {
  std::ifstream in(std::string(FL_SOURCE_DIR) + "/tests/trace_hashes.txt");
  EXPECT_TRUE(in.good()) << "tests/trace_hashes.txt is missing: run tools/trace-hashes";
  std::vector<Recorded> all;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream words(line);
    Recorded r;
    words >> r.scenario >> r.protocol >> r.seed >> r.hash;
    EXPECT_FALSE(r.hash.empty()) << "malformed line: " << line;
    all.push_back(r);
  }
  return all;
}

TEST(TraceHashes, every_shipped_scenario_under_both_protocols_is_recorded) {
  std::map<std::string, int> seen;
  for (const Recorded& r : recorded()) ++seen[r.scenario];
  for (const auto& e : std::filesystem::directory_iterator(std::string(FL_SOURCE_DIR) + "/scenarios")) {
    if (e.path().extension() != ".json") continue;
    const std::string name = e.path().filename().string();
    // A scenario that names the ZooKeeper node runs only under a protocol with one.
    const int runnable = zookeeper_named(fl::testing::load_shipped(name)) ? 1 : 2;
    EXPECT_EQ(seen[name], runnable) << name << " needs a recorded hash per protocol that can run it: run "
                                    << "tools/trace-hashes";
  }
}

TEST(TraceHashes, every_recorded_run_keeps_its_hash) {
  int checked = 0;
  for (const Recorded& r : recorded()) {
    RunOptions options;
    options.seed = r.seed;
    options.protocol = r.protocol;
    const RunResult result = run_scenario(fl::testing::load_shipped(r.scenario), options);
    EXPECT_EQ(hex16(result.trace_hash), r.hash)
        << r.scenario << " --protocol " << r.protocol << " --seed " << r.seed
        << " runs differently from the recorded run (if meant, run tools/trace-hashes and say why)";
    ++checked;
  }
  EXPECT_GE(checked, 2);
}

}  // namespace
}  // namespace fl::sim
