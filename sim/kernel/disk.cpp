#include "sim/kernel/disk.hpp"

namespace fl::sim {

std::int64_t Disk::view_weight_of(const std::string& key) const {
  if (auto p = pending_weights_.find(key); p != pending_weights_.end()) return p->second;
  if (auto d = durable_weights_.find(key); d != durable_weights_.end()) return d->second;
  return 0;
}

void Disk::write(DiskWrite w) {
  const std::int64_t new_weight = w.value ? w.weight : 0;
  view_weight_ += new_weight - view_weight_of(w.key);
  pending_weights_[w.key] = new_weight;
  pending_.push_back(std::move(w));
}

void Disk::sync() {
  for (auto& w : pending_) {
    if (auto d = durable_weights_.find(w.key); d != durable_weights_.end()) {
      durable_weight_ -= d->second;
      durable_weights_.erase(d);
    }
    if (w.value) {
      durable_[w.key] = std::move(*w.value);
      if (w.weight != 0) durable_weights_[w.key] = w.weight;
      durable_weight_ += w.weight;
    } else {
      durable_.erase(w.key);
    }
  }
  pending_.clear();
  pending_weights_.clear();
  view_weight_ = durable_weight_;
}

void Disk::crash() {
  pending_.clear();
  pending_weights_.clear();
  view_weight_ = durable_weight_;
}

}  // namespace fl::sim
