#include "sim/lin/models/register_model.hpp"

namespace fl::sim::lin {

std::optional<std::int64_t> CasRegisterModel::step(State s, const Input& in, const std::optional<Output>& out) const {
  switch (in.op) {
    case RegisterOp::kRead:
      if (out && out->value != s) return std::nullopt;
      return s;
    case RegisterOp::kWrite:
      return in.arg;
    case RegisterOp::kCas: {
      const bool swaps = s == in.arg;
      if (out && out->ok != swaps) return std::nullopt;
      return swaps ? in.swap : s;
    }
  }
  return std::nullopt;
}

std::string CasRegisterModel::describe(const Input& in, const std::optional<Output>& out) const {
  switch (in.op) {
    case RegisterOp::kRead:
      return "read() -> " + (out ? std::to_string(out->value) : "?");
    case RegisterOp::kWrite:
      return "write(" + std::to_string(in.arg) + ")" + (out ? "" : " -> ?");
    case RegisterOp::kCas:
      return "cas(" + std::to_string(in.arg) + "," + std::to_string(in.swap) + ") -> " +
             (out ? (out->ok ? "ok" : "failed") : "?");
  }
  return "?";
}

}  // namespace fl::sim::lin
