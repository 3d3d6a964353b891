// GradeModel::implied_order: the ordering facts a key's history implies because its
// list only grows (nothing removes a key or an event) and, where append values are
// unique, because a list seen records the order in which its appends took effect.
#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

#include "sim/lin/models/grade_model.hpp"

namespace fl::sim::lin {
namespace {

// What a determinate op saw of its key, as far as the implied order needs it.
struct Observer {
  std::size_t op;
  Micros call_us;
  Micros return_us;
  bool sees_absent;                           // a not-found read or an ok insert
  const std::span<const std::int32_t>* list;  // an ok read: the list it saw; else null
  bool prefix_of_longest = false;             // `list` is a prefix of the longest list seen
};

// Observers in call order, so that the ones concurrent with an op form a short range.
std::vector<Observer> observers_of(std::span<const GradeOp> ops) {
  std::vector<Observer> out;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const GradeOp& op = ops[i];
    if (op.indeterminate()) continue;
    const bool is_read = op.input.op == OpKind::kRead || op.input.op == OpKind::kReadAll;
    const Status status = op.output->status;
    const bool sees_absent =
        (is_read && status == Status::kNotFound) || (op.input.op == OpKind::kInsert && status == Status::kOk);
    const bool sees_list = is_read && status == Status::kOk;
    if (!sees_absent && !sees_list) continue;
    out.push_back(Observer{i, op.call_us, op.return_us, sees_absent, sees_list ? &op.output->events : nullptr});
  }
  // Ties keep op order, as a stable sort would, without a stable sort's buffer.
  std::sort(out.begin(), out.end(), [](const Observer& a, const Observer& b) {
    return a.call_us != b.call_us ? a.call_us < b.call_us : a.op < b.op;
  });
  return out;
}

// The longest list any read saw. In a linearizable history it is the key's state at
// some instant and every other list seen is a prefix of it, so it fixes the order in
// which the appends it holds took effect. Lists that are not such prefixes make the
// history fail anyway; they get no facts beyond a plain scan.
class LongestList {
 public:
  explicit LongestList(std::vector<Observer>& observers) {
    for (const Observer& o : observers) {
      if (o.list != nullptr && (list_ == nullptr || o.list->size() > list_->size())) list_ = o.list;
    }
    if (list_ == nullptr) return;
    first_.reserve(list_->size());
    for (std::size_t i = 0; i < list_->size(); ++i) first_.emplace_back((*list_)[i], i);
    // By value, then position: among equal values the first position comes first,
    // where lower_bound looks.
    std::sort(first_.begin(), first_.end());
    for (Observer& o : observers) {
      o.prefix_of_longest = o.list != nullptr && std::equal(o.list->begin(), o.list->end(), list_->begin());
    }
  }

  std::size_t size() const { return list_ == nullptr ? 0 : list_->size(); }
  std::int32_t at(std::size_t i) const { return (*list_)[i]; }

  // The first position of `value`, if present.
  std::optional<std::size_t> position(std::int32_t value) const {
    auto it = std::lower_bound(first_.begin(), first_.end(), value,
                               [](const auto& entry, std::int32_t v) { return entry.first < v; });
    if (it == first_.end() || it->first != value) return std::nullopt;
    return it->second;
  }

  // Whether the list the observer saw holds `value`, whose first position in the
  // longest list is `position_of_value` (looked up once per value by the caller): O(1)
  // for prefixes of the longest list, which in a linearizable history all lists are.
  bool contains(const Observer& o, std::int32_t value, std::optional<std::size_t> position_of_value) const {
    if (!o.prefix_of_longest) return std::find(o.list->begin(), o.list->end(), value) != o.list->end();
    return position_of_value && *position_of_value < o.list->size();
  }

 private:
  const std::span<const std::int32_t>* list_ = nullptr;
  std::vector<std::pair<std::int32_t, std::size_t>> first_;  // (value, first position), by value
};

// Whether `op` (an insert or append) cannot come before the observer: it would have
// created the key, or put its value into the list the observer saw.
bool must_follow(const GradeOp& op, const Observer& o, const LongestList& seen,
                 std::optional<std::size_t> position_of_value) {
  if (o.sees_absent) return true;
  return op.input.op == OpKind::kAppend && !seen.contains(o, op.input.value, position_of_value);
}

Micros longest_span_us(const std::vector<Observer>& observers) {
  Micros span_us = 0;
  for (const Observer& o : observers) span_us = std::max(span_us, o.return_us - o.call_us);
  return span_us;
}

// Appends to `out` a fact (o, op) for each observer o that `op` must follow and that
// real time does not already put before it, cut to those not before another of them
// in real time (the rest follow by transitivity). Observers called after a
// determinate op returned are skipped: real time puts the op first, and the history
// fails without help. `follows` is scratch space, reused across ops so that the
// thousands of small keys of a large history allocate nothing per op.
void add_must_follow_latest(const GradeOp& op, std::size_t self, const std::vector<Observer>& observers,
                            const LongestList& seen, Micros span_us, std::vector<const Observer*>& follows,
                            std::vector<Precedence>& out) {
  const Micros from_us = op.call_us - span_us;
  const Micros to_us = op.indeterminate() ? std::numeric_limits<Micros>::max() : op.return_us;
  auto it = std::lower_bound(observers.begin(), observers.end(), from_us,
                             [](const Observer& o, Micros t) { return o.call_us < t; });
  const auto position_of_value =
      op.input.op == OpKind::kAppend ? seen.position(op.input.value) : std::optional<std::size_t>{};
  follows.clear();
  Micros latest_call_us = std::numeric_limits<Micros>::min();
  for (; it != observers.end() && it->call_us <= to_us; ++it) {
    if (it->op == self || it->return_us < op.call_us || !must_follow(op, *it, seen, position_of_value)) continue;
    follows.push_back(&*it);
    latest_call_us = std::max(latest_call_us, it->call_us);
  }
  for (const Observer* o : follows) {
    if (o->return_us >= latest_call_us) out.push_back(Precedence{o->op, self});
  }
}

// For each position of the longest list, the append that put its value there, when
// exactly one append of the key has that value and the value occurs there once.
// Sorted vectors rather than maps: a key has few ops, and a history many keys.
std::vector<std::optional<std::size_t>> appends_by_position(std::span<const GradeOp> ops, const LongestList& longest) {
  std::vector<std::int32_t> listed;
  listed.reserve(longest.size());
  for (std::size_t i = 0; i < longest.size(); ++i) listed.push_back(longest.at(i));
  std::sort(listed.begin(), listed.end());
  const auto listed_once = [&](std::int32_t v) {
    const auto [lo, hi] = std::equal_range(listed.begin(), listed.end(), v);
    return hi - lo == 1;
  };
  std::vector<std::pair<std::int32_t, std::size_t>> appends;  // (value, op), by value then op
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].input.op == OpKind::kAppend) appends.emplace_back(ops[i].input.value, i);
  }
  std::sort(appends.begin(), appends.end());
  const auto only_append_of = [&](std::int32_t v) -> std::optional<std::size_t> {
    const auto lo = std::lower_bound(appends.begin(), appends.end(), std::pair<std::int32_t, std::size_t>{v, 0});
    if (lo == appends.end() || lo->first != v) return std::nullopt;
    if (lo + 1 != appends.end() && (lo + 1)->first == v) return std::nullopt;  // which is which is unknown
    return lo->second;
  };
  std::vector<std::optional<std::size_t>> out(longest.size());
  for (std::size_t i = 0; i < longest.size(); ++i) {
    if (listed_once(longest.at(i))) out[i] = only_append_of(longest.at(i));
  }
  return out;
}

// Facts from the order of the longest list: its appends took effect in list order,
// and a read that saw its first k values comes after the k-th append and before the
// next one. Consecutive facts suffice; the search follows them transitively.
void add_list_order(std::span<const GradeOp> ops, const std::vector<Observer>& observers, const LongestList& longest,
                    std::vector<Precedence>& out) {
  const auto by_position = appends_by_position(ops, longest);
  for (std::size_t i = 1; i < by_position.size(); ++i) {
    if (by_position[i - 1] && by_position[i]) out.push_back(Precedence{*by_position[i - 1], *by_position[i]});
  }
  for (const Observer& o : observers) {
    if (!o.prefix_of_longest) continue;
    const std::size_t seen = o.list->size();
    if (seen > 0 && by_position[seen - 1]) out.push_back(Precedence{*by_position[seen - 1], o.op});
    if (seen < by_position.size() && by_position[seen]) out.push_back(Precedence{o.op, *by_position[seen]});
  }
}

}  // namespace

std::vector<Precedence> GradeModel::implied_order(std::span<const GradeOp> ops) const {
  std::vector<Observer> observers = observers_of(ops);
  const LongestList seen(observers);
  const Micros span_us = longest_span_us(observers);
  std::vector<Precedence> out;
  out.reserve(ops.size() * 2);
  std::vector<const Observer*> follows;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].input.op != OpKind::kInsert && ops[i].input.op != OpKind::kAppend) continue;
    add_must_follow_latest(ops[i], i, observers, seen, span_us, follows, out);
  }
  add_list_order(ops, observers, seen, out);
  return out;
}

}  // namespace fl::sim::lin
