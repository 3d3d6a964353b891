// A compare-and-set register over integers, the classic object of linearizability
// checking (Herlihy & Wing 1990; Knossos' cas-register model). It shows how small a
// model can be and lets the search be tested apart from the grade table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

enum class RegisterOp : std::uint8_t { kRead, kWrite, kCas };

// read(); write(arg); cas(arg, swap): set to `swap` if the register holds `arg`.
struct RegisterInput {
  RegisterOp op = RegisterOp::kRead;
  std::int64_t arg = 0;
  std::int64_t swap = 0;
};

// What a read returned, or whether a cas succeeded; a write returns nothing.
struct RegisterOutput {
  std::int64_t value = 0;
  bool ok = false;
};

// The register holds 0 at first.
class CasRegisterModel {
 public:
  using State = std::int64_t;
  using Input = RegisterInput;
  using Output = RegisterOutput;

  State init() const { return 0; }
  std::optional<State> step(State s, const Input& in, const std::optional<Output>& out) const;
  std::uint64_t hash(State s) const { return mix64(static_cast<std::uint64_t>(s)); }
  // "read() -> 3", "write(4)", "cas(1,2) -> failed".
  std::string describe(const Input& in, const std::optional<Output>& out) const;
  // "the register holds 3".
  std::string describe_state(State s) const { return "the register holds " + std::to_string(s); }
};

using RegisterLinOp = LinOp<RegisterInput, RegisterOutput>;

}  // namespace fl::sim::lin
