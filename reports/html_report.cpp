#include "reports/html_report.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "reports/html_assets.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;

constexpr std::size_t kRunRowsMax = 5'000;       // rows of a sweep's table; report.json has them all
constexpr std::size_t kDetailCharsMax = 20'000;  // of one check's evidence
constexpr std::size_t kReasonCharsMax = 240;     // of a sweep row's "why"

std::string clipped(std::string_view text, std::size_t max_chars) {
  if (text.size() <= max_chars) return std::string(text);
  return std::string(text.substr(0, max_chars)) + "\n... (" + std::to_string(text.size() - max_chars) +
         " more characters in report.json)";
}

std::string check_cell(const sim::CheckResult& c) {
  switch (c.verdict) {
    case sim::Verdict::kPass:
      return "pass";
    case sim::Verdict::kSkip:
      return "skip";
    case sim::Verdict::kFail:
      return c.enforced ? "FAIL" : "fail (not expected to pass)";
  }
  return "?";
}

std::string verdict_badge(RunVerdict v) {
  const std::string name(run_verdict_name(v));
  return "<span class=\"badge v-" + name + "\">" + name + "</span>";
}

std::string reproduce_html(const sim::RunOutcome& run) {
  return "<div class=\"reproduce\">reproduce: <code class=\"cmd\">" + html_escape(run.reproduce) + "</code></div>";
}

std::string checks_table(const sim::RunOutcome& run) {
  std::string out =
      "<table class=\"checks\"><thead><tr><th>check</th><th>verdict</th><th>severity</th>"
      "<th>enforced</th><th>evidence</th></tr></thead><tbody>\n";
  for (const auto& c : run.checks) {
    const std::string cell = check_cell(c);
    out += "<tr class=\"c-" +
           std::string(cell == "FAIL"   ? "fail"
                       : cell == "pass" ? "pass"
                                        : "other") +
           "\"><td>" + html_escape(c.name) + "</td><td>" + html_escape(cell) + "</td><td>" +
           (c.severity == sim::Severity::kSafety ? "safety" : "liveness") + "</td><td>" + (c.enforced ? "yes" : "no") +
           "</td><td><pre>" + html_escape(clipped(c.detail, kDetailCharsMax)) + "</pre></td></tr>\n";
  }
  if (!run.crash.empty()) {
    out += "<tr class=\"c-fail\"><td>crash</td><td>FAIL</td><td></td><td></td><td><pre>" +
           html_escape(clipped(run.crash, kDetailCharsMax)) + "</pre></td></tr>\n";
  }
  return out + "</tbody></table>\n";
}

std::string figures_html(const sim::RunOutcome& run) {
  const auto& f = run.figures;
  char text[512];
  std::snprintf(text, sizeof text,
                "committed %lld, events %llu, delivered %llu, dropped %llu, faults %llu, leader changes %llu, "
                "max log held %lld, simulated %.3fs",
                static_cast<long long>(f.committed), static_cast<unsigned long long>(f.events),
                static_cast<unsigned long long>(f.delivered), static_cast<unsigned long long>(f.dropped),
                static_cast<unsigned long long>(f.faults), static_cast<unsigned long long>(f.leader_changes),
                static_cast<long long>(f.max_log_held), static_cast<double>(f.simulated_us) / 1e6);
  return "<div class=\"figures\">" + html_escape(text) + "; trace hash <code>" + html_escape(run.trace_hash_text()) +
         "</code></div>\n";
}

// The first line of the first enforced failing check's evidence, or the crash text.
std::string failure_reason(const sim::RunOutcome& run) {
  std::string text = run.crash;
  for (const auto& c : run.checks) {
    if (text.empty() && c.enforced && c.verdict == sim::Verdict::kFail) text = c.name + ": " + c.detail;
  }
  return clipped(text.substr(0, text.find('\n')), kReasonCharsMax);
}

std::vector<std::string> check_names(const std::vector<const sim::RunOutcome*>& runs) {
  std::vector<std::string> names;
  for (const auto* run : runs) {
    for (const auto& c : run->checks) {
      if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
    }
  }
  return names;
}

std::string runs_table(const std::vector<sim::RunOutcome>& runs) {
  const auto order = report_order(runs);
  const auto names = check_names(order);
  std::string out =
      "<table class=\"runs\" id=\"runs\"><thead><tr><th>verdict</th><th>scenario</th><th>protocol</th>"
      "<th>seed</th>";
  for (const auto& n : names) out += "<th>" + html_escape(n) + "</th>";
  out += "<th>why</th><th>reproduce</th></tr></thead><tbody>\n";
  for (std::size_t i = 0; i < order.size() && i < kRunRowsMax; ++i) {
    const sim::RunOutcome& run = *order[i];
    const RunVerdict v = run_verdict(run);
    out += "<tr class=\"run " + std::string(v == RunVerdict::kPass ? "pass" : "failing") + "\" data-seed=\"" +
           std::to_string(run.seed) + "\"><td>" + verdict_badge(v) + "</td><td>" + html_escape(run.scenario_name) +
           "</td><td>" + html_escape(run.protocol) + "</td><td>" + std::to_string(run.seed) + "</td>";
    for (const auto& n : names) {
      auto it = std::find_if(run.checks.begin(), run.checks.end(), [&](const auto& c) { return c.name == n; });
      const std::string cell = it == run.checks.end() ? "-" : check_cell(*it);
      out += "<td class=\"cell-" + std::string(cell == "FAIL" ? "fail" : "ok") + "\"" +
             (it != run.checks.end() ? " title=\"" + html_escape(clipped(it->detail, kReasonCharsMax)) + "\"" : "") +
             ">" + html_escape(cell) + "</td>";
    }
    out += "<td>" + html_escape(failure_reason(run)) + "</td><td>" +
           (v == RunVerdict::kPass ? "" : "<code class=\"cmd\">" + html_escape(run.reproduce) + "</code>") +
           "</td></tr>\n";
  }
  out += "</tbody></table>\n";
  if (order.size() > kRunRowsMax) {
    out += "<p class=\"note\">" + std::to_string(order.size() - kRunRowsMax) +
           " more runs (all passing or later in order) are listed in report.json.</p>\n";
  }
  return out;
}

std::string summary_html(const std::vector<sim::RunOutcome>& runs) {
  std::size_t failed = 0;
  for (const auto& r : runs) failed += run_verdict(r) != RunVerdict::kPass;
  if (runs.size() == 1) {
    const sim::RunOutcome& run = runs.front();
    return "<section id=\"summary\"><div class=\"verdict\">" + verdict_badge(run_verdict(run)) + " " +
           html_escape(run.scenario_name) + " protocol=" + html_escape(run.protocol) +
           " store=" + html_escape(run.store) + " seed=" + std::to_string(run.seed) + "</div>\n" + reproduce_html(run) +
           checks_table(run) + figures_html(run) + "</section>\n";
  }
  return "<section id=\"summary\"><div class=\"verdict\">" +
         verdict_badge(failed ? RunVerdict::kFailSafety : RunVerdict::kPass) + " " + std::to_string(runs.size()) +
         " runs: " + std::to_string(runs.size() - failed) + " passed, " + std::to_string(failed) +
         " failed (failing first)</div>\n" + runs_table(runs) + "</section>\n";
}

// The start of the timeline's heading, which names the run it shows.
std::string timeline_heading(const sim::RunOutcome& run) {
  return "<section id=\"timeline-section\"><h2>Timeline: " + html_escape(run.scenario_name) +
         " protocol=" + html_escape(run.protocol) + " seed=" + std::to_string(run.seed) + " ";
}

std::string detail_html(const std::vector<sim::RunOutcome>& runs, const HtmlDetail& d) {
  std::string out = timeline_heading(d.run) + verdict_badge(run_verdict(d.run)) + "</h2>\n";
  if (!d.note.empty()) out += "<p class=\"note\">" + html_escape(d.note) + "</p>\n";
  if (runs.size() != 1) {
    out += reproduce_html(d.run) + "<details><summary>checks of this run</summary>" + checks_table(d.run) +
           figures_html(d.run) + "</details>\n";
  }
  return out + "<div id=\"timeline\"><noscript>The timeline needs JavaScript.</noscript></div></section>\n";
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The template with each marker replaced by its value in one scan of the template
// alone, so that nothing inside a value (a scenario name, a check's evidence) is ever
// taken for a marker.
std::string fill(std::string_view page, const std::vector<std::pair<std::string_view, std::string>>& values) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    std::size_t next = std::string_view::npos;
    const std::pair<std::string_view, std::string>* which = nullptr;
    for (const auto& v : values) {
      const std::size_t found = page.find(v.first, at);
      if (found < next) {
        next = found;
        which = &v;
      }
    }
    if (which == nullptr) break;
    out.append(page.substr(at, next - at));
    out += which->second;
    at = next + which->first.size();
  }
  out.append(page.substr(at));
  return out;
}

std::string page(const std::vector<sim::RunOutcome>& runs, const std::optional<HtmlDetail>& detail,
                 const std::string& title, const TimelineLimits& limits) {
  const json data = !detail                 ? json(nullptr)
                    : detail->timeline_data ? *detail->timeline_data
                                            : timeline_json(detail->run, limits);
  std::string body = summary_html(runs);
  if (detail) body += detail_html(runs, *detail);
  const std::string version = runs.empty() ? "" : runs.front().faultline_version;
  const std::string out = fill(html_asset("page.html"), {{"@TITLE@", html_escape(title)},
                                                         {"@VERSION@", html_escape(version)},
                                                         {"/*@CSS@*/", html_asset("report.css")},
                                                         {"<!--@BODY@-->", body},
                                                         {"/*@JS@*/", html_asset("report.js")},
                                                         {"@DATA@", script_safe_json(data)}});
  return out;
}

}  // namespace

std::optional<json> page_timeline(std::string_view page, const sim::RunOutcome& run) {
  static constexpr std::string_view kDataStart = "<script type=\"application/json\" id=\"fl-data\">";
  if (page.find(timeline_heading(run)) == std::string_view::npos) return std::nullopt;
  const std::size_t start = page.find(kDataStart);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t begin = start + kDataStart.size();
  // script_safe_json wrote every "<" inside the data as \u003c, so the first "<" ends it.
  const std::size_t end = page.find('<', begin);
  if (end == std::string_view::npos) return std::nullopt;
  json data = json::parse(page.substr(begin, end - begin), nullptr, false);
  if (data.is_discarded() || data.is_null()) return std::nullopt;
  return data;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : valid_utf8(text)) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string script_safe_json(const json& value) {
  std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  // Inside JSON, "<" only ever appears in strings, where "\u003c" means the same.
  return replace_all(std::move(text), "<", "\\u003c");
}

std::string html_report(const std::vector<sim::RunOutcome>& runs, const std::optional<HtmlDetail>& detail,
                        const std::string& title, TimelineLimits limits, std::size_t bytes_max) {
  std::string out = page(runs, detail, title, limits);
  // Halve what the timeline carries until the page fits; the table alone always does
  // (its rows and texts are capped).
  // Data taken from another page (timeline_data) is as that page thinned it.
  while (out.size() > bytes_max && detail && !detail->timeline_data &&
         (limits.messages_max > 0 || limits.ops_max > 0)) {
    limits.messages_max /= 2;
    limits.ops_max /= 2;
    limits.log_buckets = std::max<std::size_t>(2, limits.log_buckets / 2);
    limits.traffic_buckets = std::max<std::size_t>(1, limits.traffic_buckets / 2);
    out = page(runs, detail, title, limits);
  }
  return out;
}

}  // namespace fl::reports
