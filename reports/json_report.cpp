#include "reports/json_report.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <tuple>

#include "reports/json_read.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;

// Lower case on purpose: sim::verdict_name's "FAIL" is shouted for terminals, while
// report consumers compare strings.
std::string check_verdict_name(sim::Verdict verdict) {
  switch (verdict) {
    case sim::Verdict::kPass:
      return "pass";
    case sim::Verdict::kFail:
      return "fail";
    case sim::Verdict::kSkip:
      return "skip";
  }
  return "unknown";
}

std::string severity_name(sim::Severity severity) { return severity == sim::Severity::kSafety ? "safety" : "liveness"; }

json check_json(const sim::CheckResult& check) {
  return {{"name", valid_utf8(check.name)},
          {"verdict", check_verdict_name(check.verdict)},
          {"severity", severity_name(check.severity)},
          {"enforced", check.enforced},
          {"detail", valid_utf8(check.detail)}};
}

json figures_json(const sim::RunFigures& f) {
  return {{"events", f.events},
          {"delivered", f.delivered},
          {"dropped", f.dropped},
          {"applied", f.applied},
          {"faults", f.faults},
          {"leader_changes", f.leader_changes},
          {"trace_lines", f.trace_lines},
          {"committed", f.committed},
          {"max_log_held", f.max_log_held},
          {"simulated_us", f.simulated_us}};
}

// Milliseconds are all a wall time is good for; NaN would print as null.
double rounded_seconds(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return 0.0;
  return std::round(seconds * 1000.0) / 1000.0;
}

bool passed(const sim::RunOutcome& run) { return run_verdict(run) == RunVerdict::kPass; }

// Failing runs first (false sorts before true), then scenario and seed; the rest only
// makes the order total, so the report does not depend on the order runs finished in.
bool before_in_report(const sim::RunOutcome& a, const sim::RunOutcome& b) {
  return std::forward_as_tuple(passed(a), a.scenario_name, a.seed, a.scenario_path, a.protocol, a.store) <
         std::forward_as_tuple(passed(b), b.scenario_name, b.seed, b.scenario_path, b.protocol, b.store);
}

// The shape of a UTF-8 sequence by its lead byte: its length (0 if the byte cannot
// lead) and the range its second byte must fall in (Unicode Table 3-7), which rules
// out overlong forms, surrogates and code points past U+10FFFF.
struct Utf8Lead {
  std::size_t length = 0;
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
};

Utf8Lead utf8_lead(unsigned char lead) {
  if (lead < 0x80) return {1, 0x00, 0xFF};
  if (lead >= 0xC2 && lead <= 0xDF) return {2, 0x80, 0xBF};
  if (lead == 0xE0) return {3, 0xA0, 0xBF};
  if (lead == 0xED) return {3, 0x80, 0x9F};
  if (lead >= 0xE1 && lead <= 0xEF) return {3, 0x80, 0xBF};
  if (lead == 0xF0) return {4, 0x90, 0xBF};
  if (lead >= 0xF1 && lead <= 0xF3) return {4, 0x80, 0xBF};
  if (lead == 0xF4) return {4, 0x80, 0x8F};
  return {};
}

// The length of the valid UTF-8 sequence starting at text[i], or 0 if there is none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const Utf8Lead lead = utf8_lead(byte(i));
  if (lead.length <= 1) return lead.length;
  if (i + lead.length > text.size()) return 0;
  if (byte(i + 1) < lead.second_min || byte(i + 1) > lead.second_max) return 0;
  for (std::size_t k = 2; k < lead.length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return lead.length;
}

sim::Verdict read_check_verdict(const json& check) {
  const std::string name = json_read::string_member(check, "verdict");
  for (const sim::Verdict v : {sim::Verdict::kPass, sim::Verdict::kFail, sim::Verdict::kSkip}) {
    if (check_verdict_name(v) == name) return v;
  }
  throw json_read::FieldError("verdict", "expected pass, fail or skip, got '" + name + "'");
}

sim::CheckResult read_check(const json& check) {
  using namespace json_read;
  sim::CheckResult c;
  c.name = string_member(check, "name");
  c.verdict = read_check_verdict(check);
  const std::string severity = string_member(check, "severity");
  if (severity != "safety" && severity != "liveness") {
    throw FieldError("severity", "expected safety or liveness, got '" + severity + "'");
  }
  c.severity = severity == "safety" ? sim::Severity::kSafety : sim::Severity::kLiveness;
  c.enforced = bool_member(check, "enforced");
  c.detail = string_member(check, "detail");
  c.kind = sim::check_kind_of(c.name);
  return c;
}

sim::RunFigures read_figures(const json& f) {
  using namespace json_read;
  sim::RunFigures g;
  g.events = u64_member(f, "events");
  g.delivered = u64_member(f, "delivered");
  g.dropped = u64_member(f, "dropped");
  g.applied = u64_member(f, "applied");
  g.faults = u64_member(f, "faults");
  g.leader_changes = u64_member(f, "leader_changes");
  g.trace_lines = u64_member(f, "trace_lines");
  g.committed = i64_member(f, "committed");
  g.max_log_held = i64_member(f, "max_log_held");
  g.simulated_us = i64_member(f, "simulated_us");
  return g;
}

// The 16 hex digits of a trace hash.
std::uint64_t hex_hash(const std::string& text) {
  std::uint64_t value = 0;
  bool ok = text.size() == 16;
  for (char ch : text) {
    const int digit = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
    ok = ok && digit >= 0;
    value = value * 16 + static_cast<std::uint64_t>(digit < 0 ? 0 : digit);
  }
  if (!ok) throw json_read::FieldError("trace_hash", "'" + text + "' is not 16 lowercase hex digits");
  return value;
}

sim::RunOutcome read_run(const json& report) {
  using namespace json_read;
  sim::RunOutcome run;
  run.faultline_version = string_member(report, "faultline");
  const json& scenario = object_member(report, "scenario");
  run.scenario_name = nested("scenario", [&] { return string_member(scenario, "name"); });
  run.scenario_path = nested("scenario", [&] { return string_member(scenario, "path"); });
  run.protocol = string_member(report, "protocol");
  run.store = string_member(report, "store");
  run.seed = u64_member(report, "seed");
  const int exit_code = static_cast<int>(i64_member(report, "exit_code"));
  const json& checks = array_member(report, "checks");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    run.checks.push_back(nested("checks[" + std::to_string(i) + "]", [&] { return read_check(checks[i]); }));
  }
  const std::string hash = string_member(report, "trace_hash");
  run.figures = nested("figures", [&] { return read_figures(object_member(report, "figures")); });
  run.wall_s = number_member(report, "wall_s");
  if (report.contains("crash")) run.crash = string_member(report, "crash");
  if (report.contains("reproduce")) run.reproduce = string_member(report, "reproduce");
  if (!run.crash.empty()) {
    run.crash_exit_code = exit_code;
  } else if (exit_code != run.exit_code()) {
    throw FieldError("exit_code", std::to_string(exit_code) + " does not match the checks, which give " +
                                      std::to_string(run.exit_code()));
  }
  if (!hash.empty() || run.crash.empty()) run.trace_hash = hex_hash(hash);
  const std::string verdict = string_member(report, "verdict");
  if (verdict != run_verdict_name(run_verdict(run))) {
    throw FieldError("verdict", "'" + verdict + "' does not match exit_code " + std::to_string(exit_code) +
                                    (run.crash.empty() ? "" : " with crash text"));
  }
  return run;
}

// The top level of a sweep report with an empty "runs" array: version and counts.
json sweep_report_head(const std::vector<sim::RunOutcome>& runs) {
  const std::size_t pass_count = static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), passed));
  const std::string version = runs.empty() ? "" : valid_utf8(runs.front().faultline_version);
  return {{"faultline", version},
          {"runs", json::array()},
          {"summary", {{"runs", runs.size()}, {"passed", pass_count}, {"failed", runs.size() - pass_count}}}};
}

// `text` with every line indented by `spaces` more; JSON text has line breaks only
// between tokens (a string's are escaped), so this nests a dump inside another.
std::string indented(const std::string& text, std::size_t spaces) {
  const std::string pad(spaces, ' ');
  std::string out = pad;
  out.reserve(text.size() + text.size() / 8);
  for (const char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

std::string error_text(const std::string& path, int error) { return path + ": " + std::strerror(error); }

}  // namespace

bool report_before(const sim::RunOutcome& a, const sim::RunOutcome& b) { return before_in_report(a, b); }

RunVerdict run_verdict(const sim::RunOutcome& run) {
  const int exit_code = run.exit_code();
  if (exit_code == kExitUnavailable) return RunVerdict::kStoreUnavailable;
  if (!run.crash.empty()) return RunVerdict::kCrashed;
  switch (exit_code) {
    case 0:
      return RunVerdict::kPass;
    case 1:
      return RunVerdict::kFailSafety;
    case 2:
      return RunVerdict::kFailLiveness;
    default:
      return RunVerdict::kCrashed;
  }
}

std::string_view run_verdict_name(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::kPass:
      return "pass";
    case RunVerdict::kFailSafety:
      return "fail-safety";
    case RunVerdict::kFailLiveness:
      return "fail-liveness";
    case RunVerdict::kCrashed:
      return "crashed";
    case RunVerdict::kStoreUnavailable:
      return "store-unavailable";
  }
  return "unknown";
}

json run_report(const sim::RunOutcome& run) {
  const RunVerdict verdict = run_verdict(run);
  json checks = json::array();
  for (const auto& check : run.checks) checks.push_back(check_json(check));
  json report = {{"faultline", valid_utf8(run.faultline_version)},
                 {"scenario", {{"name", valid_utf8(run.scenario_name)}, {"path", valid_utf8(run.scenario_path)}}},
                 {"protocol", valid_utf8(run.protocol)},
                 {"store", valid_utf8(run.store)},
                 {"seed", run.seed},
                 {"verdict", std::string(run_verdict_name(verdict))},
                 {"exit_code", run.exit_code()},
                 {"checks", std::move(checks)},
                 {"trace_hash", run.trace_hash_text()},
                 {"figures", figures_json(run.figures)},
                 {"wall_s", rounded_seconds(run.wall_s)}};
  if (!run.crash.empty()) report["crash"] = valid_utf8(run.crash);
  if (verdict != RunVerdict::kPass) report["reproduce"] = valid_utf8(run.reproduce);
  return report;
}

std::variant<sim::RunOutcome, std::string> read_run_report(const json& report) {
  try {
    return read_run(report);
  } catch (const json_read::FieldError& e) {
    return std::string(e.what());
  }
}

std::vector<const sim::RunOutcome*> report_order(const std::vector<sim::RunOutcome>& runs) {
  std::vector<const sim::RunOutcome*> order;
  order.reserve(runs.size());
  for (const auto& run : runs) order.push_back(&run);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) { return report_before(*a, *b); });
  return order;
}

json sweep_report(const std::vector<sim::RunOutcome>& runs) {
  json report = sweep_report_head(runs);
  json& reports = report["runs"];
  for (const auto* run : report_order(runs)) reports.push_back(run_report(*run));
  return report;
}

std::string write_sweep_report_file(const std::string& path, const std::vector<sim::RunOutcome>& runs,
                                    const json& extra) {
  json head = sweep_report_head(runs);
  head.update(extra);
  std::string text;
  try {
    text = head.dump(2, ' ', false, json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return path + ": cannot serialise the report: " + e.what();
  }
  // The runs go where the empty array is; keys are sorted, so it sits among the others.
  static constexpr std::string_view kEmptyRuns = "\n  \"runs\": []";
  const std::size_t at = text.find(kEmptyRuns);
  if (at == std::string::npos) return path + ": cannot serialise the report: no runs member";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return error_text(path, errno);
  bool written = std::fwrite(text.data(), 1, at, file) == at;
  std::string chunk = "\n  \"runs\": [";
  bool first = true;
  for (const auto* run : report_order(runs)) {
    if (!written) break;
    chunk += first ? "\n" : ",\n";
    chunk += indented(run_report(*run).dump(2, ' ', false, json::error_handler_t::replace), 4);
    first = false;
    if (chunk.size() > (1u << 20)) {
      written = std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
      chunk.clear();
    }
  }
  chunk += first ? "]" : "\n  ]";
  chunk += text.substr(at + kEmptyRuns.size()) + "\n";
  written = written && std::fwrite(chunk.data(), 1, chunk.size(), file) == chunk.size();
  const int write_error = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written) return error_text(path, write_error);
  if (!closed) return error_text(path, errno);
  return "";
}

std::string write_json_file(const std::string& path, const json& report) {
  std::string text;
  try {
    // Replacing invalid UTF-8 instead of throwing: a report with one odd byte in a
    // detail is still worth having.
    text = report.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } catch (const std::exception& e) {
    return path + ": cannot serialise the report: " + e.what();
  }
  return write_text_file(path, text);
}

std::string write_text_file(const std::string& path, std::string_view text) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return error_text(path, errno);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const int write_error = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written) return error_text(path, write_error);
  if (!closed) return error_text(path, errno);
  return "";
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  return out;
}

}  // namespace fl::reports
