// History files on disk: Jepsen-style events in EDN or JSON (sim/lin/history/README.md),
// read into paired ops for `faultline check` and written from a run's history by
// `faultline run --history`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/history.hpp"
#include "sim/lin/history/events.hpp"
#include "sim/lin/history/value.hpp"

namespace fl::sim::lin {

enum class HistoryFormat : std::uint8_t { kEdn, kJson };

// kEdn for a path ending in ".edn", else kJson (the default).
HistoryFormat history_format_of_path(std::string_view path);
// "edn" or "json"; nullopt for any other name.
std::optional<HistoryFormat> history_format_from_name(std::string_view name);

// Parses, decodes and pairs the events of `text`. Errors carry the line and reason;
// `file` is set to `file_name`.
std::variant<std::vector<HistoryOp>, HistoryError> parse_history(std::string_view text, HistoryFormat format,
                                                                 const std::string& file_name);
// The largest history file load_history reads.
inline constexpr std::size_t kMaxHistoryBytes = std::size_t{1} << 30;

// Reads `path` and parses it. Errors on line 0: an unreadable file, a directory, a
// file larger than `max_bytes`, and one with no client events (nothing to judge
// is not a pass).
std::variant<std::vector<HistoryOp>, HistoryError> load_history(const std::string& path, HistoryFormat format,
                                                                std::size_t max_bytes = kMaxHistoryBytes);

// The events of a grade-table run as maps: an :invoke at invoke_us and an :ok or
// :fail at complete_us (times in nanoseconds), in time order; each op without a
// reply gets an :info at the end. A client's ops after one without a reply are
// written under a new process (client + n * clients), because a Jepsen process
// with an :info never invokes again. An :ok with status stale becomes a :fail.
// write_history writes them to `out`, one EDN map or one JSON object per line,
// building one event at a time (a long run's history need not fit in memory as
// values).
void write_history(std::ostream& out, const History& history, HistoryFormat format);
// The events as text, as write_history writes them.
std::string format_history(const History& history, HistoryFormat format);
// Writes the events to `path`; an error (line 0) if it cannot.
std::optional<HistoryError> save_history(const std::string& path, const History& history, HistoryFormat format);

}  // namespace fl::sim::lin
