// find_counterexample gives, as data, the counterexample whose text the
// linearizable check prints: the same key, the same prefix and the same operations
// that cannot be placed.
#include "sim/lin/counterexample.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "sim/lin/check.hpp"
#include "sim/run.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim::lin {
namespace {

Operation op(std::uint32_t client, std::uint64_t id, OpKind kind, std::int32_t key, std::int32_t value, Micros from,
             Micros to, Response response = {}) {
  Operation o;
  o.request = Request{ClientId{client}, RequestId{id}, kind, key, value};
  o.invoke_us = from;
  o.complete_us = to;
  o.outcome = Outcome::kOk;
  o.response = std::move(response);
  o.attempts = 1;
  return o;
}

// The "cN#M" names the check's text lists after the prefix (the frontier lines).
std::set<std::string> frontier_names(const std::string& text) {
  std::set<std::string> names;
  const auto then = text.find("\nthen ");
  if (then == std::string::npos) return names;
  const std::regex line("\n  (c[0-9]+#[0-9]+) ");
  for (std::sregex_iterator it(text.begin() + static_cast<std::ptrdiff_t>(then), text.end(), line), end; it != end;
       ++it) {
    names.insert((*it)[1]);
  }
  return names;
}

std::set<std::string> names(const std::vector<OpRef>& refs) {
  std::set<std::string> out;
  for (const auto& r : refs) out.insert("c" + std::to_string(r.client) + "#" + std::to_string(r.id));
  return out;
}

TEST(Counterexample, a_read_that_misses_a_finished_append_cannot_be_placed) {
  History h;
  h.push_back(op(0, 1, OpKind::kAppend, 5, 11, 0, 10));
  h.push_back(op(1, 1, OpKind::kRead, 5, 0, 20, 30, Response{Status::kNotFound, {}, {}}));
  const auto cex = find_counterexample(h);
  ASSERT_TRUE(cex.has_value());
  EXPECT_EQ(cex->key, 5);
  EXPECT_EQ(cex->prefix, (std::vector<OpRef>{{0, 1}}));
  EXPECT_EQ(cex->unplaceable, (std::vector<OpRef>{{1, 1}}));
}

TEST(Counterexample, none_for_a_linearizable_history) {
  History h;
  h.push_back(op(0, 1, OpKind::kAppend, 5, 11, 0, 10));
  h.push_back(op(1, 1, OpKind::kRead, 5, 0, 20, 30, Response{Status::kOk, {11}, {}}));
  EXPECT_FALSE(find_counterexample(h).has_value());
}

TEST(Counterexample, names_the_operations_the_checks_text_lists) {
  // A broken protocol's run: the check's text and the data must tell the same story.
  const Scenario scenario = fl::testing::load_shipped("15-log-pressure.json");
  for (std::uint64_t seed : {1u, 2u}) {
    RunOptions options;
    options.seed = seed;
    options.protocol = "paxos-bug-local-reads";
    const RunResult run = run_scenario(scenario, options);
    const CheckResult check = check_linearizable(run.history);
    ASSERT_EQ(check.verdict, Verdict::kFail) << "the local-reads mutant should fail here; pick another seed";
    const auto cex = find_counterexample(run.history);
    ASSERT_TRUE(cex.has_value());
    EXPECT_NE(check.detail.find("on key " + std::to_string(cex->key) + " "), std::string::npos);
    EXPECT_NE(check.detail.find("prefix found: " + std::to_string(cex->prefix.size()) + " of"), std::string::npos);
    EXPECT_FALSE(cex->unplaceable.empty());
    EXPECT_EQ(names(cex->unplaceable), frontier_names(check.detail)) << check.detail;
  }
}

}  // namespace
}  // namespace fl::sim::lin
