// libFuzzer target: a scenario file through the parser and validator. Any input must
// end in a Scenario or a ScenarioError naming the field; a crash, a sanitizer report,
// a hang or unbounded memory is a bug. An accepted scenario must also survive being
// written back and parsed again (the writer is what `shrink` saves).
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "sim/scenario/scenario.hpp"
#include "sim/scenario/write.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl::sim;
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto scenario = parse_scenario(text, "fuzz.json");
  if (const auto* parsed = std::get_if<Scenario>(&scenario)) {
    const std::string written = write_scenario(*parsed);
    auto again = parse_scenario(written, "fuzz-written.json");
    if (!std::holds_alternative<Scenario>(again)) __builtin_trap();
  }
  return 0;
}
