// `faultline variants`: the catalogue of planted bugs, one line each.
#include <algorithm>
#include <cstdio>

#include "cli/cli.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::cli {
namespace {

constexpr const char* kVariantsHelp = R"(usage: faultline variants [--protocol paxos|zk]

Lists the planted bugs: deliberately broken variants of each protocol, the kind of
one-line mistake a person writes. Run one with --protocol P --variant NAME (run,
sweep, suite); `faultline power` hunts every one of them. Columns: protocol, name,
class of bug, what the broken code does.
)";

}  // namespace

int cmd_variants(int argc, char** argv) {
  const Args args = parse_args(argc, argv, 2, {"protocol"}, {"help"});
  if (args.has("help")) {
    std::fputs(kVariantsHelp, stdout);
    return kExitOk;
  }
  if (!args.positional.empty()) throw UsageError("variants takes no arguments");
  const std::string only = args.get("protocol");
  if (!only.empty() && only != "paxos" && only != "zk") throw UsageError("--protocol must be paxos or zk");
  std::size_t width = 0, class_width = 0;
  for (const auto& v : sim::all_variants()) {
    width = std::max(width, v.info.name.size());
    class_width = std::max(class_width, v.info.bug_class.size());
  }
  for (const auto& v : sim::all_variants()) {
    if (!only.empty() && v.protocol != only) continue;
    std::printf("%-5s  %-*s  %-*s  %s\n", v.protocol.c_str(), static_cast<int>(width), std::string(v.info.name).c_str(),
                static_cast<int>(class_width), std::string(v.info.bug_class).c_str(),
                std::string(v.info.description).c_str());
  }
  return kExitOk;
}

}  // namespace fl::cli
