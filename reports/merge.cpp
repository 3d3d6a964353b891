#include "reports/merge.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "reports/json_read.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;
using namespace json_read;

// Shards listed by name in a message about missing ones, at most.
constexpr std::size_t kMissingListedMax = 20;

std::string run_name(const sim::RunOutcome& run) { return run.scenario_name + " seed " + std::to_string(run.seed); }

std::string seeds_text(const ShardPlan& plan) {
  return std::to_string(plan.first_seed) + ".." + std::to_string(plan.last_seed);
}

std::vector<sim::RunOutcome> read_runs(const json& report) {
  const json& runs = array_member(report, "runs");
  std::vector<sim::RunOutcome> out;
  out.reserve(runs.size());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    auto run = read_run_report(runs[i]);
    if (auto* error = std::get_if<std::string>(&run)) throw FieldError("runs[" + std::to_string(i) + "]." + *error, "");
    out.push_back(std::move(std::get<sim::RunOutcome>(run)));
  }
  return out;
}

// The fields of a shard's report.json, read without judging how they fit together.
ShardReport read_fields(const std::string& file, const json& report) {
  if (!report.is_object()) throw FieldError("", "expected a JSON object");
  if (!report.contains("shard")) {
    throw FieldError("shard",
                     "missing: only the reports of `faultline sweep --shard` or `faultline suite --shard` "
                     "can be merged");
  }
  ShardReport shard;
  shard.file = file;
  shard.version = string_member(report, "faultline");
  auto plan = read_shard_json(report.at("shard"));
  if (auto* error = std::get_if<std::string>(&plan)) throw FieldError("shard." + *error, "");
  shard.plan = std::get<ShardPlan>(std::move(plan));
  shard.runs = read_runs(report);
  if (report.contains("recheck")) {
    auto recheck = read_recheck_json(report.at("recheck"));
    if (auto* error = std::get_if<std::string>(&recheck)) throw FieldError("recheck." + *error, "");
    shard.recheck = std::get<RecheckOutcome>(std::move(recheck));
  }
  const json& summary = object_member(report, "summary");
  const std::uint64_t passed = static_cast<std::uint64_t>(std::count_if(
      shard.runs.begin(), shard.runs.end(), [](const auto& r) { return run_verdict(r) == RunVerdict::kPass; }));
  nested("summary", [&] {
    if (u64_member(summary, "runs") != shard.runs.size()) throw FieldError("runs", "does not count the runs listed");
    if (u64_member(summary, "passed") != passed) throw FieldError("passed", "does not count the passing runs listed");
    if (u64_member(summary, "failed") != shard.runs.size() - passed) {
      throw FieldError("failed", "does not count the failing runs listed");
    }
  });
  return shard;
}

// Every run is of this report's slice, of its version, and there once; and the slice
// is complete. Returns the reason when not.
std::string slice_problem(const ShardReport& shard) {
  const ShardPlan& plan = shard.plan;
  std::map<std::uint64_t, std::size_t> seen;
  for (std::size_t i = 0; i < shard.runs.size(); ++i) {
    const sim::RunOutcome& run = shard.runs[i];
    const std::string where = "runs[" + std::to_string(i) + "] (" + run_name(run) + ")";
    if (run.faultline_version != shard.version) {
      return where + " was written by faultline " + run.faultline_version + ", the report by " + shard.version;
    }
    const auto task = task_number(plan, run.scenario_path, run.seed);
    if (!task) {
      return where + " is not part of the sharded " + plan.command + " (scenario " + run.scenario_path + ", seeds " +
             seeds_text(plan) + ")";
    }
    if (!in_shard(*task, plan.index, plan.count)) {
      return where + " belongs to shard " + std::to_string(*task % plan.count) + "/" + std::to_string(plan.count) +
             ", not to this report's shard " + shard_name(plan);
    }
    if (const auto [it, fresh] = seen.emplace(*task, i); !fresh) {
      return where + " is listed twice (also runs[" + std::to_string(it->second) + "])";
    }
  }
  if (const std::uint64_t expected = shard_task_count(plan); expected != shard.runs.size()) {
    return "shard " + shard_name(plan) + " of seeds " + seeds_text(plan) + " holds " + std::to_string(expected) +
           " runs, but the report lists " + std::to_string(shard.runs.size()) + ": it is incomplete";
  }
  return "";
}

// Why `shard` cannot be merged with `first`, the first input, and `versioned`, the
// first that names a faultline version (a shard without runs names none); empty
// when it can.
std::string mismatch_with_first(const ShardReport& shard, const ShardReport& first, const ShardReport& versioned) {
  if (!shard.version.empty() && shard.version != versioned.version) {
    return "written by faultline " + shard.version + ", but " + versioned.file + " by faultline " + versioned.version +
           ": merge reports of one faultline version";
  }
  if (const std::string diff = plan_difference(shard.plan, first.plan); !diff.empty()) {
    return "not a shard of the same command as " + first.file + ": " + diff;
  }
  if (shard.recheck.has_value() != first.recheck.has_value()) {
    return std::string(shard.recheck ? "was" : "was not") + " run with --recheck, but " + first.file +
           (first.recheck ? " was" : " was not");
  }
  if (shard.recheck && shard.recheck->fraction != first.recheck->fraction) {
    return "rechecked a different fraction of runs than " + first.file;
  }
  return "";
}

// The shard indices in 0..count-1 that no input holds, at most `max_listed` of them,
// and how many there are in all.
std::pair<std::vector<std::uint64_t>, std::uint64_t> missing_shards(const std::map<std::uint64_t, std::size_t>& seen,
                                                                    std::uint64_t count, std::size_t max_listed) {
  std::vector<std::uint64_t> listed;
  for (std::uint64_t i = 0; i < count && listed.size() < max_listed; ++i) {
    if (!seen.contains(i)) listed.push_back(i);
  }
  return {listed, count - seen.size()};
}

std::string missing_text(const std::vector<std::uint64_t>& listed, std::uint64_t total, std::uint64_t count) {
  std::string text;
  for (const std::uint64_t i : listed) {
    text += (text.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
  }
  if (total > listed.size()) text += " and " + std::to_string(total - listed.size()) + " more";
  return text;
}

RecheckOutcome merged_recheck(const std::vector<ShardReport>& shards, const ShardPlan& plan) {
  RecheckOutcome outcome;
  outcome.fraction = shards.front().recheck->fraction;
  for (const auto& shard : shards) {
    outcome.rechecked += shard.recheck->rechecked;
    outcome.mismatches.insert(outcome.mismatches.end(), shard.recheck->mismatches.begin(),
                              shard.recheck->mismatches.end());
  }
  const auto task_of = [&](const RecheckMismatch& m) {
    return task_number(plan, m.scenario_path, m.seed).value_or(UINT64_MAX);
  };
  std::stable_sort(outcome.mismatches.begin(), outcome.mismatches.end(),
                   [&](const auto& a, const auto& b) { return task_of(a) < task_of(b); });
  return outcome;
}

}  // namespace

std::string missing_shards_text(const MergedReport& merged) {
  if (merged.missing_count == 0) return "";
  return missing_text(merged.missing_shards, merged.missing_count, merged.shard_count);
}

json full_sweep_report(const std::vector<sim::RunOutcome>& runs, const std::optional<ShardPlan>& shard,
                       const std::optional<RecheckOutcome>& recheck) {
  json report = sweep_report(runs);
  report.update(sweep_report_extras(shard, recheck));
  return report;
}

json sweep_report_extras(const std::optional<ShardPlan>& shard, const std::optional<RecheckOutcome>& recheck) {
  json extras = json::object();
  if (shard) extras["shard"] = shard_json(*shard);
  if (recheck) extras["recheck"] = recheck_json(*recheck);
  return extras;
}

std::variant<ShardReport, MergeError> parse_shard_report(const std::string& file, std::string_view text) {
  json report;
  try {
    report = json::parse(text);
  } catch (const json::parse_error& e) {
    return MergeError{file, std::string("not valid JSON: ") + e.what()};
  }
  ShardReport shard;
  try {
    shard = read_fields(file, report);
  } catch (const FieldError& e) {
    return MergeError{file, e.what()};
  }
  if (std::string problem = slice_problem(shard); !problem.empty()) return MergeError{file, std::move(problem)};
  return shard;
}

std::variant<ShardReport, MergeError> read_shard_report(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return MergeError{dir, std::filesystem::exists(dir, ec) ? "not a folder" : "no such folder"};
  }
  const std::string file = (std::filesystem::path(dir) / "report.json").string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return MergeError{file, "cannot read it (no report.json in that folder?)"};
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return MergeError{file, "read failed"};
  return parse_shard_report(file, text.str());
}

std::variant<MergedReport, MergeError> merge_shards(const std::vector<ShardReport>& shards, bool allow_missing) {
  if (shards.empty()) return MergeError{"merge", "no reports to merge"};
  const ShardReport& first = shards.front();
  const auto versioned = std::find_if(shards.begin(), shards.end(), [](const auto& s) { return !s.version.empty(); });
  std::map<std::uint64_t, std::size_t> seen;  // shard index -> input
  for (std::size_t i = 0; i < shards.size(); ++i) {
    if (i > 0) {
      const ShardReport& reference = versioned == shards.end() ? first : *versioned;
      if (std::string why = mismatch_with_first(shards[i], first, reference); !why.empty()) {
        return MergeError{shards[i].file, why};
      }
    }
    if (const auto [it, fresh] = seen.emplace(shards[i].plan.index, i); !fresh) {
      return MergeError{shards[i].file, "is shard " + shard_name(shards[i].plan) + ", and so is " +
                                            shards[it->second].file + ": their seeds overlap"};
    }
  }
  MergedReport merged;
  merged.plan = first.plan;
  merged.plan.index = 0;
  merged.plan.count = 1;
  const auto [listed, missing] = missing_shards(seen, first.plan.count, kMissingListedMax);
  if (missing > 0 && !allow_missing) {
    return MergeError{first.file, "shard " + missing_text(listed, missing, first.plan.count) + " of this sharded " +
                                      first.plan.command +
                                      " has no report among the inputs: give every shard's folder, or --partial "
                                      "to merge an incomplete " +
                                      first.plan.command};
  }
  merged.missing_shards = listed;
  merged.missing_count = missing;
  merged.shard_count = first.plan.count;
  std::vector<std::pair<std::uint64_t, std::pair<std::size_t, const sim::RunOutcome*>>> ordered;
  for (std::size_t i = 0; i < shards.size(); ++i) {
    for (const auto& run : shards[i].runs) {
      ordered.push_back({*task_number(first.plan, run.scenario_path, run.seed), {i, &run}});
    }
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < ordered.size(); ++k) {
    // Disjoint slices make this impossible; checked anyway, since it is the promise.
    if (k > 0 && ordered[k].first == ordered[k - 1].first) {
      return MergeError{shards[ordered[k].second.first].file, run_name(*ordered[k].second.second) + " is also in " +
                                                                  shards[ordered[k - 1].second.first].file +
                                                                  ": their seeds overlap"};
    }
    merged.runs.push_back(*ordered[k].second.second);
    merged.run_shard.push_back(ordered[k].second.first);
  }
  if (first.recheck) merged.recheck = merged_recheck(shards, first.plan);
  return merged;
}

}  // namespace fl::reports
