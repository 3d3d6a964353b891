// index.html: one self-contained page (no network, no external scripts or fonts)
// with the verdict table and the reproduce command at the top and, for one chosen
// run, an interactive timeline: a space-time diagram with one lane per replica,
// ZooKeeper and client, the client history with the linearizability counterexample
// marked, and log size and latency over time. A sweep's page lists every seed,
// failing seeds first, and shows the timeline of one run. Layout and data fields are
// documented in reports/README.md.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/json_report.hpp"
#include "reports/timeline_json.hpp"

namespace fl::reports {

// The run whose timeline the page shows: its outcome, with the timeline it recorded.
struct HtmlDetail {
  sim::RunOutcome run;
  std::string note;  // one sentence above the timeline, e.g. why this run was chosen
  // The timeline's data as another page already carries it (a merged report reuses a
  // shard's); drawn instead of `run.timeline` when present.
  std::optional<nlohmann::json> timeline_data;
};

// The page never exceeds this many bytes: past it, the timeline is thinned further.
inline constexpr std::size_t kHtmlBytesMax = 20'000'000;

// The whole page. `detail` may be absent (no run could be recorded); the table
// then stands alone.
std::string html_report(const std::vector<sim::RunOutcome>& runs, const std::optional<HtmlDetail>& detail,
                        const std::string& title, TimelineLimits limits = {}, std::size_t bytes_max = kHtmlBytesMax);

// The timeline data of `page` (an index.html this writer made) if its timeline shows
// `run` (same scenario name, protocol and seed), else nullopt.
std::optional<nlohmann::json> page_timeline(std::string_view page, const sim::RunOutcome& run);

// `text` safe inside HTML text and attribute values.
std::string html_escape(std::string_view text);

// JSON text that can sit inside a <script> element: "</" and "<!--" cannot end or
// confuse it, and invalid UTF-8 is replaced.
std::string script_safe_json(const nlohmann::json& value);

}  // namespace fl::reports
