// `faultline check`: the linearizability checker on a history file (Jepsen EDN or
// JSON events), so histories from other systems, or from a run saved with
// `faultline run --history`, can be judged without simulating anything.
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "cli/cli.hpp"
#include "sim/lin/history/check.hpp"
#include "sim/lin/history/file.hpp"

namespace fl::cli {
namespace {

namespace lin = sim::lin;

// Not a liveness verdict: the search ran out of budget before deciding.

constexpr const char* kCheckHelp = R"(usage: faultline check FILE --model grade|cas-register|kv [options]

Checks whether the history in FILE is linearizable under a model's sequential
specification. FILE holds Jepsen-style events ({:process 0, :type :invoke, :f :read,
...}), as EDN or JSON, one per line or all in one vector; sim/lin/history/README.md
describes both formats and what each model expects of :f and :value.

options:
  --model NAME      grade (faultline's grade table: insert, append, read, read-all),
                    cas-register (read, write, cas) or kv (get, put, append)
  --format NAME     edn or json (default: from FILE's extension; json unless .edn)
  --timeout S       also stop after S seconds of wall time (answer: unknown); unlike
                    --steps, where a timeout stops may differ between machines
  --steps N         search step budget (default 50000000); the same budget gives the
                    same verdict on every machine
  --jobs N          check N keys at once on N threads (default 1). Verdicts and the
                    key reported do not change; only which key an exhausted budget
                    is reported on may differ, as threads share the step budget
  --help            this text

exit codes: 0 linearizable, 1 not linearizable (the counterexample is printed),
            2 unknown (the step budget ran out), 64 bad usage or bad input file
            (printed as FILE:LINE: reason)
)";

lin::HistoryModel model_option(const Args& args) {
  if (!args.has("model")) throw UsageError("check needs --model grade|cas-register|kv");
  const auto model = lin::history_model_from_name(args.get("model"));
  if (!model) throw UsageError("unknown model '" + args.get("model") + "' (grade, cas-register or kv)");
  return *model;
}

lin::HistoryFormat format_option(const Args& args, const std::string& path) {
  if (!args.has("format")) return lin::history_format_of_path(path);
  const auto format = lin::history_format_from_name(args.get("format"));
  if (!format) throw UsageError("unknown format '" + args.get("format") + "' (edn or json)");
  return *format;
}

int report(const lin::HistoryVerdict& v) {
  switch (v.verdict) {
    case lin::Linearizable::kYes:
      std::printf("linearizable: %s\n", v.text.c_str());
      return kExitOk;
    case lin::Linearizable::kNo:
      std::printf("%s\n", v.text.c_str());
      return kExitSafety;
    case lin::Linearizable::kUnknown:
      break;
  }
  std::printf("%s\n", v.text.c_str());
  return kExitUndecided;
}

}  // namespace

int cmd_check(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 2, {"model", "format", "steps", "timeout", "jobs"}, {"help"});
  if (args.has("help")) {
    std::fputs(kCheckHelp, stdout);
    return kExitOk;
  }
  if (args.positional.size() != 1) throw UsageError("check takes exactly one history file");
  const std::string path = args.positional[0];
  const lin::HistoryModel model = model_option(args);
  const lin::HistoryFormat format = format_option(args, path);
  const std::uint64_t steps = args.get_u64("steps", 50'000'000);
  const std::uint64_t jobs = args.get_u64("jobs", 1);
  if (jobs < 1 || jobs > 256) throw UsageError("--jobs must be between 1 and 256");

  auto ops = lin::load_history(path, format);
  if (auto* err = std::get_if<lin::HistoryError>(&ops)) {
    std::fprintf(stderr, "%s\n", err->message().c_str());
    return kExitUsage;
  }
  std::function<bool()> stop;
  if (args.has("timeout")) {
    // The one wall-clock input of a check, by the user's choice; it can only turn a
    // verdict into "unknown", never into a different verdict.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(args.get_u64("timeout", 0));
    stop = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
  }
  auto verdict = lin::check_history(std::get<std::vector<lin::HistoryOp>>(ops), model, steps, std::move(stop),
                                    static_cast<unsigned>(jobs));
  if (auto* err = std::get_if<lin::HistoryError>(&verdict)) {
    err->file = path;
    std::fprintf(stderr, "%s\n", err->message().c_str());
    return kExitUsage;
  }
  return report(std::get<lin::HistoryVerdict>(verdict));
}

}  // namespace fl::cli
