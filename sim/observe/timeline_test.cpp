// The Timeline recorder: it must change nothing about a run, and what it records must
// agree with the run's trace, which is written by different code from the same
// events.
#include "sim/observe/timeline.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

bool starts_with(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Trace lines without their "t=<time> " prefix.
std::vector<std::string> trace_lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line.substr(line.find(' ') + 1));
  return lines;
}

RunResult recorded(const Scenario& scenario, std::uint64_t seed, const std::string& trace_path = "",
                   const std::string& protocol = "") {
  RunOptions options;
  options.seed = seed;
  options.protocol = protocol;
  options.record_timeline = true;
  options.trace_path = trace_path;
  return run_scenario(scenario, options);
}

class TimelineDeterminism : public ::testing::TestWithParam<std::string> {};

TEST_P(TimelineDeterminism, recording_a_timeline_leaves_the_trace_hash_unchanged) {
  const Scenario scenario = fl::testing::load_shipped(GetParam());
  for (std::uint64_t seed : {1u, 5u}) {
    RunOptions plain;
    plain.seed = seed;
    const RunResult a = run_scenario(scenario, plain);
    const RunResult b = recorded(scenario, seed);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << GetParam() << " seed " << seed;
    EXPECT_EQ(a.figures.events, b.figures.events);
    EXPECT_EQ(a.timeline, nullptr) << "no timeline unless asked for";
    ASSERT_NE(b.timeline, nullptr);
    EXPECT_FALSE(b.timeline->messages().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Scenarios, TimelineDeterminism,
                         ::testing::Values("07-kill-all-restart-all.json", "10-coordinator-isolated.json",
                                           "12-one-way-cut.json", "13-nemesis-soak.json", "14-lossy-network.json",
                                           "17-zk-leader-paused.json", "19-zk-zookeeper-restart.json"),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return "s" + name;
                         });

class TimelineAgreesWithTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(TimelineAgreesWithTrace, faults_and_messages_match_the_trace) {
  const Scenario scenario = fl::testing::load_shipped(GetParam());
  // One file per scenario and process: ctest runs these in parallel.
  const std::string path =
      ::testing::TempDir() + "timeline-trace-" + std::to_string(::getpid()) + "-" + GetParam() + ".txt";
  const RunResult run = recorded(scenario, 3, path);
  const Timeline& t = *run.timeline;

  std::size_t node_faults = 0, pauses = 0, network_faults = 0, peer_drops_at_send = 0, arrivals = 0;
  for (const std::string& line : trace_lines(path)) {
    if (starts_with(line, "fault crash ") || starts_with(line, "fault restart ")) ++node_faults;
    if (starts_with(line, "fault pause ") || starts_with(line, "fault resume ")) ++pauses;
    if (starts_with(line, "fault partition ") || starts_with(line, "fault cut ") || starts_with(line, "fault heal") ||
        starts_with(line, "fault network ")) {
      ++network_faults;
    }
    // Peer messages: each copy is delivered or dropped at a down node ("deliver"/"drop
    // ... down"), or dropped at send by the network (other "drop" lines).
    const bool client_request = starts_with(line, "deliver c") || starts_with(line, "drop c");
    if (client_request) continue;
    if (starts_with(line, "deliver ")) ++arrivals;
    if (starts_with(line, "drop ")) ++(line.find(" down") != std::string::npos ? arrivals : peer_drops_at_send);
  }
  std::size_t recorded_pauses = 0;
  for (const auto& e : t.node_events()) {
    recorded_pauses += e.change == NodeChange::kPause || e.change == NodeChange::kResume;
  }
  EXPECT_EQ(t.node_events().size() - recorded_pauses, node_faults);
  EXPECT_EQ(recorded_pauses, pauses);
  if (GetParam() == "17-zk-leader-paused.json") {
    EXPECT_EQ(pauses, 2u) << "the leader is paused, then resumed";
  }
  EXPECT_EQ(t.network_events().size(), network_faults);

  std::size_t recorded_drops = 0, recorded_arrivals = 0;
  for (const auto& m : t.messages()) {
    const std::string& kind = t.kinds()[m.kind];
    if (kind == "request" || kind == "reply") continue;
    if (m.arrive_us < 0)
      ++recorded_drops;
    else if (m.arrive_us <= t.end_us())
      ++recorded_arrivals;  // later ones never arrive
  }
  EXPECT_EQ(recorded_drops, peer_drops_at_send);
  EXPECT_EQ(recorded_arrivals, arrivals);
  std::remove(path.c_str());
}

INSTANTIATE_TEST_SUITE_P(Scenarios, TimelineAgreesWithTrace,
                         ::testing::Values("06-crash-recover-one-then-other.json", "10-coordinator-isolated.json",
                                           "12-one-way-cut.json", "13-nemesis-soak.json", "14-lossy-network.json",
                                           "17-zk-leader-paused.json", "19-zk-zookeeper-restart.json"),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return "s" + name;
                         });

TEST(Timeline, lanes_name_replicas_then_clients) {
  const Scenario scenario = fl::testing::load_shipped("10-coordinator-isolated.json");
  const RunResult run = recorded(scenario, 1);
  const auto& lanes = run.timeline->lanes();
  ASSERT_EQ(lanes.size(), static_cast<std::size_t>(scenario.cluster.replicas + scenario.workload.clients));
  EXPECT_EQ(lanes.front(), "r0");
  EXPECT_EQ(lanes[static_cast<std::size_t>(scenario.cluster.replicas)], "c0");
  EXPECT_EQ(run.timeline->replicas(), scenario.cluster.replicas);
  EXPECT_EQ(run.timeline->end_us(), scenario.duration_us + scenario.quiesce_us);
}

TEST(Timeline, log_samples_peak_at_the_runs_max_log_held) {
  const Scenario scenario = fl::testing::load_shipped("15-log-pressure.json");
  const RunResult run = recorded(scenario, 2);
  std::int64_t peak = 0;
  for (const auto& samples : run.timeline->log_samples()) {
    ASSERT_FALSE(samples.empty());
    for (std::size_t i = 1; i < samples.size(); ++i) {
      EXPECT_NE(samples[i].held, samples[i - 1].held) << "only changes are kept";
      EXPECT_GE(samples[i].at_us, samples[i - 1].at_us);
    }
    for (const auto& s : samples) peak = std::max(peak, s.held);
  }
  EXPECT_EQ(peak, run.figures.max_log_held);
  EXPECT_TRUE(run.timeline->zk_log_samples().empty()) << "a paxos run has no ZooKeeper";
}

TEST(Timeline, zk_log_samples_record_what_log_bound_measures) {
  // Under zk the bound is measured on ZooKeeper's /log as well as on the replicas,
  // so the run's max_log_held is the peak over both.
  const Scenario scenario = fl::testing::load_shipped("15-log-pressure.json");
  const RunResult run = recorded(scenario, 2, "", "zk");
  const auto& zk = run.timeline->zk_log_samples();
  ASSERT_FALSE(zk.empty());
  std::int64_t zk_peak = 0, peak = 0;
  for (std::size_t i = 0; i < zk.size(); ++i) {
    if (i > 0) {
      EXPECT_NE(zk[i].held, zk[i - 1].held) << "only changes are kept";
    }
    zk_peak = std::max(zk_peak, zk[i].held);
  }
  EXPECT_GT(zk_peak, 0);
  for (const auto& samples : run.timeline->log_samples()) {
    for (const auto& s : samples) peak = std::max(peak, s.held);
  }
  EXPECT_EQ(std::max(peak, zk_peak), run.figures.max_log_held);
}

TEST(Timeline, each_new_epoch_is_one_leader_change) {
  const Scenario scenario = fl::testing::load_shipped("13-nemesis-soak.json");
  const RunResult run = recorded(scenario, 4);
  std::set<std::uint64_t> epochs;
  for (const auto& e : run.timeline->leader_events()) {
    if (e.epoch) epochs.insert(*e.epoch);
  }
  EXPECT_EQ(epochs.size(), run.figures.leader_changes);
  EXPECT_GT(epochs.size(), 0u);
}

}  // namespace
}  // namespace fl::sim
