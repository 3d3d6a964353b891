// A reader for the part of EDN (https://github.com/edn-format/edn) that Jepsen
// histories use: maps, vectors, lists, keywords, strings, integers, nil, true and
// false, with ";" comments and commas as whitespace. Sets, tags, floats and
// characters are refused with a reason rather than misread.
#pragma once

#include <string_view>
#include <variant>
#include <vector>

#include "sim/lin/history/value.hpp"

namespace fl::sim::lin {

// Every top-level form of `text`, in order: one map per line and a single vector
// of maps both read this way. On malformed input, the line and reason of the first
// mistake (the error's `file` is left empty for the caller to fill).
std::variant<std::vector<HistValue>, HistoryError> read_edn(std::string_view text);

}  // namespace fl::sim::lin
