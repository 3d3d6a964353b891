// The Wing & Gong / Lowe search on small hand-written histories of the
// compare-and-set register and the key-value map, whose verdicts can be worked out
// by hand: real-time order, concurrency, indeterminate ops, budgets and the
// counterexample text.
#include "sim/lin/search.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/lin/brute_force.hpp"
#include "sim/lin/cache.hpp"
#include "sim/lin/explain.hpp"
#include "sim/lin/models/kv_model.hpp"
#include "sim/lin/models/register_model.hpp"
#include "sim/lin/partition.hpp"

namespace fl::sim::lin {
namespace {

using Ops = std::vector<RegisterLinOp>;

RegisterLinOp reg(std::uint32_t client, Micros call_us, Micros return_us, RegisterInput in,
                  std::optional<RegisterOutput> out) {
  static std::uint64_t next_id = 0;
  return RegisterLinOp{client, ++next_id, call_us, out ? return_us : kNever, in, out};
}
RegisterLinOp write(std::uint32_t c, Micros call_us, Micros return_us, std::int64_t v) {
  return reg(c, call_us, return_us, {RegisterOp::kWrite, v, 0}, RegisterOutput{});
}
RegisterLinOp read(std::uint32_t c, Micros call_us, Micros return_us, std::int64_t v) {
  return reg(c, call_us, return_us, {RegisterOp::kRead, 0, 0}, RegisterOutput{v, false});
}
RegisterLinOp cas(std::uint32_t c, Micros call_us, Micros return_us, std::int64_t from, std::int64_t to, bool ok) {
  return reg(c, call_us, return_us, {RegisterOp::kCas, from, to}, RegisterOutput{0, ok});
}
// A write whose reply never came: it may have happened any time after `call_us`, or never.
RegisterLinOp lost_write(std::uint32_t c, Micros call_us, std::int64_t v) {
  return reg(c, call_us, kNever, {RegisterOp::kWrite, v, 0}, std::nullopt);
}

SearchResult run(const Ops& ops, std::uint64_t steps = 1'000'000) {
  Budget budget;
  budget.steps_left = steps;
  return search(CasRegisterModel{}, std::span<const RegisterLinOp>(ops), budget);
}

// Runs the search and, as a cross-check on every hand-written case, the brute force.
Linearizable verdict(const Ops& ops) {
  const Linearizable v = run(ops).verdict;
  const bool brute = brute_force_linearizable(CasRegisterModel{}, std::span<const RegisterLinOp>(ops));
  EXPECT_EQ(v == Linearizable::kYes, brute);
  return v;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// ---- register: real-time order and concurrency ----

TEST(LinRegister, empty_history_is_linearizable) { EXPECT_EQ(verdict({}), Linearizable::kYes); }

TEST(LinRegister, sequential_write_then_read_is_linearizable) {
  EXPECT_EQ(verdict({write(1, 0, 10, 1), read(2, 20, 30, 1)}), Linearizable::kYes);
}

TEST(LinRegister, stale_read_after_completed_write_is_not_linearizable) {
  EXPECT_EQ(verdict({write(1, 0, 10, 1), read(2, 20, 30, 0)}), Linearizable::kNo);
}

TEST(LinRegister, read_concurrent_with_write_may_see_old_or_new_value) {
  EXPECT_EQ(verdict({write(1, 0, 100, 1), read(2, 10, 20, 0)}), Linearizable::kYes);
  EXPECT_EQ(verdict({write(1, 0, 100, 1), read(2, 10, 20, 1)}), Linearizable::kYes);
}

// Herlihy & Wing §2: once a read has seen the new value, a later read may not see the old.
TEST(LinRegister, new_then_old_read_during_one_write_is_not_linearizable) {
  EXPECT_EQ(verdict({write(1, 0, 100, 1), read(2, 10, 20, 1), read(3, 30, 40, 0)}), Linearizable::kNo);
}

TEST(LinRegister, overlapping_writes_order_chosen_by_later_reads) {
  // w1 and w2 overlap; r->1 then r->2 forces w1 before w2, which real time allows.
  EXPECT_EQ(verdict({write(1, 0, 100, 1), write(2, 10, 90, 2), read(3, 50, 60, 1), read(3, 110, 120, 2)}),
            Linearizable::kYes);
  // r->2 then r->1 with w2 ending before r->1 starts would need w1 after w2 and after r->2.
  EXPECT_EQ(verdict({write(1, 0, 100, 1), write(2, 10, 20, 2), read(3, 30, 40, 2), read(3, 110, 120, 1)}),
            Linearizable::kYes);
  EXPECT_EQ(verdict({write(1, 0, 25, 1), write(2, 10, 20, 2), read(3, 30, 40, 2), read(3, 110, 120, 1)}),
            Linearizable::kNo);
}

TEST(LinRegister, ops_touching_at_one_instant_are_concurrent) {
  // The write returns at 10 and the read is called at 10: equal stamps do not order them.
  EXPECT_EQ(verdict({write(1, 0, 10, 1), read(2, 10, 20, 0)}), Linearizable::kYes);
  EXPECT_EQ(verdict({write(1, 0, 10, 1), read(2, 11, 20, 0)}), Linearizable::kNo);
}

TEST(LinRegister, two_concurrent_cas_from_same_value_cannot_both_succeed) {
  EXPECT_EQ(verdict({cas(1, 0, 10, 0, 1, true), cas(2, 0, 10, 0, 2, true)}), Linearizable::kNo);
  EXPECT_EQ(verdict({cas(1, 0, 10, 0, 1, true), cas(2, 0, 10, 0, 2, false)}), Linearizable::kYes);
}

TEST(LinRegister, cas_chain_linearizes_in_the_only_possible_order) {
  EXPECT_EQ(
      verdict({cas(3, 0, 50, 2, 3, true), cas(2, 0, 50, 1, 2, true), cas(1, 0, 50, 0, 1, true), read(4, 60, 70, 3)}),
      Linearizable::kYes);
}

// ---- register: indeterminate ops ----

TEST(LinRegister, lost_write_that_must_have_taken_effect) {
  EXPECT_EQ(verdict({lost_write(1, 0, 5), read(2, 10, 20, 5)}), Linearizable::kYes);
  EXPECT_EQ(verdict({read(2, 10, 20, 5)}), Linearizable::kNo);
}

TEST(LinRegister, lost_write_that_must_not_have_taken_effect) {
  EXPECT_EQ(verdict({write(1, 0, 10, 1), lost_write(1, 20, 2), read(2, 30, 40, 1), read(2, 50, 60, 1)}),
            Linearizable::kYes);
}

TEST(LinRegister, lost_write_cannot_take_effect_before_its_call) {
  EXPECT_EQ(verdict({read(2, 0, 10, 5), lost_write(1, 20, 5)}), Linearizable::kNo);
}

TEST(LinRegister, lost_write_that_took_effect_cannot_be_undone) {
  EXPECT_EQ(verdict({write(1, 0, 10, 1), lost_write(1, 20, 2), read(2, 30, 40, 2), read(2, 50, 60, 1)}),
            Linearizable::kNo);
}

TEST(LinRegister, lost_cas_takes_effect_only_if_it_would_succeed) {
  const auto lost_cas = reg(1, 0, kNever, {RegisterOp::kCas, 0, 7}, std::nullopt);
  EXPECT_EQ(verdict({lost_cas, read(2, 10, 20, 7)}), Linearizable::kYes);
  const auto lost_cas_from_3 = reg(1, 0, kNever, {RegisterOp::kCas, 3, 7}, std::nullopt);
  EXPECT_EQ(verdict({lost_cas_from_3, read(2, 10, 20, 7)}), Linearizable::kNo);
}

// ---- search result: witness, deepest prefix, budget ----

TEST(LinSearch, linearizable_history_yields_witness_order) {
  const Ops ops = {read(2, 50, 60, 1), write(1, 0, 100, 1), read(3, 0, 5, 0)};
  const SearchResult r = run(ops);
  ASSERT_EQ(r.verdict, Linearizable::kYes);
  EXPECT_EQ(r.deepest, (std::vector<std::size_t>{2, 1, 0}));
}

TEST(LinSearch, violation_reports_longest_linearizable_prefix) {
  const Ops ops = {write(1, 0, 10, 1), write(1, 20, 30, 2), read(2, 40, 50, 1)};
  const SearchResult r = run(ops);
  ASSERT_EQ(r.verdict, Linearizable::kNo);
  EXPECT_EQ(r.deepest, (std::vector<std::size_t>{0, 1}));
}

TEST(LinSearch, exhausted_step_budget_gives_unknown_never_a_verdict) {
  const Ops ops = {write(1, 0, 10, 1), write(1, 20, 30, 2), read(2, 40, 50, 1)};
  const SearchResult r = run(ops, 2);
  EXPECT_EQ(r.verdict, Linearizable::kUnknown);
  EXPECT_EQ(r.exhausted, Exhausted::kSteps);
  EXPECT_EQ(r.steps, 2U);
}

TEST(LinSearch, stop_request_gives_unknown) {
  // Many concurrent lost writes and an impossible read: the search must explore a lot.
  Ops ops;
  for (int i = 0; i < 16; ++i) ops.push_back(lost_write(static_cast<std::uint32_t>(i), 0, i + 1));
  ops.push_back(read(99, 10, 20, 1000));
  Budget budget;
  budget.stop_requested = [] { return true; };
  const SearchResult r = search(CasRegisterModel{}, std::span<const RegisterLinOp>(ops), budget);
  EXPECT_EQ(r.verdict, Linearizable::kUnknown);
  EXPECT_EQ(r.exhausted, Exhausted::kStopped);
}

TEST(LinSearch, lowe_cache_turns_orders_into_subsets) {
  // 12 concurrent writes of one value before an impossible read: 12! orders, but only
  // 2^12 (set, state) configurations, so the cached search ends well within budget.
  Ops ops;
  for (int i = 0; i < 12; ++i) ops.push_back(write(static_cast<std::uint32_t>(i), 0, 100, 1));
  ops.push_back(read(99, 200, 210, 2));
  const SearchResult r = run(ops, 200'000);
  EXPECT_EQ(r.verdict, Linearizable::kNo);
  EXPECT_LT(r.steps, 200'000U);
}

TEST(LinSearch, a_long_history_runs_out_of_memory_budget_not_of_memory) {
  // 20,000 concurrent writes of one value and an impossible read: every subset is a
  // new configuration holding a 2.5 KB set. A 4 MB budget must stop the search as
  // unknown within a few sets of the limit, not half a gigabyte past it.
  Ops ops;
  for (int i = 0; i < 20'000; ++i) ops.push_back(write(static_cast<std::uint32_t>(i), 0, 100, 1));
  ops.push_back(read(99, 200, 210, 2));
  Budget budget;
  budget.steps_left = 10'000'000;
  budget.cache_bytes_max = std::size_t{4} << 20;
  const SearchResult r = search(CasRegisterModel{}, std::span<const RegisterLinOp>(ops), budget);
  EXPECT_EQ(r.verdict, Linearizable::kUnknown);
  EXPECT_EQ(r.exhausted, Exhausted::kMemory);
  EXPECT_LT(r.steps, 4'000U);  // about 1,700 sets of 2.5 KB fit in 4 MB
}

TEST(LinSearch, the_cache_reserves_a_bounded_amount_up_front) {
  // Sized for a million ops (125 KB sets, a million of them expected): reserving all
  // of it would ask for 125 GB and fail before any budget is consulted.
  LoweCache<int> cache((1'000'000 + 63) / 64, 1'000'001);
  Bitset set(1'000'000);
  set.set(7);
  EXPECT_TRUE(cache.insert(set, 0, 0));
  EXPECT_EQ(cache.size(), 1U);
}

// ---- counterexample text ----

TEST(LinExplain, format_us_shows_seconds_to_the_microsecond) {
  EXPECT_EQ(format_us(0), "0.000s");
  EXPECT_EQ(format_us(1'200'000), "1.200s");
  EXPECT_EQ(format_us(250), "0.00025s");
  EXPECT_EQ(format_us(12'345'678), "12.345678s");
  EXPECT_EQ(format_us(-1'500'000), "-1.500s");
}

TEST(LinExplain, frontier_is_ops_called_before_first_remaining_return) {
  const std::vector<Interval> ops = {{0, 10, true}, {5, 30, true}, {10, 40, true}, {11, 50, true}, {0, 0, false}};
  const Frontier f = frontier_after(ops, std::vector<std::size_t>{});
  EXPECT_EQ(f.bound_by, std::optional<std::size_t>{0});
  EXPECT_EQ(f.candidates, (std::vector<std::size_t>{0, 4, 1, 2}));
  const Frontier after0 = frontier_after(ops, std::vector<std::size_t>{0});
  EXPECT_EQ(after0.bound_by, std::optional<std::size_t>{1});
  EXPECT_EQ(after0.candidates, (std::vector<std::size_t>{4, 1, 2, 3}));
}

TEST(LinExplain, counterexample_names_the_op_and_the_state_it_contradicts) {
  const Ops ops = {write(1, 0, 10, 1), write(1, 20, 30, 2), read(2, 1'200'000, 1'350'000, 1)};
  const SearchResult r = run(ops);
  ASSERT_EQ(r.verdict, Linearizable::kNo);
  const std::string text = explain_violation(CasRegisterModel{}, std::span<const RegisterLinOp>(ops), r);
  EXPECT_TRUE(contains(text, "longest linearizable prefix found: 2 of 3 operations")) << text;
  EXPECT_TRUE(contains(text, "read() -> 1 (t=1.200s..1.350s) cannot be placed: after c1#")) << text;
  EXPECT_TRUE(contains(text, "write(2) the register holds 2")) << text;
}

// ---- key-value map, split per key ----

KvLinOp kv(std::uint32_t client, Micros call_us, Micros return_us, KvOp op, std::string key, std::string value,
           std::optional<std::string> got = std::string{}) {
  static std::uint64_t next_id = 0;
  std::optional<KvOutput> out;
  if (got) out = KvOutput{*got};
  return KvLinOp{client, ++next_id, call_us, out ? return_us : kNever, KvInput{op, std::move(key), std::move(value)},
                 out};
}

PartitionedResult<std::string> check_kv(const std::vector<KvLinOp>& ops) {
  Budget budget;
  const auto parts = partition_by(std::span<const KvLinOp>(ops), [](const KvLinOp& op) { return op.input.key; });
  return check_partitions(KvModel{}, parts, budget);
}

TEST(LinKv, concurrent_appends_may_land_in_either_order) {
  for (const char* seen : {"ab", "ba"}) {
    const std::vector<KvLinOp> ops = {kv(1, 0, 10, KvOp::kAppend, "x", "a"), kv(2, 0, 10, KvOp::kAppend, "x", "b"),
                                      kv(3, 20, 30, KvOp::kGet, "x", "", seen)};
    EXPECT_EQ(check_kv(ops).verdict, Linearizable::kYes) << seen;
  }
}

TEST(LinKv, get_missing_a_completed_append_is_not_linearizable) {
  const std::vector<KvLinOp> ops = {kv(1, 0, 10, KvOp::kAppend, "x", "a"), kv(2, 0, 10, KvOp::kAppend, "x", "b"),
                                    kv(3, 20, 30, KvOp::kGet, "x", "", "a")};
  EXPECT_EQ(check_kv(ops).verdict, Linearizable::kNo);
}

TEST(LinKv, violation_is_reported_on_the_illegal_key_only) {
  const std::vector<KvLinOp> ops = {
      kv(1, 0, 10, KvOp::kPut, "good", "1"),     kv(1, 20, 30, KvOp::kGet, "good", "", "1"),
      kv(2, 0, 10, KvOp::kPut, "bad", "1"),      kv(2, 20, 30, KvOp::kPut, "bad", "2"),
      kv(3, 40, 50, KvOp::kGet, "bad", "", "1"),
  };
  const auto r = check_kv(ops);
  ASSERT_EQ(r.verdict, Linearizable::kNo);
  EXPECT_EQ(r.key, std::optional<std::string>{"bad"});
  EXPECT_EQ(r.key_ops, 3U);
  EXPECT_TRUE(contains(r.explanation, "get(\"bad\") -> \"1\"")) << r.explanation;
  EXPECT_TRUE(contains(r.explanation, "the value is \"2\"")) << r.explanation;
}

TEST(LinKv, lost_put_that_must_have_taken_effect) {
  const std::vector<KvLinOp> ops = {kv(1, 0, 0, KvOp::kPut, "x", "v", std::nullopt),
                                    kv(2, 10, 20, KvOp::kGet, "x", "", "v")};
  EXPECT_EQ(check_kv(ops).verdict, Linearizable::kYes);
}

}  // namespace
}  // namespace fl::sim::lin
