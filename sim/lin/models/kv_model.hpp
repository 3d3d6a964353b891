// A string key-value map with get/put/append, judged one key at a time (Porcupine's
// kv model, the object of the MIT 6.824 labs). The per-key state is one string, so a
// missing key reads as "" just as in those labs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

enum class KvOp : std::uint8_t { kGet, kPut, kAppend };

// get(key); put(key, value); append(key, value).
struct KvInput {
  KvOp op = KvOp::kGet;
  std::string key;
  std::string value;
};

// What a get returned; put and append return nothing.
struct KvOutput {
  std::string value;
};

// One key's value; partition a history with partition_by(ops, key of input).
class KvModel {
 public:
  using State = std::string;
  using Input = KvInput;
  using Output = KvOutput;

  State init() const { return {}; }
  std::optional<State> step(const State& s, const Input& in, const std::optional<Output>& out) const;
  // FNV-1a: stable across standard libraries, unlike std::hash.
  std::uint64_t hash(const State& s) const;
  // get("x") -> "ab", put("x","a"), append("x","b").
  std::string describe(const Input& in, const std::optional<Output>& out) const;
  // the value is "ab".
  std::string describe_state(const State& s) const { return "the value is \"" + s + "\""; }
};

using KvLinOp = LinOp<KvInput, KvOutput>;

}  // namespace fl::sim::lin
