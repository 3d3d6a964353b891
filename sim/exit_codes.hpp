// Every exit code of the faultline command, in one place; --help and the README
// list them. Verdicts first (what the runs found), then the command's own outcomes.
#pragma once

namespace fl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitSafety = 1;    // a safety check failed
inline constexpr int kExitLiveness = 2;  // a liveness check failed (and no safety check)
// `check`: the linearizability search could not decide within its limits.
inline constexpr int kExitUndecided = 2;
// Some run of a sweep or suite given --recheck gave a different trace hash when run
// again in a fresh process: it is not deterministic (reports/recheck.hpp).
inline constexpr int kExitNondeterministic = 3;
// `shrink`: the input run does not fail (or not the check asked for): nothing to shrink.
inline constexpr int kExitNothingToShrink = 4;
inline constexpr int kExitUsage = 64;  // bad usage or bad input file (sysexits EX_USAGE)
// The store could not serve: Cassandra unreachable, timed out or refusing a
// statement (sysexits EX_UNAVAILABLE). Not a verdict about the protocol.
inline constexpr int kExitUnavailable = 69;
// faultline itself failed (an exception it did not expect, out of memory): a bug in
// faultline, never a verdict (sysexits EX_SOFTWARE).
inline constexpr int kExitInternal = 70;

}  // namespace fl
