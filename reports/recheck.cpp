#include "reports/recheck.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/json_read.hpp"
#include "reports/markdown.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;
using namespace json_read;

__extension__ using Wide = unsigned __int128;

bool is_hex16(std::string_view text) {
  return text.size() == 16 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string fraction_text(double fraction) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", fraction);
  return text;
}

std::string run_name(const RecheckMismatch& m) {
  return m.scenario_name + " protocol=" + m.protocol + " seed " + std::to_string(m.seed);
}

std::string second_hash_text(const RecheckMismatch& m) {
  return m.second_hash.empty() ? "no trace hash (the run printed none)" : m.second_hash;
}

RecheckMismatch read_mismatch(const json& value) {
  RecheckMismatch m;
  const json& scenario = object_member(value, "scenario");
  m.scenario_name = nested("scenario", [&] { return string_member(scenario, "name"); });
  m.scenario_path = nested("scenario", [&] { return string_member(scenario, "path"); });
  m.protocol = string_member(value, "protocol");
  m.store = string_member(value, "store");
  m.seed = u64_member(value, "seed");
  m.first_hash = string_member(value, "trace_hash");
  m.second_hash = string_member(value, "recheck_hash");
  m.reproduce = string_member(value, "reproduce");
  return m;
}

RecheckOutcome read_outcome(const json& value) {
  RecheckOutcome outcome;
  outcome.fraction = number_member(value, "fraction");
  if (!(outcome.fraction > 0 && outcome.fraction <= 1)) throw FieldError("fraction", "expected a number in (0, 1]");
  outcome.rechecked = u64_member(value, "rechecked");
  const json& mismatches = array_member(value, "mismatches");
  for (std::size_t i = 0; i < mismatches.size(); ++i) {
    outcome.mismatches.push_back(
        nested("mismatches[" + std::to_string(i) + "]", [&] { return read_mismatch(mismatches[i]); }));
  }
  return outcome;
}

}  // namespace

std::vector<std::size_t> recheck_picks(std::size_t candidates, double fraction) {
  if (candidates == 0 || !(fraction > 0)) return {};
  // The small allowance keeps e.g. 200 x 0.1 at 20 when the product rounds up.
  const double wanted = std::ceil(static_cast<double>(candidates) * std::min(fraction, 1.0) - 1e-9);
  const std::size_t count = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(wanted, 1.0)), 1, candidates);
  std::vector<std::size_t> picks;
  picks.reserve(count);
  for (std::size_t j = 0; j < count; ++j) {
    picks.push_back(static_cast<std::size_t>(static_cast<Wide>(j) * candidates / count));
  }
  return picks;
}

std::string trace_hash_in_output(std::string_view output) {
  static constexpr std::string_view kPrefix = "trace-hash: ";
  std::string found;
  std::size_t line_start = 0;
  while (line_start < output.size()) {
    std::size_t line_end = output.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = output.size();
    const std::string_view line = output.substr(line_start, line_end - line_start);
    if (line.substr(0, kPrefix.size()) == kPrefix && is_hex16(line.substr(kPrefix.size()))) {
      found = std::string(line.substr(kPrefix.size()));
    }
    line_start = line_end + 1;
  }
  return found;
}

std::optional<RecheckMismatch> compare_recheck(const sim::RunOutcome& first, std::string_view rerun_output) {
  const std::string second = trace_hash_in_output(rerun_output);
  if (!second.empty() && second == first.trace_hash_text()) return std::nullopt;
  return RecheckMismatch{first.scenario_name, first.scenario_path,     first.protocol, first.store,
                         first.seed,          first.trace_hash_text(), second,         first.reproduce};
}

std::string recheck_mismatch_text(const RecheckMismatch& m) {
  return "RECHECK MISMATCH " + run_name(m) + ": trace hash " + m.first_hash + " in the sweep, " + second_hash_text(m) +
         " in a fresh process\n  reproduce: " + m.reproduce + "\n";
}

std::string recheck_summary_text(const RecheckOutcome& o) {
  std::string text = "recheck: " + std::to_string(o.rechecked) + " run" + (o.rechecked == 1 ? "" : "s") +
                     " repeated, each in a fresh process (--recheck " + fraction_text(o.fraction) + "): ";
  if (o.mismatches.empty()) return text + "every trace hash the same\n";
  return text + std::to_string(o.mismatches.size()) + " gave a different trace hash: NOT DETERMINISTIC (exit " +
         std::to_string(kExitNondeterministic) + ")\n";
}

std::string recheck_markdown(const RecheckOutcome& o) {
  std::string text = "\n### Recheck\n\n" + std::to_string(o.rechecked) + " run" + (o.rechecked == 1 ? "" : "s") +
                     " repeated, each in a fresh process (`--recheck " + fraction_text(o.fraction) + "`): ";
  if (o.mismatches.empty()) return text + "every trace hash the same.\n";
  text += "**" + std::to_string(o.mismatches.size()) + " gave a different trace hash** (not deterministic).\n\n";
  for (const auto& m : o.mismatches) {
    text += "- " + markdown_text(run_name(m)) + ": " + markdown_code(m.first_hash) + " in the sweep, " +
            (m.second_hash.empty() ? "no trace hash" : markdown_code(m.second_hash)) +
            " in a fresh process; reproduce: " + markdown_code(m.reproduce) + "\n";
  }
  return text;
}

json recheck_json(const RecheckOutcome& o) {
  json mismatches = json::array();
  for (const auto& m : o.mismatches) {
    mismatches.push_back({{"scenario", {{"name", valid_utf8(m.scenario_name)}, {"path", valid_utf8(m.scenario_path)}}},
                          {"protocol", valid_utf8(m.protocol)},
                          {"store", valid_utf8(m.store)},
                          {"seed", m.seed},
                          {"trace_hash", m.first_hash},
                          {"recheck_hash", m.second_hash},
                          {"reproduce", valid_utf8(m.reproduce)}});
  }
  return {{"fraction", o.fraction}, {"rechecked", o.rechecked}, {"mismatches", std::move(mismatches)}};
}

std::variant<RecheckOutcome, std::string> read_recheck_json(const json& value) {
  try {
    return read_outcome(value);
  } catch (const FieldError& e) {
    return std::string(e.what());
  }
}

}  // namespace fl::reports
