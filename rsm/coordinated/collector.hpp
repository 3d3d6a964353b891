// The leader's garbage collection of /log, part of its orderer (so it exists only
// while this replica leads). Every checkpoint_interval applied requests, or sooner
// when ordering waits for room, the leader reads the live members'
// acknowledgements (/members, then each member's node), writes its state to
// /snapshot and deletes the entries every live member acknowledged, in one fenced
// multi. A member that registers after the listing starts behind what may be deleted
// and restores /snapshot, as does any replica that lags behind it. The seed design:
// "no replica ever holds more than MAX_LOG_SIZE requests"; the leader stops ordering
// while /log would hold more, and when a live member's acknowledgement is what keeps
// it full, collects past that member.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rsm/app/replicable.hpp"
#include "rsm/coordinated/context.hpp"
#include "rsm/coordinated/log_reader.hpp"
#include "rsm/coordinated/log_view.hpp"

namespace fl::coordinated {

class Collector {
 public:
  Collector(LogView& view, LeaderCalls& calls, Replicable& app, const LogReader& reader)
      : view_(view), calls_(calls), app_(app), reader_(reader) {}

  // Starts a round after checkpoint_interval requests, or sooner when `urgent`
  // (ordering waits for room), unless one is in flight.
  void collect(const Epoch& epoch, Zk& zk, bool urgent);
  void on_members(const CollectMembers& p, const Reply& reply, const Epoch& epoch, Zk& zk);
  void on_ack(const CollectAck& p, const Reply& reply, const Epoch& epoch, Zk& zk);
  // The collection multi answered (whichever leadership sent it).
  void on_collected() { collecting_ = false; }
  // Calls failed with the connection or the session: the round is over.
  void abort();

 private:
  // A round gathering the members' acknowledgements.
  struct Round {
    std::uint64_t id = 0;
    bool urgent = false;
    int waiting = 0;                    // acknowledgements not read yet
    std::optional<std::string> oldest;  // the oldest acknowledgement read
  };
  bool due(Zk& zk, bool urgent) const;
  void finish(const Epoch& epoch, Zk& zk);
  // Up to where the round may delete entries.
  std::string collect_upto(const Round& round, Zk& zk) const;

  LogView& view_;
  LeaderCalls& calls_;
  Replicable& app_;
  const LogReader& reader_;
  bool collecting_ = false;  // a round or its multi is in flight
  std::optional<Round> round_;
};

}  // namespace fl::coordinated
