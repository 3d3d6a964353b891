// Judges a history read from a file under a model chosen by name: the engine behind
// `faultline check`. The grade model goes through check_linearizable, so a file
// written from a run gets the verdict the run got.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/lin/history/events.hpp"
#include "sim/lin/search.hpp"

namespace fl::sim::lin {

// The sequential specifications a file can be checked against.
enum class HistoryModel : std::uint8_t { kGrade, kCasRegister, kKv };

// "grade", "cas-register", "kv"; nullopt for any other name.
std::optional<HistoryModel> history_model_from_name(std::string_view name);

// A verdict and the words for it: a one-line summary for kYes, the counterexample
// for kNo, what ran out for kUnknown.
struct HistoryVerdict {
  Linearizable verdict = Linearizable::kUnknown;
  std::string text;
};

// Checks `ops` under `model` with at most `step_budget` search steps, stopping early
// as unknown when `stop_requested` (if set) says so, with `jobs` threads checking
// keys at once. An error when an op does not fit the model (unknown :f, wrong :value
// shape).
std::variant<HistoryVerdict, HistoryError> check_history(const std::vector<HistoryOp>& ops, HistoryModel model,
                                                         std::uint64_t step_budget,
                                                         std::function<bool()> stop_requested = {}, unsigned jobs = 1);

}  // namespace fl::sim::lin
