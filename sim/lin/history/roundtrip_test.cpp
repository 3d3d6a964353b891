// A run's history written as Jepsen events and read back must be judged exactly as
// the run judged it: the file formats lose nothing the linearizability check uses.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "sim/lin/check.hpp"
#include "sim/lin/history/check.hpp"
#include "sim/lin/history/file.hpp"
#include "sim/lin/history/models.hpp"
#include "sim/run.hpp"

namespace fl::sim::lin {
namespace {

History read_back(const History& history, HistoryFormat format) {
  auto ops = parse_history(format_history(history, format), format, "roundtrip");
  if (auto* err = std::get_if<HistoryError>(&ops)) {
    ADD_FAILURE() << err->message();
    return {};
  }
  auto converted = to_grade_history(std::get<std::vector<HistoryOp>>(ops));
  if (auto* err = std::get_if<HistoryError>(&converted)) {
    ADD_FAILURE() << err->message();
    return {};
  }
  return std::get<History>(converted);
}

void expect_same_check(const History& history) {
  const CheckResult original = check_linearizable(history);
  for (const HistoryFormat format : {HistoryFormat::kEdn, HistoryFormat::kJson}) {
    const CheckResult again = check_linearizable(read_back(history, format));
    EXPECT_EQ(again.verdict, original.verdict) << again.detail;
    EXPECT_EQ(again.detail, original.detail) << "format " << (format == HistoryFormat::kEdn ? "edn" : "json");
  }
}

// What the check reads of an op, in invoke order (the writer and reader keep it).
void expect_same_ops(const History& a, const History& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].request.op, b[i].request.op) << i;
    EXPECT_EQ(a[i].request.key, b[i].request.key) << i;
    EXPECT_EQ(a[i].request.value, b[i].request.value) << i;
    EXPECT_EQ(a[i].invoke_us, b[i].invoke_us) << i;
    EXPECT_EQ(a[i].outcome, b[i].outcome) << i;
    if (a[i].outcome != Outcome::kOk) continue;
    EXPECT_EQ(a[i].complete_us, b[i].complete_us) << i;
    EXPECT_EQ(a[i].response, b[i].response) << i;
  }
}

Operation op(std::uint32_t client, std::uint64_t id, OpKind kind, std::int32_t key, std::int32_t value, Micros from,
             Micros to, Outcome outcome, Response response = {}) {
  Operation o;
  o.request = Request{ClientId(client), RequestId(id), kind, key, value};
  o.invoke_us = from;
  o.complete_us = outcome == Outcome::kUnknown ? -1 : to;
  o.outcome = outcome;
  o.response = std::move(response);
  return o;
}

TEST(HistoryRoundTrip, simulated_run_reads_back_with_the_same_verdict) {
  auto loaded = load_scenario(std::string(FL_SOURCE_DIR) + "/scenarios/03-requests-to-all-replicas.json");
  ASSERT_TRUE(std::holds_alternative<Scenario>(loaded));
  RunOptions options;
  options.seed = 11;
  const RunResult run = run_scenario(std::get<Scenario>(loaded), options);
  ASSERT_GT(run.history.size(), 100u);
  expect_same_check(run.history);
  expect_same_ops(run.history, read_back(run.history, HistoryFormat::kEdn));
  expect_same_ops(run.history, read_back(run.history, HistoryFormat::kJson));
}

// A client that gave up on a request goes on under a new process, its lost append
// is written as :info at the end, a stale reply becomes :fail, and an insert that
// found the key keeps its status.
TEST(HistoryRoundTrip, unknown_stale_and_exists_survive_the_trip) {
  History h;
  h.push_back(op(0, 1, OpKind::kAppend, 1, 10, 100, -1, Outcome::kUnknown));
  h.push_back(op(0, 2, OpKind::kInsert, 1, 0, 200, 250, Outcome::kOk, Response{Status::kExists, {}, {}}));
  h.push_back(op(1, 1, OpKind::kAppend, 1, 11, 210, 260, Outcome::kOk, Response{Status::kStale, {}, {}}));
  h.push_back(op(1, 2, OpKind::kRead, 1, 0, 300, 300, Outcome::kOk, Response{Status::kOk, {10}, {}}));
  h.push_back(op(0, 3, OpKind::kReadAll, 0, 0, 400, 450, Outcome::kOk, Response{Status::kOk, {}, {{1, {10}}}}));
  expect_same_check(h);
  EXPECT_EQ(check_linearizable(h).verdict, Verdict::kPass);

  const std::string edn = format_history(h, HistoryFormat::kEdn);
  EXPECT_NE(edn.find("{:process 2, :type :invoke, :f :insert, :key 1, :value nil, :time 200000"), std::string::npos)
      << edn;
  EXPECT_NE(edn.find(":type :ok, :f :insert, :key 1, :value :exists"), std::string::npos) << edn;
  EXPECT_NE(edn.find("{:process 1, :type :fail, :f :append"), std::string::npos) << edn;
  EXPECT_NE(edn.find(":f :read-all, :value [[1 [10]]]"), std::string::npos) << edn;
  EXPECT_NE(edn.rfind("{:process 0, :type :info, :f :append, :key 1, :value 10, :time 450000"), std::string::npos)
      << edn;
}

TEST(HistoryRoundTrip, a_violation_reads_back_as_the_same_violation) {
  History h;
  h.push_back(op(0, 1, OpKind::kAppend, 4, 1, 100, 200, Outcome::kOk));
  h.push_back(op(1, 1, OpKind::kRead, 4, 0, 300, 400, Outcome::kOk, Response{Status::kNotFound, {}, {}}));
  EXPECT_EQ(check_linearizable(h).verdict, Verdict::kFail);
  expect_same_check(h);
}

}  // namespace
}  // namespace fl::sim::lin
