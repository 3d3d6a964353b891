// Trace: the 64-bit hash is a run's fingerprint, so it must depend on every line, on
// their order and on nothing else; the optional file must hold exactly those lines.
#include "sim/observe/trace.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>

namespace fl::sim {
namespace {

using Lines = std::initializer_list<std::pair<Micros, const char*>>;

std::uint64_t hash_of(Lines lines) {
  Trace trace;
  for (const auto& [t, text] : lines) trace.line(t, text);
  return trace.hash();
}

TEST(Trace, empty_trace_hash_is_fnv_offset_basis) {
  Trace trace;
  EXPECT_EQ(trace.hash(), 0xcbf29ce484222325ULL);
  EXPECT_EQ(trace.lines(), 0u);
  EXPECT_TRUE(trace.ok());
}

TEST(Trace, hash_is_deterministic_for_same_lines) {
  const Lines lines = {{0, "start r0"}, {1500, "deliver r0->r1 prepare"}, {2000, "commit slot=1"}};
  EXPECT_EQ(hash_of(lines), hash_of(lines));
}

TEST(Trace, known_answer_pins_the_hash_function) {
  // FNV-1a 64 over "t=0 a\n", computed independently. Pinned so that a change to the
  // line format or the hash (which would change every recorded trace hash) is caught.
  EXPECT_EQ(hash_of({{0, "a"}}), 0x6ce15455d4790351ULL);
}

TEST(Trace, hash_differs_when_a_line_differs) {
  EXPECT_NE(hash_of({{0, "a"}, {5, "b"}}), hash_of({{0, "a"}, {5, "c"}}));
}

TEST(Trace, hash_differs_when_time_differs) { EXPECT_NE(hash_of({{0, "a"}, {5, "b"}}), hash_of({{0, "a"}, {6, "b"}})); }

TEST(Trace, hash_differs_when_order_changes) {
  EXPECT_NE(hash_of({{5, "a"}, {5, "b"}}), hash_of({{5, "b"}, {5, "a"}}));
}

TEST(Trace, hash_differs_when_a_line_is_added_or_split) {
  EXPECT_NE(hash_of({{0, "a"}}), hash_of({{0, "a"}, {0, ""}}));
  // Line boundaries count: "ab" is not "a" then "b".
  EXPECT_NE(hash_of({{0, "ab"}}), hash_of({{0, "a"}, {0, "b"}}));
}

TEST(Trace, counts_lines) {
  Trace trace;
  trace.line(1, "x");
  trace.line(2, "y");
  EXPECT_EQ(trace.lines(), 2u);
}

TEST(Trace, hex16_formats_sixteen_lowercase_digits) {
  EXPECT_EQ(hex16(0), "0000000000000000");
  EXPECT_EQ(hex16(0xdeadbeefULL), "00000000deadbeef");
  EXPECT_EQ(hex16(0x0123456789abcdefULL), "0123456789abcdef");
  EXPECT_EQ(hex16(~0ULL), "ffffffffffffffff");
  EXPECT_EQ(hex16(0xcbf29ce484222325ULL), "cbf29ce484222325");
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Trace, writes_lines_to_file_when_path_given) {
  const std::string path = "/tmp/faultline_trace_test_" + std::to_string(::getpid()) + ".txt";
  std::uint64_t file_hash = 0;
  {
    Trace trace(path);
    ASSERT_TRUE(trace.ok());
    trace.line(0, "start");
    trace.line(1500, "deliver r0->r1");
    trace.line(-1, "negative time prints as is");
    trace.flush();
    EXPECT_TRUE(trace.ok());
    EXPECT_EQ(read_all(path), "t=0 start\nt=1500 deliver r0->r1\nt=-1 negative time prints as is\n");
    file_hash = trace.hash();
  }
  // Keeping a file changes nothing about the hash.
  EXPECT_EQ(file_hash, hash_of({{0, "start"}, {1500, "deliver r0->r1"}, {-1, "negative time prints as is"}}));
  std::remove(path.c_str());
}

TEST(Trace, file_is_truncated_on_open) {
  const std::string path = "/tmp/faultline_trace_test_trunc_" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream old(path);
    old << "stale contents from an earlier run\n";
  }
  {
    Trace trace(path);
    trace.line(7, "fresh");
  }  // destruction closes (and so flushes) the file
  EXPECT_EQ(read_all(path), "t=7 fresh\n");
  std::remove(path.c_str());
}

TEST(Trace, unwritable_path_is_not_ok) {
  Trace trace("/nonexistent-faultline-dir/trace.txt");
  EXPECT_FALSE(trace.ok());
  trace.line(0, "still hashed");  // a broken file must not stop the hash
  EXPECT_EQ(trace.hash(), hash_of({{0, "still hashed"}}));
}

}  // namespace
}  // namespace fl::sim
