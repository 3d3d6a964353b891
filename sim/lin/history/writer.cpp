// The writer half of file.hpp: a grade-table run's history as events.
#include <algorithm>
#include <map>
#include <ostream>
#include <sstream>
#include <tuple>
#include <utility>

#include "sim/lin/history/file.hpp"

namespace fl::sim::lin {
namespace {

constexpr std::int64_t kNanosPerMicro = 1000;

// Which of an op's events an entry of the order is.
enum class EventType { kInvoke, kOk, kFail, kInfo };

// An event before it is written: when it happened, a tie-break that keeps a
// process's own events in order (see completion_rank), and which op and event it
// is. The map itself is built only when the event is written, so a long history
// with long lists is never held as values all at once.
struct Pending {
  Micros time_us = 0;
  int rank = 0;
  std::size_t op = 0;
  EventType type = EventType::kInvoke;
};

std::string f_name(OpKind op) { return op == OpKind::kReadAll ? "read-all" : std::string(op_name(op)); }

HistValue invoke_value(const Request& r) { return r.op == OpKind::kAppend ? make_int(r.value) : make_nil(); }

HistValue events_value(const std::vector<std::int32_t>& events) {
  std::vector<HistValue> items;
  for (std::int32_t e : events) items.push_back(make_int(e));
  return make_vector(std::move(items));
}

// What an :ok says: see README.md beside this file for each op's shape.
HistValue ok_value(const Operation& o) {
  const Response& r = o.response;
  switch (o.request.op) {
    case OpKind::kInsert:
      return r.status == Status::kOk ? make_nil() : make_keyword(std::string(status_name(r.status)));
    case OpKind::kAppend:
      return r.status == Status::kOk ? make_int(o.request.value) : make_keyword(std::string(status_name(r.status)));
    case OpKind::kRead:
      return r.status == Status::kOk ? events_value(r.events) : make_nil();
    case OpKind::kReadAll:
      break;
  }
  std::vector<HistValue> rows;
  for (const auto& [key, events] : r.rows) rows.push_back(make_vector({make_int(key), events_value(events)}));
  return make_vector(std::move(rows));
}

HistValue event_map(const Operation& o, std::int64_t process, const char* type, HistValue value, Micros time_us) {
  std::vector<HistValue> items = {make_keyword("process"), make_int(process), make_keyword("type"),
                                  make_keyword(type),      make_keyword("f"), make_keyword(f_name(o.request.op))};
  if (o.request.op != OpKind::kReadAll) {
    items.push_back(make_keyword("key"));
    items.push_back(make_int(o.request.key));
  }
  items.push_back(make_keyword("value"));
  items.push_back(std::move(value));
  items.push_back(make_keyword("time"));
  items.push_back(make_int(time_us * kNanosPerMicro));
  return make_map(std::move(items));
}

// At equal times: completions of ops invoked earlier, then invokes, then
// completions of ops invoked at that same time. A client's reply and its next
// request may share a microsecond; its own invoke must still precede its reply.
int completion_rank(const Operation& o, Micros at_us) { return o.invoke_us < at_us ? 0 : 2; }
constexpr int kInvokeRank = 1;

// The process of each op: the client, moved on by `clients` after each op of
// that client that got no reply.
std::vector<std::int64_t> processes_of(const History& history) {
  std::uint32_t clients = 0;
  for (const Operation& o : history) clients = std::max(clients, o.request.client.value + 1);
  std::map<std::uint32_t, std::int64_t> generation;
  std::vector<std::int64_t> out;
  for (const Operation& o : history) {
    std::int64_t& g = generation[o.request.client.value];
    out.push_back(o.request.client.value + g * static_cast<std::int64_t>(clients));
    if (o.outcome == Outcome::kUnknown) ++g;
  }
  return out;
}

// Every event of `history` in the order they are written (see history_events).
std::vector<Pending> event_order(const History& history) {
  std::vector<Pending> timed;
  timed.reserve(history.size() * 2);
  std::vector<std::size_t> unknown;
  Micros end_us = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& o = history[i];
    timed.push_back({o.invoke_us, kInvokeRank, i, EventType::kInvoke});
    end_us = std::max(end_us, o.invoke_us);
    if (o.outcome == Outcome::kUnknown) {
      unknown.push_back(i);
      continue;
    }
    const Micros done_us = std::max(o.complete_us, o.invoke_us);
    const bool ok = o.outcome == Outcome::kOk && o.response.status != Status::kStale;
    timed.push_back({done_us, completion_rank(o, done_us), i, ok ? EventType::kOk : EventType::kFail});
    end_us = std::max(end_us, done_us);
  }
  std::stable_sort(timed.begin(), timed.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.time_us, a.rank, a.op) < std::tie(b.time_us, b.rank, b.op);
  });
  for (std::size_t i : unknown) timed.push_back({end_us, 0, i, EventType::kInfo});
  return timed;
}

const char* type_name(EventType type) {
  switch (type) {
    case EventType::kInvoke:
      return "invoke";
    case EventType::kOk:
      return "ok";
    case EventType::kFail:
      return "fail";
    case EventType::kInfo:
      return "info";
  }
  return "?";
}

HistValue event_value(const Operation& o, std::int64_t process, const Pending& p, std::size_t index) {
  HistValue value = p.type == EventType::kOk ? ok_value(o) : invoke_value(o.request);
  HistValue map = event_map(o, process, type_name(p.type), std::move(value), p.time_us);
  map.items.push_back(make_keyword("index"));
  map.items.push_back(make_int(static_cast<std::int64_t>(index)));
  return map;
}

}  // namespace

void write_history(std::ostream& out, const History& history, HistoryFormat format) {
  const std::vector<std::int64_t> process = processes_of(history);
  const std::vector<Pending> order = event_order(history);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const Pending& p = order[i];
    const HistValue event = event_value(history[p.op], process[p.op], p, i);
    out << (format == HistoryFormat::kEdn ? to_edn(event) : to_json(event)) << '\n';
  }
}

std::string format_history(const History& history, HistoryFormat format) {
  std::ostringstream out;
  write_history(out, history, format);
  return std::move(out).str();
}

}  // namespace fl::sim::lin
