// Jepsen-style history events (an :invoke, then an :ok, :fail or :info from the
// same process) decoded from parsed EDN or JSON and paired into operations. The
// rules every model shares are checked here; what an op's :f and :value may be is
// the model's business (models.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "rsm/core/types.hpp"
#include "sim/lin/history/value.hpp"

namespace fl::sim::lin {

// :invoke starts an op; :ok says it happened, :fail that it did not, :info that
// nobody knows (it may take effect at any later time, or never).
enum class EventType : std::uint8_t { kInvoke, kOk, kFail, kInfo };

// One event as written in the file.
struct HistoryEvent {
  int line = 0;
  std::int64_t process = 0;
  EventType type = EventType::kInvoke;
  std::string f;                 // "append", "read-all", ...
  std::optional<HistValue> key;  // :key, if given
  HistValue value;               // :value, nil if absent
  std::optional<std::int64_t> time_ns;
};

// The events of a history, in file order. Accepts a sequence of maps or a single
// vector of maps; events of the nemesis (process :nemesis) are skipped.
std::variant<std::vector<HistoryEvent>, HistoryError> decode_events(const std::vector<HistValue>& forms);

// An invoke and what became of it. `completion` is kInfo as well for an invoke that
// never completed. `id` counts the process's invokes from 1, so (process, id)
// names the op in messages as faultline's (client, request id) would.
struct HistoryOp {
  std::int64_t process = 0;
  std::uint64_t id = 0;
  std::string f;
  std::optional<HistValue> key;
  HistValue invoke_value;
  EventType completion = EventType::kInfo;
  HistValue result_value;  // the completion's :value (nil for kInfo)
  Micros call_us = 0;
  Micros return_us = -1;  // -1 for kInfo
  int invoke_line = 0;
  int complete_line = 0;  // 0 when it never completed
};

// Pairs each completion with its process's pending invoke. Errors: a completion
// with no pending invoke, an invoke while one is pending, an invoke from a process
// after its :info, a completion whose :f or :key differs from its invoke's, and a
// completion :time before its invoke's. Times are :time in microseconds when every
// event has one, else the event's position in the file (order is all that matters).
std::variant<std::vector<HistoryOp>, HistoryError> pair_events(const std::vector<HistoryEvent>& events);

// ":invoke", ":ok", ":fail", ":info".
std::string event_type_name(EventType type);

}  // namespace fl::sim::lin
