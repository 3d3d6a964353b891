// The random nemesis: at a fixed interval it undoes its previous fault and injects
// a new one drawn by weight (crash, partition, one-way cut, whole-cluster kill). It
// never crashes more than `crashed_max` replicas at once, so scenarios that promise a
// surviving quorum keep it. Its choices come from its own random stream.
#pragma once

#include <string>
#include <vector>

#include "sim/rng.hpp"
#include "sim/scenario.hpp"

namespace fl::sim {

class Nemesis {
 public:
  Nemesis(const NemesisSpec& spec, int replicas, Rng rng);

  // The actions for one tick: first the undo of the previous fault, then a new one.
  // `last` is true for the final tick, which only undoes.
  std::vector<FaultAction> tick(bool last);

 private:
  FaultAction draw();
  NodeSet random_subset(int size);

  NemesisSpec spec_;
  int replicas_;
  Rng rng_;
  std::vector<FaultAction> undo_;
};

}  // namespace fl::sim
