// Properties of the linearizability checker: histories produced by correct
// sequential objects under random concurrency are always accepted; one read
// corrupted to a value never written is always rejected; and on small histories the
// optimized search agrees with a brute force over all real-time-consistent orders
// (the etcd quorum/quick_test.go pattern), with a valid witness when it says yes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/lin/brute_force.hpp"
#include "sim/lin/check.hpp"
#include "sim/lin/explain.hpp"
#include "sim/lin/models/grade_model.hpp"
#include "sim/lin/models/kv_model.hpp"
#include "sim/lin/models/register_model.hpp"
#include "sim/lin/partition.hpp"
#include "sim/lin/search.hpp"

namespace fl::sim::lin {
namespace {

// ---- a correct object driven by concurrent clients ----

// Uniform in [lo, hi): rc::gen::inRange narrows its range with the test's size,
// which would make early cases lose every request and hold one op.
template <class T>
T uniform(T lo, T hi) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(lo, hi));
}

// One client call and what became of it. `output` is kept only if the reply arrived.
template <class Input, class Output>
struct Record {
  std::uint32_t client = 0;
  std::uint64_t id = 0;
  Micros call_us = 0;
  Micros return_us = kNever;
  Input input{};
  std::optional<Output> output;
  bool applied = false;
  bool replied = false;
  std::size_t applied_seq = 0;  // position in the order the object executed ops
};

// Random clients call `object` (a correct sequential implementation with
// `execute(input) -> output`). Each op takes effect at one instant strictly inside
// its interval, so the history is linearizable by construction. Time advances by
// 0..2 us per step, so equal stamps are common. Some requests are lost before they
// execute and some replies after; both leave the op without a reply.
template <class Input, class Output, class Object, class MakeInput>
std::vector<Record<Input, Output>> run_clients(Object& object, MakeInput make_input) {
  const int clients = uniform(1, 6);
  const int steps = *rc::gen::inRange(0, 90);
  std::vector<Record<Input, Output>> records;
  std::vector<std::optional<std::size_t>> open(static_cast<std::size_t>(clients));
  std::vector<std::uint64_t> ids(static_cast<std::size_t>(clients), 0);
  Micros now = 0;
  std::size_t executed = 0;
  for (int s = 0; s < steps; ++s) {
    const auto c = static_cast<std::size_t>(uniform(0, clients));
    now += uniform(0, 3);
    if (!open[c]) {
      records.push_back({static_cast<std::uint32_t>(c), ++ids[c], now, kNever, make_input(s + 1), {}, false, false, 0});
      open[c] = records.size() - 1;
      continue;
    }
    auto& r = records[*open[c]];
    if (uniform(0, 8) == 0) {  // the request, or else the reply, is lost
      open[c].reset();
      continue;
    }
    if (!r.applied) {
      r.output = object.execute(r.input);
      r.applied = true;
      r.applied_seq = executed++;
      continue;
    }
    r.return_us = now;
    r.replied = true;
    open[c].reset();
  }
  for (auto& r : records) {
    if (!r.replied) r.output.reset();
  }
  return records;
}

template <class Input, class Output>
std::vector<LinOp<Input, Output>> to_ops(const std::vector<Record<Input, Output>>& records) {
  std::vector<LinOp<Input, Output>> ops;
  for (const auto& r : records) ops.push_back({r.client, r.id, r.call_us, r.return_us, r.input, r.output});
  return ops;
}

// ---- the grade table, end to end through check_linearizable ----

struct GradeTable {
  std::map<std::int32_t, std::vector<std::int32_t>> rows;

  Response execute(const Request& r) {
    auto it = rows.find(r.key);
    switch (r.op) {
      case OpKind::kInsert:
        if (it != rows.end()) return Response{Status::kExists, {}, {}};
        rows[r.key];
        return Response{};
      case OpKind::kAppend:
        rows[r.key].push_back(r.value);
        return Response{};
      case OpKind::kRead:
        if (it == rows.end()) return Response{Status::kNotFound, {}, {}};
        return Response{Status::kOk, it->second, {}};
      case OpKind::kReadAll:
        return Response{Status::kOk, {}, {rows.begin(), rows.end()}};
    }
    return Response{};
  }
};

// Appended values are the step number, so every value written is >= 1.
Request random_request(int seq) {
  Request r;
  r.op = *rc::gen::weightedElement<OpKind>(
      {{1, OpKind::kInsert}, {3, OpKind::kAppend}, {3, OpKind::kRead}, {1, OpKind::kReadAll}});
  r.key = uniform(0, 3);
  r.value = seq;
  return r;
}

// A reply-less op that never executed is reported in each of the three ways a run can.
Operation to_operation(const Record<Request, Response>& r) {
  Operation o;
  o.request = r.input;
  o.request.client = ClientId{r.client};
  o.request.id = RequestId{r.id};
  o.invoke_us = r.call_us;
  o.attempts = 1;
  if (r.replied) {
    o.outcome = Outcome::kOk;
    o.complete_us = r.return_us;
    o.response = *r.output;
    return o;
  }
  const int how = r.applied ? 0 : uniform(0, 3);
  o.outcome = how == 0 ? Outcome::kUnknown : how == 1 ? Outcome::kFail : Outcome::kOk;
  if (how == 2) o.response.status = Status::kStale;
  if (how != 0) o.complete_us = r.call_us + 1;
  return o;
}

History random_grade_history() {
  GradeTable table;
  History h;
  for (const auto& r : run_clients<Request, Response>(table, random_request)) h.push_back(to_operation(r));
  return h;
}

RC_GTEST_PROP(LinProperty, grade_history_from_correct_table_is_linearizable, ()) {
  const History h = random_grade_history();
  const CheckResult r = check_linearizable(h);
  RC_LOG() << r.detail;
  RC_ASSERT(r.verdict == Verdict::kPass);
}

RC_GTEST_PROP(LinProperty, grade_read_of_value_never_written_is_not_linearizable, ()) {
  History h = random_grade_history();
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Operation& o = h[i];
    if (o.outcome == Outcome::kOk && o.request.op == OpKind::kRead && o.response.status != Status::kStale) {
      reads.push_back(i);
    }
  }
  RC_PRE(!reads.empty());
  Response& seen = h[reads[uniform<std::size_t>(0, reads.size())]].response;
  seen.status = Status::kOk;
  seen.events.push_back(-1);
  const CheckResult r = check_linearizable(h);
  RC_ASSERT(r.verdict == Verdict::kFail);
  RC_ASSERT(r.detail.find("-1]") != std::string::npos);
}

// ---- the cas register and the kv map, through the search directly ----

struct Register {
  std::int64_t value = 0;
  RegisterOutput execute(const RegisterInput& in) {
    RegisterOutput out{value, false};
    if (in.op == RegisterOp::kWrite) value = in.arg;
    if (in.op == RegisterOp::kCas && value == in.arg) {
      value = in.swap;
      out.ok = true;
    }
    return out;
  }
};

std::vector<RegisterLinOp> random_register_history() {
  Register reg;
  auto make = [&reg](int seq) {
    const auto op = *rc::gen::element(RegisterOp::kRead, RegisterOp::kWrite, RegisterOp::kCas);
    // A cas expects the current value half of the time, so that some succeed.
    const std::int64_t expected = *rc::gen::arbitrary<bool>() ? reg.value : uniform(0, seq);
    return RegisterInput{op, op == RegisterOp::kCas ? expected : seq, seq};
  };
  return to_ops(run_clients<RegisterInput, RegisterOutput>(reg, make));
}

struct KvStore {
  std::map<std::string, std::string> values;
  KvOutput execute(const KvInput& in) {
    std::string& v = values[in.key];
    KvOutput out{v};
    if (in.op == KvOp::kPut) v = in.value;
    if (in.op == KvOp::kAppend) v += in.value;
    return out;
  }
};

// Values are "<step>," so that '#' is never written.
std::vector<KvLinOp> random_kv_history() {
  KvStore store;
  auto make = [](int seq) {
    const auto op = *rc::gen::element(KvOp::kGet, KvOp::kPut, KvOp::kAppend, KvOp::kAppend);
    return KvInput{op, *rc::gen::element<std::string>("a", "b"), std::to_string(seq) + ","};
  };
  return to_ops(run_clients<KvInput, KvOutput>(store, make));
}

Linearizable search_verdict(const std::vector<RegisterLinOp>& ops) {
  Budget budget;
  return search(CasRegisterModel{}, std::span<const RegisterLinOp>(ops), budget).verdict;
}

Linearizable kv_verdict(const std::vector<KvLinOp>& ops) {
  Budget budget;
  const auto parts = partition_by(std::span<const KvLinOp>(ops), [](const KvLinOp& op) { return op.input.key; });
  return check_partitions(KvModel{}, parts, budget).verdict;
}

RC_GTEST_PROP(LinProperty, register_history_from_correct_register_is_linearizable, ()) {
  RC_ASSERT(search_verdict(random_register_history()) == Linearizable::kYes);
}

RC_GTEST_PROP(LinProperty, register_read_of_value_never_written_is_not_linearizable, ()) {
  auto ops = random_register_history();
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].input.op == RegisterOp::kRead && ops[i].output) reads.push_back(i);
  }
  RC_PRE(!reads.empty());
  ops[reads[uniform<std::size_t>(0, reads.size())]].output->value = -1;
  RC_ASSERT(search_verdict(ops) == Linearizable::kNo);
}

RC_GTEST_PROP(LinProperty, kv_history_from_correct_store_is_linearizable, ()) {
  RC_ASSERT(kv_verdict(random_kv_history()) == Linearizable::kYes);
}

RC_GTEST_PROP(LinProperty, kv_get_of_value_never_written_is_not_linearizable, ()) {
  auto ops = random_kv_history();
  std::vector<std::size_t> gets;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].input.op == KvOp::kGet && ops[i].output) gets.push_back(i);
  }
  RC_PRE(!gets.empty());
  ops[gets[uniform<std::size_t>(0, gets.size())]].output->value += "#";
  RC_ASSERT(kv_verdict(ops) == Linearizable::kNo);
}

// Several independent stores' histories side by side (keys renamed apart), each get
// corrupted with probability 1/20, so that some keys are illegal and some are not.
std::vector<KvLinOp> several_stores_some_corrupted() {
  std::vector<KvLinOp> all;
  const int stores = uniform(1, 6);
  for (int s = 0; s < stores; ++s) {
    for (KvLinOp op : random_kv_history()) {
      op.input.key = std::to_string(s) + op.input.key;
      if (op.input.op == KvOp::kGet && op.output && uniform(0, 20) == 0) op.output->value += "#";
      all.push_back(std::move(op));
    }
  }
  return all;
}

// Checking keys on several threads changes nothing a user sees: the same verdict, the
// same illegal key with the same counterexample, the same step count.
RC_GTEST_PROP(LinProperty, parallel_partitions_give_the_sequential_answer, ()) {
  const auto ops = several_stores_some_corrupted();
  const auto parts = partition_by(std::span<const KvLinOp>(ops), [](const KvLinOp& op) { return op.input.key; });
  Budget one;
  Budget four;
  const auto sequential = check_partitions(KvModel{}, parts, one, 1);
  const auto parallel = check_partitions(KvModel{}, parts, four, 4);
  RC_ASSERT(parallel.verdict == sequential.verdict);
  RC_ASSERT(parallel.key == sequential.key);
  RC_ASSERT(parallel.explanation == sequential.explanation);
  RC_ASSERT(parallel.steps == sequential.steps);
  RC_TAG(sequential.verdict == Linearizable::kYes ? "linearizable" : "not");
  // Threads share a small budget in an order that varies: the answer may become
  // unknown, but never the other verdict.
  Budget small;
  small.steps_left = uniform<std::uint64_t>(0, 200);
  const auto starved = check_partitions(KvModel{}, parts, small, 4);
  RC_ASSERT(starved.verdict == Linearizable::kUnknown || starved.verdict == sequential.verdict);
}

// Trying the plain search first on small parts changes nothing a user sees but the
// step count: the same verdict, the same illegal key and the same counterexample as
// searching every part with the implied order from the start.
RC_GTEST_PROP(LinProperty, grade_plain_search_first_gives_the_same_answer, ()) {
  History h = random_grade_history();
  for (Operation& o : h) {
    const bool read_ok = o.outcome == Outcome::kOk && o.request.op == OpKind::kRead && o.response.status == Status::kOk;
    if (read_ok && !o.response.events.empty() && uniform(0, 6) == 0) o.response.events.back() += 1000;
  }
  const GradeHistory parts = grade_partitions(h);
  RC_PRE(!parts.malformed);
  Budget fast;
  Budget facts_only;
  facts_only.plain_first = false;
  const auto with = check_partitions(GradeModel{}, parts.keys, fast);
  const auto without = check_partitions(GradeModel{}, parts.keys, facts_only);
  RC_ASSERT(with.verdict == without.verdict);
  RC_ASSERT(with.key == without.key);
  RC_ASSERT(with.explanation == without.explanation);
  RC_TAG(with.verdict == Linearizable::kYes ? "linearizable" : "not");
  // A budget too small for both searches is unknown, never the other verdict.
  Budget small;
  small.steps_left = uniform<std::uint64_t>(0, 100);
  const auto starved = check_partitions(GradeModel{}, parts.keys, small);
  RC_ASSERT(starved.verdict == Linearizable::kUnknown || starved.verdict == without.verdict);
}

// ---- optimized search against brute force on small random histories ----

// Up to 7 ops with random intervals (often overlapping or touching) and random,
// often impossible, outputs chosen by `output_for(input)`; one in six has no reply.
template <class Input, class OutputFor>
auto random_small_history(const rc::Gen<Input>& inputs, OutputFor output_for) {
  using Op = LinOp<Input, decltype(output_for(std::declval<const Input&>()))>;
  const int n = uniform(0, 8);
  std::vector<Op> ops;
  for (int i = 0; i < n; ++i) {
    Op op;
    op.client = static_cast<std::uint32_t>(i);
    op.id = 1;
    op.call_us = uniform(0, 20);
    op.input = *inputs;
    if (uniform(0, 6) != 0) {
      op.return_us = op.call_us + uniform(0, 10);
      op.output = output_for(op.input);
    }
    ops.push_back(std::move(op));
  }
  return ops;
}

// As random_small_history, but half the time each op's output is what a correct
// `Object` answers when the ops take effect at random instants inside their
// intervals (an indeterminate op takes effect half the time), so that many
// histories are linearizable and many more are one output away from it.
template <class Object, class Input, class OutputFor>
auto mixed_small_history(const rc::Gen<Input>& inputs, OutputFor output_for) {
  auto ops = random_small_history(inputs, output_for);
  if (*rc::gen::arbitrary<bool>()) return ops;
  std::vector<std::pair<Micros, std::size_t>> points;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const Micros span_us = ops[i].indeterminate() ? 10 : ops[i].return_us - ops[i].call_us;
    if (ops[i].indeterminate() && uniform(0, 2) == 0) continue;
    points.emplace_back(ops[i].call_us + uniform<Micros>(0, span_us + 1), i);
  }
  std::sort(points.begin(), points.end());
  Object object;
  for (const auto& [at_us, i] : points) {
    auto out = object.execute(ops[i].input);
    if (ops[i].output && uniform(0, 4) != 0) ops[i].output = out;
  }
  return ops;
}

// A witness must hold every determinate op once, respect real-time order and replay.
template <Model M>
bool valid_witness(const M& model, std::span<const OpOf<M>> ops, const std::vector<std::size_t>& order) {
  std::vector<int> seen(ops.size(), 0);
  for (std::size_t i : order) ++seen[i];
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (seen[i] > 1 || (seen[i] == 0 && !ops[i].indeterminate())) return false;
  }
  for (std::size_t p = 0; p < order.size(); ++p) {
    for (std::size_t q = p + 1; q < order.size(); ++q) {
      const auto& later = ops[order[q]];
      if (!later.indeterminate() && later.return_us < ops[order[p]].call_us) return false;
    }
  }
  auto state = model.init();
  for (std::size_t i : order) {
    auto next = model.step(state, ops[i].input, ops[i].output);
    if (!next) return false;
    state = std::move(*next);
  }
  return true;
}

template <Model M>
void agrees_with_brute_force(const M& model, const std::vector<OpOf<M>>& history) {
  const std::span<const OpOf<M>> ops(history);
  for (const auto& op : ops) RC_LOG() << describe_op(model, op) << "\n";
  Budget budget;
  const std::vector<Precedence> implied = implied_order_of(model, ops);
  for (const Precedence& p : implied) RC_LOG() << "implied: " << p.before << " before " << p.after << "\n";
  const SearchResult r = search(model, ops, budget, implied);
  RC_ASSERT(r.verdict != Linearizable::kUnknown);
  // The mix of verdicts and sizes, printed so that a generator drifting to trivial cases shows.
  RC_TAG(r.verdict == Linearizable::kYes, history.size() > 4);
  RC_ASSERT((r.verdict == Linearizable::kYes) == brute_force_linearizable(model, ops));
  if (r.verdict == Linearizable::kYes) {
    RC_ASSERT(valid_witness(model, ops, r.deepest));
  } else {
    RC_ASSERT(!explain_violation(model, ops, r, implied).empty());
  }
}

RC_GTEST_PROP(LinProperty, register_search_agrees_with_brute_force, ()) {
  const auto value = rc::gen::resize(100, rc::gen::inRange<std::int64_t>(0, 3));
  const auto inputs = rc::gen::construct<RegisterInput>(
      rc::gen::element(RegisterOp::kRead, RegisterOp::kWrite, RegisterOp::kCas), value, value);
  const auto output_for = [](const RegisterInput&) {
    return RegisterOutput{uniform<std::int64_t>(0, 3), *rc::gen::arbitrary<bool>()};
  };
  agrees_with_brute_force(CasRegisterModel{}, mixed_small_history<Register>(inputs, output_for));
}

// GradeOutput views its list; the lists the tests make live here, for the whole test
// run (a deque never moves what it holds).
std::span<const std::int32_t> kept(std::vector<std::int32_t> events) {
  static std::deque<std::vector<std::int32_t>> lists;
  return lists.emplace_back(std::move(events));
}

// The grade table seen through one key, as the grade model's ops address it.
struct GradeKey {
  GradeTable table;
  GradeOutput execute(const GradeInput& in) {
    const OpKind op = in.op == OpKind::kReadAll ? OpKind::kRead : in.op;
    Response r = table.execute(Request{ClientId{0}, RequestId{0}, op, in.key, in.value});
    return GradeOutput{r.status, kept(std::move(r.events))};
  }
};

// Statuses fit the op most of the time, so that many histories are linearizable.
GradeOutput random_grade_output(const GradeInput& in) {
  switch (in.op) {
    case OpKind::kInsert:
      return GradeOutput{uniform(0, 3) == 0 ? Status::kExists : Status::kOk, {}};
    case OpKind::kAppend:
      return GradeOutput{uniform(0, 10) == 0 ? Status::kExists : Status::kOk, {}};
    case OpKind::kRead:
    case OpKind::kReadAll:
      break;
  }
  if (uniform(0, 4) == 0) return GradeOutput{Status::kNotFound, {}};
  std::vector<std::int32_t> events(uniform<std::size_t>(0, 3));
  for (auto& e : events) e = uniform(1, 5);
  return GradeOutput{Status::kOk, kept(std::move(events))};
}

RC_GTEST_PROP(LinProperty, grade_key_search_agrees_with_brute_force, ()) {
  const auto inputs = rc::gen::construct<GradeInput>(
      rc::gen::element(OpKind::kInsert, OpKind::kAppend, OpKind::kRead, OpKind::kReadAll), rc::gen::just(0),
      rc::gen::resize(100, rc::gen::inRange(1, 5)));
  agrees_with_brute_force(GradeModel{}, mixed_small_history<GradeKey>(inputs, random_grade_output));
}

// The grade model's implied order must hold in the order a correct table really
// executed the ops: an op is never held back behind one that came after it.
RC_GTEST_PROP(LinProperty, grade_implied_order_holds_in_the_real_execution_order, ()) {
  GradeKey object;
  auto make = [](int seq) {
    const auto op = *rc::gen::weightedElement<OpKind>(
        {{1, OpKind::kInsert}, {3, OpKind::kAppend}, {3, OpKind::kRead}, {1, OpKind::kReadAll}});
    return GradeInput{op, 0, seq};
  };
  const auto records = run_clients<GradeInput, GradeOutput>(object, make);
  const auto ops = to_ops(records);
  for (const Precedence& p : GradeModel{}.implied_order(ops)) {
    const auto& before = records[p.before];
    const auto& after = records[p.after];
    if (!after.applied) continue;  // an op left out of the linearization constrains nothing
    RC_ASSERT(before.applied);
    RC_ASSERT(before.applied_seq < after.applied_seq);
  }
}

RC_GTEST_PROP(LinProperty, kv_key_search_agrees_with_brute_force, ()) {
  const auto inputs =
      rc::gen::construct<KvInput>(rc::gen::element(KvOp::kGet, KvOp::kPut, KvOp::kAppend),
                                  rc::gen::just(std::string("k")), rc::gen::element<std::string>("a", "b"));
  const auto output_for = [](const KvInput&) {
    return KvOutput{*rc::gen::element<std::string>("", "a", "b", "ab", "ba")};
  };
  agrees_with_brute_force(KvModel{}, mixed_small_history<KvStore>(inputs, output_for));
}

}  // namespace
}  // namespace fl::sim::lin
