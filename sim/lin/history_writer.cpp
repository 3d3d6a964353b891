// The writer half of history_file.hpp: a grade-table run's history as events.
#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

#include "sim/lin/history_file.hpp"

namespace fl::sim::lin {
namespace {

constexpr std::int64_t kNanosPerMicro = 1000;

// An event before it gets its :index: when it happened, and a tie-break that keeps
// a process's own events in order (see event_rank).
struct Pending {
  Micros time_us = 0;
  int rank = 0;
  std::size_t op = 0;
  HistValue map;
};

std::string f_name(OpKind op) { return op == OpKind::kReadAll ? "read-all" : std::string(op_name(op)); }

HistValue invoke_value(const Request& r) { return r.op == OpKind::kAppend ? make_int(r.value) : make_nil(); }

HistValue events_value(const std::vector<std::int32_t>& events) {
  std::vector<HistValue> items;
  for (std::int32_t e : events) items.push_back(make_int(e));
  return make_vector(std::move(items));
}

// What an :ok says: see HISTORY.md for each op's shape.
HistValue ok_value(const Operation& o) {
  const Response& r = o.response;
  switch (o.request.op) {
    case OpKind::kInsert: return r.status == Status::kOk ? make_nil() : make_keyword(std::string(status_name(r.status)));
    case OpKind::kAppend:
      return r.status == Status::kOk ? make_int(o.request.value) : make_keyword(std::string(status_name(r.status)));
    case OpKind::kRead: return r.status == Status::kOk ? events_value(r.events) : make_nil();
    case OpKind::kReadAll: break;
  }
  std::vector<HistValue> rows;
  for (const auto& [key, events] : r.rows) rows.push_back(make_vector({make_int(key), events_value(events)}));
  return make_vector(std::move(rows));
}

HistValue event_map(const Operation& o, std::int64_t process, const char* type, HistValue value, Micros time_us) {
  std::vector<HistValue> items = {make_keyword("process"), make_int(process), make_keyword("type"),
                                  make_keyword(type),      make_keyword("f"),  make_keyword(f_name(o.request.op))};
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

}  // namespace

std::vector<HistValue> history_events(const History& history) {
  const std::vector<std::int64_t> process = processes_of(history);
  std::vector<Pending> timed;
  std::vector<std::size_t> unknown;
  Micros end_us = 0;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Operation& o = history[i];
    timed.push_back({o.invoke_us, kInvokeRank, i, event_map(o, process[i], "invoke", invoke_value(o.request), o.invoke_us)});
    end_us = std::max(end_us, o.invoke_us);
    if (o.outcome == Outcome::kUnknown) {
      unknown.push_back(i);
      continue;
    }
    const Micros done_us = std::max(o.complete_us, o.invoke_us);
    const bool ok = o.outcome == Outcome::kOk && o.response.status != Status::kStale;
    HistValue value = ok ? ok_value(o) : invoke_value(o.request);
    timed.push_back({done_us, completion_rank(o, done_us), i,
                     event_map(o, process[i], ok ? "ok" : "fail", std::move(value), done_us)});
    end_us = std::max(end_us, done_us);
  }
  std::stable_sort(timed.begin(), timed.end(), [](const Pending& a, const Pending& b) {
    return std::tie(a.time_us, a.rank, a.op) < std::tie(b.time_us, b.rank, b.op);
  });
  std::vector<HistValue> out;
  for (Pending& p : timed) out.push_back(std::move(p.map));
  for (std::size_t i : unknown) {
    out.push_back(event_map(history[i], process[i], "info", invoke_value(history[i].request), end_us));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].items.push_back(make_keyword("index"));
    out[i].items.push_back(make_int(static_cast<std::int64_t>(i)));
  }
  return out;
}

std::string format_history(const History& history, HistoryFormat format) {
  std::string out;
  for (const HistValue& event : history_events(history)) {
    out += format == HistoryFormat::kEdn ? to_edn(event) : to_json(event);
    out += '\n';
  }
  return out;
}

}  // namespace fl::sim::lin
