#include "sim/lin/history/file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "sim/lin/history/edn.hpp"
#include "sim/lin/history/json.hpp"

namespace fl::sim::lin {
namespace {

std::variant<std::vector<HistoryOp>, HistoryError> parse_unnamed(std::string_view text, HistoryFormat format) {
  auto forms = format == HistoryFormat::kEdn ? read_edn(text) : read_json(text);
  if (auto* err = std::get_if<HistoryError>(&forms)) return *err;
  auto events = decode_events(std::get<std::vector<HistValue>>(forms));
  if (auto* err = std::get_if<HistoryError>(&events)) return *err;
  return pair_events(std::get<std::vector<HistoryEvent>>(events));
}

}  // namespace

HistoryFormat history_format_of_path(std::string_view path) {
  return path.ends_with(".edn") ? HistoryFormat::kEdn : HistoryFormat::kJson;
}

std::optional<HistoryFormat> history_format_from_name(std::string_view name) {
  if (name == "edn") return HistoryFormat::kEdn;
  if (name == "json") return HistoryFormat::kJson;
  return std::nullopt;
}

std::variant<std::vector<HistoryOp>, HistoryError> parse_history(std::string_view text, HistoryFormat format,
                                                                 const std::string& file_name) {
  auto ops = parse_unnamed(text, format);
  if (auto* err = std::get_if<HistoryError>(&ops)) err->file = file_name;
  return ops;
}

std::variant<std::vector<HistoryOp>, HistoryError> load_history(const std::string& path, HistoryFormat format,
                                                                std::size_t max_bytes) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return HistoryError{path, 0, "is a directory, not a history file"};
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return HistoryError{path, 0, std::string("cannot read the file: ") + std::strerror(errno)};
  // Read in pieces up to one byte past the limit, so that a device or pipe with no
  // end (/dev/zero) is refused instead of filling memory.
  std::string text;
  std::vector<char> piece(std::min<std::size_t>(max_bytes + 1, std::size_t{1} << 20));
  while (in && text.size() <= max_bytes) {
    in.read(piece.data(), static_cast<std::streamsize>(piece.size()));
    text.append(piece.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (text.size() > max_bytes) {
    const bool mib = max_bytes % (std::size_t{1} << 20) == 0;
    const std::string limit = mib ? std::to_string(max_bytes >> 20) + " MiB" : std::to_string(max_bytes) + " bytes";
    return HistoryError{path, 0, "larger than the limit of " + limit + " for a history file"};
  }
  if (in.bad()) return HistoryError{path, 0, std::string("cannot read the file: ") + std::strerror(errno)};
  auto ops = parse_history(text, format, path);
  if (const auto* list = std::get_if<std::vector<HistoryOp>>(&ops); list && list->empty()) {
    return HistoryError{path, 0,
                        "no client events: nothing to judge (an empty file, or only comments or nemesis "
                        "events)"};
  }
  return ops;
}

std::optional<HistoryError> save_history(const std::string& path, const History& history, HistoryFormat format) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return HistoryError{path, 0, "cannot open the file for writing"};
  write_history(out, history, format);
  out.flush();
  if (!out) return HistoryError{path, 0, "cannot write the file"};
  return std::nullopt;
}

}  // namespace fl::sim::lin
