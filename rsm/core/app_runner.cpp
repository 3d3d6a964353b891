#include "rsm/core/app_runner.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

#include "rsm/app/replicable.hpp"
#include "rsm/core/assert.hpp"

namespace fl {

void carry_out_app_steps(Replica& replica, Output& out) {
  Replicable& app = replica.app();
  // Indexed: a checkpoint fed back may not add steps, but it does grow `out`.
  for (std::size_t i = 0; i < out.app.size(); ++i) {
    std::visit(
        [&](auto& step) {
          using Step = std::decay_t<decltype(step)>;
          if constexpr (std::is_same_v<Step, ExecuteStep>) {
            Response response = app.execute(step.request);
            out.applied.push_back(Applied{step.slot, step.index, step.request, app.state_digest()});
            if (step.reply)
              out.replies.push_back(ClientReply{step.request.client, step.request.id, std::move(response)});
          } else if constexpr (std::is_same_v<Step, ReadStep>) {
            out.replies.push_back(
                ClientReply{step.request.client, step.request.id, read_from_rows(app.rows(), step.request)});
          } else if constexpr (std::is_same_v<Step, RestoreStep>) {
            if (step.state) {
              const auto error = app.restore(*step.state);
              FL_ASSERT(!error, "a checkpoint does not restore: " + error.value_or(""));
            }
            out.restored.emplace_back(out.applied.size(), Restored{step.slot, step.source, app.state_digest()});
          } else {
            static_assert(std::is_same_v<Step, CheckpointStep>);
            const std::size_t steps = out.app.size();
            replica.on_checkpoint(step.slot, app.checkpoint(), out);
            FL_ASSERT(out.app.size() == steps, "on_checkpoint listed more app steps");
          }
        },
        out.app[i]);
  }
}

Response read_from_rows(std::vector<Row> rows, const Request& request) {
  Response response;
  if (request.op == OpKind::kReadAll) {
    response.rows = std::move(rows);
    return response;
  }
  auto it = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.first == request.key; });
  if (it == rows.end()) {
    response.status = Status::kNotFound;
  } else {
    response.events = std::move(it->second);
  }
  return response;
}

}  // namespace fl
