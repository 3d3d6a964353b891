// What the linearizability checker needs to know about an object: a sequential
// specification (Herlihy & Wing 1990, "Linearizability", §2) given as a deterministic
// state machine, and operations given as invocation/response intervals. A new model
// plugs into the search without changes to it, as in Porcupine (Athalye).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rsm/core/types.hpp"

namespace fl::sim::lin {

// Return time of an operation that never returned: it stays concurrent with
// everything invoked after it.
inline constexpr Micros kNever = std::numeric_limits<Micros>::max();

// One operation as the checker sees it: who issued it, when, what it asked and what
// it was told. An empty `output` marks an indeterminate operation (no reply): it may
// have taken effect at any time after `call_us`, or never, and its result constrains
// nothing; `return_us` is then ignored.
template <class Input, class Output>
struct LinOp {
  std::uint32_t client = 0;  // names the op in messages as "c<client>#<id>"
  std::uint64_t id = 0;
  Micros call_us = 0;
  Micros return_us = kNever;
  Input input{};
  std::optional<Output> output;

  bool indeterminate() const { return !output.has_value(); }
};

// A sequential specification. `step` answers whether `input` may yield `output` in
// `state` and, if so, the state after it; with no output (indeterminate op) it
// applies the effect and accepts any result, which must always succeed. States are
// compared with == and hashed with `hash` for Lowe's cache; equal states must hash
// equal. `describe` and `describe_state` write the words of a counterexample. A
// model may also offer `implied_order(ops)` (see Precedence below) and
// `describe_mismatch(state, input, output)`, which says where an answer and a state
// part ways when their printed forms are too long to compare by eye.
template <class M>
concept Model = requires(const M& m, const typename M::State& s, const typename M::Input& in,
                         const std::optional<typename M::Output>& out) {
  { m.init() } -> std::convertible_to<typename M::State>;
  { m.step(s, in, out) } -> std::same_as<std::optional<typename M::State>>;
  { m.hash(s) } -> std::convertible_to<std::uint64_t>;
  { s == s } -> std::convertible_to<bool>;
  { m.describe(in, out) } -> std::convertible_to<std::string>;
  { m.describe_state(s) } -> std::convertible_to<std::string>;
};

// The operation type a model judges.
template <Model M>
using OpOf = LinOp<typename M::Input, typename M::Output>;

// An order of two ops (indices into a history) beyond real-time order that every
// linearization meets, if the history has any. A model may know such facts from
// what ops observed (an append whose value a read missed comes after that read);
// the search uses them only to skip orders that would fail anyway, so they never
// change a verdict. A wrong fact would: the property tests hold each model's facts
// against a brute force and against the order a correct object really executed.
struct Precedence {
  std::size_t before = 0;
  std::size_t after = 0;
};

// The model's optional hook `implied_order(ops) -> std::vector<Precedence>`, or no
// facts for a model without one.
template <Model M>
std::vector<Precedence> implied_order_of(const M& model, std::span<const OpOf<M>> ops) {
  if constexpr (requires {
                  { model.implied_order(ops) } -> std::convertible_to<std::vector<Precedence>>;
                }) {
    return model.implied_order(ops);
  } else {
    return {};
  }
}

// A 64-bit finalizer (splitmix64's): spreads a value over all bits so that states and
// linearized sets can be hashed by xor and addition without clustering.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace fl::sim::lin
