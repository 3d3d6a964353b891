// The application interface of a replicated state machine, in the style of
// GigaPaxos's Replicable: the protocol orders requests, the app executes them and
// can save and load its whole state as a checkpoint.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/core/request.hpp"

namespace fl {

class Replicable {
 public:
  virtual ~Replicable() = default;

  // Executes one ordered request. Deterministic: the same state and request give
  // the same response and the same next state on every replica.
  virtual Response execute(const Request& request) = 0;

  // The whole state, including the per-client dedup table, as JSON text.
  virtual std::string checkpoint() = 0;

  // Replaces the whole state by a checkpoint. Returns an error message if the
  // text is not a checkpoint (the state is then unspecified).
  virtual std::optional<std::string> restore(std::string_view json) = 0;

  // The table alone, in ascending key order, for convergence checks.
  virtual std::vector<Row> rows() = 0;

  // A 64-bit digest of the whole state (what checkpoint() holds): equal states give
  // equal digests. Invariant checkers compare it across replicas after every
  // request, so an app should keep it up to date cheaply; this default hashes the
  // checkpoint text, which is correct but costs a checkpoint per call.
  virtual std::uint64_t state_digest();
};

}  // namespace fl
