#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "cli/cli.hpp"
#include "sim/setup/protocol_names.hpp"

namespace fl::cli {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<std::uint64_t> to_u64(const std::string& text) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// Where tools/cassandra records the instance it started, by the same rule as the
// script: $FL_CASSANDRA_INSTANCE, else $FL_CASSANDRA_CACHE/instance, else the
// cache in the source tree this binary was built from.
std::string instance_record_path() {
  if (const char* record = std::getenv("FL_CASSANDRA_INSTANCE"); record != nullptr && *record != '\0') return record;
  if (const char* cache = std::getenv("FL_CASSANDRA_CACHE"); cache != nullptr && *cache != '\0') {
    return std::string(cache) + "/instance";
  }
  return FL_CASSANDRA_CACHE_DIR "/instance";
}

// The endpoint in tools/cassandra's record (lines: pid, HOST:PORT, data directory)
// if the recorded process is alive; a record left by a server that died is ignored.
std::optional<std::string> recorded_cassandra() {
  std::ifstream in(instance_record_path());
  std::string pid_text, endpoint;
  if (!std::getline(in, pid_text) || !std::getline(in, endpoint) || endpoint.empty()) return std::nullopt;
  const auto pid = to_u64(pid_text);
  if (!pid || *pid == 0 || *pid > 0x7fffffff) return std::nullopt;
  // Signal 0 only asks whether the process exists; EPERM means it does, as another user's.
  if (::kill(static_cast<pid_t>(*pid), 0) != 0 && errno != EPERM) return std::nullopt;
  return endpoint;
}

}  // namespace

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

std::uint64_t Args::get_u64(const std::string& name, std::uint64_t fallback) const {
  auto it = options.find(name);
  if (it == options.end()) return fallback;
  auto v = to_u64(it->second);
  if (!v) throw UsageError("--" + name + " needs a non-negative integer, got '" + it->second + "'");
  return *v;
}

Args parse_args(int argc, char** argv, int first, const std::vector<std::string>& valued,
                const std::vector<std::string>& flags) {
  Args args;
  for (int i = first; i < argc; ++i) {
    std::string word = argv[i];
    if (word.rfind("--", 0) != 0 || word == "--") {
      args.positional.push_back(word);
      continue;
    }
    std::string name = word.substr(2), value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (contains(valued, name)) {
      if (i + 1 >= argc) throw UsageError("--" + name + " needs a value");
      value = argv[++i];
    }
    if (contains(flags, name)) {
      value = "true";
    } else if (!contains(valued, name)) {
      throw UsageError("unknown option --" + name);
    }
    args.options[name] = value;
  }
  return args;
}

int default_jobs() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

int jobs_of(const Args& args) {
  const auto jobs = args.get_u64("jobs", static_cast<std::uint64_t>(default_jobs()));
  if (jobs < 1 || jobs > 256) throw UsageError("--jobs must be between 1 and 256");
  return static_cast<int>(jobs);
}

std::pair<std::uint64_t, std::uint64_t> parse_seed_range(const std::string& text) {
  const auto dots = text.find("..");
  if (dots == std::string::npos) {
    auto v = to_u64(text);
    if (!v) throw UsageError("--seeds needs A..B or a number, got '" + text + "'");
    return {*v, *v};
  }
  auto a = to_u64(text.substr(0, dots));
  auto b = to_u64(text.substr(dots + 2));
  if (!a || !b) throw UsageError("--seeds needs A..B with non-negative integers, got '" + text + "'");
  if (*a > *b) throw UsageError("--seeds " + text + " is empty: A must not exceed B");
  return {*a, *b};
}

std::optional<ShardSpec> parse_shard(const Args& args) {
  if (!args.has("shard")) return std::nullopt;
  const std::string text = args.get("shard");
  const std::string usage = "--shard " + text + ": ";
  const auto slash = text.rfind('/');
  if (slash == std::string::npos) {
    throw UsageError(usage + "expected I/N (shard I of N, I counted from 0) or env:VAR/N");
  }
  std::string index_text = text.substr(0, slash);
  const auto count = to_u64(text.substr(slash + 1));
  if (!count || *count == 0) throw UsageError(usage + "N must be a positive integer");
  if (index_text.rfind("env:", 0) == 0) {
    const std::string variable = index_text.substr(4);
    if (variable.empty())
      throw UsageError(usage + "env: needs a variable name, e.g. env:JOB_COMPLETION_INDEX/" + std::to_string(*count));
    const char* value = variable.empty() ? nullptr : std::getenv(variable.c_str());
    if (value == nullptr) throw UsageError(usage + "environment variable '" + variable + "' is not set");
    index_text = value;
    if (!to_u64(index_text)) {
      throw UsageError(usage + variable + "='" + index_text + "' is not a non-negative integer");
    }
  }
  const auto index = to_u64(index_text);
  if (!index) throw UsageError(usage + "I must be a non-negative integer or env:VAR");
  if (*index >= *count) {
    throw UsageError(usage + "I must be in 0.." + std::to_string(*count - 1) +
                     " (shards are counted from 0, like JOB_COMPLETION_INDEX)");
  }
  return ShardSpec{*index, *count};
}

double parse_recheck(const Args& args) {
  if (!args.has("recheck")) return 0.0;
  std::string text = args.get("recheck");
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.pop_back();
  char* end = nullptr;
  errno = 0;
  const double value = text.empty() ? -1.0 : std::strtod(text.c_str(), &end);
  const double fraction = percent ? value / 100.0 : value;
  if (errno != 0 || end == nullptr || *end != '\0' || !(fraction >= 0.0 && fraction <= 1.0)) {
    throw UsageError("--recheck needs a fraction in 0..1 or a percentage, e.g. 0.05 or 5%, got '" +
                     args.get("recheck") + "'");
  }
  return fraction;
}

std::optional<sim::Scenario> load_or_report(const std::string& path) {
  auto loaded = sim::load_scenario(path);
  if (auto* error = std::get_if<sim::ScenarioError>(&loaded)) {
    std::cerr << "faultline: " << error->message() << "\n";
    return std::nullopt;
  }
  return std::get<sim::Scenario>(std::move(loaded));
}

std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                          "0123456789_./:=@%+,-") == std::string::npos;
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::string> reproduce_words(const std::string& program, const std::string& scenario_path,
                                         std::uint64_t seed, const std::string& protocol, const std::string& store,
                                         const std::string& cassandra) {
  std::vector<std::string> words = {program, "run", scenario_path, "--seed", std::to_string(seed)};
  // A planted bug runs as "<protocol>-bug-<name>"; it is asked for as --variant.
  if (const auto [base, variant] = sim::split_protocol(protocol); !variant.empty()) {
    words.insert(words.end(), {"--protocol", base, "--variant", variant});
  } else if (!protocol.empty()) {
    words.insert(words.end(), {"--protocol", protocol});
  }
  if (!store.empty()) words.insert(words.end(), {"--store", store});
  if (store == "cassandra" && !cassandra.empty()) words.insert(words.end(), {"--cassandra", cassandra});
  return words;
}

std::string reproduce_command(const std::string& program, const std::string& scenario_path, std::uint64_t seed,
                              const std::string& protocol, const std::string& store, const std::string& cassandra) {
  std::string command;
  for (const auto& word : reproduce_words(program, scenario_path, seed, protocol, store, cassandra)) {
    command += (command.empty() ? "" : " ") + shell_word(word);
  }
  return command;
}

std::string command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + shell_word(argv[i]);
  return line;
}

void apply_cassandra_options(const Args& args, sim::RunOptions& options) {
  const char* server = std::getenv("FL_CASSANDRA");
  const char* replication = std::getenv("FL_CASSANDRA_REPLICATION");
  if (args.has("cassandra")) {
    options.cassandra = args.get("cassandra");
  } else if (server != nullptr && *server != '\0') {
    options.cassandra = server;
  } else {
    // tools/cassandra picks a free port, so Cassandra's own default would miss the
    // server it started; that one is the likeliest meant.
    options.cassandra = recorded_cassandra().value_or("127.0.0.1:9042");
  }
  if (replication != nullptr) options.cassandra_replication = replication;
}

}  // namespace fl::cli
