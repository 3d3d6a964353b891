#include "reports/shard.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "reports/json_read.hpp"

namespace fl::reports {
namespace {

using nlohmann::json;
using namespace json_read;

// Products of a task count and a shard count can exceed 64 bits.
__extension__ using Wide = unsigned __int128;

Wide total_tasks(const ShardPlan& plan) {
  const Wide per_scenario = static_cast<Wide>(plan.last_seed - plan.first_seed) + 1;
  return per_scenario * plan.scenarios.size();
}

std::string seeds_text(const ShardPlan& plan) {
  return std::to_string(plan.first_seed) + ".." + std::to_string(plan.last_seed);
}

PlannedScenario read_scenario(const json& value) {
  return {string_member(value, "path"), string_member(value, "name"), string_member(value, "digest")};
}

ShardPlan read_plan(const json& value) {
  ShardPlan plan;
  plan.command = string_member(value, "command");
  if (plan.command != "sweep" && plan.command != "suite") throw FieldError("command", "expected sweep or suite");
  const json& scenarios = array_member(value, "scenarios");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    plan.scenarios.push_back(
        nested("scenarios[" + std::to_string(i) + "]", [&] { return read_scenario(scenarios[i]); }));
  }
  plan.first_seed = u64_member(value, "first_seed");
  plan.last_seed = u64_member(value, "last_seed");
  if (plan.first_seed > plan.last_seed) throw FieldError("last_seed", "less than first_seed");
  plan.protocol = string_member(value, "protocol");
  plan.store = string_member(value, "store");
  plan.count = u64_member(value, "count");
  if (plan.count == 0) throw FieldError("count", "must be at least 1");
  plan.index = u64_member(value, "index");
  if (plan.index >= plan.count) throw FieldError("index", "must be less than count");
  return plan;
}

std::string scenario_list(const ShardPlan& plan) {
  std::string text;
  for (const auto& s : plan.scenarios) text += (text.empty() ? "" : ", ") + s.path + " (" + s.digest + ")";
  return "[" + text + "]";
}

}  // namespace

std::uint64_t seeds_per_scenario(const ShardPlan& plan) {
  const std::uint64_t span = plan.last_seed - plan.first_seed;
  return span == UINT64_MAX ? span : span + 1;
}

bool in_shard(std::uint64_t task, std::uint64_t index, std::uint64_t count) {
  return count != 0 && task % count == index;
}

std::optional<std::uint64_t> task_number(const ShardPlan& plan, const std::string& scenario_path, std::uint64_t seed) {
  if (seed < plan.first_seed || seed > plan.last_seed) return std::nullopt;
  for (std::size_t i = 0; i < plan.scenarios.size(); ++i) {
    if (plan.scenarios[i].path != scenario_path) continue;
    const Wide task =
        static_cast<Wide>(i) * (static_cast<Wide>(plan.last_seed - plan.first_seed) + 1) + (seed - plan.first_seed);
    if (task > UINT64_MAX) return std::nullopt;  // beyond any sweep that could run
    return static_cast<std::uint64_t>(task);
  }
  return std::nullopt;
}

std::uint64_t shard_task_count(const ShardPlan& plan) {
  if (plan.count == 0) return 0;
  const Wide total = total_tasks(plan);
  const Wide count = total / plan.count + (plan.index < total % plan.count ? 1 : 0);
  return count > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(count);
}

std::string shard_name(const ShardPlan& plan) { return std::to_string(plan.index) + "/" + std::to_string(plan.count); }

json shard_json(const ShardPlan& plan) {
  json scenarios = json::array();
  for (const auto& s : plan.scenarios) scenarios.push_back({{"path", s.path}, {"name", s.name}, {"digest", s.digest}});
  return {{"command", plan.command},       {"scenarios", std::move(scenarios)},
          {"first_seed", plan.first_seed}, {"last_seed", plan.last_seed},
          {"protocol", plan.protocol},     {"store", plan.store},
          {"index", plan.index},           {"count", plan.count}};
}

std::variant<ShardPlan, std::string> read_shard_json(const json& value) {
  try {
    return read_plan(value);
  } catch (const FieldError& e) {
    return std::string(e.what());
  }
}

std::string plan_difference(const ShardPlan& here, const ShardPlan& there) {
  const auto differs = [](const std::string& field, const std::string& a, const std::string& b) {
    return field + " is " + (a.empty() ? "\"\"" : a) + " here but " + (b.empty() ? "\"\"" : b) + " there";
  };
  if (here.command != there.command) return differs("shard.command", here.command, there.command);
  if (here.count != there.count) {
    return differs("shard.count", std::to_string(here.count), std::to_string(there.count));
  }
  if (here.first_seed != there.first_seed || here.last_seed != there.last_seed) {
    return differs("the seed range", seeds_text(here), seeds_text(there));
  }
  if (here.protocol != there.protocol) return differs("shard.protocol", here.protocol, there.protocol);
  if (here.store != there.store) return differs("shard.store", here.store, there.store);
  const auto same_scenario = [](const PlannedScenario& a, const PlannedScenario& b) {
    return a.path == b.path && a.name == b.name && a.digest == b.digest;
  };
  if (!std::equal(here.scenarios.begin(), here.scenarios.end(), there.scenarios.begin(), there.scenarios.end(),
                  same_scenario)) {
    return differs("the scenario files (path and digest)", scenario_list(here), scenario_list(there));
  }
  return "";
}

std::string file_digest(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV 64 prime
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

}  // namespace fl::reports
