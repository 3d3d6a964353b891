// History files written to break the readers: nesting without end, a key given
// twice, bytes that would garble a message, devices and folders instead of files.
// Each must end in a HistoryError that names the line and the reason, never in a
// crash, a silent first-wins choice or unbounded memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "sim/lin/history/check.hpp"
#include "sim/lin/history/file.hpp"

namespace fl::sim::lin {
namespace {

// The error parsing `text` gives, or "" if it parses.
std::string error_of(const std::string& text, HistoryFormat format) {
  auto ops = parse_history(text, format, "h");
  if (auto* err = std::get_if<HistoryError>(&ops)) return err->message();
  return "";
}

std::string nested(int depth, char open, char close) {
  return std::string(static_cast<std::size_t>(depth), open) + std::string(static_cast<std::size_t>(depth), close);
}

TEST(HostileHistory, deep_nesting_is_refused_not_a_stack_overflow) {
  for (const int depth : {65, 10'000, 200'000}) {
    EXPECT_NE(error_of(nested(depth, '[', ']'), HistoryFormat::kJson).find("nesting deeper than 64 levels"),
              std::string::npos)
        << depth;
    EXPECT_NE(error_of(nested(depth, '[', ']'), HistoryFormat::kEdn).find("nesting deeper than 64 levels"),
              std::string::npos)
        << depth;
    EXPECT_NE(error_of(nested(depth, '(', ')'), HistoryFormat::kEdn).find("nesting deeper than 64 levels"),
              std::string::npos)
        << depth;
  }
}

TEST(HostileHistory, nesting_within_the_limit_reads) {
  // A value nested 60 deep is a shape error for the model, not a reader error.
  const std::string value = nested(60, '[', ']');
  const std::string text = "{:process 0, :type :invoke, :f :write, :value " + value + "}\n";
  EXPECT_EQ(error_of(text, HistoryFormat::kEdn), "");
}

TEST(HostileHistory, a_key_given_twice_is_refused_in_either_order) {
  const std::string json_a = R"({"process": 0, "type": "invoke", "f": "read", "type": "ok"})";
  const std::string json_b = R"({"process": 0, "type": "ok", "f": "read", "type": "invoke"})";
  for (const auto& text : {json_a, json_b}) {
    const std::string error = error_of(text, HistoryFormat::kJson);
    EXPECT_NE(error.find("has the key \"type\" twice"), std::string::npos) << error;
  }
  const std::string edn = "{:process 0, :type :invoke, :f :read, :process 1}";
  EXPECT_NE(error_of(edn, HistoryFormat::kEdn).find("has the key :process twice"), std::string::npos);
  // A keyword and a string naming the same field are the same key to the decoder.
  const std::string mixed = "{:process 0, :type :invoke, :f :read, \"f\" :write}";
  EXPECT_NE(error_of(mixed, HistoryFormat::kEdn).find("twice"), std::string::npos);
}

TEST(HostileHistory, control_bytes_and_long_words_keep_the_message_readable) {
  const std::string with_nul = std::string("{\"process\": 0, \"type\": ") + '\0' + "}";
  const std::string error = error_of(with_nul, HistoryFormat::kJson);
  EXPECT_NE(error.find("\\x00"), std::string::npos) << error;
  EXPECT_EQ(error.find('\0'), std::string::npos);
  const std::string long_symbol = "{:process " + std::string(100'000, 'x') + "}";
  const std::string long_error = error_of(long_symbol, HistoryFormat::kEdn);
  EXPECT_LT(long_error.size(), 400u) << long_error.substr(0, 100);
  EXPECT_NE(long_error.find("bytes)"), std::string::npos);
}

TEST(HostileHistory, a_process_past_32_bits_is_refused_by_every_model) {
  const std::string text =
      "{:process 4294967296, :type :invoke, :f :write, :value 1}\n"
      "{:process 4294967296, :type :ok, :f :write, :value 1}\n";
  auto ops = parse_history(text, HistoryFormat::kEdn, "h");
  ASSERT_TRUE(std::holds_alternative<std::vector<HistoryOp>>(ops));
  for (const HistoryModel model : {HistoryModel::kGrade, HistoryModel::kCasRegister, HistoryModel::kKv}) {
    auto verdict = check_history(std::get<std::vector<HistoryOp>>(ops), model, 1000);
    ASSERT_TRUE(std::holds_alternative<HistoryError>(verdict));
    EXPECT_NE(std::get<HistoryError>(verdict).reason.find(":process 4294967296 does not fit 32 bits"),
              std::string::npos);
  }
}

class HostileFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fl_hostile_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path, std::ios::binary) << text;
    return path.string();
  }
  std::filesystem::path dir_;
};

std::string load_error(const std::string& path, std::size_t max_bytes = kMaxHistoryBytes) {
  auto ops = load_history(path, HistoryFormat::kJson, max_bytes);
  if (auto* err = std::get_if<HistoryError>(&ops)) return err->message();
  return "";
}

TEST_F(HostileFile, a_directory_is_not_a_history) {
  EXPECT_NE(load_error(dir_.string()).find("is a directory"), std::string::npos);
}

TEST_F(HostileFile, an_empty_history_is_not_a_pass) {
  for (const std::string text : {"", "  \n", "{\"process\": \"nemesis\", \"type\": \"info\", \"f\": \"kill\"}\n"}) {
    EXPECT_NE(load_error(write("h.json", text)).find("no client events"), std::string::npos) << text;
  }
}

TEST_F(HostileFile, a_file_past_the_limit_is_refused_even_without_an_end) {
  const std::string ok = write("h.json",
                               "{\"process\": 0, \"type\": \"invoke\", \"f\": \"read\", \"key\": 1}\n"
                               "{\"process\": 0, \"type\": \"ok\", \"f\": \"read\", \"key\": 1, \"value\": []}\n");
  EXPECT_EQ(load_error(ok, 1000), "");
  EXPECT_NE(load_error(ok, 100).find("larger than the limit of 100 bytes"), std::string::npos);
  if (std::filesystem::exists("/dev/zero")) {
    EXPECT_NE(load_error("/dev/zero", 1 << 20).find("larger than the limit"), std::string::npos);
  }
}

}  // namespace
}  // namespace fl::sim::lin
