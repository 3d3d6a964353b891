#include "rsm/app/grade_app.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rsm/store/sqlite_store.hpp"

namespace fl {
namespace {

using Events = std::vector<std::int32_t>;

constexpr auto kMin = std::numeric_limits<std::int32_t>::min();
constexpr auto kMax = std::numeric_limits<std::int32_t>::max();

std::unique_ptr<GradeApp> make_app() { return std::make_unique<GradeApp>(std::make_unique<SqliteStore>()); }

Request req(std::uint32_t client, std::uint64_t id, OpKind op, std::int32_t key = 0, std::int32_t value = 0) {
  return Request{ClientId{client}, RequestId{id}, op, key, value};
}

Request insert(std::uint32_t client, std::uint64_t id, std::int32_t key) {
  return req(client, id, OpKind::kInsert, key);
}
Request append(std::uint32_t client, std::uint64_t id, std::int32_t key, std::int32_t value) {
  return req(client, id, OpKind::kAppend, key, value);
}
Request read(std::uint32_t client, std::uint64_t id, std::int32_t key) { return req(client, id, OpKind::kRead, key); }
Request read_all(std::uint32_t client, std::uint64_t id) { return req(client, id, OpKind::kReadAll); }

Response with_status(Status status) {
  Response r;
  r.status = status;
  return r;
}
Response with_events(Events events) {
  Response r;
  r.events = std::move(events);
  return r;
}

// ---- operations ----

TEST(GradeApp, insert_creates_empty_list) {
  auto app = make_app();
  EXPECT_EQ(app->execute(insert(1, 1, 4)), with_status(Status::kOk));
  EXPECT_EQ(app->execute(read(1, 2, 4)), with_events({}));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{4, {}}}));
}

TEST(GradeApp, insert_of_existing_key_returns_exists_and_changes_nothing) {
  auto app = make_app();
  app->execute(append(1, 1, -4, 8));
  EXPECT_EQ(app->execute(insert(1, 2, -4)), with_status(Status::kExists));
  EXPECT_EQ(app->execute(read(1, 3, -4)), with_events({8}));
}

TEST(GradeApp, append_creates_missing_key_and_appends_in_order) {
  auto app = make_app();
  EXPECT_EQ(app->execute(append(1, 1, -2, 5)), with_status(Status::kOk));
  app->execute(append(2, 1, -2, 3));
  app->execute(append(1, 2, -2, 5));
  EXPECT_EQ(app->execute(read(3, 1, -2)), with_events({5, 3, 5}));
}

TEST(GradeApp, read_of_missing_key_returns_not_found) {
  auto app = make_app();
  app->execute(insert(1, 1, 1));
  EXPECT_EQ(app->execute(read(1, 2, 2)), with_status(Status::kNotFound));
  EXPECT_EQ(app->execute(read(1, 3, -1)), with_status(Status::kNotFound));
}

TEST(GradeApp, read_all_returns_rows_in_ascending_key_order) {
  auto app = make_app();
  app->execute(append(1, 1, kMax, 1));
  app->execute(insert(1, 2, 0));
  app->execute(append(1, 3, -7, 2));
  app->execute(append(1, 4, kMin, 3));
  Response expected;
  expected.rows = {{kMin, {3}}, {-7, {2}}, {0, {}}, {kMax, {1}}};
  EXPECT_EQ(app->execute(read_all(2, 1)), expected);
  EXPECT_EQ(app->rows(), expected.rows);
}

// ---- dedup: exactly-once execution of retried requests ----

TEST(GradeAppDedup, retry_with_same_id_is_not_executed_twice) {
  auto app = make_app();
  Response first = app->execute(append(1, 7, 3, 42));
  Response retry = app->execute(append(1, 7, 3, 42));
  EXPECT_EQ(retry, first);
  EXPECT_EQ(app->execute(read(2, 1, 3)), with_events({42}));
}

TEST(GradeAppDedup, retry_of_append_returns_saved_response_even_after_state_changed) {
  auto app = make_app();
  const Response first = app->execute(insert(1, 1, 3));
  app->execute(append(2, 1, 3, 2));
  EXPECT_EQ(app->execute(insert(1, 1, 3)), first) << "a retried insert must not report 'exists'";
}

TEST(GradeAppDedup, retry_of_read_reads_again_and_changes_nothing) {
  // Reads are re-executed on retry (see DedupEntry): the later answer is still
  // inside the client's invocation window, and nothing is written twice.
  auto app = make_app();
  app->execute(append(1, 1, 3, 1));
  EXPECT_EQ(app->execute(read(1, 2, 3)), with_events({1}));
  app->execute(append(2, 1, 3, 2));
  EXPECT_EQ(app->execute(read(1, 2, 3)), with_events({1, 2}));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {1, 2}}}));
  EXPECT_EQ(app->execute(append(1, 1, 3, 9)), with_status(Status::kStale)) << "the read still advanced the id";
}

TEST(GradeAppDedup, retry_of_insert_returns_ok_not_exists) {
  auto app = make_app();
  EXPECT_EQ(app->execute(insert(1, 1, 9)), with_status(Status::kOk));
  EXPECT_EQ(app->execute(insert(1, 1, 9)), with_status(Status::kOk));
}

TEST(GradeAppDedup, stale_id_returns_stale_and_executes_nothing) {
  auto app = make_app();
  app->execute(append(1, 5, 3, 1));
  EXPECT_EQ(app->execute(append(1, 4, 3, 2)), with_status(Status::kStale));
  EXPECT_EQ(app->execute(insert(1, 0, 8)), with_status(Status::kStale));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {1}}}));
  // The stale request did not replace the saved response.
  EXPECT_EQ(app->execute(append(1, 5, 3, 1)), with_status(Status::kOk));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {1}}}));
}

TEST(GradeAppDedup, larger_id_executes) {
  auto app = make_app();
  app->execute(append(1, 5, 3, 1));
  app->execute(append(1, 9, 3, 1));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {1, 1}}}));
}

TEST(GradeAppDedup, clients_are_deduplicated_independently) {
  auto app = make_app();
  app->execute(append(1, 5, 3, 1));
  EXPECT_EQ(app->execute(append(2, 1, 3, 2)), with_status(Status::kOk));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {1, 2}}}));
}

// ---- checkpoint and restore ----

TEST(GradeAppCheckpoint, checkpoint_is_compact_and_sorted) {
  auto app = make_app();
  app->execute(append(2, 1, 5, -1));
  app->execute(insert(1, 3, -5));
  EXPECT_EQ(app->checkpoint(), R"({"clients":[{"client":1,"id":3,"response":{"events":[],"rows":[],"status":"ok"}},)"
                               R"({"client":2,"id":1,"response":{"events":[],"rows":[],"status":"ok"}}],)"
                               R"("rows":[[-5,[]],[5,[-1]]]})");
}

TEST(GradeAppCheckpoint, empty_checkpoint_is_that_of_a_fresh_app) {
  EXPECT_EQ(make_app()->checkpoint(), empty_checkpoint());
  EXPECT_EQ(empty_checkpoint(), R"({"clients":[],"rows":[]})");
}

TEST(GradeAppCheckpoint, table_checkpoint_matches_an_app_without_clients) {
  EXPECT_EQ(table_checkpoint({}), empty_checkpoint());
  const std::vector<Row> rows = {{kMin, {}}, {3, {kMax, -1, 0}}};
  EXPECT_EQ(table_checkpoint(rows), R"({"clients":[],"rows":[[-2147483648,[]],[3,[2147483647,-1,0]]]})");
  // The same state reached through restore: checkpoint() from the cached row text.
  auto app = make_app();
  ASSERT_EQ(app->restore(table_checkpoint(rows)), std::nullopt);
  EXPECT_EQ(app->checkpoint(), table_checkpoint(rows));
}

TEST(GradeAppCheckpoint, restore_of_empty_checkpoint_clears_state) {
  auto app = make_app();
  app->execute(append(1, 1, 3, 4));
  EXPECT_EQ(app->restore(empty_checkpoint()), std::nullopt);
  EXPECT_TRUE(app->rows().empty());
  EXPECT_EQ(app->checkpoint(), empty_checkpoint());
  // The dedup table was cleared too: the old id executes again.
  app->execute(append(1, 1, 3, 4));
  EXPECT_EQ(app->rows(), (std::vector<Row>{{3, {4}}}));
}

TEST(GradeAppCheckpoint, round_trip_keeps_rows_and_dedup_table) {
  auto a = make_app();
  a->execute(append(1, 1, kMin, kMax));
  a->execute(insert(2, 4, 0));
  Response saved_read = a->execute(read(3, 2, kMin));
  Response saved_all = a->execute(read_all(4, 9));

  auto b = make_app();
  b->execute(append(9, 9, 100, 100));  // replaced by the restore
  ASSERT_EQ(b->restore(a->checkpoint()), std::nullopt);
  EXPECT_EQ(b->checkpoint(), a->checkpoint());
  EXPECT_EQ(b->rows(), a->rows());

  // Retries after restore are still deduplicated, and old ids are still stale.
  EXPECT_EQ(b->execute(append(1, 1, kMin, kMax)), with_status(Status::kOk));
  EXPECT_EQ(b->execute(read(3, 2, kMin)), saved_read);
  EXPECT_EQ(b->execute(read_all(4, 9)), saved_all);
  EXPECT_EQ(b->execute(insert(2, 3, 77)), with_status(Status::kStale));
  EXPECT_EQ(b->rows(), a->rows());
}

TEST(GradeAppCheckpoint, restore_rejects_text_that_is_not_a_checkpoint) {
  const std::string deep_nesting = std::string(100000, '[') + std::string(100000, ']');
  const std::string cases[] = {
      "",
      "not json",
      "{",
      R"({"clients":[],"rows":[]} trailing)",
      "null",
      "[]",
      "{}",
      R"({"rows":[]})",                                  // missing clients
      R"({"clients":[]})",                               // missing rows
      R"({"clients":[],"rows":[],"extra":1})",           // unknown field
      R"({"clients":{},"rows":[]})",                     // clients not an array
      R"({"clients":[],"rows":{}})",                     // rows not an array
      R"({"clients":[],"rows":[[1]]})",                  // row not a pair
      R"({"clients":[],"rows":[[1,[],3]]})",             // row not a pair
      R"({"clients":[],"rows":[["1",[]]]})",             // key a string
      R"({"clients":[],"rows":[[1.5,[]]]})",             // key a float
      R"({"clients":[],"rows":[[2147483648,[]]]})",      // key beyond int32
      R"({"clients":[],"rows":[[-2147483649,[]]]})",     // key below int32
      R"({"clients":[],"rows":[[1,[1,2.5]]]})",          // event a float
      R"({"clients":[],"rows":[[1,[4294967296]]]})",     // event beyond int32
      R"({"clients":[],"rows":[[1,null]]})",             // events null
      R"({"clients":[],"rows":[[1,[]],[1,[]]]})",        // repeated key
      R"({"clients":[],"rows":[[2,[]],[1,[]]]})",        // keys out of order
      R"({"clients":[{"client":1,"id":1}],"rows":[]})",  // no response
      R"({"clients":[{"client":-1,"id":1,"response":{"events":[],"rows":[],"status":"ok"}}],"rows":[]})",
      R"({"clients":[{"client":1,"id":-1,"response":{"events":[],"rows":[],"status":"ok"}}],"rows":[]})",
      R"({"clients":[{"client":1,"id":1,"response":{"events":[],"rows":[],"status":"okay"}}],"rows":[]})",
      R"({"clients":[{"client":1,"id":1,"response":{"events":[],"rows":[],"status":0}}],"rows":[]})",
      R"({"clients":[{"client":1,"id":1,"response":{"events":[],"rows":[[1]],"status":"ok"}}],"rows":[]})",
      R"({"clients":[{"client":1,"id":1,"response":{"events":[],"rows":[],"status":"ok"}},)"
      R"({"client":1,"id":2,"response":{"events":[],"rows":[],"status":"ok"}}],"rows":[]})",  // repeated client
      std::string(R"({"clients":[],"rows":[],"\xff":1})"),                                    // invalid UTF-8
      deep_nesting,
  };
  auto app = make_app();
  app->execute(append(1, 1, 2, 3));
  const std::string before = app->checkpoint();
  for (const auto& text : cases) {
    std::optional<std::string> error;
    EXPECT_NO_THROW(error = app->restore(text)) << text.substr(0, 200);
    EXPECT_TRUE(error.has_value()) << text.substr(0, 200);
    // Validation happens before anything is written, so the state is untouched.
    EXPECT_EQ(app->checkpoint(), before) << text.substr(0, 200);
  }
}

TEST(GradeAppCheckpoint, restore_error_names_the_bad_field) {
  auto app = make_app();
  auto error = app->restore(R"({"clients":[],"rows":[[1,[1,2.5]]]})");
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->find("rows[0].events[1]"), std::string::npos) << *error;
}

// ---- properties ----

// A random request over few clients, ids and keys, so that retries, stale ids and
// key collisions all happen often.
rc::Gen<Request> small_request() {
  return rc::gen::apply([](std::uint32_t client, std::uint64_t id, int op, std::int32_t key,
                           std::int32_t value) { return req(client, id, static_cast<OpKind>(op), key, value); },
                        rc::gen::inRange<std::uint32_t>(0, 4), rc::gen::inRange<std::uint64_t>(0, 12),
                        rc::gen::inRange(0, 4),
                        rc::gen::weightedOneOf<std::int32_t>(
                            {{4, rc::gen::inRange<std::int32_t>(-3, 4)}, {1, rc::gen::arbitrary<std::int32_t>()}}),
                        rc::gen::arbitrary<std::int32_t>());
}

RC_GTEST_PROP(GradeAppProperty, restore_of_checkpoint_is_identity, ()) {
  const auto history = *rc::gen::container<std::vector<Request>>(small_request());
  const auto b_history = *rc::gen::container<std::vector<Request>>(small_request());
  const auto after = *rc::gen::container<std::vector<Request>>(small_request());

  auto a = make_app();
  for (const auto& r : history) a->execute(r);
  auto b = make_app();
  for (const auto& r : b_history) b->execute(r);  // B's own state must be replaced

  RC_ASSERT(b->restore(a->checkpoint()) == std::nullopt);
  RC_ASSERT(b->checkpoint() == a->checkpoint());
  RC_ASSERT(b->rows() == a->rows());
  // Same state means same future: including how retries and stale ids are answered.
  for (const auto& r : after) RC_ASSERT(b->execute(r) == a->execute(r));
  RC_ASSERT(b->checkpoint() == a->checkpoint());
}

RC_GTEST_PROP(GradeAppProperty, checkpoint_text_is_canonical_json, ()) {
  // The hand-written writer must emit exactly what nlohmann's dump() gives for the
  // same document (sorted keys, no spaces): the text is compared across replicas.
  const auto history = *rc::gen::container<std::vector<Request>>(small_request());
  auto a = make_app();
  for (const auto& r : history) a->execute(r);
  const std::string text = a->checkpoint();
  RC_ASSERT(nlohmann::json::parse(text).dump() == text);
  // The rows in the checkpoint are the store's rows (the app keeps their text
  // incrementally, so this pins the cache to the store).
  std::vector<Row> rows;
  const nlohmann::json parsed = nlohmann::json::parse(text);
  for (const auto& row : parsed["rows"]) {
    rows.emplace_back(row[0].get<std::int32_t>(), row[1].get<std::vector<std::int32_t>>());
  }
  RC_ASSERT(rows == a->rows());
}

// ---- state digest ----

// The incrementally kept digest is a function of the state alone: the same as a
// digest computed from scratch (a restore of the checkpoint), and it moves with
// every change of the table or the dedup table.
RC_GTEST_PROP(GradeAppDigest, equals_the_digest_of_its_restored_checkpoint, ()) {
  auto a = make_app();
  const auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 4), rc::gen::inRange(-3, 4)));
  std::uint64_t id = 0;
  for (const auto& [kind, key] : ops) {
    const std::uint32_t client = static_cast<std::uint32_t>(key + 3) % 3;
    if (kind == 0) a->execute(insert(client, ++id, key));
    if (kind == 1) a->execute(append(client, ++id, key, key * 7));
    if (kind == 2) a->execute(read(client, ++id, key));
    if (kind == 3) a->execute(append(client, id, key, key * 7));  // a retry: deduplicated
  }
  auto b = make_app();
  RC_ASSERT(!b->restore(a->checkpoint()).has_value());
  RC_ASSERT(a->state_digest() == b->state_digest());
}

TEST(GradeAppDigest, changes_with_the_table_and_with_the_dedup_table) {
  auto a = make_app();
  auto b = make_app();
  EXPECT_EQ(a->state_digest(), b->state_digest());
  a->execute(append(1, 1, 5, 10));
  EXPECT_NE(a->state_digest(), b->state_digest());
  b->execute(append(1, 1, 5, 10));
  EXPECT_EQ(a->state_digest(), b->state_digest());
  a->execute(append(1, 2, 5, 11));
  b->execute(append(1, 2, 6, 11));  // another key: same values, other table
  EXPECT_NE(a->state_digest(), b->state_digest());
  auto c = make_app();
  auto d = make_app();
  c->execute(read(1, 1, 5));  // only the dedup table changes
  EXPECT_NE(c->state_digest(), d->state_digest());
  // The order of writes to different rows does not matter, only the state.
  auto e = make_app();
  auto f = make_app();
  e->execute(append(1, 1, 1, 1));
  e->execute(append(2, 1, 2, 2));
  f->execute(append(2, 1, 2, 2));
  f->execute(append(1, 1, 1, 1));
  EXPECT_EQ(e->state_digest(), f->state_digest());
}

}  // namespace
}  // namespace fl
