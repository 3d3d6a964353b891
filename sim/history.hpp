// The client-observed history of a run: one entry per operation, from invocation to
// completion. Checkers judge the system by what clients saw, not by its internals.
#pragma once

#include <cstdint>
#include <vector>

#include "rsm/core/request.hpp"

namespace fl::sim {

enum class Outcome : std::uint8_t {
  kOk,       // a reply arrived: the operation took effect exactly once
  kFail,     // the system said it did not take effect
  kUnknown,  // no reply: it may or may not have taken effect, at any time after invocation
};

std::string_view outcome_name(Outcome outcome);

struct Operation {
  Request request;
  Micros invoke_us = 0;
  Micros complete_us = -1;  // -1 while pending and for kUnknown
  Outcome outcome = Outcome::kUnknown;
  Response response;  // meaningful for kOk
  int attempts = 0;   // sends, including retries
};

using History = std::vector<Operation>;

}  // namespace fl::sim
