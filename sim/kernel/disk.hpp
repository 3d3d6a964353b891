// One node's simulated disk: a key-value image where writes become durable only
// when synced. A crash discards every unsynced write. It also keeps the total
// "weight" (client requests held) of the records, so the log-bound check can see
// how many requests sit on disk, synced or not.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rsm/core/replica.hpp"

namespace fl::sim {

class Disk {
 public:
  // Takes the record by value: checkpoints are large, and the caller is done with it.
  void write(DiskWrite w);
  // Makes every pending write durable, in the order written.
  void sync();
  // Loses every pending write, as a power failure would.
  void crash();

  const DiskImage& durable() const { return durable_; }
  std::size_t pending() const { return pending_.size(); }
  // Requests held in the records as the node sees them (durable plus pending).
  std::int64_t weight() const { return view_weight_; }

 private:
  std::int64_t view_weight_of(const std::string& key) const;

  DiskImage durable_;
  std::map<std::string, std::int64_t> durable_weights_;
  std::vector<DiskWrite> pending_;
  std::map<std::string, std::int64_t> pending_weights_;  // key -> weight in the view
  std::int64_t durable_weight_ = 0;
  std::int64_t view_weight_ = 0;
};

}  // namespace fl::sim
