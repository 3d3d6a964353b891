#include "sim/checks/check_result.hpp"

namespace fl::sim {

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "FAIL";
    case Verdict::kSkip: return "skip";
  }
  return "?";
}

}  // namespace fl::sim
