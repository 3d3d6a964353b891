// Test helpers shared by the Paxos handler-level tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/core/app_runner.hpp"
#include "rsm/core/replica.hpp"
#include "rsm/paxos/messages.hpp"

namespace fl::paxos::testing {

// A deliberately tiny Replicable with no dedup table: it remembers the order of
// executed requests, so a replayed request shows up twice.
class LogApp final : public Replicable {
 public:
  Response execute(const Request& r) override {
    executed.push_back(describe(r));
    return Response{};
  }
  std::string checkpoint() override { return nlohmann::json(executed).dump(); }
  std::optional<std::string> restore(std::string_view json) override {
    executed = nlohmann::json::parse(json).get<std::vector<std::string>>();
    return std::nullopt;
  }
  std::vector<Row> rows() override { return {}; }
  std::vector<std::string> executed;
};

// Carries out the app steps `out` lists, as a runner does, and clears them: a test that
// collects several inputs in one Output carries out each step once.
inline void carry_out(Replica& replica, Output& out) {
  carry_out_app_steps(replica, out);
  out.app.clear();
}

inline Request append(std::uint32_t client, std::uint64_t id, std::int32_t value) {
  return Request{ClientId(client), RequestId(id), OpKind::kAppend, 1, value};
}

// The messages of kind `kind` (type M) that `out` sends, in order.
template <class M>
std::vector<const M*> sent(const Output& out, Kind kind) {
  std::vector<const M*> found;
  for (const auto& [to, m] : out.messages) {
    const auto& pm = static_cast<const PaxosMessage&>(*m);
    if (pm.kind() == kind) found.push_back(static_cast<const M*>(&pm));
  }
  return found;
}

}  // namespace fl::paxos::testing
