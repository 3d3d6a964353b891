#include "sim/checks/check_result.hpp"

namespace fl::sim {

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kSkip:
      return "skip";
  }
  return "?";
}

CheckKind check_kind_of(std::string_view name) {
  if (name == "linearizable") return CheckKind::kLinearizable;
  if (name == "converged") return CheckKind::kConverged;
  if (name == "durable") return CheckKind::kDurable;
  if (name == "exactly_once") return CheckKind::kExactlyOnce;
  if (name == "log_bound") return CheckKind::kLogBound;
  if (name == "liveness") return CheckKind::kLiveness;
  return CheckKind::kInvariant;
}

}  // namespace fl::sim
