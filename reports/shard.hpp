// Sweeps past one machine: a sweep or suite split into N disjoint shards, each run
// anywhere (a Kubernetes Indexed Job, a CI matrix), whose reports are merged into the
// report the whole sweep would have written. This header holds the one slicing rule
// the command uses to pick a shard's runs and the merge uses to check them, and the
// "shard" object a shard's report.json carries (reports/README.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace fl::reports {

// One scenario file of a sharded command, as every shard saw it.
struct PlannedScenario {
  std::string path;    // as given on the command line
  std::string name;    // the scenario's "name"
  std::string digest;  // FNV-1a 64 of the file's bytes, 16 hex digits: shards must have read the same file
};

// What a sharded sweep or suite runs as a whole, and which slice of it one shard
// holds. Its runs ("tasks") are numbered scenario-major, seed-minor: task k is
// scenario k / S at seed first_seed + k % S, where S = last_seed - first_seed + 1.
// Shard `index` (counted from 0) of `count` holds the tasks with k mod count == index,
// so the shards are disjoint and together cover every task exactly once; for a sweep
// (one scenario) that is the seeds with (seed - first_seed) mod count == index.
struct ShardPlan {
  std::string command;  // "sweep" or "suite"
  std::vector<PlannedScenario> scenarios;
  std::uint64_t first_seed = 1;
  std::uint64_t last_seed = 1;
  std::string protocol;  // the --protocol override, empty for each scenario's own
  std::string store;     // the --store override, empty for each scenario's own
  std::uint64_t index = 0;
  std::uint64_t count = 1;
};

// Seeds per scenario (last_seed - first_seed + 1); saturates at 2^64 - 1.
std::uint64_t seeds_per_scenario(const ShardPlan& plan);

// Whether task `task` (numbered as in ShardPlan) belongs to shard `index` of `count`.
bool in_shard(std::uint64_t task, std::uint64_t index, std::uint64_t count);

// The task number of `scenario_path` at `seed` in `plan`, or nullopt when the plan
// has no such scenario or the seed lies outside its range.
std::optional<std::uint64_t> task_number(const ShardPlan& plan, const std::string& scenario_path, std::uint64_t seed);

// How many tasks the shard `plan.index` of `plan.count` holds.
std::uint64_t shard_task_count(const ShardPlan& plan);

// "2/8": the shard as --shard spells it.
std::string shard_name(const ShardPlan& plan);

// The "shard" object of a shard's report.json, and back. The reader returns
// "FIELD: reason" when the object is malformed.
nlohmann::json shard_json(const ShardPlan& plan);
std::variant<ShardPlan, std::string> read_shard_json(const nlohmann::json& value);

// Where two shards' plans differ, as "FIELD is X here but Y there", ignoring the
// index; empty when they belong to the same sharded command.
std::string plan_difference(const ShardPlan& here, const ShardPlan& there);

// FNV-1a 64 of `bytes` as 16 hex digits: a scenario file's digest.
std::string file_digest(std::string_view bytes);

}  // namespace fl::reports
