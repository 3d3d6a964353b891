#include "rsm/store/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <vector>

namespace fl {
namespace {

using Events = std::vector<std::int32_t>;

constexpr auto kMin = std::numeric_limits<std::int32_t>::min();
constexpr auto kMax = std::numeric_limits<std::int32_t>::max();

TEST(SqliteStore, fresh_store_is_empty) {
  SqliteStore store;
  EXPECT_TRUE(store.read_all().empty());
  EXPECT_EQ(store.read(0), std::nullopt);
}

TEST(SqliteStore, insert_creates_empty_list_once) {
  SqliteStore store;
  EXPECT_TRUE(store.insert(5));
  EXPECT_EQ(store.read(5), Events{});
  EXPECT_FALSE(store.insert(5));
  EXPECT_EQ(store.read(5), Events{});
}

TEST(SqliteStore, insert_of_existing_key_keeps_its_events) {
  SqliteStore store;
  store.append(-3, 7);
  EXPECT_FALSE(store.insert(-3));
  EXPECT_EQ(store.read(-3), Events{7});
}

TEST(SqliteStore, append_creates_missing_key_and_keeps_order) {
  SqliteStore store;
  store.append(-2, 10);
  store.append(-2, 11);
  store.append(-2, 9);
  EXPECT_EQ(store.read(-2), (Events{10, 11, 9}));
}

// The list is stored as raw bytes concatenated with `||`; values with zero bytes
// would show any truncation at an embedded NUL.
TEST(SqliteStore, append_keeps_values_with_zero_bytes_and_extremes) {
  SqliteStore store;
  Events values = {0, 256, 65536, -1, kMin, kMax, 0};
  for (auto v : values) store.append(kMin, v);
  EXPECT_EQ(store.read(kMin), values);
}

TEST(SqliteStore, read_of_missing_key_is_nullopt) {
  SqliteStore store;
  store.append(1, 1);
  EXPECT_EQ(store.read(2), std::nullopt);
  EXPECT_EQ(store.read(-1), std::nullopt);
}

TEST(SqliteStore, read_all_is_in_ascending_key_order) {
  SqliteStore store;
  store.append(kMax, 1);
  store.insert(0);
  store.append(-5, 2);
  store.append(kMin, 3);
  store.append(7, 4);
  std::vector<Row> expected = {{kMin, {3}}, {-5, {2}}, {0, {}}, {7, {4}}, {kMax, {1}}};
  EXPECT_EQ(store.read_all(), expected);
}

TEST(SqliteStore, clear_removes_every_row) {
  SqliteStore store;
  store.append(1, 1);
  store.insert(2);
  store.clear();
  EXPECT_TRUE(store.read_all().empty());
  EXPECT_TRUE(store.insert(1));
}

TEST(SqliteStore, load_writes_rows_including_empty_lists) {
  SqliteStore store;
  std::vector<Row> rows = {{-9, {}}, {0, {0, 1}}, {4, {kMin}}};
  store.load(rows);
  EXPECT_EQ(store.read_all(), rows);
  store.append(-9, 5);
  EXPECT_EQ(store.read(-9), Events{5});
}

TEST(SqliteStore, load_of_existing_key_throws_and_changes_nothing) {
  SqliteStore store;
  store.append(3, 1);
  std::vector<Row> rows = {{1, {2}}, {3, {4}}, {5, {6}}};
  EXPECT_THROW(store.load(rows), StoreError);
  EXPECT_EQ(store.read_all(), (std::vector<Row>{{3, {1}}}));
  // The store stays usable after the failed transaction.
  store.load({{1, {2}}});
  EXPECT_EQ(store.read_all(), (std::vector<Row>{{1, {2}}, {3, {1}}}));
}

TEST(SqliteStore, load_with_repeated_key_throws) {
  SqliteStore store;
  EXPECT_THROW(store.load({{1, {}}, {1, {2}}}), StoreError);
  EXPECT_TRUE(store.read_all().empty());
}

TEST(SqliteStore, store_error_carries_sqlite_message) {
  SqliteStore store;
  store.insert(1);
  try {
    store.load({{1, {}}});
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("UNIQUE constraint failed"), std::string::npos) << e.what();
  }
}

TEST(SqliteStore, instances_do_not_share_a_database) {
  SqliteStore a;
  SqliteStore b;
  a.append(1, 1);
  EXPECT_EQ(b.read(1), std::nullopt);
  EXPECT_TRUE(b.insert(1));
  EXPECT_EQ(a.read(1), Events{1});
}

// The model: the grade table as plainly as it can be written (etcd quick_test style).
class MapModel {
 public:
  bool insert(std::int32_t key) { return rows_.try_emplace(key).second; }
  void append(std::int32_t key, std::int32_t value) { rows_[key].push_back(value); }
  std::optional<Events> read(std::int32_t key) const {
    auto it = rows_.find(key);
    if (it == rows_.end()) return std::nullopt;
    return it->second;
  }
  std::vector<Row> read_all() const { return {rows_.begin(), rows_.end()}; }
  void clear() { rows_.clear(); }
  void load(const std::map<std::int32_t, Events>& rows) { rows_ = rows; }

 private:
  std::map<std::int32_t, Events> rows_;
};

// Mostly a handful of keys so that operations collide; sometimes any int32.
rc::Gen<std::int32_t> key_gen() {
  return rc::gen::weightedOneOf<std::int32_t>(
      {{4, rc::gen::inRange<std::int32_t>(-3, 4)}, {1, rc::gen::arbitrary<std::int32_t>()}});
}

RC_GTEST_PROP(SqliteStoreModel, matches_simple_map_model_on_random_operations, ()) {
  SqliteStore store;
  MapModel model;
  const int steps = *rc::gen::inRange(0, 120);
  for (int step = 0; step < steps; ++step) {
    const int kind = *rc::gen::weightedOneOf<int>({{3, rc::gen::just(0)},
                                                   {8, rc::gen::just(1)},
                                                   {4, rc::gen::just(2)},
                                                   {2, rc::gen::just(3)},
                                                   {1, rc::gen::just(4)},
                                                   {1, rc::gen::just(5)}});
    const std::int32_t key = *key_gen();
    switch (kind) {
      case 0:
        RC_ASSERT(store.insert(key) == model.insert(key));
        break;
      case 1: {
        const auto value = *rc::gen::arbitrary<std::int32_t>();
        store.append(key, value);
        model.append(key, value);
        break;
      }
      case 2:
        RC_ASSERT(store.read(key) == model.read(key));
        break;
      case 3:
        RC_ASSERT(store.read_all() == model.read_all());
        break;
      case 4:
        store.clear();
        model.clear();
        break;
      case 5: {
        // load requires an empty table, as restore uses it.
        const auto rows = *rc::gen::container<std::map<std::int32_t, Events>>(key_gen(), rc::gen::arbitrary<Events>());
        store.clear();
        store.load({rows.begin(), rows.end()});
        model.load(rows);
        break;
      }
    }
  }
  RC_ASSERT(store.read_all() == model.read_all());
}

}  // namespace
}  // namespace fl
