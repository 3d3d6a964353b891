// check_linearizable on small hand-written grade-table histories: what a client saw
// is judged against the table's sequential semantics, key by key, with failed,
// stale and unanswered requests handled as the history defines them.
#include "sim/lin/check.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "sim/lin/models/grade_model.hpp"

namespace fl::sim {
namespace {

// Builds operations with distinct request ids per client, in the order written.
class HistoryBuilder {
 public:
  HistoryBuilder& insert(std::uint32_t c, std::int32_t key, Micros from, Micros to, Status status = Status::kOk) {
    return add(c, OpKind::kInsert, key, 0, from, to, Outcome::kOk, Response{status, {}, {}});
  }
  HistoryBuilder& append(std::uint32_t c, std::int32_t key, std::int32_t value, Micros from, Micros to,
                         Outcome outcome = Outcome::kOk) {
    return add(c, OpKind::kAppend, key, value, from, to, outcome, Response{});
  }
  HistoryBuilder& read(std::uint32_t c, std::int32_t key, std::vector<std::int32_t> events, Micros from, Micros to) {
    return add(c, OpKind::kRead, key, 0, from, to, Outcome::kOk, Response{Status::kOk, std::move(events), {}});
  }
  HistoryBuilder& read_absent(std::uint32_t c, std::int32_t key, Micros from, Micros to) {
    return add(c, OpKind::kRead, key, 0, from, to, Outcome::kOk, Response{Status::kNotFound, {}, {}});
  }
  HistoryBuilder& read_all(std::uint32_t c, std::vector<Row> rows, Micros from, Micros to) {
    return add(c, OpKind::kReadAll, 0, 0, from, to, Outcome::kOk, Response{Status::kOk, {}, std::move(rows)});
  }
  // An ok-reply whose status says the request was not executed.
  HistoryBuilder& stale(std::uint32_t c, OpKind op, std::int32_t key, std::int32_t value, Micros from, Micros to) {
    return add(c, op, key, value, from, to, Outcome::kOk, Response{Status::kStale, {}, {}});
  }
  const History& history() const { return history_; }

 private:
  HistoryBuilder& add(std::uint32_t c, OpKind op, std::int32_t key, std::int32_t value, Micros from, Micros to,
                      Outcome outcome, Response response) {
    Operation o;
    o.request = Request{ClientId{c}, RequestId{++next_id_[c]}, op, key, value};
    o.invoke_us = from;
    o.complete_us = outcome == Outcome::kUnknown ? -1 : to;
    o.outcome = outcome;
    o.response = std::move(response);
    o.attempts = 1;
    history_.push_back(std::move(o));
    return *this;
  }

  History history_;
  std::map<std::uint32_t, std::uint64_t> next_id_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Verdict verdict_of(const HistoryBuilder& b) { return check_linearizable(b.history()).verdict; }

TEST(CheckLinearizable, empty_history_passes) {
  const CheckResult r = check_linearizable({});
  EXPECT_EQ(r.name, "linearizable");
  EXPECT_EQ(r.severity, Severity::kSafety);
  EXPECT_EQ(r.verdict, Verdict::kPass) << r.detail;
}

TEST(CheckLinearizable, sequential_insert_append_read_passes) {
  HistoryBuilder b;
  b.read_absent(1, 3, 0, 5).insert(1, 3, 10, 20).append(1, 3, 7, 30, 40).read(2, 3, {7}, 50, 60);
  b.insert(2, 3, 70, 80, Status::kExists);
  EXPECT_EQ(verdict_of(b), Verdict::kPass) << check_linearizable(b.history()).detail;
}

TEST(CheckLinearizable, insert_answering_exists_before_any_insert_fails) {
  HistoryBuilder b;
  b.insert(1, 3, 0, 10, Status::kExists).insert(2, 3, 20, 30);
  EXPECT_EQ(verdict_of(b), Verdict::kFail);
}

TEST(CheckLinearizable, append_creates_missing_key) {
  HistoryBuilder b;
  b.append(1, 4, 9, 0, 10).read(2, 4, {9}, 20, 30).insert(3, 4, 40, 50, Status::kExists);
  EXPECT_EQ(verdict_of(b), Verdict::kPass);
}

TEST(CheckLinearizable, concurrent_appends_seen_in_one_order_by_all_readers_pass) {
  HistoryBuilder b;
  b.append(1, 1, 10, 0, 100).append(2, 1, 20, 5, 90).read(3, 1, {20}, 10, 30).read(4, 1, {20, 10}, 40, 120);
  EXPECT_EQ(verdict_of(b), Verdict::kPass);
}

TEST(CheckLinearizable, readers_disagreeing_on_order_of_concurrent_appends_fail) {
  HistoryBuilder b;
  b.append(1, 1, 10, 0, 100).append(2, 1, 20, 5, 90).read(3, 1, {20, 10}, 95, 130).read(4, 1, {10, 20}, 140, 150);
  EXPECT_EQ(verdict_of(b), Verdict::kFail);
}

TEST(CheckLinearizable, stale_read_after_completed_append_fails_with_explanation) {
  HistoryBuilder b;
  b.append(1, 3, 1, 0, 100'000).append(1, 3, 5, 200'000, 300'000).read(2, 3, {1}, 1'200'000, 1'350'000);
  const CheckResult r = check_linearizable(b.history());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "not linearizable on key 3 (3 operations on this key")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "longest linearizable prefix found: 2 of 3 operations")) << r.detail;
  EXPECT_TRUE(contains(r.detail,
                       "c2#1 read(3) -> ok [1] (t=1.200s..1.350s) cannot be placed: "
                       "after c1#2 append(3,5) -> ok the list is [1,5]"))
      << r.detail;
}

TEST(CheckLinearizable, unknown_append_that_must_have_taken_effect_passes) {
  HistoryBuilder b;
  b.append(1, 2, 4, 0, 10).append(1, 2, 5, 20, 0, Outcome::kUnknown).read(2, 2, {4, 5}, 1000, 1010);
  EXPECT_EQ(verdict_of(b), Verdict::kPass);
}

TEST(CheckLinearizable, unknown_append_that_must_not_have_taken_effect_passes) {
  HistoryBuilder b;
  b.append(1, 2, 4, 0, 10).append(1, 2, 5, 20, 0, Outcome::kUnknown).read(2, 2, {4}, 30, 40).read(2, 2, {4}, 50, 60);
  b.append(3, 2, 6, 70, 80).read(2, 2, {4, 6}, 90, 100);
  EXPECT_EQ(verdict_of(b), Verdict::kPass);
}

TEST(CheckLinearizable, unknown_append_cannot_take_effect_before_it_was_sent) {
  HistoryBuilder b;
  b.read(2, 2, {5}, 0, 10).append(1, 2, 5, 20, 0, Outcome::kUnknown);
  EXPECT_EQ(verdict_of(b), Verdict::kFail);
}

TEST(CheckLinearizable, failed_append_is_dropped) {
  HistoryBuilder ok;
  ok.append(1, 2, 5, 0, 10, Outcome::kFail).read_absent(2, 2, 20, 30);
  EXPECT_EQ(verdict_of(ok), Verdict::kPass);
  HistoryBuilder seen;
  seen.append(1, 2, 5, 0, 10, Outcome::kFail).read(2, 2, {5}, 20, 30);
  EXPECT_EQ(verdict_of(seen), Verdict::kFail);
}

TEST(CheckLinearizable, stale_status_reply_counts_as_not_executed) {
  HistoryBuilder b;
  b.insert(1, 2, 0, 10).stale(1, OpKind::kAppend, 2, 5, 20, 30).read(2, 2, {}, 40, 50);
  b.stale(2, OpKind::kRead, 2, 0, 60, 70);  // its empty "events" must not be judged
  EXPECT_EQ(verdict_of(b), Verdict::kPass);
}

TEST(CheckLinearizable, read_all_consistent_with_every_key_passes) {
  HistoryBuilder b;
  b.append(1, 1, 10, 0, 10).insert(1, 2, 20, 30).append(2, 3, 30, 5, 100);
  b.read_all(3, {{1, {10}}, {2, {}}}, 40, 50);  // key 3's append may not have happened yet
  b.read_all(3, {{1, {10}}, {2, {}}, {3, {30}}}, 110, 120);
  EXPECT_EQ(verdict_of(b), Verdict::kPass) << check_linearizable(b.history()).detail;
}

TEST(CheckLinearizable, read_all_missing_a_completed_append_fails_on_that_key) {
  HistoryBuilder b;
  b.append(1, 1, 10, 0, 10).append(2, 7, 70, 0, 10).read_all(3, {{1, {10}}}, 20, 30);
  const CheckResult r = check_linearizable(b.history());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "not linearizable on key 7")) << r.detail;
  EXPECT_TRUE(contains(r.detail, "read_all() at key 7 -> not-found")) << r.detail;
}

TEST(CheckLinearizable, read_all_row_for_a_key_never_written_fails) {
  HistoryBuilder b;
  b.read_all(3, {{4, {}}}, 20, 30);
  EXPECT_EQ(verdict_of(b), Verdict::kFail);
}

TEST(CheckLinearizable, read_all_rows_out_of_key_order_fail) {
  HistoryBuilder b;
  b.insert(1, 1, 0, 5).insert(1, 2, 6, 8).read_all(3, {{2, {}}, {1, {}}}, 20, 30);
  const CheckResult r = check_linearizable(b.history());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "ascending key order")) << r.detail;
}

TEST(CheckLinearizable, violation_on_one_key_does_not_hide_behind_legal_keys) {
  HistoryBuilder b;
  for (int i = 0; i < 20; ++i) b.append(1, 1, i, i * 10, i * 10 + 5);
  b.append(2, 9, 1, 0, 5).read_absent(2, 9, 10, 20);
  const CheckResult r = check_linearizable(b.history());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "on key 9")) << r.detail;
}

TEST(CheckLinearizable, two_concurrent_inserts_cannot_both_create_the_key) {
  HistoryBuilder b;
  b.insert(1, 6, 0, 100).insert(2, 6, 10, 90);
  const CheckResult r = check_linearizable(b.history());
  ASSERT_EQ(r.verdict, Verdict::kFail);
  EXPECT_TRUE(contains(r.detail, "must wait for")) << r.detail;
}

// Lost inserts of a key that exists change nothing wherever they go; the search must
// not try every subset of them before it can report the stale read (2^30 here).
TEST(CheckLinearizable, lost_inserts_of_existing_key_do_not_blow_up_the_search) {
  HistoryBuilder b;
  b.insert(1, 2, 0, 10).append(1, 2, 7, 20, 30);
  for (int i = 0; i < 30; ++i) b.insert(static_cast<std::uint32_t>(10 + i), 2, 40 + i, 0, Status::kOk);
  History h = b.history();
  for (std::size_t i = 2; i < h.size(); ++i) {
    h[i].outcome = Outcome::kUnknown;
    h[i].complete_us = -1;
  }
  HistoryBuilder reads;
  reads.read(2, 2, {7}, 100, 110).read(3, 2, {}, 120, 130);
  h.insert(h.end(), reads.history().begin(), reads.history().end());
  const CheckResult r = check_linearizable(h, 200'000);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.detail;
}

// Lost appends that no read saw can only come after the reads that missed them; the
// implied order keeps the search from guessing them in at every step (2^40 here).
TEST(CheckLinearizable, lost_appends_never_seen_do_not_blow_up_the_search) {
  HistoryBuilder b;
  b.insert(1, 4, 0, 10);
  for (int i = 0; i < 40; ++i) b.append(static_cast<std::uint32_t>(10 + i), 4, 100 + i, 20 + i, 0, Outcome::kUnknown);
  std::vector<std::int32_t> seen;
  for (int i = 0; i < 10; ++i) {
    b.read(3, 4, seen, 100 + 20 * i, 105 + 20 * i).append(2, 4, i, 100 + 20 * i, 110 + 20 * i);
    seen.push_back(i);
  }
  seen.pop_back();
  b.read(3, 4, seen, 400, 410);  // misses the completed append of 9
  const CheckResult r = check_linearizable(b.history(), 200'000);
  EXPECT_EQ(r.verdict, Verdict::kFail) << r.detail;
}

TEST(CheckLinearizable, exhausted_budget_is_skip_naming_the_key) {
  HistoryBuilder b;
  b.append(1, 5, 1, 0, 10).read(2, 5, {1}, 20, 30);
  const CheckResult r = check_linearizable(b.history(), 1);
  EXPECT_EQ(r.verdict, Verdict::kSkip);
  EXPECT_EQ(r.detail, "unknown: step budget exhausted on key 5");
}

TEST(CheckLinearizable, same_history_gives_same_text) {
  HistoryBuilder b;
  b.append(1, 1, 10, 0, 100).append(2, 1, 20, 5, 90).read(3, 1, {20, 10}, 95, 130).read(4, 1, {10, 20}, 140, 150);
  EXPECT_EQ(check_linearizable(b.history()).detail, check_linearizable(b.history()).detail);
}

}  // namespace
}  // namespace fl::sim
