// A planted bug: a deliberately broken variant of a protocol core, selectable by
// name so that users and tests can watch the checks catch a realistic defect end to
// end (mutation testing). Each protocol keeps its catalogue beside its core.
#pragma once

#include <string_view>

namespace fl {

// How a variant is listed by `faultline variants` and in the power table.
struct VariantInfo {
  std::string_view name;         // unique within its protocol, e.g. "skip-adoption"
  std::string_view bug_class;    // the family of bug, e.g. "phase-1 adoption"
  std::string_view description;  // one line: what the broken code does
};

}  // namespace fl
