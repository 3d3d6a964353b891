// junit.xml: read back with the strict XML 1.0 reader of tests/xml_reader.hpp, then
// the counts of test cases, failures and errors, their attributes, and escaping that
// round-trips.
#include "reports/junit.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "tests/xml_reader.hpp"

namespace fl::reports {
namespace {

using fl::testing::all;
using fl::testing::parse_xml;
using fl::testing::XmlElement;
using fl::testing::XmlReader;

sim::CheckResult check(std::string name, sim::Verdict verdict, sim::Severity severity, std::string detail = "") {
  return sim::CheckResult{std::move(name), verdict, severity, true, std::move(detail)};
}

// A run whose checks all pass; the failures below make them fail (the exit code
// follows from the checks) or crash it.
sim::RunOutcome run_with(std::uint64_t seed) {
  sim::RunOutcome run;
  run.faultline_version = "0.1.0";
  run.scenario_name = "basic";
  run.scenario_path = "scenarios/basic.json";
  run.protocol = "paxos";
  run.store = "sqlite";
  run.seed = seed;
  run.checks = {check("converged", sim::Verdict::kPass, sim::Severity::kSafety),
                check("durable", sim::Verdict::kPass, sim::Severity::kSafety),
                check("liveness", sim::Verdict::kPass, sim::Severity::kLiveness)};
  run.trace_hash = 0xdeadbeef;
  run.wall_s = 0.25;
  run.reproduce = "faultline run scenarios/basic.json --seed " + std::to_string(seed);
  return run;
}

sim::RunOutcome safety_failure(std::uint64_t seed) {
  sim::RunOutcome run = run_with(seed);
  run.checks[0] = check("converged", sim::Verdict::kFail, sim::Severity::kSafety, "r0 and r1 differ");
  run.checks[1] = check("durable", sim::Verdict::kFail, sim::Severity::kSafety, "ack 17 lost");
  return run;
}

sim::RunOutcome liveness_failure(std::uint64_t seed) {
  sim::RunOutcome run = run_with(seed);
  run.checks[2] = check("liveness", sim::Verdict::kFail, sim::Severity::kLiveness, "stuck 6s");
  return run;
}

sim::RunOutcome crash(std::uint64_t seed) {
  sim::RunOutcome run = run_with(seed);
  run.crash_exit_code = 134;
  run.crash = "killed by signal 6\nassertion failed: ballot >= promised";
  run.checks.clear();
  return run;
}

TEST(XmlReader, decodes_what_it_accepts) {
  const XmlElement root =
      XmlReader("<?xml version=\"1.0\"?>\n<a x='1 &amp;&#10;2'><b/>t&lt;&#x41;&#233;\r\n</a>").read();
  EXPECT_EQ(root.name, "a");
  EXPECT_EQ(root.attributes.at("x"), "1 &\n2");
  EXPECT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.text, "t<A\xC3\xA9\n");
}

TEST(XmlReader, rejects_what_is_not_well_formed) {
  for (const std::string bad : {"<a></b>", "<a>&</a>", "<a>x < y</a>", "<a>\x01</a>", "<a>&nbsp;</a>", "<a>&#1;</a>",
                                "<a x=1/>", "<a x='<'/>", "<a/><b/>", "<a x='1'x='2'/>", "<a>]]></a>", "<a>"}) {
    EXPECT_THROW(XmlReader(bad).read(), std::runtime_error) << bad;
  }
}

TEST(Junit, counts_test_cases_failures_and_errors) {
  const std::string xml = junit_xml({run_with(1), safety_failure(2), liveness_failure(3), crash(4)}, "smoke");
  const XmlElement root = parse_xml(xml);
  EXPECT_EQ(root.name, "testsuites");
  const auto suites = all(root, "testsuite");
  ASSERT_EQ(suites.size(), 1u);
  for (const XmlElement* e : {&root, suites[0]}) {
    EXPECT_EQ(e->attributes.at("name"), "smoke");
    EXPECT_EQ(e->attributes.at("tests"), "4");
    EXPECT_EQ(e->attributes.at("failures"), "2");
    EXPECT_EQ(e->attributes.at("errors"), "1");
    EXPECT_EQ(e->attributes.at("time"), "1.000");
  }
  EXPECT_EQ(all(root, "testcase").size(), 4u);
  EXPECT_EQ(all(root, "failure").size(), 2u);
  EXPECT_EQ(all(root, "error").size(), 1u);
}

TEST(Junit, test_case_is_named_by_scenario_protocol_and_seed) {
  const XmlElement root = parse_xml(junit_xml({run_with(42)}, "s"));
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]->attributes.at("classname"), "faultline.basic");
  EXPECT_EQ(cases[0]->attributes.at("name"), "basic protocol=paxos seed=42");
  EXPECT_EQ(cases[0]->attributes.at("time"), "0.250");
  EXPECT_TRUE(all(root, "failure").empty());
  const auto out = all(root, "system-out");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0]->text.find("trace-hash: 00000000deadbeef"), std::string::npos);
}

TEST(Junit, safety_failure_names_violated_checks_and_how_to_reproduce) {
  sim::RunOutcome run = safety_failure(5);
  run.checks.push_back(sim::CheckResult{"log_bound", sim::Verdict::kFail, sim::Severity::kSafety, false, "tolerated"});
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->attributes.at("type"), "safety");
  EXPECT_EQ(failures[0]->attributes.at("message"), "converged, durable");
  EXPECT_EQ(failures[0]->text,
            "converged (safety): r0 and r1 differ\ndurable (safety): ack 17 lost\n"
            "reproduce: faultline run scenarios/basic.json --seed 5");
}

TEST(Junit, liveness_failure_has_liveness_type) {
  const XmlElement root = parse_xml(junit_xml({liveness_failure(6)}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->attributes.at("type"), "liveness");
  EXPECT_EQ(failures[0]->attributes.at("message"), "liveness");
}

TEST(Junit, crash_is_an_error_with_its_first_line_as_message) {
  const XmlElement root = parse_xml(junit_xml({crash(7)}, "s"));
  const auto errors = all(root, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(all(root, "failure").empty());
  EXPECT_EQ(errors[0]->attributes.at("type"), "crash");
  EXPECT_EQ(errors[0]->attributes.at("message"), "killed by signal 6");
  EXPECT_EQ(errors[0]->text,
            "killed by signal 6\nassertion failed: ballot >= promised\n"
            "reproduce: faultline run scenarios/basic.json --seed 7");
}

TEST(Junit, unreachable_store_is_an_error_of_its_own_type) {
  sim::RunOutcome run = crash(8);
  run.crash_exit_code = 69;
  run.crash = "store unavailable: cassandra at 127.0.0.1:1: connect: Connection refused";
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto errors = all(root, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]->attributes.at("type"), "store-unavailable");
  EXPECT_EQ(errors[0]->attributes.at("message"), run.crash);
}

// The control character cannot travel in XML 1.0 at all, so it arrives spelled out.
constexpr std::string_view kNasty = "a<b> && \"double\" 'single' \x01 cr\r\n ]]> end";
constexpr std::string_view kNastyRead = "a<b> && \"double\" 'single' \\x01 cr\r\n ]]> end";

TEST(Junit, escaping_round_trips_in_character_data) {
  sim::RunOutcome run = safety_failure(8);
  run.checks[0].detail = std::string(kNasty);
  run.checks[1].verdict = sim::Verdict::kPass;
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->text, "converged (safety): " + std::string(kNastyRead) +
                                   "\nreproduce: faultline run scenarios/basic.json --seed 8");
}

TEST(Junit, escaping_round_trips_in_attributes) {
  sim::RunOutcome run = run_with(9);
  run.scenario_name = std::string(kNasty) + "\ttab";
  const XmlElement root = parse_xml(junit_xml({run}, std::string(kNasty)));
  EXPECT_EQ(root.attributes.at("name"), kNastyRead);
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]->attributes.at("classname"), "faultline." + std::string(kNastyRead) + "\ttab");
}

TEST(Junit, non_characters_and_invalid_utf8_are_replaced) {
  EXPECT_EQ(xml_escape("x\xEF\xBF\xBEy\xEF\xBF\xBFz\xFF", XmlContext::kText),
            "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xC3\xA9\x7F", XmlContext::kAttribute), "\xC3\xA9\x7F");
  sim::RunOutcome run = crash(10);
  run.crash = "bad \xFF\xFE byte \xEF\xBF\xBF\x1B[31m";
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto errors = all(root, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]->attributes.at("message"), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte \xEF\xBF\xBD\\x1B[31m");
}

TEST(Junit, empty_suite_is_well_formed) {
  const XmlElement root = parse_xml(junit_xml({}, "empty"));
  EXPECT_EQ(root.attributes.at("tests"), "0");
  EXPECT_EQ(all(root, "testsuite").size(), 1u);
  EXPECT_TRUE(all(root, "testcase").empty());
}

TEST(Junit, times_are_fixed_point_and_never_negative) {
  sim::RunOutcome run = run_with(11);
  run.wall_s = -3.0;
  sim::RunOutcome slow = run_with(12);
  slow.wall_s = 12.3456;
  const XmlElement root = parse_xml(junit_xml({run, slow}, "s"));
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0]->attributes.at("time"), "0.000");
  EXPECT_EQ(cases[1]->attributes.at("time"), "12.346");
}

}  // namespace
}  // namespace fl::reports
