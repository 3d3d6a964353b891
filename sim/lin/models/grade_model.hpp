// The sequential specification of one key of the grade table, and the split of a
// client history into one sub-history per key for the linearizability checker.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rsm/core/request.hpp"
#include "sim/history.hpp"
#include "sim/lin/event_list.hpp"
#include "sim/lin/models/model.hpp"

namespace fl::sim::lin {

// What an op asks of one key. kReadAll stands for a read_all projected onto `key`:
// it reads that key's list as the read_all reported it.
struct GradeInput {
  OpKind op = OpKind::kRead;
  std::int32_t key = 0;
  std::int32_t value = 0;  // kAppend only
};

// What the op was told about the key: a status and, for reads, the list. The list is
// a view into the history being checked (which outlives the check), so splitting a
// history per key copies no lists.
struct GradeOutput {
  Status status = Status::kOk;
  std::span<const std::int32_t> events;
};

// One key: absent at first, then present with its list of appended events.
struct GradeState {
  bool present = false;
  EventList events;

  bool operator==(const GradeState&) const = default;
};

// The grade table restricted to one key (rsm/app's semantics): insert creates an
// empty list or answers exists; append creates the key if needed and adds its value;
// read answers not-found or ok with the list.
class GradeModel {
 public:
  using State = GradeState;
  using Input = GradeInput;
  using Output = GradeOutput;

  State init() const { return State{}; }
  std::optional<State> step(const State& s, const Input& in, const std::optional<Output>& out) const;
  std::uint64_t hash(const State& s) const;
  // "append(3,5) -> ok", "read(3) -> ok [1,5]", "read_all() at key 3 -> not-found".
  std::string describe(const Input& in, const std::optional<Output>& out) const;
  // "the key is absent", "the list is [1,5,9]".
  std::string describe_state(const State& s) const;
  // Where an op's answer and the state part ways, for long lists whose printed
  // form hides the middle: "the read misses the last 2 events [9,11]".
  std::string describe_mismatch(const State& s, const Input& in, const std::optional<Output>& out) const;
  // Orders that hold because a key's list only grows: an insert or append comes
  // after every read that found the key absent and every insert that answered ok,
  // and an append of v after every read whose list lacks v. Where append values are
  // unique, the longest list seen also orders its appends and places each read
  // between them. Without these facts each request lost in a partition stays a
  // candidate at every later step of the search, which then grows exponentially in
  // their number (implemented in grade_order.cpp).
  std::vector<Precedence> implied_order(std::span<const LinOp<Input, Output>> ops) const;
};

using GradeOp = LinOp<GradeInput, GradeOutput>;

// A client history split per key. `malformed` is set when a response is one no
// sequential execution can give regardless of order (read_all rows out of key
// order), which the per-key split cannot express.
struct GradeHistory {
  std::map<std::int32_t, std::vector<GradeOp>> keys;
  std::optional<std::string> malformed;
};

// Converts a run's history: failed ops and ok-replies with status stale did not
// execute and are dropped; ops without reply become indeterminate, except reads,
// which have no effect and so constrain nothing. A completed read_all is projected
// onto every key of the history as a read of the list it returned there (not-found
// where it returned no row). That is sound per key, but it does not check that
// the read_all saw all keys at one instant: cross-key atomicity is not judged.
GradeHistory grade_partitions(const History& history);

// "[1,5,9]"; long lists keep their first 4 and last 12 events around a count.
std::string describe_events(std::span<const std::int32_t> events);

}  // namespace fl::sim::lin
