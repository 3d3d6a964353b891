#include "sim/lin/models/kv_model.hpp"

namespace fl::sim::lin {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

std::optional<std::string> KvModel::step(const State& s, const Input& in, const std::optional<Output>& out) const {
  switch (in.op) {
    case KvOp::kGet:
      if (out && out->value != s) return std::nullopt;
      return s;
    case KvOp::kPut:
      return in.value;
    case KvOp::kAppend:
      return s + in.value;
  }
  return std::nullopt;
}

std::uint64_t KvModel::hash(const State& s) const {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

std::string KvModel::describe(const Input& in, const std::optional<Output>& out) const {
  switch (in.op) {
    case KvOp::kGet:
      return "get(" + quoted(in.key) + ") -> " + (out ? quoted(out->value) : "?");
    case KvOp::kPut:
      return "put(" + quoted(in.key) + "," + quoted(in.value) + ")" + (out ? "" : " -> ?");
    case KvOp::kAppend:
      return "append(" + quoted(in.key) + "," + quoted(in.value) + ")" + (out ? "" : " -> ?");
  }
  return "?";
}

}  // namespace fl::sim::lin
