#include "sim/scenario/nemesis.hpp"

#include <algorithm>
#include <optional>

#include "rsm/core/assert.hpp"

namespace fl::sim {
namespace {

// The classic nemesis: one fault per interval, each undone at the next tick.
class ClassicNemesis {
 public:
  ClassicNemesis(const NemesisSpec& spec, int replicas, Rng rng) : spec_(spec), replicas_(replicas), rng_(rng) {}

  // A tick at start, start + interval, ... before stop (each undoes the previous
  // fault, then draws one), and a last tick at stop that only undoes. The World
  // drove these ticks itself before schedules were expanded; the order is kept.
  std::vector<TimedFault> expand(Micros stop_us) {
    std::vector<TimedFault> out;
    for (Micros t = spec_.start_us; t < stop_us; t += spec_.interval_us) {
      undo_at(t, out);
      out.push_back(TimedFault{t, draw(), "nemesis"});
    }
    undo_at(stop_us, out);
    return out;
  }

 private:
  void undo_at(Micros t, std::vector<TimedFault>& out) {
    if (undo_) out.push_back(TimedFault{t, std::move(*undo_), "nemesis"});
    undo_.reset();
  }

  NodeSet random_subset(int size) {
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

  FaultAction draw() {
    const double total = spec_.crash + spec_.partition + spec_.cut + spec_.kill_all;
    double x = rng_.unit() * total;
    if ((x -= spec_.crash) < 0) {
      const int count = 1 + static_cast<int>(rng_.below(static_cast<std::uint64_t>(spec_.crashed_max)));
      NodeSet nodes = random_subset(count);
      undo_ = Restart{nodes};
      return Crash{nodes};
    }
    if ((x -= spec_.partition) < 0) {
      // A minority (at least one node) against the rest.
      const auto half = static_cast<std::uint64_t>(std::max(1, (replicas_ - 1) / 2));
      const int minority = 1 + static_cast<int>(rng_.below(half));
      NodeSet side = random_subset(std::min(minority, replicas_ - 1));
      undo_ = Heal{};
      return Partition{{side, {"*"}}};
    }
    if ((x -= spec_.cut) < 0) {
      NodeSet from = random_subset(1);
      undo_ = Heal{};
      return Cut{from, {"*"}};
    }
    undo_ = RestartAll{};
    return KillAll{};
  }

  NemesisSpec spec_;
  int replicas_;
  Rng rng_;
  std::optional<FaultAction> undo_;
};

}  // namespace

std::vector<TimedFault> expand_nemesis(const NemesisSpec& spec, int replicas, bool has_zk, Micros duration_us,
                                       std::uint64_t seed) {
  const Micros stop_us = spec.stop_us > 0 ? spec.stop_us : duration_us;
  const Rng rng = Rng::stream(seed, "nemesis");
  if (spec.swarm) return expand_swarm(spec, replicas, has_zk, stop_us, rng);
  return ClassicNemesis(spec, replicas, rng).expand(stop_us);
}

Nemesis::Nemesis(std::vector<TimedFault> schedule) : schedule_(std::move(schedule)) {
  FL_ASSERT(std::is_sorted(schedule_.begin(), schedule_.end(),
                           [](const TimedFault& a, const TimedFault& b) { return a.at_us < b.at_us; }));
}

std::vector<Micros> Nemesis::times() const {
  std::vector<Micros> times;
  for (const TimedFault& f : schedule_) {
    if (times.empty() || times.back() != f.at_us) times.push_back(f.at_us);
  }
  return times;
}

std::vector<FaultAction> Nemesis::tick(bool last) {
  FL_ASSERT(next_ < schedule_.size(), "a nemesis tick after the schedule ended");
  const Micros at_us = schedule_[next_].at_us;
  std::vector<FaultAction> actions;
  while (next_ < schedule_.size() && schedule_[next_].at_us == at_us) actions.push_back(schedule_[next_++].action);
  FL_ASSERT(last == (next_ == schedule_.size()), "the World's last nemesis tick is not the schedule's last instant");
  return actions;
}

}  // namespace fl::sim
