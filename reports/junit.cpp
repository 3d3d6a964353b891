#include "reports/junit.hpp"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace fl::reports {
namespace {

std::string attr(std::string_view raw) { return xml_escape(raw, XmlContext::kAttribute); }
std::string text(std::string_view raw) { return xml_escape(raw, XmlContext::kText); }

// Characters XML 1.0 cannot carry at all (§2.2 "Char") are spelled out as "\xNN" so
// the evidence survives; tab, LF and CR are allowed but need references in attributes.
void append_escaped_byte(std::string& out, unsigned char c, XmlContext context) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  const bool attribute = context == XmlContext::kAttribute;
  switch (c) {
    case '&':
      out += "&amp;";
      return;
    case '<':
      out += "&lt;";
      return;
    case '>':
      out += "&gt;";
      return;  // also keeps "]]>" out of text
    case '"':
      out += "&quot;";
      return;
    case '\'':
      out += "&apos;";
      return;
    case '\t':
      out += attribute ? "&#9;" : "\t";
      return;
    case '\n':
      out += attribute ? "&#10;" : "\n";
      return;
    case '\r':
      out += "&#13;";
      return;  // parsers fold a literal CR into LF
    default:
      break;
  }
  if (c >= 0x20) {
    out.push_back(static_cast<char>(c));
    return;
  }
  out += "\\x";
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xF]);
}

// U+FFFE and U+FFFF (EF BF BE, EF BF BF) are valid UTF-8 but not XML characters.
bool is_xml_noncharacter(std::string_view utf8, std::size_t i) {
  return utf8.substr(i, 2) == "\xEF\xBF" && i + 2 < utf8.size() && (utf8[i + 2] == '\xBE' || utf8[i + 2] == '\xBF');
}

// Locale-independent fixed-point seconds with millisecond precision, as JUnit wants.
std::string seconds_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > 1e12) seconds = 0.0;
  char buffer[32];
  const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, seconds, std::chars_format::fixed, 3);
  return error == std::errc() ? std::string(buffer, end) : "0.000";
}

// Counts for the <testsuite> and <testsuites> attributes.
struct Totals {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  double time_s = 0.0;  // summed over runs, so CPU-like when runs were parallel
};

Totals totals(const std::vector<sim::RunOutcome>& runs) {
  Totals t;
  for (const auto& run : runs) {
    const RunVerdict verdict = run_verdict(run);
    ++t.tests;
    if (verdict == RunVerdict::kFailSafety || verdict == RunVerdict::kFailLiveness) ++t.failures;
    if (verdict == RunVerdict::kCrashed || verdict == RunVerdict::kStoreUnavailable) ++t.errors;
    if (std::isfinite(run.wall_s) && run.wall_s > 0) t.time_s += run.wall_s;
  }
  return t;
}

std::string totals_attributes(const Totals& t) {
  return " tests=\"" + std::to_string(t.tests) + "\" failures=\"" + std::to_string(t.failures) + "\" errors=\"" +
         std::to_string(t.errors) + "\" time=\"" + seconds_text(t.time_s) + "\"";
}

bool violated(const sim::CheckResult& check) { return check.enforced && check.verdict == sim::Verdict::kFail; }

// The failure's one-line message: the checks that failed the run.
std::string violated_names(const sim::RunOutcome& run) {
  std::string names;
  for (const auto& check : run.checks) {
    if (violated(check)) names += (names.empty() ? "" : ", ") + check.name;
  }
  return names.empty() ? "exit code " + std::to_string(run.exit_code()) : names;
}

std::string failure_body(const sim::RunOutcome& run) {
  std::string body;
  for (const auto& check : run.checks) {
    if (!violated(check)) continue;
    const char* severity = check.severity == sim::Severity::kSafety ? "safety" : "liveness";
    body += check.name + " (" + severity + "): " + check.detail + "\n";
  }
  return body + "reproduce: " + run.reproduce;
}

std::string failure_xml(const sim::RunOutcome& run, RunVerdict verdict) {
  const char* type = verdict == RunVerdict::kFailSafety ? "safety" : "liveness";
  return "      <failure message=\"" + attr(violated_names(run)) + "\" type=\"" + type + "\">" +
         text(failure_body(run)) + "</failure>\n";
}

std::string error_xml(const sim::RunOutcome& run, RunVerdict verdict) {
  const std::string first_line = run.crash.substr(0, run.crash.find('\n'));
  const std::string message = first_line.empty() ? "exit code " + std::to_string(run.exit_code()) : first_line;
  const std::string body = run.crash.empty() ? message : run.crash;
  const char* type = verdict == RunVerdict::kStoreUnavailable ? "store-unavailable" : "crash";
  return "      <error message=\"" + attr(message) + "\" type=\"" + type + "\">" +
         text(body + "\nreproduce: " + run.reproduce) + "</error>\n";
}

// Details that help find the run again but are not part of its name.
std::string system_out_xml(const sim::RunOutcome& run) {
  return "      <system-out>" +
         text("scenario: " + run.scenario_path + "\nstore: " + run.store + "\ntrace-hash: " + run.trace_hash_text() +
              "\n") +
         "</system-out>\n";
}

std::string testcase_xml(const sim::RunOutcome& run) {
  const std::string& scenario = run.scenario_name.empty() ? run.scenario_path : run.scenario_name;
  const std::string name = scenario + " protocol=" + run.protocol + " seed=" + std::to_string(run.seed);
  std::string xml = "    <testcase classname=\"" + attr("faultline." + scenario) + "\" name=\"" + attr(name) +
                    "\" time=\"" + seconds_text(run.wall_s) + "\">\n";
  const RunVerdict verdict = run_verdict(run);
  if (verdict == RunVerdict::kFailSafety || verdict == RunVerdict::kFailLiveness) xml += failure_xml(run, verdict);
  if (verdict == RunVerdict::kCrashed || verdict == RunVerdict::kStoreUnavailable) xml += error_xml(run, verdict);
  return xml + system_out_xml(run) + "    </testcase>\n";
}

}  // namespace

std::string xml_escape(std::string_view raw, XmlContext context) {
  const std::string utf8 = valid_utf8(raw);
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    if (is_xml_noncharacter(utf8, i)) {
      out += "\xEF\xBF\xBD";
      i += 2;
      continue;
    }
    append_escaped_byte(out, static_cast<unsigned char>(utf8[i]), context);
  }
  return out;
}

std::string junit_xml(const std::vector<sim::RunOutcome>& runs, const std::string& suite_name) {
  const std::string counts = totals_attributes(totals(runs));
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"" + attr(suite_name) + "\"" + counts + ">\n";
  xml += "  <testsuite name=\"" + attr(suite_name) + "\"" + counts + ">\n";
  for (const auto& run : runs) xml += testcase_xml(run);
  return xml + "  </testsuite>\n</testsuites>\n";
}

}  // namespace fl::reports
