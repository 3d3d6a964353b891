#include "sim/lin/check.hpp"

#include <string>
#include <utility>

#include "sim/lin/models/grade_model.hpp"
#include "sim/lin/partition.hpp"

namespace fl::sim {
namespace {

using lin::Exhausted;
using lin::Linearizable;

CheckResult result(Verdict verdict, std::string detail) {
  CheckResult r;
  r.name = "linearizable";
  r.kind = CheckKind::kLinearizable;
  r.severity = Severity::kSafety;
  r.verdict = verdict;
  r.detail = std::move(detail);
  return r;
}

std::string_view exhausted_what(Exhausted why) {
  switch (why) {
    case Exhausted::kSteps:
      return "step budget";
    case Exhausted::kMemory:
      return "memory budget";
    case Exhausted::kStopped:
      return "time budget";
    case Exhausted::kNone:
      break;
  }
  return "budget";
}

std::string violation_text(const lin::PartitionedResult<std::int32_t>& r) {
  return "not linearizable on key " + std::to_string(*r.key) + " (" + std::to_string(r.key_ops) +
         " operations on this key; " + std::to_string(r.steps) + " search steps)\n" + r.explanation;
}

}  // namespace

CheckResult check_linearizable(const History& history, std::uint64_t step_budget, std::function<bool()> stop_requested,
                               unsigned jobs) {
  return judge_linearizable(history, step_budget, std::move(stop_requested), jobs).result;
}

LinearizableJudgement judge_linearizable(const History& history, std::uint64_t step_budget,
                                         std::function<bool()> stop_requested, unsigned jobs) {
  const lin::GradeHistory parts = lin::grade_partitions(history);
  if (parts.malformed) return {result(Verdict::kFail, "not linearizable: " + *parts.malformed), std::nullopt};
  lin::Budget budget;
  budget.steps_left = step_budget;
  budget.stop_requested = std::move(stop_requested);
  const auto r = lin::check_partitions(lin::GradeModel{}, parts.keys, budget, jobs);
  switch (r.verdict) {
    case Linearizable::kYes:
      return {result(Verdict::kPass,
                     std::to_string(parts.keys.size()) + " keys, " + std::to_string(r.steps) + " search steps"),
              std::nullopt};
    case Linearizable::kNo:
      return {result(Verdict::kFail, violation_text(r)), lin::counterexample_of(parts, r)};
    case Linearizable::kUnknown:
      break;
  }
  return {result(Verdict::kSkip, "unknown: " + std::string(exhausted_what(r.exhausted)) + " exhausted on key " +
                                     std::to_string(*r.key)),
          std::nullopt};
}

}  // namespace fl::sim
