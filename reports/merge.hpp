// `faultline report merge`: reads the report.json of every shard of a sharded sweep
// or suite, checks that they belong together (one sharded command, one faultline
// version, the same scenario files, disjoint and complete shards, each holding
// exactly its slice) and merges them into the runs the unsharded command would have
// reported. Every problem is a MergeError naming the file and the reason.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reports/json_report.hpp"
#include "reports/recheck.hpp"
#include "reports/shard.hpp"

namespace fl::reports {

// Bad input to a merge: which file (or folder) and why.
struct MergeError {
  std::string file;
  std::string reason;
  std::string message() const { return file + ": " + reason; }
};

// One shard's report.json as the merge reads it.
struct ShardReport {
  std::string file;     // where it was read from, for messages
  std::string version;  // the top-level "faultline"
  ShardPlan plan;
  std::vector<sim::RunOutcome> runs;
  std::optional<RecheckOutcome> recheck;
};

// The shards merged: what the unsharded command would have reported.
struct MergedReport {
  ShardPlan plan;                             // the shards' common plan, with index 0 of count 1
  std::vector<sim::RunOutcome> runs;          // in task order, as the unsharded command lists them
  std::vector<std::size_t> run_shard;         // for each run, the index of the input it came from
  std::optional<RecheckOutcome> recheck;      // summed over shards, mismatches in task order
  std::vector<std::uint64_t> missing_shards;  // the first 20 shard indices without a report (when allowed)
  std::uint64_t missing_count = 0;            // how many shards have no report
  std::uint64_t shard_count = 1;              // how many shards the command was split into
};

// "2/8, 5/8 and 3 more": the shards a partial merge lacks; empty when none.
std::string missing_shards_text(const MergedReport& merged);

// What report.json of a sweep or suite holds besides sweep_report(runs): a "shard"
// object for a shard and a "recheck" object when --recheck was given.
nlohmann::json sweep_report_extras(const std::optional<ShardPlan>& shard, const std::optional<RecheckOutcome>& recheck);

// report.json of a sweep or suite as one tree: sweep_report(runs) with those extras
// (write_sweep_report_file writes the same without building it).
nlohmann::json full_sweep_report(const std::vector<sim::RunOutcome>& runs, const std::optional<ShardPlan>& shard,
                                 const std::optional<RecheckOutcome>& recheck);

// Parses `text`, the contents of `file`, as one shard's report.json and checks it on
// its own: well-formed, written with --shard, summary counts matching its runs, and
// every run in its slice, once, with the slice complete.
std::variant<ShardReport, MergeError> parse_shard_report(const std::string& file, std::string_view text);

// Reads DIR/report.json with parse_shard_report; a missing folder or file is an error.
std::variant<ShardReport, MergeError> read_shard_report(const std::string& dir);

// Merges shards that belong together. Shards missing from the inputs are an error
// unless `allow_missing`, when they are listed in the result instead.
std::variant<MergedReport, MergeError> merge_shards(const std::vector<ShardReport>& shards, bool allow_missing);

}  // namespace fl::reports
