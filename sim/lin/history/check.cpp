#include "sim/lin/history/check.hpp"

#include <utility>

#include "sim/lin/check.hpp"
#include "sim/lin/history/models.hpp"
#include "sim/lin/partition.hpp"

namespace fl::sim::lin {
namespace {

std::string key_words(std::int64_t key) { return std::to_string(key); }
std::string key_words(const std::string& key) { return "\"" + key + "\""; }

std::string exhausted_words(Exhausted why) {
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

template <class M, class Key>
HistoryVerdict check_parts(const M& model, const std::map<Key, std::vector<OpOf<M>>>& parts, std::uint64_t step_budget,
                           const std::function<bool()>& stop_requested, unsigned jobs) {
  Budget budget;
  budget.steps_left = step_budget;
  budget.stop_requested = stop_requested;
  const auto r = check_partitions(model, parts, budget, jobs);
  switch (r.verdict) {
    case Linearizable::kYes:
      return {Linearizable::kYes, std::to_string(parts.size()) + " keys, " + std::to_string(r.steps) + " search steps"};
    case Linearizable::kNo:
      return {Linearizable::kNo, "not linearizable on key " + key_words(*r.key) + " (" + std::to_string(r.key_ops) +
                                     " operations on this key; " + std::to_string(r.steps) + " search steps)\n" +
                                     r.explanation};
    case Linearizable::kUnknown:
      break;
  }
  return {Linearizable::kUnknown,
          "unknown: " + exhausted_words(r.exhausted) + " exhausted on key " + key_words(*r.key)};
}

HistoryVerdict check_grade(const History& history, std::uint64_t step_budget,
                           const std::function<bool()>& stop_requested, unsigned jobs) {
  const CheckResult r = check_linearizable(history, step_budget, stop_requested, jobs);
  switch (r.verdict) {
    case Verdict::kPass:
      return {Linearizable::kYes, r.detail};
    case Verdict::kFail:
      return {Linearizable::kNo, r.detail};
    case Verdict::kSkip:
      break;
  }
  return {Linearizable::kUnknown, r.detail};
}

// Converts with `convert`, then judges with `judge`; a conversion error passes through.
template <class Convert, class Judge>
std::variant<HistoryVerdict, HistoryError> convert_then(Convert convert, Judge judge) {
  auto converted = convert();
  if (auto* err = std::get_if<HistoryError>(&converted)) return *err;
  return judge(std::get<0>(converted));
}

}  // namespace

std::optional<HistoryModel> history_model_from_name(std::string_view name) {
  if (name == "grade") return HistoryModel::kGrade;
  if (name == "cas-register") return HistoryModel::kCasRegister;
  if (name == "kv") return HistoryModel::kKv;
  return std::nullopt;
}

std::variant<HistoryVerdict, HistoryError> check_history(const std::vector<HistoryOp>& ops, HistoryModel model,
                                                         std::uint64_t step_budget,
                                                         std::function<bool()> stop_requested, unsigned jobs) {
  switch (model) {
    case HistoryModel::kGrade:
      return convert_then([&] { return to_grade_history(ops); },
                          [&](const History& h) { return check_grade(h, step_budget, stop_requested, jobs); });
    case HistoryModel::kCasRegister:
      return convert_then(
          [&] { return to_register_parts(ops); },
          [&](const auto& parts) { return check_parts(CasRegisterModel{}, parts, step_budget, stop_requested, jobs); });
    case HistoryModel::kKv:
      return convert_then(
          [&] { return to_kv_parts(ops); },
          [&](const auto& parts) { return check_parts(KvModel{}, parts, step_budget, stop_requested, jobs); });
  }
  return HistoryError{"", 0, "unknown model"};
}

}  // namespace fl::sim::lin
