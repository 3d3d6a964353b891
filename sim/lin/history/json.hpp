// A reader for history events written as JSON (RFC 8259), either one object per line
// (JSON lines) or one array of objects. It keeps the line each value starts on, which
// a general JSON library does not, so every complaint about an event names its line.
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "sim/lin/history/value.hpp"

namespace fl::sim::lin {

// Every top-level value of `text`, in order. Numbers must be integers. On malformed
// input, the line and reason of the first mistake (`file` left empty).
std::variant<std::vector<HistValue>, HistoryError> read_json(std::string_view text);

}  // namespace fl::sim::lin
