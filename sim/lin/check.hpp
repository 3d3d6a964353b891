// The simulator's linearizability check: the client history of a run against the
// grade table's sequential specification, one key at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "sim/checks/check_result.hpp"
#include "sim/history.hpp"
#include "sim/lin/counterexample.hpp"

namespace fl::sim {

// Judges the client history of a run; name "linearizable", severity safety. kPass if
// linearizable; kFail with a counterexample (key, longest linearizable prefix, the
// operations that cannot come next and why) if not; kSkip with "unknown: step budget
// exhausted on key K" when the budget ran out first. Never a wrong verdict: running
// out of budget only ever gives kSkip.
// `stop_requested`, when set, is polled during the search and ends it as unknown
// ("time budget exhausted"): for callers that want a wall-clock limit.
// `jobs` > 1 checks that many keys at once (see lin::check_partitions).
CheckResult check_linearizable(const History& history, std::uint64_t step_budget = 50'000'000,
                               std::function<bool()> stop_requested = {}, unsigned jobs = 1);

// The linearizable check's verdict and, when it failed on a key, its counterexample
// as data (what the HTML report marks), both from one search.
struct LinearizableJudgement {
  CheckResult result;
  std::optional<lin::Counterexample> counterexample;
};

// check_linearizable, keeping the counterexample: a run judges its history once and
// its reports draw the same search's answer.
LinearizableJudgement judge_linearizable(const History& history, std::uint64_t step_budget = 50'000'000,
                                         std::function<bool()> stop_requested = {}, unsigned jobs = 1);

}  // namespace fl::sim
