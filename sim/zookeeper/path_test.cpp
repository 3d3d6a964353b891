// Znode path validation (ZooKeeper Programmer's Guide, "ZNodes": the rules of
// PathUtils.validatePath) and the sequence suffix format ("Sequence Nodes -- Unique
// Naming": a 10-digit, zero-padded counter).
#include "sim/zookeeper/path.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fl::sim::zkserver {
namespace {

TEST(ZkPath, accepts_absolute_paths_and_the_root) {
  EXPECT_TRUE(valid_path("/"));
  EXPECT_TRUE(valid_path("/a"));
  EXPECT_TRUE(valid_path("/a/b-0000000001"));
  EXPECT_TRUE(valid_path("/a/.b/c..d/..."));  // dots inside names are allowed
  EXPECT_TRUE(valid_path("/caf\xC3\xA9"));    // UTF-8 outside the forbidden ranges
}

TEST(ZkPath, rejects_relative_empty_and_trailing_slash_paths) {
  EXPECT_FALSE(valid_path(""));
  EXPECT_FALSE(valid_path("a"));
  EXPECT_FALSE(valid_path("a/b"));
  EXPECT_FALSE(valid_path("/a/"));
  EXPECT_FALSE(valid_path("//a"));
  EXPECT_FALSE(valid_path("/a//b"));
}

TEST(ZkPath, rejects_dot_and_dot_dot_components) {
  EXPECT_FALSE(valid_path("/."));
  EXPECT_FALSE(valid_path("/.."));
  EXPECT_FALSE(valid_path("/a/./b"));
  EXPECT_FALSE(valid_path("/a/../b"));
  EXPECT_FALSE(valid_path("/a/.."));
}

TEST(ZkPath, rejects_forbidden_characters) {
  EXPECT_FALSE(valid_path(std::string("/a\0b", 4)));
  EXPECT_FALSE(valid_path("/a\x01"));
  EXPECT_FALSE(valid_path("/a\x7F"));
  EXPECT_FALSE(valid_path("/a\xC2\x85"));      // U+0085, a C1 control
  EXPECT_FALSE(valid_path("/a\xEE\x80\x80"));  // U+E000, private use
  EXPECT_FALSE(valid_path("/a\xEF\xBF\xBE"));  // U+FFFE
  EXPECT_FALSE(valid_path("/a\xFF"));          // not UTF-8
  EXPECT_FALSE(valid_path("/a\xC3"));          // truncated sequence
}

TEST(ZkPath, sequential_create_may_end_in_slash) {
  EXPECT_TRUE(valid_create_path("/queue/", true));
  EXPECT_TRUE(valid_create_path("/", true));
  EXPECT_FALSE(valid_create_path("/queue/", false));
  EXPECT_FALSE(valid_create_path("/queue//", true));
}

TEST(ZkPath, parent_base_and_join) {
  EXPECT_EQ(parent_path("/a"), "/");
  EXPECT_EQ(parent_path("/a/b/c"), "/a/b");
  EXPECT_EQ(base_name("/a/b/c"), "c");
  EXPECT_EQ(join_path("/", "a"), "/a");
  EXPECT_EQ(join_path("/a", "b"), "/a/b");
}

TEST(ZkPath, sequence_suffix_is_ten_digits_zero_padded) {
  EXPECT_EQ(sequence_suffix(0), "0000000000");
  EXPECT_EQ(sequence_suffix(42), "0000000042");
  EXPECT_EQ(sequence_suffix(2147483647), "2147483647");
  EXPECT_EQ(sequence_suffix(-1), "-000000001");  // the 32-bit counter wrapped
}

}  // namespace
}  // namespace fl::sim::zkserver
