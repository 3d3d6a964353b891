// index.html as a file: self-contained, safe to embed text in, failing runs first,
// within the size bound for a run of over 100,000 events, and thinned in ways the
// page says. (What it looks like in a browser is tests/browser/.)
#include "reports/html_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/lin/counterexample.hpp"
#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;

// A run whose one check fails with `exit_code` 1 (safety) or 2 (liveness), or passes.
sim::RunOutcome input(const std::string& scenario, std::uint64_t seed, int exit_code) {
  sim::RunOutcome in;
  in.faultline_version = "test";
  in.scenario_name = scenario;
  in.scenario_path = "scenarios/" + scenario + ".json";
  in.protocol = "paxos";
  in.store = "sqlite";
  in.seed = seed;
  in.reproduce = "faultline run " + in.scenario_path + " --seed " + std::to_string(seed);
  sim::CheckResult c;
  c.name = "durable";
  c.verdict = exit_code == 0 ? sim::Verdict::kPass : sim::Verdict::kFail;
  c.severity = exit_code == 2 ? sim::Severity::kLiveness : sim::Severity::kSafety;
  c.detail = exit_code == 0 ? "all present" : "ack 17 lost";
  in.checks.push_back(c);
  return in;
}

// The JSON the page carries for its timeline.
json page_data(const std::string& page) {
  const std::string open = "id=\"fl-data\">";
  const auto from = page.find(open);
  const auto to = page.find("</script>", from);
  if (from == std::string::npos || to == std::string::npos) return nullptr;
  return json::parse(page.substr(from + open.size(), to - from - open.size()));
}

HtmlDetail recorded_detail(const std::string& path, std::uint64_t seed, const std::string& protocol = "") {
  auto loaded = sim::load_scenario(path);
  EXPECT_TRUE(std::holds_alternative<sim::Scenario>(loaded));
  sim::RunOptions options;
  options.seed = seed;
  options.protocol = protocol;
  options.record_timeline = true;
  // The page draws the run's own outcome: its timeline, history and counterexample.
  HtmlDetail d;
  d.run = sim::run_scenario(std::get<sim::Scenario>(loaded), options);
  const sim::RunOutcome named = input("recorded", seed, 0);
  d.run.faultline_version = named.faultline_version;
  d.run.scenario_name = named.scenario_name;
  d.run.scenario_path = named.scenario_path;
  d.run.reproduce = named.reproduce;
  return d;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(HtmlReport, escapes_markup_in_text_and_embedded_json) {
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
  const std::string text = script_safe_json(json{{"detail", "</script><script>alert(1)</script><!--"}});
  EXPECT_EQ(text.find("</"), std::string::npos);
  EXPECT_EQ(text.find("<!--"), std::string::npos);
  EXPECT_EQ(json::parse(text)["detail"], "</script><script>alert(1)</script><!--") << "same value after parsing";
}

TEST(HtmlReport, a_scenario_name_cannot_inject_markup_or_markers) {
  auto run = input("<script>@DATA@</script>", 1, 1);
  const std::string page = html_report({run}, std::nullopt, run.scenario_name);
  EXPECT_EQ(count(page, "<script>@DATA@"), 0u);
  EXPECT_NE(page.find("&lt;script&gt;@DATA@&lt;/script&gt;"), std::string::npos);
  EXPECT_TRUE(page_data(page).is_null()) << "no run was recorded";
}

TEST(HtmlReport, is_self_contained) {
  const HtmlDetail d = recorded_detail(std::string(FL_SOURCE_DIR) + "/scenarios/10-coordinator-isolated.json", 1);
  const std::string page = html_report({d.run}, d, "coordinator-isolated");
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find(" src="), std::string::npos);
  EXPECT_EQ(page.find("https:"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  // The only URL is the SVG namespace, which is a name and never fetched.
  EXPECT_EQ(count(page, "http:"), count(page, "http://www.w3.org/2000/svg"));
  EXPECT_NE(page.find(d.run.reproduce), std::string::npos) << "the reproduce command is on the page";
}

TEST(HtmlReport, sweep_table_lists_failing_runs_first) {
  const std::vector<sim::RunOutcome> runs{input("a", 1, 0), input("a", 2, 1), input("a", 3, 0), input("a", 4, 2)};
  const std::string page = html_report(runs, std::nullopt, "sweep");
  EXPECT_EQ(count(page, "<tr class=\"run "), 4u);
  const auto last_failing = page.rfind("<tr class=\"run failing\"");
  const auto first_passing = page.find("<tr class=\"run pass\"");
  ASSERT_NE(last_failing, std::string::npos);
  ASSERT_NE(first_passing, std::string::npos);
  EXPECT_LT(last_failing, first_passing);
  EXPECT_LT(page.find("data-seed=\"2\""), page.find("data-seed=\"4\""));
  EXPECT_NE(page.find("ack 17 lost"), std::string::npos);
}

TEST(HtmlReport, a_run_of_over_100000_events_stays_under_20_mb) {
  const HtmlDetail d = recorded_detail(std::string(FL_SOURCE_DIR) + "/tests/data/long-soak.json", 1);
  ASSERT_GE(d.run.figures.events, 100'000u) << "the test run is too short to test the bound";
  const std::string page = html_report({d.run}, d, "long-soak");
  EXPECT_LT(page.size(), kHtmlBytesMax);
  std::printf("long-soak: %llu events, %zu messages, index.html %zu bytes\n",
              static_cast<unsigned long long>(d.run.figures.events), d.run.timeline->messages().size(), page.size());
  const json data = page_data(page);
  EXPECT_EQ(data["messages"]["total"], d.run.timeline->messages().size());
  EXPECT_LE(data["messages"]["data"].size() / 5, TimelineLimits{}.messages_max);
  EXPECT_GT(data["messages"]["stride"].get<int>(), 1) << "this run has more messages than the cap";
  std::uint64_t traffic = 0;
  for (const auto& lane : data["traffic"]["sent"]) {
    for (const auto& c : lane) traffic += c.get<std::uint64_t>();
  }
  EXPECT_EQ(traffic, d.run.timeline->messages().size()) << "the traffic histogram counts every message";
}

TEST(HtmlReport, shrinks_to_fit_the_byte_bound) {
  const HtmlDetail d = recorded_detail(std::string(FL_SOURCE_DIR) + "/scenarios/13-nemesis-soak.json", 1);
  const std::string full = html_report({d.run}, d, "soak");
  const std::string small = html_report({d.run}, d, "soak", {}, full.size() / 3);
  EXPECT_LE(small.size(), full.size() / 3);
  EXPECT_FALSE(page_data(small).is_null());
}

TEST(HtmlReport, thinning_keeps_every_counterexample_operation) {
  const HtmlDetail d =
      recorded_detail(std::string(FL_SOURCE_DIR) + "/scenarios/15-log-pressure.json", 2, "paxos-bug-local-reads");
  ASSERT_TRUE(d.run.counterexample.has_value()) << "the local-reads mutant should fail on this seed";
  TimelineLimits limits;
  limits.ops_max = 10;
  const json data = timeline_json(d.run, limits);
  const auto& cex = *d.run.counterexample;
  ASSERT_EQ(data["cex"]["bad"].size(), cex.unplaceable.size());
  ASSERT_EQ(data["cex"]["prefix"].size(), cex.prefix.size());
  for (std::size_t i = 0; i < cex.unplaceable.size(); ++i) {
    const auto& op = data["ops"]["data"][data["cex"]["bad"][i].get<std::size_t>()];
    EXPECT_EQ(op[0], cex.unplaceable[i].client);
    EXPECT_EQ(op[1], cex.unplaceable[i].id);
  }
  EXPECT_LT(data["ops"]["data"].size(), d.run.history.size());
}

TEST(HtmlReport, log_series_keep_each_replicas_peak) {
  const HtmlDetail d = recorded_detail(std::string(FL_SOURCE_DIR) + "/scenarios/15-log-pressure.json", 1);
  TimelineLimits limits;
  limits.log_buckets = 8;
  const json data = timeline_json(d.run, limits);
  std::int64_t peak = 0;
  for (const auto& series : data["log"]) {
    EXPECT_LE(series.size() / 2, limits.log_buckets + 2);
    for (std::size_t i = 1; i < series.size(); i += 2) peak = std::max(peak, series[i].get<std::int64_t>());
  }
  EXPECT_EQ(peak, d.run.figures.max_log_held);
  EXPECT_TRUE(data["zk_log"].is_null()) << "a paxos run has no ZooKeeper /log";
}

TEST(HtmlReport, zk_runs_carry_zookeepers_log_series) {
  const HtmlDetail d = recorded_detail(std::string(FL_SOURCE_DIR) + "/scenarios/15-log-pressure.json", 2, "zk");
  TimelineLimits limits;
  limits.log_buckets = 8;
  const json data = timeline_json(d.run, limits);
  ASSERT_TRUE(data["zk_log"].is_array());
  EXPECT_LE(data["zk_log"].size() / 2, limits.log_buckets + 2) << "thinned like a replica's series";
  std::int64_t peak = 0;
  for (const json& series : {data["log"], json::array({data["zk_log"]})}) {
    for (const auto& flat : series) {
      for (std::size_t i = 1; i < flat.size(); i += 2) peak = std::max(peak, flat[i].get<std::int64_t>());
    }
  }
  EXPECT_EQ(peak, d.run.figures.max_log_held) << "the chart shows the peak log_bound measured";
}

}  // namespace
}  // namespace fl::reports
