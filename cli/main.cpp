// faultline: deterministic simulation and fault injection for replicated state machines.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "cli/cli.hpp"
#include "rsm/store/store.hpp"

#ifndef FL_VERSION
#define FL_VERSION "dev"
#endif

namespace {

constexpr const char* kHelp =
    R"(faultline )" FL_VERSION R"( - deterministic simulation and fault injection for replicated state machines

usage: faultline COMMAND [options]

commands:
  run SCENARIO.json [--seed N]       one deterministic run, checked; ends with its trace hash
  sweep SCENARIO.json --seeds A..B   many seeds in parallel; lists failing seeds and how to reproduce them
  suite [DIR]                        every scenario in DIR (default: scenarios) x seeds, as a verdict table
  report merge DIR...                join the reports of a sweep or suite run in shards (--shard I/N)
  bench                              throughput of the simulator on a fixed 3-replica workload, paxos and zk
  bench check | bench store          the linearizability checker's speed; each store operation's latency
  check HISTORY --model M            is a history file (Jepsen EDN or JSON events) linearizable?
  variants                           the planted bugs (--variant NAME) of each protocol, one line each
  power [--seeds N]                  the standard hunt against every planted bug: caught or not, how soon, by what
  shrink SCENARIO.json --seed N      a smaller scenario that, with that seed, still fails the same check

Run "faultline COMMAND --help" for a command's options.

exit codes: 0 all checks passed, 1 safety violation (check: not linearizable),
            2 liveness violation (check: unknown), 3 sweep/suite --recheck found
            a run that is not deterministic (a different trace hash when run again),
            4 shrink: the input run passes (nothing to shrink),
            64 bad usage or bad input file, 69 store unavailable (Cassandra),
            70 internal error (a bug in faultline: please report it)
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace fl::cli;
  if (argc < 2) {
    std::fputs(kHelp, stderr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::fputs(kHelp, stdout);
    return kExitOk;
  }
  if (command == "--version") {
    std::puts("faultline " FL_VERSION);
    return kExitOk;
  }
  try {
    if (command == "run") return cmd_run(argc, argv);
    if (command == "sweep") return cmd_sweep(argc, argv);
    if (command == "suite") return cmd_suite(argc, argv);
    if (command == "bench") return cmd_bench(argc, argv);
    if (command == "check") return cmd_check(argc, argv);
    if (command == "variants") return cmd_variants(argc, argv);
    if (command == "power") return cmd_power(argc, argv);
    if (command == "report") return cmd_report(argc, argv);
    if (command == "shrink") return cmd_shrink(argc, argv);
    std::fprintf(stderr, "faultline: unknown command '%s'\n\n%s", command.c_str(), kHelp);
    return kExitUsage;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "faultline %s: %s\n(see: faultline %s --help)\n", command.c_str(), e.what(), command.c_str());
    return kExitUsage;
  } catch (const fl::sim::BadRunOption& e) {
    std::fprintf(stderr, "faultline %s: %s\n", command.c_str(), e.what());
    return kExitUsage;
  } catch (const fl::StoreError& e) {
    // A store that cannot serve (Cassandra unreachable, timed out, refused a
    // statement) is an unavailable service, not a bug in faultline.
    std::fprintf(stderr, "faultline %s: store failed: %s\n", command.c_str(), e.what());
    return kExitUnavailable;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "faultline %s: internal error: %s\n", command.c_str(), e.what());
    return fl::kExitInternal;
  }
}
