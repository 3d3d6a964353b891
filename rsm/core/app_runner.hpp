// The runner's half of the app-step contract (rsm/core/replica.hpp, Output step 0):
// carries out a core's app steps against the replica's app and feeds checkpoints
// back. The simulator and the handler-level tests use it; a real-process runtime
// would too. Cores never call it: this is where the app's IO happens.
#pragma once

#include "rsm/core/replica.hpp"
#include "rsm/core/request.hpp"

namespace fl {

// Carries out `out.app` in order against `replica.app()`: executes, local reads,
// restores and checkpoints (fed back through Replica::on_checkpoint into `out`).
// Appends the replies the replica owes to `out.replies` and the observations to
// `out.applied` and `out.restored`, each with the app's state digest after it.
void carry_out_app_steps(Replica& replica, Output& out);

// The response to the read `request` (a key or the whole table) from `rows`, the
// table in ascending key order: how a ReadStep is answered.
Response read_from_rows(std::vector<Row> rows, const Request& request);

}  // namespace fl
