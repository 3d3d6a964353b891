// Scenario files: strict JSON validation into sim::Scenario. Every problem is reported
// as a value naming the JSON path of the offending field, so a typo in a fault
// schedule fails loudly instead of silently running a different experiment.
#include "sim/scenario/scenario.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <system_error>

#include "rsm/core/assert.hpp"
#include "sim/setup/protocol_names.hpp"
#include "sim/zookeeper/service.hpp"

namespace fl::sim {
namespace {

using json = nlohmann::json;

constexpr Micros kMinute = 60 * kSeconds;
constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();
// About 31 years: any scenario time sums a handful of durations, and this keeps
// those sums far from int64 overflow.
constexpr Micros kDurationMax = 1'000'000'000 * kSeconds;

// ---------------------------------------------------------------------------
// Durations

struct DurationUnit {
  std::string_view suffix;
  Micros scale;
};

// Two-letter suffixes first: "250ms" also ends in "s".
constexpr DurationUnit kUnits[] = {{"us", 1}, {"ms", kMillis}, {"s", kSeconds}, {"m", kMinute}};

// A run of 1..18 decimal digits (so it fits an int64), or nullopt.
std::optional<std::int64_t> digits_value(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  std::int64_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "1.5" times `scale`, exactly: decimal text is never routed through a double, so
// "0.1s" is 100000us on every platform. A result that is not a whole number of
// microseconds ("0.5us") is malformed.
std::optional<Micros> scale_decimal(std::string_view number, Micros scale) {
  const auto dot = number.find('.');
  const auto whole = digits_value(number.substr(0, dot));
  if (!whole) return std::nullopt;
  Micros result = 0;
  if (__builtin_mul_overflow(*whole, scale, &result)) return std::nullopt;
  if (dot == std::string_view::npos) return result;
  const std::string_view fraction_text = number.substr(dot + 1);
  const auto fraction = digits_value(fraction_text);
  if (!fraction) return std::nullopt;
  std::int64_t denominator = 1;
  for (std::size_t i = 0; i < fraction_text.size(); ++i) denominator *= 10;
  std::int64_t scaled = 0;
  if (__builtin_mul_overflow(*fraction, scale, &scaled) || scaled % denominator != 0) return std::nullopt;
  if (__builtin_add_overflow(result, scaled / denominator, &result)) return std::nullopt;
  return result;
}

// ---------------------------------------------------------------------------
// Error collection and JSON paths

// Keeps the first problem found; later ones are usually consequences of it, and
// one precise message is more useful than a cascade.
class Errors {
 public:
  explicit Errors(std::string file) : file_(std::move(file)) {}

  // Records a problem at `field` unless one is recorded already. Returns false so
  // that checks can end with `return errors.fail(...)`.
  bool fail(const std::string& field, std::string reason) {
    if (!first_) first_ = ScenarioError{file_, field, std::move(reason)};
    return false;
  }
  // The same, for readers that return an optional value.
  std::nullopt_t reject(const std::string& field, std::string reason) {
    fail(field, std::move(reason));
    return std::nullopt;
  }
  bool ok() const { return !first_.has_value(); }
  ScenarioError take() { return std::move(*first_); }

 private:
  std::string file_;
  std::optional<ScenarioError> first_;
};

// The JSON path of a field inside the object at `path` ("" is the top level).
std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

// The JSON path of an element of the array at `path`.
std::string element(const std::string& path, std::size_t index) { return path + "[" + std::to_string(index) + "]"; }

std::string in_quotes(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string join(const std::vector<std::string_view>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + std::string(word);
  return out;
}

// Edit distance, for "did you mean" hints on misspelled field names.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string unknown_field_reason(std::string_view key, const std::vector<std::string_view>& known) {
  for (const auto& candidate : known) {
    if (edit_distance(key, candidate) <= 2) return "unknown field (did you mean " + in_quotes(candidate) + "?)";
  }
  return "unknown field (known fields: " + join(known) + ")";
}

// ---------------------------------------------------------------------------
// Typed values

std::optional<std::int64_t> read_integer(const json& node, const std::string& path, std::int64_t min, std::int64_t max,
                                         Errors& errors) {
  if (!node.is_number_integer()) return errors.reject(path, "expected an integer");
  // nlohmann stores non-negative integers unsigned; compare before narrowing.
  const bool too_big = node.is_number_unsigned() && node.get<std::uint64_t>() > static_cast<std::uint64_t>(max);
  const std::int64_t value = too_big ? max : node.get<std::int64_t>();
  if (!too_big && value >= min && value <= max) return value;
  const std::string range = max == kInt64Max ? "at least " + std::to_string(min)
                                             : "between " + std::to_string(min) + " and " + std::to_string(max);
  return errors.reject(path, "must be " + range + ", got " + node.dump());
}

std::optional<double> read_number(const json& node, const std::string& path, Errors& errors) {
  if (!node.is_number()) return errors.reject(path, "expected a number");
  return node.get<double>();
}

std::optional<double> read_probability(const json& node, const std::string& path, Errors& errors) {
  const auto value = read_number(node, path, errors);
  if (value && (*value < 0.0 || *value > 1.0)) {
    return errors.reject(path, "must be a probability between 0 and 1, got " + node.dump());
  }
  return value;
}

std::optional<bool> read_bool(const json& node, const std::string& path, Errors& errors) {
  if (!node.is_boolean()) return errors.reject(path, "expected true or false");
  return node.get<bool>();
}

std::optional<std::string> read_string(const json& node, const std::string& path, Errors& errors) {
  if (!node.is_string()) return errors.reject(path, "expected a string");
  return node.get<std::string>();
}

// A duration string such as "250ms"; `positive` also rejects zero.
std::optional<Micros> read_duration(const json& node, const std::string& path, bool positive, Errors& errors) {
  const char* const kForm = "a duration with a unit such as \"250ms\" (units: us, ms, s, m)";
  if (!node.is_string()) return errors.reject(path, std::string("expected ") + kForm);
  const auto& text = node.get_ref<const std::string&>();
  if (text.starts_with("-")) return errors.reject(path, "must not be negative, got " + in_quotes(text));
  const auto value = parse_duration(text);
  if (!value) return errors.reject(path, std::string("expected ") + kForm + ", got " + in_quotes(text));
  if (positive && *value == 0) return errors.reject(path, "must be greater than zero");
  if (*value > kDurationMax) return errors.reject(path, "must be at most " + format_duration(kDurationMax));
  return value;
}

// ---------------------------------------------------------------------------
// Objects

// One JSON object being read. Construction reports a non-object and every field
// outside `known`; the typed getters then read optional fields into their defaults.
class Fields {
 public:
  Fields(const json& node, std::string path, std::vector<std::string_view> known, Errors& errors)
      : node_(node), path_(std::move(path)), errors_(errors) {
    if (!node_.is_object()) {
      errors_.fail(path_, path_.empty() ? "the top level must be a JSON object" : "expected an object");
      return;
    }
    for (const auto& [key, value] : node_.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        errors_.fail(at(key), unknown_field_reason(key, known));
      }
    }
  }

  bool is_object() const { return node_.is_object(); }
  const json* get(std::string_view key) const {
    if (!node_.is_object()) return nullptr;
    auto it = node_.find(key);
    return it == node_.end() ? nullptr : &*it;
  }
  std::string at(std::string_view key) const { return child(path_, key); }
  const std::string& path() const { return path_; }
  Errors& errors() const { return errors_; }

  // Reports a missing required field; true if it is present.
  bool require(std::string_view key) const {
    return get(key) != nullptr || errors_.fail(at(key), "required field is missing");
  }

  template <class Int>
  void integer(std::string_view key, std::int64_t min, std::int64_t max, Int& out) const {
    if (const json* node = get(key)) {
      if (auto value = read_integer(*node, at(key), min, max, errors_)) out = static_cast<Int>(*value);
    }
  }
  void probability(std::string_view key, double& out) const { assign(key, read_probability, out); }
  void boolean(std::string_view key, bool& out) const { assign(key, read_bool, out); }
  void text(std::string_view key, std::string& out) const { assign(key, read_string, out); }
  void duration(std::string_view key, Micros& out, bool positive = false) const {
    if (const json* node = get(key)) {
      if (auto value = read_duration(*node, at(key), positive, errors_)) out = *value;
    }
  }
  // A string from a closed set, e.g. the protocol name.
  void choice(std::string_view key, std::vector<std::string_view> allowed, std::string& out) const {
    std::string value = out;
    text(key, value);
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) {
      out = value;
    } else {
      const std::string reason = "unknown " + std::string(key) + " " + in_quotes(value);
      errors_.fail(at(key), reason + " (allowed: " + join(allowed) + ")");
    }
  }

 private:
  template <class Reader, class T>
  void assign(std::string_view key, Reader reader, T& out) const {
    if (const json* node = get(key)) {
      if (auto value = reader(*node, at(key), errors_)) out = *value;
    }
  }

  const json& node_;
  std::string path_;
  Errors& errors_;
};

// ---------------------------------------------------------------------------
// Node names

// What a fault may name besides concrete replicas.
enum class Names { kReplicasOnly, kSymbolicAllowed };

// "r<k>" with k < replicas and no leading zeros, so each replica has one spelling.
bool is_replica_name(std::string_view name, int replicas) {
  if (name.size() < 2 || name[0] != 'r' || (name[1] == '0' && name.size() > 2)) return false;
  const auto index = digits_value(name.substr(1));
  return index && *index < replicas;
}

bool check_node_name(const std::string& name, const std::string& path, int replicas, Names names, Errors& errors) {
  // "zk" names the simulated ZooKeeper node of a "zk"-protocol run (nothing otherwise).
  const bool symbolic = name == "leader" || name == "*" || name == "zk";
  if (is_replica_name(name, replicas) || (symbolic && names == Names::kSymbolicAllowed)) return true;
  const std::string known = replicas == 1 ? "r0" : "r0..r" + std::to_string(replicas - 1);
  if (symbolic) return errors.fail(path, in_quotes(name) + " is not allowed here; name replicas " + known);
  const std::string extra = names == Names::kSymbolicAllowed ? " (or \"leader\", \"*\")" : "";
  return errors.fail(path, "unknown node " + in_quotes(name) + ": a " + std::to_string(replicas) +
                               "-replica cluster has " + known + extra);
}

// A node set: one name, or a non-empty array of distinct names.
std::optional<NodeSet> read_nodes(const json& node, const std::string& path, int replicas, Names names,
                                  Errors& errors) {
  if (node.is_string()) {
    const auto name = node.get<std::string>();
    if (!check_node_name(name, path, replicas, names, errors)) return std::nullopt;
    return NodeSet{name};
  }
  if (!node.is_array()) return errors.reject(path, "expected a node name or an array of node names");
  if (node.empty()) return errors.reject(path, "names no node");
  NodeSet set;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const auto name = read_string(node[i], element(path, i), errors);
    if (!name || !check_node_name(*name, element(path, i), replicas, names, errors)) return std::nullopt;
    if (std::find(set.begin(), set.end(), *name) != set.end()) {
      return errors.reject(element(path, i), in_quotes(*name) + " is named twice");
    }
    set.push_back(*name);
  }
  return set;
}

// Sets in one fault must not share a name: a node cannot be on both sides of a
// partition, and two "*" would each mean "everyone else".
bool check_disjoint(const std::vector<NodeSet>& sets, const std::vector<std::string>& paths, Errors& errors) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    for (const auto& name : sets[i]) {
      if (!seen.insert(name).second) return errors.fail(paths[i], in_quotes(name) + " is also named in another group");
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// Sections

// Every protocol's name, from the registry (sim/setup/protocol_names.hpp).
std::vector<std::string_view> protocol_names() {
  std::vector<std::string_view> names;
  for (const Protocol& p : protocols()) names.push_back(p.name);
  return names;
}

// Where the first scenario format kept the protocols' timing: in "cluster", under
// Paxos names, which the zk protocol read as its tick (heartbeat) and half its
// session timeout (election_timeout). Still read, with exactly that meaning, in a
// file without per-protocol sections.
struct OldTimes {
  std::optional<Micros> heartbeat_us;
  std::optional<Micros> election_timeout_us;
  bool any() const { return heartbeat_us || election_timeout_us; }
};

void read_cluster(const json& node, ClusterSpec& c, OldTimes& old, Errors& errors) {
  const Fields f(node, "cluster",
                 {"replicas", "protocol", "store", "max_log_size", "checkpoint_interval", "batch_size_max", "heartbeat",
                  "election_timeout"},
                 errors);
  f.integer("replicas", 1, 9, c.replicas);
  f.choice("protocol", protocol_names(), c.protocol);
  f.choice("store", {"sqlite", "cassandra"}, c.store);
  f.integer("max_log_size", 1, kInt64Max, c.max_log_size);
  f.integer("checkpoint_interval", 1, kInt64Max, c.checkpoint_interval);
  f.integer("batch_size_max", 1, 65535, c.batch_size_max);  // the simulator packs batch positions in 16 bits
  if (const json* h = f.get("heartbeat")) old.heartbeat_us = read_duration(*h, f.at("heartbeat"), true, errors);
  if (const json* e = f.get("election_timeout")) {
    old.election_timeout_us = read_duration(*e, f.at("election_timeout"), true, errors);
  }
  // A checkpoint must come before the log fills up, or the log bound cannot hold.
  if (c.checkpoint_interval >= c.max_log_size) {
    const std::string limits = "checkpoint_interval (" + std::to_string(c.checkpoint_interval) +
                               ") must be less than max_log_size (" + std::to_string(c.max_log_size) + ")";
    errors.fail(f.at(f.get("checkpoint_interval") ? "checkpoint_interval" : "max_log_size"), limits);
  }
}

// The field paths the protocol settings' checks report, which differ between the
// sections and the old names in "cluster".
struct SettingPaths {
  std::string heartbeat = "paxos.heartbeat";
  std::string election_timeout = "paxos.election_timeout";
  std::string tick = "zk.tick";
  std::string session_timeout = "zk.session_timeout";
};

// What to write instead of the old names: the sections that mean the same.
std::string sections_text(const ClusterSpec& c) {
  return "\"paxos\": {\"heartbeat\": \"" + format_duration(c.paxos.heartbeat_us) + "\", \"election_timeout\": \"" +
         format_duration(c.paxos.election_timeout_us) + "\"}, \"zk\": {\"session_timeout\": \"" +
         format_duration(c.zk.session_timeout_us) + "\", \"tick\": \"" + format_duration(c.zk.tick_us) + "\"}";
}

// The old names, given the meaning they always had: one setting for both protocols.
// Beside a section they are an error, since which protocol they then meant is unclear.
void apply_old_times(const OldTimes& old, bool has_sections, ClusterSpec& c, SettingPaths& paths, Errors& errors) {
  if (!old.any()) return;
  const std::string name = old.heartbeat_us ? "heartbeat" : "election_timeout";
  if (old.heartbeat_us) c.paxos.heartbeat_us = c.zk.tick_us = *old.heartbeat_us;
  if (old.election_timeout_us) {
    c.paxos.election_timeout_us = *old.election_timeout_us;
    c.zk.session_timeout_us = 2 * *old.election_timeout_us;
  }
  if (has_sections) {
    errors.fail(child("cluster", name),
                "the old place of a protocol setting, not allowed beside a \"paxos\" or "
                "\"zk\" section (which protocol would it set?); in sections the old names "
                "mean " +
                    sections_text(c));
    return;
  }
  paths = {"cluster.heartbeat", "cluster.election_timeout", "cluster.heartbeat", "cluster.election_timeout"};
}

void read_paxos(const json& node, PaxosSettings& p, Errors& errors) {
  const Fields f(node, "paxos", {"heartbeat", "election_timeout"}, errors);
  f.duration("heartbeat", p.heartbeat_us, true);
  f.duration("election_timeout", p.election_timeout_us, true);
}

void read_zk(const json& node, ZkSettings& z, Errors& errors) {
  // Before the generic unknown-field message: these two are the Paxos names the zk
  // settings had in "cluster", the likeliest slip, and deserve a precise answer.
  for (const char* paxos_name : {"election_timeout", "heartbeat"}) {
    if (node.is_object() && node.contains(paxos_name)) {
      errors.fail(child("zk", paxos_name),
                  "a Paxos setting, not one of the zk protocol's (session_timeout, tick): its leader is replaced "
                  "when its ZooKeeper session expires; write \"zk\": {\"session_timeout\": ...} or put it in "
                  "\"paxos\"");
    }
  }
  const Fields f(node, "zk", {"session_timeout", "tick"}, errors);
  f.duration("session_timeout", z.session_timeout_us, true);
  f.duration("tick", z.tick_us, true);
}

// The reader of each settings section the registry names. A protocol added to the
// registry without one here fails the first scenario it reads (a test reads one per
// protocol), rather than silently ignoring its section.
void read_settings_section(std::string_view section, const json& node, ClusterSpec& c, Errors& errors) {
  if (section == "paxos") return read_paxos(node, c.paxos, errors);
  if (section == "zk") return read_zk(node, c.zk, errors);
  FL_ASSERT(false, "no reader for the settings section \"" + std::string(section) + "\"");
}

void check_settings(const ClusterSpec& c, const SettingPaths& paths, bool old_form, Errors& errors) {
  if (c.paxos.election_timeout_us <= c.paxos.heartbeat_us) {
    errors.fail(paths.election_timeout, "must be longer than heartbeat (" + format_duration(c.paxos.heartbeat_us) +
                                            "), or a healthy leader is deposed between heartbeats");
  }
  // The simulated server grants a session timeout within its bounds only (2 and 20
  // of its ticks); anything else would quietly run with a different timeout.
  const zkserver::SessionTable server(zkserver::ServiceConfig{}.sessions);
  const Micros timeout_us = c.zk.session_timeout_us;
  if (server.negotiate(timeout_us) != timeout_us) {
    const std::string range = "between " + format_duration(server.negotiate(0)) + " and " +
                              format_duration(server.negotiate(kDurationMax)) +
                              " (what the simulated ZooKeeper server grants)";
    ClusterSpec granted = c;
    granted.zk.session_timeout_us = server.negotiate(timeout_us);
    errors.fail(paths.session_timeout, old_form
                                           ? "gives the zk protocol a session timeout of twice this, " +
                                                 format_duration(timeout_us) + ", which must be " + range +
                                                 "; write the sections instead, e.g. " + sections_text(granted)
                                           : "must be " + range + ", got " + in_quotes(format_duration(timeout_us)));
  }
  if (c.zk.tick_us >= timeout_us) {
    errors.fail(paths.tick, "must be shorter than the session timeout (" + format_duration(timeout_us) +
                                "), or a replica acts less than once a session");
  }
}

void read_network(const json& node, NetworkSpec& n, Errors& errors) {
  const Fields f(node, "network", {"latency", "jitter", "loss", "duplicate", "reorder", "reorder_delay"}, errors);
  f.duration("latency", n.latency_us);
  f.duration("jitter", n.jitter_us);
  f.probability("loss", n.loss);
  f.probability("duplicate", n.duplicate);
  f.probability("reorder", n.reorder);
  f.duration("reorder_delay", n.reorder_delay_us);
}

// A mix names the operations it wants; the ones it leaves out are not issued.
void read_mix(const json& node, const std::string& path, OpMix& mix, Errors& errors) {
  const Fields f(node, path, {"insert", "append", "read", "read_all"}, errors);
  if (!f.is_object()) return;
  mix = OpMix{0.0, 0.0, 0.0, 0.0};
  f.probability("insert", mix.insert);
  f.probability("append", mix.append);
  f.probability("read", mix.read);
  f.probability("read_all", mix.read_all);
  if (mix.insert + mix.append + mix.read + mix.read_all <= 0.0) {
    errors.fail(path, "needs at least one operation with a probability above 0");
  }
}

// Clients send to concrete replicas; "leader" would need knowledge clients lack.
void read_targets(const json& node, const std::string& path, int replicas, std::vector<std::string>& out,
                  Errors& errors) {
  if (!node.is_array()) {
    errors.fail(path, "expected an array of replica names");
    return;
  }
  if (node.empty()) return;  // the same as leaving it out: any replica
  if (auto names = read_nodes(node, path, replicas, Names::kReplicasOnly, errors)) out = *names;
}

void read_workload(const json& node, int replicas, WorkloadSpec& w, Errors& errors) {
  const Fields f(node, "workload",
                 {"clients", "keys", "mix", "rate_hz", "targets", "timeout", "attempts_max", "requests_max"}, errors);
  f.integer("clients", 1, 10000, w.clients);
  f.integer("keys", 1, 1 << 20, w.keys);
  if (const json* mix = f.get("mix")) read_mix(*mix, f.at("mix"), w.mix, errors);
  if (const json* rate = f.get("rate_hz")) {
    // Bounded on both sides: the think time is 1e6 / rate microseconds, and past these
    // bounds it is either longer than any run or shorter than the clock's tick.
    const auto value = read_number(*rate, f.at("rate_hz"), errors);
    const bool in_range = value && *value >= kRateHzMin && *value <= kRateHzMax;
    if (value && !in_range) errors.fail(f.at("rate_hz"), "must be between 0.001 and 1000000, got " + rate->dump());
    if (in_range) w.rate_hz = *value;
  }
  if (const json* targets = f.get("targets")) read_targets(*targets, f.at("targets"), replicas, w.targets, errors);
  f.duration("timeout", w.timeout_us, true);
  f.integer("attempts_max", 0, kIntMax, w.attempts_max);
  f.integer("requests_max", 0, kIntMax, w.requests_max);
}

void read_expect(const json& node, Expectations& e, Errors& errors) {
  const Fields f(node, "expect",
                 {"linearizable", "converged", "durable", "exactly_once", "log_bound", "progress", "liveness_bound"},
                 errors);
  f.boolean("linearizable", e.linearizable);
  f.boolean("converged", e.converged);
  f.boolean("durable", e.durable);
  f.boolean("exactly_once", e.exactly_once);
  f.boolean("log_bound", e.log_bound);
  f.duration("liveness_bound", e.liveness_bound_us, true);
  std::string progress = "after-heal";
  f.choice("progress", {"always", "after-heal", "none"}, progress);
  e.progress = progress == "always" ? Progress::kAlways : progress == "none" ? Progress::kNone : Progress::kAfterHeal;
}

// Weights are relative, like the workload mix; the bound keeps their sum finite
// (four weights of 1e308 would add up to infinity, and every draw would be the last).
void read_weight(const Fields& f, std::string_view key, double& out) {
  if (const json* node = f.get(key)) {
    const auto value = read_number(*node, f.at(key), f.errors());
    const bool in_range = value && *value >= 0.0 && *value <= kWeightMax;
    if (value && !in_range) f.errors().fail(f.at(key), "must be between 0 and 1000000, got " + node->dump());
    if (in_range) out = *value;
  }
}

// The nemesis must be able to do what its weights ask without breaking the run.
void check_classic_nemesis(const Fields& f, const NemesisSpec& n, const Scenario& s) {
  Errors& errors = f.errors();
  if (n.crash + n.partition + n.cut + n.kill_all <= 0.0) {
    errors.fail(f.path(), "needs a weight above 0 for at least one of crash, partition, cut, kill_all");
  }
  if (n.crash > 0.0 && n.crashed_max == 0) errors.fail(f.at("crashed_max"), "must be at least 1 when crash is drawn");
  if ((n.partition > 0.0 || n.cut > 0.0) && s.cluster.replicas < 2) {
    errors.fail(f.at(n.partition > 0.0 ? "partition" : "cut"), "needs at least 2 replicas");
  }
}

void check_nemesis_window(const Fields& f, const NemesisSpec& n, const Scenario& s) {
  Errors& errors = f.errors();
  const Micros end_us = s.duration_us + s.quiesce_us;
  if (n.stop_us > end_us) {
    errors.fail(f.at("stop"), "is after the run ends at " + format_duration(end_us) + " (duration + quiesce)");
  }
  const Micros stop_us = n.stop_us > 0 ? n.stop_us : s.duration_us;
  if (n.start_us >= stop_us) {
    errors.fail(f.at("start"), "must be before the nemesis stops at " + format_duration(stop_us));
  }
}

const std::vector<std::string_view> kClassicOnly = {"interval", "crash", "partition", "cut", "kill_all"};
const std::vector<std::string_view> kSwarmOnly = {"kinds", "gap_min", "gap_max", "fault_min", "fault_max"};

// Fields of one mode are errors in the other, so a scenario never carries a knob
// that silently does nothing.
void reject_fields_of_other_mode(const Fields& f, bool swarm) {
  for (const auto& key : swarm ? kClassicOnly : kSwarmOnly) {
    if (!f.get(key)) continue;
    f.errors().fail(f.at(key), swarm ? "not used by the swarm nemesis (it draws kinds and rates per seed; "
                                       "list the kinds it may use in \"kinds\")"
                                     : "only used when \"swarm\" is true");
  }
}

// A kind the cluster cannot host is an error when named, so "kinds" says what runs.
std::optional<std::string> swarm_kind_unusable(SwarmKind kind, const NemesisSpec& n, int replicas) {
  switch (kind) {
    case SwarmKind::kCrash:
    case SwarmKind::kLagging:
      if (n.crashed_max < 1) return "needs crashed_max of at least 1";
      return std::nullopt;
    case SwarmKind::kPartition:
    case SwarmKind::kCut:
      if (replicas < 2) return "needs at least 2 replicas";
      return std::nullopt;
    case SwarmKind::kBridge:
      if (replicas < 3) return "needs at least 3 replicas";
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

void read_swarm_kinds(const Fields& f, NemesisSpec& n, int replicas) {
  const json* node = f.get("kinds");
  if (!node) return;
  Errors& errors = f.errors();
  const std::string path = f.at("kinds");
  if (!node->is_array() || node->empty()) {
    errors.fail(path, "expected a non-empty array of fault kinds");
    return;
  }
  const std::vector<std::string_view> known(kSwarmKindNames.begin(), kSwarmKindNames.end());
  std::vector<SwarmKind> kinds;
  for (std::size_t i = 0; i < node->size(); ++i) {
    const auto name = read_string((*node)[i], element(path, i), errors);
    if (!name) return;
    const auto it = std::find(known.begin(), known.end(), *name);
    if (it == known.end()) {
      errors.fail(element(path, i), "unknown kind " + in_quotes(*name) + " (allowed: " + join(known) + ")");
      return;
    }
    const auto kind = static_cast<SwarmKind>(it - known.begin());
    if (std::find(kinds.begin(), kinds.end(), kind) != kinds.end()) {
      errors.fail(element(path, i), in_quotes(*name) + " is named twice");
      return;
    }
    if (auto why = swarm_kind_unusable(kind, n, replicas)) {
      errors.fail(element(path, i), in_quotes(*name) + " " + *why);
      return;
    }
    kinds.push_back(kind);
  }
  n.kinds = std::move(kinds);
}

// A range read from two fields: both > 0, the first not above the second.
void read_range(const Fields& f, std::string_view min_key, std::string_view max_key, Micros& min_us, Micros& max_us) {
  f.duration(min_key, min_us, true);
  f.duration(max_key, max_us, true);
  if (min_us > max_us) {
    f.errors().fail(f.at(f.get(max_key) ? max_key : min_key), std::string(max_key) + " (" + format_duration(max_us) +
                                                                  ") must not be below " + std::string(min_key) + " (" +
                                                                  format_duration(min_us) + ")");
  }
}

void read_swarm(const Fields& f, NemesisSpec& n, const Scenario& s) {
  read_swarm_kinds(f, n, s.cluster.replicas);
  if (!f.get("kinds")) {
    // The default set, less the kinds this cluster cannot host.
    std::erase_if(n.kinds, [&](SwarmKind k) { return swarm_kind_unusable(k, n, s.cluster.replicas).has_value(); });
    if (n.kinds.empty()) f.errors().fail(f.path(), "no swarm kind fits this cluster");
  }
  read_range(f, "gap_min", "gap_max", n.gap_min_us, n.gap_max_us);
  read_range(f, "fault_min", "fault_max", n.fault_min_us, n.fault_max_us);
  n.base_network = s.network;
}

void read_nemesis(const json& node, Scenario& s, Errors& errors) {
  if (node.is_null()) return;  // explicit "no nemesis"
  if (!node.is_object()) {
    errors.fail("nemesis", "expected an object or null");
    return;
  }
  const Fields f(node, "nemesis",
                 {"swarm", "interval", "start", "stop", "crash", "partition", "cut", "kill_all", "crashed_max", "kinds",
                  "gap_min", "gap_max", "fault_min", "fault_max"},
                 errors);
  NemesisSpec n;
  f.boolean("swarm", n.swarm);
  reject_fields_of_other_mode(f, n.swarm);
  f.duration("interval", n.interval_us, true);
  f.duration("start", n.start_us);
  f.duration("stop", n.stop_us);
  read_weight(f, "crash", n.crash);
  read_weight(f, "partition", n.partition);
  read_weight(f, "cut", n.cut);
  read_weight(f, "kill_all", n.kill_all);
  f.integer("crashed_max", 0, s.cluster.replicas - 1, n.crashed_max);
  if (n.swarm) {
    read_swarm(f, n, s);
  } else {
    check_classic_nemesis(f, n, s);
  }
  check_nemesis_window(f, n, s);
  s.nemesis = n;
}

// ---------------------------------------------------------------------------
// Faults

const std::vector<std::string_view> kFaultActions = {
    "crash", "restart", "pause", "resume", "kill_all", "restart_all", "partition", "cut", "heal", "network", "rolling"};

// What every fault element is checked against.
struct FaultContext {
  int replicas;
  Micros end_us;  // duration + quiesce: nothing can fire later
};

std::optional<FaultAction> read_flag_action(const json& node, const std::string& path, FaultAction action,
                                            Errors& errors) {
  const auto value = read_bool(node, path, errors);
  if (value && !*value) return errors.reject(path, "must be true (leave the fault out instead)");
  if (!value) return std::nullopt;
  return action;
}

std::optional<FaultAction> read_partition(const json& node, const std::string& path, int replicas, Errors& errors) {
  if (!node.is_array() || node.size() < 2) {
    return errors.reject(path, "expected an array of at least two groups of node names");
  }
  Partition partition;
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < node.size(); ++i) {
    auto group = read_nodes(node[i], element(path, i), replicas, Names::kSymbolicAllowed, errors);
    if (!group) return std::nullopt;
    partition.groups.push_back(std::move(*group));
    paths.push_back(element(path, i));
  }
  if (!check_disjoint(partition.groups, paths, errors)) return std::nullopt;
  return partition;
}

std::optional<FaultAction> read_cut(const json& node, const std::string& path, int replicas, Errors& errors) {
  const Fields f(node, path, {"from", "to"}, errors);
  if (!f.is_object() || !f.require("from") || !f.require("to")) return std::nullopt;
  auto from = read_nodes(*f.get("from"), f.at("from"), replicas, Names::kSymbolicAllowed, errors);
  auto to = read_nodes(*f.get("to"), f.at("to"), replicas, Names::kSymbolicAllowed, errors);
  if (!from || !to || !check_disjoint({*from, *to}, {f.at("from"), f.at("to")}, errors)) return std::nullopt;
  return Cut{std::move(*from), std::move(*to)};
}

std::optional<FaultAction> read_network_change(const json& node, const std::string& path, Errors& errors) {
  const Fields f(node, path, {"latency", "jitter", "loss", "duplicate", "reorder"}, errors);
  if (!f.is_object()) return std::nullopt;
  if (node.empty()) {
    return errors.reject(path, "changes nothing; set one of latency, jitter, loss, duplicate, reorder");
  }
  NetworkChange change;
  auto optional_duration = [&](std::string_view key, std::optional<Micros>& out) {
    if (const json* v = f.get(key)) out = read_duration(*v, f.at(key), false, errors);
  };
  auto optional_probability = [&](std::string_view key, std::optional<double>& out) {
    if (const json* v = f.get(key)) out = read_probability(*v, f.at(key), errors);
  };
  optional_duration("latency", change.latency_us);
  optional_duration("jitter", change.jitter_us);
  optional_probability("loss", change.loss);
  optional_probability("duplicate", change.duplicate);
  optional_probability("reorder", change.reorder);
  return change;
}

// The single-step actions: everything except "rolling", which expands to many.
std::optional<FaultAction> read_action(std::string_view key, const json& node, const std::string& path,
                                       const FaultContext& ctx, Errors& errors) {
  if (key == "crash" || key == "restart") {
    auto nodes = read_nodes(node, path, ctx.replicas, Names::kSymbolicAllowed, errors);
    if (!nodes) return std::nullopt;
    if (key == "crash") return Crash{std::move(*nodes)};
    return Restart{std::move(*nodes)};
  }
  if (key == "pause" || key == "resume") {
    auto nodes = read_nodes(node, path, ctx.replicas, Names::kSymbolicAllowed, errors);
    if (!nodes) return std::nullopt;
    if (key == "pause") return Pause{std::move(*nodes)};
    return Resume{std::move(*nodes)};
  }
  if (key == "kill_all") return read_flag_action(node, path, KillAll{}, errors);
  if (key == "restart_all") return read_flag_action(node, path, RestartAll{}, errors);
  if (key == "heal") return read_flag_action(node, path, Heal{}, errors);
  if (key == "partition") return read_partition(node, path, ctx.replicas, errors);
  if (key == "cut") return read_cut(node, path, ctx.replicas, errors);
  return read_network_change(node, path, errors);
}

// Serial kill-then-recover: crash nodes[0] at `at`, restart it `down` later, wait
// `gap`, then the same for nodes[1], and so on. Concrete names only: "leader" at
// restart time would name a different node than the one crashed.
void expand_rolling(const json& node, const std::string& path, Micros at_us, const FaultContext& ctx,
                    std::vector<TimedFault>& out, Errors& errors) {
  const Fields f(node, path, {"nodes", "down", "gap"}, errors);
  if (!f.is_object() || !f.require("nodes") || !f.require("down") || !f.require("gap")) return;
  const auto nodes = read_nodes(*f.get("nodes"), f.at("nodes"), ctx.replicas, Names::kReplicasOnly, errors);
  const auto down_us = read_duration(*f.get("down"), f.at("down"), true, errors);
  const auto gap_us = read_duration(*f.get("gap"), f.at("gap"), false, errors);
  if (!nodes || !down_us || !gap_us) return;
  Micros t = at_us;
  for (const auto& name : *nodes) {
    out.push_back(TimedFault{t, Crash{{name}}, path});
    out.push_back(TimedFault{t + *down_us, Restart{{name}}, path});
    t += *down_us + *gap_us;
  }
  const Micros last_us = t - *gap_us;
  if (last_us > ctx.end_us) {
    errors.fail(path, "ends at " + format_duration(last_us) + ", after the run ends at " + format_duration(ctx.end_us) +
                          " (duration + quiesce)");
  }
}

// The one action key of a fault element, or nullopt after reporting none or several.
std::optional<std::string> single_action(const json& node, const std::string& path, Errors& errors) {
  std::vector<std::string> present;
  for (const auto& key : kFaultActions) {
    if (node.contains(key)) present.emplace_back(key);
  }
  if (present.size() == 1) return present[0];
  if (present.empty()) return errors.reject(path, "needs one action: " + join(kFaultActions));
  return errors.reject(path, "has more than one action (" + in_quotes(present[0]) + ", " + in_quotes(present[1]) +
                                 "); use one array element per action");
}

void read_fault(const json& node, const std::string& path, const FaultContext& ctx, std::vector<TimedFault>& out,
                Errors& errors) {
  std::vector<std::string_view> known = kFaultActions;
  known.insert(known.begin(), "at");
  const Fields f(node, path, known, errors);
  if (!f.is_object() || !f.require("at")) return;
  const auto at_us = read_duration(*f.get("at"), f.at("at"), false, errors);
  const auto key = single_action(node, path, errors);
  if (!at_us || !key) return;
  if (*at_us > ctx.end_us) {
    errors.fail(f.at("at"), format_duration(*at_us) + " is after the run ends at " + format_duration(ctx.end_us) +
                                " (duration + quiesce)");
    return;
  }
  if (*key == "rolling") {
    expand_rolling(node.at(*key), f.at(*key), *at_us, ctx, out, errors);
  } else if (auto action = read_action(*key, node.at(*key), f.at(*key), ctx, errors)) {
    out.push_back(TimedFault{*at_us, std::move(*action), path});
  }
}

void read_faults(const json& node, const FaultContext& ctx, std::vector<TimedFault>& out, Errors& errors) {
  if (!node.is_array()) {
    errors.fail("faults", "expected an array of faults");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) read_fault(node[i], element("faults", i), ctx, out, errors);
  // Stable: faults at the same instant fire in file order (e.g. heal, then crash).
  std::stable_sort(out.begin(), out.end(), [](const TimedFault& a, const TimedFault& b) { return a.at_us < b.at_us; });
}

// Sections are read in dependency order: node names need the replica count, and
// fault times need duration and quiesce.
void read_scenario(const json& root, Scenario& s, Errors& errors) {
  std::vector<std::string_view> known = {"name",   "description", "cluster",  "network", "workload",
                                         "faults", "nemesis",     "duration", "quiesce", "expect"};
  std::ptrdiff_t after_cluster = 3;  // each protocol's section, listed after "cluster"
  for (const Protocol& p : protocols()) known.insert(known.begin() + after_cluster++, p.settings_section);
  const Fields f(root, "", known, errors);
  if (!f.is_object()) return;
  if (f.require("name")) f.text("name", s.name);
  if (f.get("name") && f.get("name")->is_string() && s.name.empty()) errors.fail("name", "must not be empty");
  f.text("description", s.description);
  f.duration("duration", s.duration_us, true);
  f.duration("quiesce", s.quiesce_us);
  OldTimes old;
  if (const json* c = f.get("cluster")) read_cluster(*c, s.cluster, old, errors);
  bool has_sections = false;
  for (const Protocol& p : protocols()) has_sections = has_sections || f.get(p.settings_section);
  SettingPaths paths;
  apply_old_times(old, has_sections, s.cluster, paths, errors);
  for (const Protocol& p : protocols()) {
    if (const json* section = f.get(p.settings_section)) {
      read_settings_section(p.settings_section, *section, s.cluster, errors);
    }
  }
  check_settings(s.cluster, paths, old.any(), errors);
  if (const json* n = f.get("network")) read_network(*n, s.network, errors);
  if (const json* w = f.get("workload")) read_workload(*w, s.cluster.replicas, s.workload, errors);
  if (const json* e = f.get("expect")) read_expect(*e, s.expect, errors);
  if (const json* n = f.get("nemesis")) read_nemesis(*n, s, errors);
  const FaultContext ctx{s.cluster.replicas, s.duration_us + s.quiesce_us};
  if (const json* faults = f.get("faults")) read_faults(*faults, ctx, s.faults, errors);
}

// ---------------------------------------------------------------------------
// JSON text

// nlohmann::json keeps the last of two equal keys without a word, which would hide
// a pasted-twice "faults" array. This parser callback tracks the JSON path of each
// value so that a duplicate can be reported where it is.
class DuplicateKeys {
 public:
  bool on_event(json::parse_event_t event, const json& parsed) {
    using E = json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        frames_.push_back(Frame{event == E::array_start, next_path()});
        break;
      case E::object_end:
      case E::array_end:
        frames_.pop_back();
        break;
      case E::key:
        on_key(parsed.get<std::string>());
        break;
      case E::value:
        next_path();
        break;
    }
    return true;
  }
  const std::optional<std::string>& first() const { return first_; }

 private:
  struct Frame {
    bool is_array = false;
    std::string path;
    std::size_t next_index = 0;
    std::string key{};
    std::set<std::string> keys{};
  };

  // The path of the value that starts now (advancing the index inside an array).
  std::string next_path() {
    if (frames_.empty()) return "";
    Frame& top = frames_.back();
    return top.is_array ? element(top.path, top.next_index++) : child(top.path, top.key);
  }
  void on_key(const std::string& key) {
    Frame& top = frames_.back();
    if (!top.keys.insert(key).second && !first_) first_ = child(top.path, key);
    top.key = key;
  }

  std::vector<Frame> frames_;
  std::optional<std::string> first_;
};

// "line 3, column 7 (byte 42)" for the 1-based byte offset nlohmann reports, which
// points at the character that could not be parsed.
std::string position_text(const std::string& text, std::size_t byte) {
  const std::string_view before = std::string_view(text).substr(0, byte == 0 ? 0 : byte - 1);
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  const std::size_t last_newline = before.rfind('\n');
  const std::size_t column = before.size() - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + " (byte " + std::to_string(byte) + ")";
}

// nlohmann's message without its "[json.exception...] parse error at ...: " prefix.
std::string parse_error_detail(const std::string& what) {
  const auto start = what.find("parse error");
  const auto colon = start == std::string::npos ? std::string::npos : what.find(": ", start);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// Thrown from the parser's callback at the first value nested past kNestingMax.
struct TooDeep {};

// nlohmann's "number overflow parsing '1e400'" with the number's place in `text`.
std::string overflow_text(const std::string& text, const std::string& what) {
  const auto open = what.find('\'');
  const auto close = open == std::string::npos ? std::string::npos : what.find('\'', open + 1);
  if (close == std::string::npos) return "a number too large for a double";
  const std::string number = what.substr(open + 1, close - open - 1);
  const auto at = text.find(number);
  const std::string where = at == std::string::npos ? "" : " at " + position_text(text, at + 1);
  return "the number " + number + where + " is too large for a double";
}

std::optional<json> parse_json(const std::string& text, Errors& errors) {
  DuplicateKeys duplicates;
  try {
    json root = json::parse(text, [&duplicates](int depth, json::parse_event_t event, json& parsed) {
      if (depth > kNestingMax) throw TooDeep{};
      return duplicates.on_event(event, parsed);
    });
    if (duplicates.first()) return errors.reject(*duplicates.first(), "duplicate field");
    return root;
  } catch (const TooDeep&) {
    errors.fail("", "nesting deeper than " + std::to_string(kNestingMax) + " levels (a scenario needs 4)");
  } catch (const json::parse_error& e) {
    errors.fail("", "invalid JSON at " + position_text(text, e.byte) + ": " + parse_error_detail(e.what()));
  } catch (const json::out_of_range& e) {  // a number too large for a double
    errors.fail("", "invalid JSON: " + overflow_text(text, e.what()));
  } catch (const json::exception& e) {
    errors.fail("", "invalid JSON: " + parse_error_detail(e.what()));
  }
  return std::nullopt;
}

// A file's contents, or the operating system's reason it could not be read.
struct FileText {
  std::optional<std::string> text;
  std::string error;
};

FileText read_file(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) return {std::nullopt, std::generic_category().message(errno)};
  std::string text;
  char buffer[1 << 16];
  std::size_t n = 0;
  // Up to one byte past the limit, so that a device with no end (/dev/zero) is
  // refused instead of filling memory.
  while (text.size() <= kScenarioBytesMax && (n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, n);
  }
  if (text.size() > kScenarioBytesMax) return {std::nullopt, "larger than the limit of 16 MiB for a scenario file"};
  // Reading a directory "opens" fine and fails here with EISDIR.
  if (std::ferror(file.get())) return {std::nullopt, std::generic_category().message(errno)};
  return {std::move(text), ""};
}

}  // namespace

std::string ScenarioError::message() const {
  return field.empty() ? file + ": " + reason : file + ": " + field + ": " + reason;
}

std::optional<Micros> parse_duration(const std::string& text) {
  const std::string_view view = text;
  for (const DurationUnit& unit : kUnits) {
    if (view.ends_with(unit.suffix)) return scale_decimal(view.substr(0, view.size() - unit.suffix.size()), unit.scale);
  }
  return std::nullopt;
}

std::string format_duration(Micros us) {
  if (us == 0) return "0s";
  for (auto unit = std::rbegin(kUnits); unit != std::rend(kUnits); ++unit) {
    if (us % unit->scale == 0) return std::to_string(us / unit->scale) + std::string(unit->suffix);
  }
  return std::to_string(us) + "us";  // unreachable: every value is a whole number of microseconds
}

std::optional<std::string> zookeeper_named(const Scenario& scenario) {
  const auto names_zk = [](const NodeSet& nodes) { return std::find(nodes.begin(), nodes.end(), "zk") != nodes.end(); };
  for (const TimedFault& fault : scenario.faults) {
    const bool named = std::visit(
        [&](const auto& action) {
          using A = std::decay_t<decltype(action)>;
          if constexpr (requires { action.nodes; }) return names_zk(action.nodes);
          if constexpr (std::is_same_v<A, Partition>) {
            return std::any_of(action.groups.begin(), action.groups.end(), names_zk);
          }
          if constexpr (std::is_same_v<A, Cut>) return names_zk(action.from) || names_zk(action.to);
          return false;
        },
        fault.action);
    if (named) return fault.origin;
  }
  return std::nullopt;
}

std::variant<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& file) {
  Errors errors(file);
  const auto root = parse_json(text, errors);
  Scenario scenario;
  scenario.source_file = file;
  if (root) read_scenario(*root, scenario, errors);
  if (!errors.ok()) return errors.take();
  return scenario;
}

std::variant<Scenario, ScenarioError> load_scenario(const std::string& path) {
  const FileText file = read_file(path);
  if (!file.text) return ScenarioError{path, "", "cannot read the file: " + file.error};
  return parse_scenario(*file.text, path);
}

}  // namespace fl::sim
