// The verdict of one check, whatever judged it: an end-of-run check (sim/checks/checks.hpp),
// the linearizability checker (sim/lin/check.hpp) or an invariant judged during the
// run (sim/invariants/). A leaf of its own so that each of them can give one without
// depending on the others.
#pragma once

#include <string>
#include <string_view>

namespace fl::sim {

enum class Verdict { kPass, kFail, kSkip };
// A safety failure means something wrong happened; a liveness failure means
// something that should have happened did not (yet).
enum class Severity { kSafety, kLiveness };

// Which check gave a verdict, for code that looks one up (the report marking the
// linearizability counterexample) instead of comparing names. The invariants judged
// during the run are one kind: they are many, each named by its `name`.
enum class CheckKind { kInvariant, kLinearizable, kConverged, kDurable, kExactlyOnce, kLogBound, kLiveness };

struct CheckResult {
  std::string name;
  Verdict verdict = Verdict::kSkip;
  Severity severity = Severity::kSafety;
  bool enforced = true;  // false when the scenario does not expect this check to pass
  std::string detail;    // evidence for a failure, or why it was skipped
  CheckKind kind = CheckKind::kInvariant;
};

// The kind of the check reports call `name` (kInvariant for any name that is not an
// end-of-run check's): for reading a report back, where only the name was written.
CheckKind check_kind_of(std::string_view name);

// "pass", "FAIL" or "skip", as reports print them.
std::string_view verdict_name(Verdict verdict);

}  // namespace fl::sim
