// The EDN and JSON readers of history files: the data Jepsen histories use reads
// back exactly, and malformed input is refused with the line of the mistake and a
// reason a person can act on.
#include "sim/lin/history/edn.hpp"

#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "sim/lin/history/json.hpp"

namespace fl::sim::lin {
namespace {

using Kind = HistValue::Kind;

std::vector<HistValue> edn_ok(const std::string& text) {
  auto r = read_edn(text);
  if (auto* err = std::get_if<HistoryError>(&r)) ADD_FAILURE() << err->line << ": " << err->reason;
  return std::holds_alternative<HistoryError>(r) ? std::vector<HistValue>{} : std::get<std::vector<HistValue>>(r);
}

HistoryError edn_error(const std::string& text) {
  auto r = read_edn(text);
  EXPECT_TRUE(std::holds_alternative<HistoryError>(r)) << text;
  return std::holds_alternative<HistoryError>(r) ? std::get<HistoryError>(r) : HistoryError{};
}

HistoryError json_error(const std::string& text) {
  auto r = read_json(text);
  EXPECT_TRUE(std::holds_alternative<HistoryError>(r)) << text;
  return std::holds_alternative<HistoryError>(r) ? std::get<HistoryError>(r) : HistoryError{};
}

TEST(HistoryEdn, reads_a_jepsen_event_map) {
  const auto forms = edn_ok("{:process 0, :type :invoke, :f :cas, :value [1 -2], :time 123000}");
  ASSERT_EQ(forms.size(), 1u);
  const HistValue& m = forms[0];
  ASSERT_TRUE(m.is_map());
  EXPECT_EQ(m.find("process")->integer, 0);
  EXPECT_EQ(m.find("type")->kind, Kind::kKeyword);
  EXPECT_EQ(*m.find("type")->name(), "invoke");
  ASSERT_TRUE(m.find("value")->is_vector());
  EXPECT_EQ(m.find("value")->items[1].integer, -2);
  EXPECT_EQ(m.find("time")->integer, 123000);
  EXPECT_EQ(m.find("missing"), nullptr);
}

TEST(HistoryEdn, comments_commas_lists_and_literals) {
  const auto forms = edn_ok("; a history\n[1, (2 3) nil true false +4] ; trailing\n{:a :b}");
  ASSERT_EQ(forms.size(), 2u);
  const auto& items = forms[0].items;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_TRUE(items[1].is_vector());  // a list reads as a vector
  EXPECT_EQ(items[1].items.size(), 2u);
  EXPECT_TRUE(items[2].is_nil());
  EXPECT_TRUE(items[3].boolean);
  EXPECT_EQ(items[4].kind, Kind::kBool);
  EXPECT_EQ(items[5].integer, 4);
  EXPECT_EQ(forms[0].line, 2);
  EXPECT_EQ(forms[1].line, 3);
}

TEST(HistoryEdn, strings_with_escapes) {
  const auto forms = edn_ok(R"("a\"b\\c\nd\u0041\t")");
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0].kind, Kind::kString);
  EXPECT_EQ(forms[0].text, "a\"b\\c\ndA\t");
}

TEST(HistoryEdn, printing_reads_back_the_same) {
  const std::string text = R"({:process 3, :f :read-all, :value [[1 [2 3]] [4 []]], :s "q\"x", :n nil})";
  const auto forms = edn_ok(text);
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(to_edn(forms[0]), text);
  EXPECT_EQ(to_json(forms[0]), R"({"process":3,"f":"read-all","value":[[1,[2,3]],[4,[]]],"s":"q\"x","n":null})");
}

TEST(HistoryEdn, unclosed_map_names_the_line_it_opened_on) {
  const HistoryError e = edn_error("{:process 0}\n{:process 1, :type :invoke\n\n");
  EXPECT_EQ(e.line, 4);
  EXPECT_NE(e.reason.find("unbalanced '{' opened on line 2"), std::string::npos) << e.reason;
}

TEST(HistoryEdn, stray_and_mismatched_closers) {
  HistoryError e = edn_error("{:a 1}\n]");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.reason.find("unbalanced ']'"), std::string::npos) << e.reason;
  e = edn_error("[{:a 1]\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_NE(e.reason.find("']' does not match '{'"), std::string::npos) << e.reason;
}

TEST(HistoryEdn, refuses_what_a_history_never_needs) {
  EXPECT_NE(edn_error("{:a 1.5}").reason.find("only integers"), std::string::npos);
  EXPECT_NE(edn_error("#{1 2}").reason.find("sets"), std::string::npos);
  EXPECT_NE(edn_error("\n{:a foo}").reason.find("unexpected symbol 'foo'"), std::string::npos);
  EXPECT_EQ(edn_error("\n{:a foo}").line, 2);
  EXPECT_NE(edn_error("{:a}").reason.find("key without a value"), std::string::npos);
  EXPECT_NE(edn_error("\"abc").reason.find("not closed"), std::string::npos);
  EXPECT_NE(edn_error("99999999999999999999").reason.find("64 bits"), std::string::npos);
}

TEST(HistoryJson, reads_lines_and_arrays_alike) {
  auto r = read_json("{\"process\":0,\"type\":\"invoke\",\"value\":[1,-2]}\n[{\"a\":null},{\"b\":true}]");
  ASSERT_TRUE(std::holds_alternative<std::vector<HistValue>>(r));
  const auto& forms = std::get<std::vector<HistValue>>(r);
  ASSERT_EQ(forms.size(), 2u);
  EXPECT_EQ(*forms[0].find("type")->name(), "invoke");
  EXPECT_EQ(forms[0].find("value")->items[1].integer, -2);
  EXPECT_EQ(forms[1].line, 2);
  EXPECT_TRUE(forms[1].items[0].find("a")->is_nil());
}

TEST(HistoryJson, malformed_input_names_line_and_reason) {
  HistoryError e = json_error("{\"a\":1}\n{\"a\" 1}");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.reason.find("expected ':'"), std::string::npos) << e.reason;
  e = json_error("[1,\n2\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.reason.find("unbalanced '['"), std::string::npos) << e.reason;
  EXPECT_NE(json_error("[1 2]").reason.find("expected ','"), std::string::npos);
  EXPECT_NE(json_error("[1,]").reason.find("trailing ','"), std::string::npos);
  EXPECT_NE(json_error("{1:2}").reason.find("key must be a string"), std::string::npos);
  EXPECT_NE(json_error("[nul]").reason.find("unexpected word"), std::string::npos);
  EXPECT_NE(json_error("[1e5]").reason.find("only integers"), std::string::npos);
}

}  // namespace
}  // namespace fl::sim::lin
