#include "sim/lin/models/grade_model.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

namespace fl::sim::lin {
namespace {

constexpr std::size_t kHeadShown = 4;
constexpr std::size_t kTailShown = 12;

std::string join(std::span<const std::int32_t> events) {
  std::string out;
  for (std::size_t i = 0; i < events.size(); ++i) out += (i > 0 ? "," : "") + std::to_string(events[i]);
  return out;
}

// A read answers from the key's list: not-found while absent, else ok with the list.
bool read_matches(const GradeState& s, const GradeOutput& out) {
  if (!s.present) return out.status == Status::kNotFound;
  return out.status == Status::kOk && s.events.equals(out.events);
}

std::optional<GradeState> insert(const GradeState& s, const std::optional<GradeOutput>& out) {
  const Status expected = s.present ? Status::kExists : Status::kOk;
  if (out && out->status != expected) return std::nullopt;
  return s.present ? s : GradeState{true, EventList{}};
}

std::string call_text(const GradeInput& in) {
  switch (in.op) {
    case OpKind::kInsert:
      return "insert(" + std::to_string(in.key) + ")";
    case OpKind::kAppend:
      return "append(" + std::to_string(in.key) + "," + std::to_string(in.value) + ")";
    case OpKind::kRead:
      return "read(" + std::to_string(in.key) + ")";
    case OpKind::kReadAll:
      return "read_all() at key " + std::to_string(in.key);
  }
  return "?";
}

GradeOp base_op(const Operation& o) {
  GradeOp op;
  op.client = o.request.client.value;
  op.id = o.request.id.value;
  op.call_us = o.invoke_us;
  op.input = GradeInput{o.request.op, o.request.key, o.request.value};
  if (o.outcome == Outcome::kOk) {
    op.return_us = o.complete_us;
    op.output = GradeOutput{o.response.status, o.response.events};
  }
  return op;
}

// Ops that may have executed; reads without a reply are dropped (no effect).
bool may_have_executed(const Operation& o) {
  if (o.outcome == Outcome::kFail) return false;
  if (o.outcome == Outcome::kOk) return o.response.status != Status::kStale;
  return o.request.op == OpKind::kInsert || o.request.op == OpKind::kAppend;
}

std::optional<std::string> rows_out_of_order(const Operation& o) {
  const auto& rows = o.response.rows;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i - 1].first < rows[i].first) continue;
    return fl::describe(o.request) + " returned row " + std::to_string(rows[i].first) + " after row " +
           std::to_string(rows[i - 1].first) + ": rows must be in ascending key order without repeats";
  }
  return std::nullopt;
}

// The read of `key` that a completed read_all implies.
GradeOp projection(const Operation& o, std::int32_t key) {
  GradeOp op = base_op(o);
  op.input.key = key;
  op.output->events = {};
  op.output->status = Status::kNotFound;
  for (const auto& [row_key, events] : o.response.rows) {
    if (row_key != key) continue;
    op.output->status = Status::kOk;
    op.output->events = events;
  }
  return op;
}

// "the last event", "the last 3 events", "2 events".
std::string count_events(std::size_t n, const std::string& prefix) {
  if (n == 1) return prefix.empty() ? "1 event" : prefix + "event";
  return prefix + std::to_string(n) + " events";
}

// How a list a read saw differs from the key's list, in the terms of a log that
// only grows: missing events at the end, events from nowhere, or a different order.
std::string list_mismatch(std::span<const std::int32_t> has, std::span<const std::int32_t> saw) {
  const auto [h, v] = std::mismatch(has.begin(), has.end(), saw.begin(), saw.end());
  const auto at = static_cast<std::size_t>(h - has.begin());
  if (v == saw.end())
    return "the read misses " + count_events(has.size() - at, "the last ") + " " + describe_events(has.subspan(at));
  if (h == has.end())
    return "the read shows " + count_events(saw.size() - at, "") + " not appended yet " +
           describe_events(saw.subspan(at));
  return "they first differ at position " + std::to_string(at) + ": the list has " + std::to_string(*h) +
         ", the read saw " + std::to_string(*v);
}

}  // namespace

std::optional<GradeState> GradeModel::step(const State& s, const Input& in, const std::optional<Output>& out) const {
  switch (in.op) {
    case OpKind::kInsert:
      return insert(s, out);
    case OpKind::kAppend:
      if (out && out->status != Status::kOk) return std::nullopt;
      return GradeState{true, s.events.appended(in.value)};
    case OpKind::kRead:
    case OpKind::kReadAll:
      if (out && !read_matches(s, *out)) return std::nullopt;
      return s;
  }
  return std::nullopt;
}

std::uint64_t GradeModel::hash(const State& s) const { return s.present ? s.events.hash() : 0; }

std::string GradeModel::describe(const Input& in, const std::optional<Output>& out) const {
  std::string text = call_text(in) + " -> ";
  if (!out) return text + "?";
  text += status_name(out->status);
  const bool is_read = in.op == OpKind::kRead || in.op == OpKind::kReadAll;
  if (is_read && out->status == Status::kOk) text += " " + describe_events(out->events);
  return text;
}

std::string GradeModel::describe_state(const State& s) const {
  if (!s.present) return "the key is absent";
  return "the list is " + describe_events(s.events.to_vector());
}

std::string GradeModel::describe_mismatch(const State& s, const Input& in, const std::optional<Output>& out) const {
  const bool is_read = in.op == OpKind::kRead || in.op == OpKind::kReadAll;
  if (!out || !is_read || !s.present || out->status != Status::kOk) return {};
  return list_mismatch(s.events.to_vector(), out->events);
}

std::string describe_events(std::span<const std::int32_t> events) {
  if (events.size() <= kHeadShown + kTailShown + 4) return "[" + join(events) + "]";
  const std::size_t hidden = events.size() - kHeadShown - kTailShown;
  return "[" + join(events.first(kHeadShown)) + ",...(" + std::to_string(hidden) + " more)...," +
         join(events.last(kTailShown)) + "] (" + std::to_string(events.size()) + " events)";
}

GradeHistory grade_partitions(const History& history) {
  GradeHistory out;
  std::vector<const Operation*> read_alls;
  // Counted first through a hash table, so each key's ops are placed with one lookup
  // and no reallocation: splitting is most of the work when keys are many and small.
  std::unordered_map<std::int32_t, std::vector<GradeOp>*> part_of;
  std::unordered_map<std::int32_t, std::size_t> count;
  for (const Operation& o : history) {
    if (o.request.op != OpKind::kReadAll && may_have_executed(o)) ++count[o.request.key];
  }
  for (const auto& [key, n] : count) {
    std::vector<GradeOp>& part = out.keys[key];
    part.reserve(n);
    part_of.emplace(key, &part);
  }
  for (const Operation& o : history) {
    if (!may_have_executed(o)) continue;
    if (o.request.op != OpKind::kReadAll) {
      part_of[o.request.key]->push_back(base_op(o));
      continue;
    }
    if (auto why = rows_out_of_order(o); why && !out.malformed) out.malformed = std::move(why);
    read_alls.push_back(&o);
  }
  if (read_alls.empty()) return out;
  // A read_all is a read of every key: those other ops touched and those it saw.
  std::set<std::int32_t> keys;
  for (const auto& part : out.keys) keys.insert(part.first);
  for (const Operation* o : read_alls) {
    for (const auto& row : o->response.rows) keys.insert(row.first);
  }
  for (const Operation* o : read_alls) {
    for (std::int32_t key : keys) out.keys[key].push_back(projection(*o, key));
  }
  return out;
}

}  // namespace fl::sim::lin
