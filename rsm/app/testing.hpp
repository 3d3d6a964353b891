// Test helper: an app that holds nothing, for tests whose replicas only talk (to
// ZooKeeper, or to an invariant) and never need state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/app/replicable.hpp"

namespace fl::testing {

class NoApp final : public Replicable {
 public:
  Response execute(const Request&) override { return Response{}; }
  std::string checkpoint() override { return "{}"; }
  std::optional<std::string> restore(std::string_view) override { return std::nullopt; }
  std::vector<Row> rows() override { return {}; }
};

}  // namespace fl::testing
