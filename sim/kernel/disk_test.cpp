// Disk: fsync semantics (a crash loses exactly the unsynced writes) and the weight
// accounting the log-bound check relies on, for durable and pending records alike.
#include "sim/kernel/disk.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace fl::sim {
namespace {

DiskWrite put(std::string key, std::string value, std::int64_t weight = 0) {
  return DiskWrite{std::move(key), std::move(value), weight};
}
DiskWrite erase(std::string key) { return DiskWrite{std::move(key), std::nullopt, 0}; }

TEST(Disk, starts_empty) {
  Disk disk;
  EXPECT_TRUE(disk.durable().empty());
  EXPECT_EQ(disk.pending(), 0u);
  EXPECT_EQ(disk.weight(), 0);
}

TEST(Disk, writes_are_pending_until_synced) {
  Disk disk;
  disk.write(put("a", "1"));
  EXPECT_TRUE(disk.durable().empty());
  EXPECT_EQ(disk.pending(), 1u);
  disk.sync();
  EXPECT_EQ(disk.pending(), 0u);
  EXPECT_EQ(disk.durable(), (DiskImage{{"a", "1"}}));
}

TEST(Disk, unsynced_writes_are_lost_on_crash) {
  Disk disk;
  disk.write(put("a", "1"));
  disk.crash();
  EXPECT_TRUE(disk.durable().empty());
  EXPECT_EQ(disk.pending(), 0u);
}

TEST(Disk, synced_writes_survive_crash) {
  Disk disk;
  disk.write(put("a", "1"));
  disk.write(put("b", "2"));
  disk.sync();
  disk.write(put("a", "changed"));
  disk.write(put("c", "3"));
  disk.write(erase("b"));
  disk.crash();
  EXPECT_EQ(disk.durable(), (DiskImage{{"a", "1"}, {"b", "2"}}));
}

TEST(Disk, erase_removes_key_once_synced) {
  Disk disk;
  disk.write(put("a", "1"));
  disk.write(put("b", "2"));
  disk.sync();
  disk.write(erase("a"));
  EXPECT_EQ(disk.durable().count("a"), 1u) << "an unsynced erase must not touch the durable image";
  disk.sync();
  EXPECT_EQ(disk.durable(), (DiskImage{{"b", "2"}}));
}

TEST(Disk, erase_of_absent_key_is_harmless) {
  Disk disk;
  disk.write(erase("ghost"));
  disk.sync();
  EXPECT_TRUE(disk.durable().empty());
  EXPECT_EQ(disk.weight(), 0);
}

TEST(Disk, sync_applies_writes_in_order_later_write_wins) {
  Disk disk;
  disk.write(put("k", "first"));
  disk.write(put("k", "second"));
  disk.sync();
  EXPECT_EQ(disk.durable().at("k"), "second");

  disk.write(put("k", "third"));
  disk.write(erase("k"));
  disk.sync();
  EXPECT_EQ(disk.durable().count("k"), 0u);

  disk.write(erase("k"));
  disk.write(put("k", "back"));
  disk.sync();
  EXPECT_EQ(disk.durable().at("k"), "back");
}

TEST(Disk, weight_counts_pending_and_durable_records) {
  Disk disk;
  disk.write(put("log/1", "x", 5));
  EXPECT_EQ(disk.weight(), 5);
  disk.sync();
  EXPECT_EQ(disk.weight(), 5);
  disk.write(put("log/2", "y", 3));
  EXPECT_EQ(disk.weight(), 8);
  disk.write(put("meta", "z"));  // zero-weight record
  EXPECT_EQ(disk.weight(), 8);
  disk.sync();
  EXPECT_EQ(disk.weight(), 8);
}

TEST(Disk, weight_of_overwrite_replaces_rather_than_adds) {
  Disk disk;
  disk.write(put("log/1", "x", 5));
  disk.write(put("log/1", "x2", 2));  // pending overwrite of a pending record
  EXPECT_EQ(disk.weight(), 2);
  disk.sync();
  EXPECT_EQ(disk.weight(), 2);
  disk.write(put("log/1", "x3", 7));  // pending overwrite of a durable record
  EXPECT_EQ(disk.weight(), 7);
  disk.sync();
  EXPECT_EQ(disk.weight(), 7);
  disk.write(put("log/1", "x4", 0));  // overwrite with a zero-weight record
  EXPECT_EQ(disk.weight(), 0);
  disk.sync();
  EXPECT_EQ(disk.weight(), 0);
}

TEST(Disk, weight_of_erase) {
  Disk disk;
  disk.write(put("log/1", "x", 4));
  disk.write(put("log/2", "y", 6));
  disk.sync();
  disk.write(erase("log/1"));
  EXPECT_EQ(disk.weight(), 6);  // the node no longer sees log/1
  disk.sync();
  EXPECT_EQ(disk.weight(), 6);
  disk.write(put("log/3", "z", 2));
  disk.write(erase("log/3"));  // erase of a pending record
  EXPECT_EQ(disk.weight(), 6);
  disk.sync();
  EXPECT_EQ(disk.weight(), 6);
  disk.write(erase("log/2"));
  disk.write(put("log/2", "again", 1));  // re-creation after a pending erase
  EXPECT_EQ(disk.weight(), 1);
  disk.sync();
  EXPECT_EQ(disk.weight(), 1);
}

TEST(Disk, weight_on_erase_ignores_the_write_weight_field) {
  // An erase holds no requests, whatever weight its writer filled in.
  Disk disk;
  disk.write(put("log/1", "x", 4));
  disk.sync();
  disk.write(DiskWrite{"log/1", std::nullopt, 9});
  EXPECT_EQ(disk.weight(), 0);
  disk.sync();
  EXPECT_EQ(disk.weight(), 0);
}

TEST(Disk, crash_restores_durable_weight) {
  Disk disk;
  disk.write(put("log/1", "x", 4));
  disk.sync();
  disk.write(put("log/1", "bigger", 10));
  disk.write(put("log/2", "y", 3));
  disk.write(erase("log/1"));
  EXPECT_EQ(disk.weight(), 3);
  disk.crash();
  EXPECT_EQ(disk.weight(), 4);
  // After the crash the pending view starts again from the durable image.
  disk.write(put("log/2", "z", 1));
  EXPECT_EQ(disk.weight(), 5);
  disk.sync();
  EXPECT_EQ(disk.weight(), 5);
  EXPECT_EQ(disk.durable(), (DiskImage{{"log/1", "x"}, {"log/2", "z"}}));
}

}  // namespace
}  // namespace fl::sim
