#include "sim/lin/history/events.hpp"

#include <map>
#include <utility>

namespace fl::sim::lin {
namespace {

HistoryError at(int line, std::string reason) { return HistoryError{"", line, std::move(reason)}; }

std::optional<EventType> type_from_name(std::string_view name) {
  if (name == "invoke") return EventType::kInvoke;
  if (name == "ok") return EventType::kOk;
  if (name == "fail") return EventType::kFail;
  if (name == "info") return EventType::kInfo;
  return std::nullopt;
}

bool is_nemesis(const HistValue& form) {
  const HistValue* process = form.find("process");
  return process != nullptr && process->name() == "nemesis";
}

// The required integer field `name` of the event map `form`.
std::variant<std::int64_t, HistoryError> int_field(const HistValue& form, std::string_view name, bool required) {
  const HistValue* v = form.find(name);
  if (v == nullptr) {
    if (required) return at(form.line, "the event has no :" + std::string(name));
    return std::int64_t{-1};
  }
  if (!v->is_int()) {
    return at(v->line, ":" + std::string(name) + " must be an integer, not " + std::string(kind_words(*v)));
  }
  if (v->integer < 0) return at(v->line, ":" + std::string(name) + " must not be negative");
  return v->integer;
}

std::variant<std::string, HistoryError> name_field(const HistValue& form, std::string_view name) {
  const HistValue* v = form.find(name);
  if (v == nullptr) return at(form.line, "the event has no :" + std::string(name));
  if (!v->name()) {
    return at(v->line, ":" + std::string(name) + " must be a keyword or string, not " + std::string(kind_words(*v)));
  }
  return std::string(*v->name());
}

std::variant<HistoryEvent, HistoryError> decode_event(const HistValue& form) {
  if (!form.is_map()) return at(form.line, "an event must be a map, not " + std::string(kind_words(form)));
  HistoryEvent e;
  e.line = form.line;
  auto process = int_field(form, "process", true);
  if (auto* err = std::get_if<HistoryError>(&process)) return *err;
  e.process = std::get<std::int64_t>(process);
  auto type = name_field(form, "type");
  if (auto* err = std::get_if<HistoryError>(&type)) return *err;
  const auto parsed = type_from_name(std::get<std::string>(type));
  if (!parsed) return at(form.line, "unknown :type :" + std::get<std::string>(type) + " (invoke, ok, fail or info)");
  e.type = *parsed;
  auto f = name_field(form, "f");
  if (auto* err = std::get_if<HistoryError>(&f)) return *err;
  e.f = std::get<std::string>(f);
  if (const HistValue* key = form.find("key")) e.key = *key;
  if (const HistValue* value = form.find("value")) e.value = *value;
  for (const char* field : {"time", "index"}) {
    auto n = int_field(form, field, false);
    if (auto* err = std::get_if<HistoryError>(&n)) return *err;
    if (std::string_view(field) == "time" && std::get<std::int64_t>(n) >= 0) e.time_ns = std::get<std::int64_t>(n);
  }
  return e;
}

// The maps of a file: each top-level form, or the items of one top-level vector.
const std::vector<HistValue>& event_forms(const std::vector<HistValue>& forms) {
  if (forms.size() == 1 && forms[0].is_vector()) return forms[0].items;
  return forms;
}

bool all_timed(const std::vector<HistoryEvent>& events) {
  for (const auto& e : events) {
    if (!e.time_ns) return false;
  }
  return true;
}

bool same_key(const std::optional<HistValue>& a, const std::optional<HistValue>& b) {
  if (!a || !b) return true;  // a completion may leave the key out
  return to_edn(*a) == to_edn(*b);
}

// Pairs events one at a time; holds each process's pending op and crashed state.
class Pairer {
 public:
  explicit Pairer(bool timed) : timed_(timed) {}

  std::optional<HistoryError> add(const HistoryEvent& e, std::size_t position) {
    // Order is judged on the exact stamps; the checker's microseconds may tie.
    const std::int64_t stamp = timed_ ? *e.time_ns : static_cast<std::int64_t>(position);
    if (e.type == EventType::kInvoke) return invoke(e, stamp);
    return complete(e, stamp);
  }

  // Ops in invoke order; those still pending become indeterminate.
  std::vector<HistoryOp> finish() { return std::move(ops_); }

 private:
  std::optional<HistoryError> invoke(const HistoryEvent& e, std::int64_t stamp) {
    const std::string who = "process " + std::to_string(e.process);
    if (auto it = pending_.find(e.process); it != pending_.end()) {
      return at(e.line, who + " invokes again while its invoke on line " +
                            std::to_string(ops_[it->second].invoke_line) + " is pending");
    }
    if (auto it = crashed_.find(e.process); it != crashed_.end()) {
      return at(e.line, who + " invokes after its :info on line " + std::to_string(it->second) +
                            " (a process with an indeterminate op must not invoke again)");
    }
    HistoryOp op;
    op.process = e.process;
    op.id = ++invokes_[e.process];
    op.f = e.f;
    op.key = e.key;
    op.invoke_value = e.value;
    op.call_us = micros(stamp);
    op.invoke_line = e.line;
    pending_[e.process] = ops_.size();
    invoke_stamps_.push_back(stamp);
    ops_.push_back(std::move(op));
    return std::nullopt;
  }

  std::optional<HistoryError> complete(const HistoryEvent& e, std::int64_t stamp) {
    const auto it = pending_.find(e.process);
    if (it == pending_.end()) {
      return at(e.line, event_type_name(e.type) + " with no matching :invoke for process " + std::to_string(e.process));
    }
    HistoryOp& op = ops_[it->second];
    if (e.f != op.f) {
      return at(e.line, event_type_name(e.type) + " has :f :" + e.f + " but its :invoke on line " +
                            std::to_string(op.invoke_line) + " has :f :" + op.f);
    }
    if (!same_key(op.key, e.key)) {
      return at(e.line, event_type_name(e.type) + " has another :key than its :invoke on line " +
                            std::to_string(op.invoke_line));
    }
    if (e.type != EventType::kInfo && stamp < invoke_stamps_[it->second]) {
      return at(e.line,
                event_type_name(e.type) + " has a :time before its :invoke on line " + std::to_string(op.invoke_line));
    }
    op.completion = e.type;
    op.complete_line = e.line;
    if (e.type != EventType::kInfo) {
      op.return_us = micros(stamp);
      op.result_value = e.value;
    } else {
      crashed_[e.process] = e.line;
    }
    pending_.erase(it);
    return std::nullopt;
  }

  Micros micros(std::int64_t stamp) const { return timed_ ? stamp / 1000 : stamp; }

  bool timed_;
  std::vector<HistoryOp> ops_;
  std::vector<std::int64_t> invoke_stamps_;      // parallel to ops_
  std::map<std::int64_t, std::size_t> pending_;  // process -> index into ops_
  std::map<std::int64_t, int> crashed_;          // process -> line of its :info
  std::map<std::int64_t, std::uint64_t> invokes_;
};

}  // namespace

std::string event_type_name(EventType type) {
  switch (type) {
    case EventType::kInvoke:
      return ":invoke";
    case EventType::kOk:
      return ":ok";
    case EventType::kFail:
      return ":fail";
    case EventType::kInfo:
      return ":info";
  }
  return ":?";
}

std::variant<std::vector<HistoryEvent>, HistoryError> decode_events(const std::vector<HistValue>& forms) {
  std::vector<HistoryEvent> events;
  for (const HistValue& form : event_forms(forms)) {
    if (is_nemesis(form)) continue;
    auto e = decode_event(form);
    if (auto* err = std::get_if<HistoryError>(&e)) return *err;
    events.push_back(std::move(std::get<HistoryEvent>(e)));
  }
  return events;
}

std::variant<std::vector<HistoryOp>, HistoryError> pair_events(const std::vector<HistoryEvent>& events) {
  Pairer pairer(all_timed(events));
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (auto err = pairer.add(events[i], i)) return *err;
  }
  return pairer.finish();
}

}  // namespace fl::sim::lin
