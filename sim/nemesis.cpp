#include "sim/nemesis.hpp"

#include <algorithm>

namespace fl::sim {

Nemesis::Nemesis(const NemesisSpec& spec, int replicas, Rng rng) : spec_(spec), replicas_(replicas), rng_(rng) {}

NodeSet Nemesis::random_subset(int size) {
  std::vector<int> ids(static_cast<std::size_t>(replicas_));
  for (int i = 0; i < replicas_; ++i) ids[static_cast<std::size_t>(i)] = i;
  // Fisher-Yates with the project's own generator (std::shuffle is library-specific).
  for (std::size_t i = ids.size(); i > 1; --i) std::swap(ids[i - 1], ids[rng_.below(i)]);
  ids.resize(static_cast<std::size_t>(size));
  std::sort(ids.begin(), ids.end());
  NodeSet names;
  for (int id : ids) names.push_back("r" + std::to_string(id));
  return names;
}

FaultAction Nemesis::draw() {
  const double total = spec_.crash + spec_.partition + spec_.cut + spec_.kill_all;
  double x = rng_.unit() * total;
  if ((x -= spec_.crash) < 0) {
    const int count = 1 + static_cast<int>(rng_.below(static_cast<std::uint64_t>(spec_.crashed_max)));
    NodeSet nodes = random_subset(count);
    undo_.push_back(Restart{nodes});
    return Crash{nodes};
  }
  if ((x -= spec_.partition) < 0) {
    // A minority (at least one node) against the rest.
    const auto half = static_cast<std::uint64_t>(std::max(1, (replicas_ - 1) / 2));
    const int minority = 1 + static_cast<int>(rng_.below(half));
    NodeSet side = random_subset(std::min(minority, replicas_ - 1));
    undo_.push_back(Heal{});
    return Partition{{side, {"*"}}};
  }
  if ((x -= spec_.cut) < 0) {
    NodeSet from = random_subset(1);
    undo_.push_back(Heal{});
    return Cut{from, {"*"}};
  }
  undo_.push_back(RestartAll{});
  return KillAll{};
}

std::vector<FaultAction> Nemesis::tick(bool last) {
  std::vector<FaultAction> actions = std::move(undo_);
  undo_.clear();
  if (!last) actions.push_back(draw());
  return actions;
}

}  // namespace fl::sim
