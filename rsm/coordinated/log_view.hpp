// What a zk replica knows of /log and /snapshot, kept by the log reader and by the
// orderer's writes, and read by the orderer to keep /log within max_log_size. It
// outlives leaderships on purpose: the replies to a deposed leader's writes still
// arrive in its session and still change /log.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "rsm/core/types.hpp"
#include "rsm/zookeeper/wire.hpp"

namespace fl::coordinated {

struct LogView {
  // Entries in /log as last listed, plus those applied or created since: requests
  // each, -1 if not read yet.
  std::map<std::string, std::int64_t> entry_sizes;
  std::string snapshot_through;                                          // /snapshot's `through`, as last known
  std::string collected;                                                 // /snapshot's `collected`, as last known
  fl::zookeeper::Version snapshot_version = fl::zookeeper::kAnyVersion;  // as last read
  // Requests in ordering writes lost with the connection: they may be in /log, and
  // count as if they were until a listing sent after the loss shows what is there.
  std::int64_t in_doubt = 0;
  std::uint64_t doubts = 0;          // ordering writes lost so far
  Micros collect_idle_until_us = 0;  // a collection that could free nothing waits until then

  // An entry listed but not read yet counts as a full batch: an upper bound.
  static std::int64_t size_of(std::int64_t recorded, int batch_size_max) {
    return recorded >= 0 ? recorded : batch_size_max;
  }
  // The newest entry this replica knows of, "" for none.
  std::string newest() const { return entry_sizes.empty() ? std::string() : entry_sizes.rbegin()->first; }
};

// The epoch a leader orders in: the version of /epoch its own bump left, which
// every ordering and collection multi checks (the fence), and the number that names
// it (version + 1, so 0 means "not bumped yet").
struct Epoch {
  std::uint64_t number = 0;
  fl::zookeeper::Version version = -1;
  bool bumped() const { return number != 0; }
};

// The calls a leader has outstanding in its session. They outlive its leadership:
// a leader that steps down still gets their replies, and until then they count
// (requests against the log bound, writes against the pipeline, a listing against
// starting another). A new session forgets them with the old session's calls.
struct LeaderCalls {
  std::int64_t requests = 0;     // requests in ordering writes not yet answered
  int writes = 0;                // ordering writes not yet answered
  bool pending_listing = false;  // a /pending listing is in flight
  // Numbers collection rounds across leaderships, so that a late reply to an earlier
  // leadership's round never passes for one of the current round.
  std::uint64_t collect_rounds = 0;

  void on_new_session() {
    requests = 0;
    writes = 0;
    pending_listing = false;
  }
};

// What the leader counts against max_log_size in /log: the entries it knows of, and
// those its writes in flight or lost may have added.
inline std::int64_t log_held(const LogView& view, const LeaderCalls& calls, int batch_size_max) {
  std::int64_t held = calls.requests + view.in_doubt;
  for (const auto& [name, size] : view.entry_sizes) held += LogView::size_of(size, batch_size_max);
  return held;
}

}  // namespace fl::coordinated
