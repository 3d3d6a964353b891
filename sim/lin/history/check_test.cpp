// Hand-written Jepsen histories, one model at a time: each must get the verdict its
// comment argues for, and a history that breaks the event rules or a model's value
// shapes is refused with the line of the offending event.
#include "sim/lin/history/check.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "sim/lin/history/file.hpp"

namespace fl::sim::lin {
namespace {

std::variant<HistoryVerdict, HistoryError> check_text(const std::string& text, HistoryModel model,
                                                      HistoryFormat format = HistoryFormat::kEdn,
                                                      std::uint64_t steps = 1'000'000) {
  auto ops = parse_history(text, format, "h");
  if (auto* err = std::get_if<HistoryError>(&ops)) return *err;
  return check_history(std::get<std::vector<HistoryOp>>(ops), model, steps);
}

Linearizable verdict(const std::string& text, HistoryModel model, HistoryFormat format = HistoryFormat::kEdn) {
  auto r = check_text(text, model, format);
  if (auto* err = std::get_if<HistoryError>(&r)) {
    ADD_FAILURE() << err->message();
    return Linearizable::kUnknown;
  }
  return std::get<HistoryVerdict>(r).verdict;
}

HistoryError error(const std::string& text, HistoryModel model, HistoryFormat format = HistoryFormat::kEdn) {
  auto r = check_text(text, model, format);
  EXPECT_TRUE(std::holds_alternative<HistoryError>(r)) << text;
  return std::holds_alternative<HistoryError>(r) ? std::get<HistoryError>(r) : HistoryError{};
}

constexpr auto kRegister = HistoryModel::kCasRegister;
constexpr auto kKv = HistoryModel::kKv;
constexpr auto kGrade = HistoryModel::kGrade;

// ---- cas-register ---------------------------------------------------------------

TEST(HistoryCheckRegister, write_then_cas_then_read_is_linearizable) {
  EXPECT_EQ(verdict(R"(
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :cas, :value [1 2]}
{:process 1, :type :ok, :f :cas, :value [1 2]}
{:process 0, :type :invoke, :f :read, :value nil}
{:process 0, :type :ok, :f :read, :value 2}
)",
                    kRegister),
            Linearizable::kYes);
}

TEST(HistoryCheckRegister, read_of_a_value_never_written_is_not_linearizable) {
  const auto r = check_text(R"(
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :read, :value nil}
{:process 1, :type :ok, :f :read, :value 2}
)",
                            kRegister);
  ASSERT_TRUE(std::holds_alternative<HistoryVerdict>(r));
  const auto& v = std::get<HistoryVerdict>(r);
  EXPECT_EQ(v.verdict, Linearizable::kNo);
  EXPECT_NE(v.text.find("read() -> 2"), std::string::npos) << v.text;
}

// Jepsen's :info: the write may have happened, so a later read of its value is
// explained only by its taking effect; a :fail write did not happen and cannot.
TEST(HistoryCheckRegister, info_write_may_have_taken_effect_but_failed_write_did_not) {
  const auto history = [](const std::string& type) {
    return "{:process 0, :type :invoke, :f :write, :value 7, :time 1000}\n"
           "{:process 0, :type :" +
           type +
           ", :f :write, :value 7, :time 2000}\n"
           "{:process 1, :type :invoke, :f :read, :value nil, :time 3000}\n"
           "{:process 1, :type :ok, :f :read, :value 7, :time 4000}\n";
  };
  const std::string info = history("info");
  const std::string fail = history("fail");
  EXPECT_EQ(verdict(info, kRegister), Linearizable::kYes);
  EXPECT_EQ(verdict(fail, kRegister), Linearizable::kNo);
}

TEST(HistoryCheckRegister, reads_of_different_keys_are_separate_registers) {
  EXPECT_EQ(verdict(R"([{:process 0, :type :invoke, :f :write, :key 1, :value 5}
 {:process 0, :type :ok, :f :write, :key 1, :value 5}
 {:process 0, :type :invoke, :f :read, :key 2, :value nil}
 {:process 0, :type :ok, :f :read, :key 2, :value nil}])",
                    kRegister),
            Linearizable::kYes);
}

TEST(HistoryCheckRegister, cas_value_must_be_old_and_new) {
  const HistoryError e = error("{:process 0, :type :invoke, :f :cas, :value 5}\n", kRegister);
  EXPECT_EQ(e.line, 1);
  EXPECT_NE(e.reason.find("[old new]"), std::string::npos) << e.reason;
}

// ---- kv -------------------------------------------------------------------------

TEST(HistoryCheckKv, put_append_get_in_order_is_linearizable_and_reversed_is_not) {
  const std::string base = R"(
{"process":0,"type":"invoke","f":"put","key":"x","value":"a"}
{"process":0,"type":"ok","f":"put","key":"x","value":"a"}
{"process":1,"type":"invoke","f":"append","key":"x","value":"b"}
{"process":1,"type":"ok","f":"append","key":"x","value":"b"}
{"process":2,"type":"invoke","f":"get","key":"x","value":null}
)";
  EXPECT_EQ(verdict(base + R"({"process":2,"type":"ok","f":"get","key":"x","value":"ab"})", kKv, HistoryFormat::kJson),
            Linearizable::kYes);
  EXPECT_EQ(verdict(base + R"({"process":2,"type":"ok","f":"get","key":"x","value":"ba"})", kKv, HistoryFormat::kJson),
            Linearizable::kNo);
}

TEST(HistoryCheckKv, concurrent_gets_may_see_either_side_of_a_put) {
  EXPECT_EQ(verdict(R"(
{:process 0, :type :invoke, :f :put, :key "k", :value "v"}
{:process 1, :type :invoke, :f :get, :key "k"}
{:process 2, :type :invoke, :f :get, :key "k"}
{:process 1, :type :ok, :f :get, :key "k", :value nil}
{:process 2, :type :ok, :f :get, :key "k", :value "v"}
{:process 0, :type :ok, :f :put, :key "k", :value "v"}
)",
                    kKv),
            Linearizable::kYes);
}

TEST(HistoryCheckKv, put_value_must_be_a_string) {
  const HistoryError e = error("\n{:process 0, :type :invoke, :f :put, :key \"k\", :value 3}", kKv);
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.reason.find("must be a string"), std::string::npos) << e.reason;
}

// ---- grade ------------------------------------------------------------------------

TEST(HistoryCheckGrade, insert_append_read_and_read_all) {
  EXPECT_EQ(verdict(R"(
{:process 0, :type :invoke, :f :insert, :key 3}
{:process 0, :type :ok, :f :insert, :key 3}
{:process 1, :type :invoke, :f :insert, :key 3}
{:process 1, :type :ok, :f :insert, :key 3, :value :exists}
{:process 0, :type :invoke, :f :append, :key 3, :value 5}
{:process 0, :type :ok, :f :append, :key 3, :value 5}
{:process 1, :type :invoke, :f :read, :key 3, :value nil}
{:process 1, :type :ok, :f :read, :key 3, :value [5]}
{:process 1, :type :invoke, :f :read, :key 4, :value nil}
{:process 1, :type :ok, :f :read, :key 4, :value nil}
{:process 2, :type :invoke, :f :read-all, :value nil}
{:process 2, :type :ok, :f :read-all, :value {3 [5]}}
)",
                    kGrade),
            Linearizable::kYes);
}

TEST(HistoryCheckGrade, read_missing_an_acknowledged_append_is_not_linearizable) {
  const auto r = check_text(R"(
{:process 0, :type :invoke, :f :append, :key 3, :value 5}
{:process 0, :type :ok, :f :append, :key 3, :value 5}
{:process 1, :type :invoke, :f :read-all, :value nil}
{:process 1, :type :ok, :f :read-all, :value [[3 []]]}
)",
                            kGrade);
  ASSERT_TRUE(std::holds_alternative<HistoryVerdict>(r));
  EXPECT_EQ(std::get<HistoryVerdict>(r).verdict, Linearizable::kNo);
  EXPECT_NE(std::get<HistoryVerdict>(r).text.find("key 3"), std::string::npos) << std::get<HistoryVerdict>(r).text;
}

TEST(HistoryCheckGrade, info_append_explains_a_later_read_only_if_it_took_effect) {
  const std::string info = R"(
{:process 0, :type :invoke, :f :append, :key 1, :value 9}
{:process 0, :type :info, :f :append, :key 1, :value 9}
{:process 1, :type :invoke, :f :read, :key 1}
{:process 1, :type :ok, :f :read, :key 1, :value [9]}
{:process 1, :type :invoke, :f :read, :key 1}
{:process 1, :type :ok, :f :read, :key 1, :value [9]}
)";
  EXPECT_EQ(verdict(info, kGrade), Linearizable::kYes);
  const std::string lost = R"(
{:process 0, :type :invoke, :f :append, :key 1, :value 9}
{:process 0, :type :info, :f :append, :key 1, :value 9}
{:process 1, :type :invoke, :f :read, :key 1}
{:process 1, :type :ok, :f :read, :key 1, :value [9]}
{:process 1, :type :invoke, :f :read, :key 1}
{:process 1, :type :ok, :f :read, :key 1, :value nil}
)";
  EXPECT_EQ(verdict(lost, kGrade), Linearizable::kNo);  // a key once seen cannot vanish
}

TEST(HistoryCheckGrade, unknown_f_and_wrong_shapes_name_the_line) {
  HistoryError e = error("\n\n{:process 0, :type :invoke, :f :cas, :key 1, :value [1 2]}", kGrade);
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.reason.find("unknown :f :cas for the grade model"), std::string::npos) << e.reason;
  e = error("{:process 0, :type :invoke, :f :read, :key 1}\n{:process 0, :type :ok, :f :read, :key 1, :value 4}",
            kGrade);
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.reason.find("vector of 32-bit integers"), std::string::npos) << e.reason;
  e = error("{:process 0, :type :invoke, :f :append, :key 1, :value \"x\"}", kGrade);
  EXPECT_NE(e.reason.find("32-bit integer"), std::string::npos) << e.reason;
  e = error("{:process 0, :type :invoke, :f :read}", kGrade);
  EXPECT_NE(e.reason.find("needs a :key"), std::string::npos) << e.reason;
}

// ---- event rules shared by every model ------------------------------------------------

TEST(HistoryEvents, ok_without_invoke_is_refused) {
  const HistoryError e =
      error("{:process 0, :type :invoke, :f :read}\n{:process 3, :type :ok, :f :read, :value 1}", kRegister);
  EXPECT_EQ(e.file, "h");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.reason.find(":ok with no matching :invoke for process 3"), std::string::npos) << e.reason;
  EXPECT_EQ(e.message().substr(0, 4), "h:2:");
}

TEST(HistoryEvents, a_process_with_an_info_never_invokes_again) {
  const HistoryError e = error(R"({:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :info, :f :write, :value 1}
{:process 0, :type :invoke, :f :read})",
                               kRegister);
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.reason.find("after its :info on line 2"), std::string::npos) << e.reason;
}

TEST(HistoryEvents, overlapping_invokes_and_mismatched_completions_are_refused) {
  HistoryError e = error("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :invoke, :f :read}", kRegister);
  EXPECT_NE(e.reason.find("invokes again while its invoke on line 1 is pending"), std::string::npos) << e.reason;
  e = error("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :write, :value 1}", kRegister);
  EXPECT_NE(e.reason.find("has :f :write but its :invoke on line 1 has :f :read"), std::string::npos) << e.reason;
  e = error("{:process 0, :type :invoke, :f :read, :time 50}\n{:process 0, :type :ok, :f :read, :time 10}", kRegister);
  EXPECT_NE(e.reason.find(":time before its :invoke"), std::string::npos) << e.reason;
}

TEST(HistoryEvents, missing_and_unknown_fields) {
  EXPECT_NE(error("{:type :invoke, :f :read}", kRegister).reason.find("no :process"), std::string::npos);
  EXPECT_NE(error("{:process 0, :type :start, :f :read}", kRegister).reason.find("unknown :type :start"),
            std::string::npos);
  EXPECT_NE(error("[1]", kRegister).reason.find("must be a map"), std::string::npos);
  EXPECT_NE(error(R"({"process":"a","type":"invoke","f":"read"})", kRegister, HistoryFormat::kJson)
                .reason.find(":process must be an integer"),
            std::string::npos);
}

TEST(HistoryEvents, nemesis_events_are_skipped_and_pending_invokes_are_indeterminate) {
  EXPECT_EQ(verdict(R"(
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 0, :type :invoke, :f :write, :value 4}
{:process 1, :type :invoke, :f :read}
{:process 1, :type :ok, :f :read, :value 4}
)",
                    kRegister),
            Linearizable::kYes);
}

TEST(HistoryCheck, a_tiny_step_budget_gives_unknown_not_a_verdict) {
  const auto r = check_text(R"(
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 0, :type :invoke, :f :read}
{:process 0, :type :ok, :f :read, :value 1}
)",
                            kRegister, HistoryFormat::kEdn, 1);
  ASSERT_TRUE(std::holds_alternative<HistoryVerdict>(r));
  EXPECT_EQ(std::get<HistoryVerdict>(r).verdict, Linearizable::kUnknown);
  EXPECT_NE(std::get<HistoryVerdict>(r).text.find("step budget"), std::string::npos);
}

}  // namespace
}  // namespace fl::sim::lin
