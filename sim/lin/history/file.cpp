#include "sim/lin/history/file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
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

std::variant<std::vector<HistoryOp>, HistoryError> load_history(const std::string& path, HistoryFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return HistoryError{path, 0, std::string("cannot read the file: ") + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_history(text.str(), format, path);
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
