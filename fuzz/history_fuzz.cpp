// libFuzzer target: a history file in either syntax, through everything `faultline
// check` does before the search (read, decode, pair, convert for each model). Any
// input must end in ops or a HistoryError; a crash, a sanitizer report, a hang or
// unbounded memory is a bug. The first byte picks the syntax.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "sim/lin/history/file.hpp"
#include "sim/lin/history/models.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl::sim::lin;
  if (size == 0) return 0;
  const HistoryFormat format = (data[0] & 1) != 0 ? HistoryFormat::kEdn : HistoryFormat::kJson;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto ops = parse_history(text, format, "fuzz");
  if (const auto* list = std::get_if<std::vector<HistoryOp>>(&ops)) {
    (void)to_grade_history(*list);
    (void)to_register_parts(*list);
    (void)to_kv_parts(*list);
  }
  return 0;
}
