// Closed-loop clients: each has at most one request outstanding, waits an
// exponential think time between requests, retries a timed-out request with the
// same request id (so the replicas' dedup table can recognise it), and records what
// it saw in the history. Appended values are unique per run, so every append can be
// traced to the one operation that wrote it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "rsm/core/replica.hpp"
#include "sim/history.hpp"
#include "sim/kernel/rng.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// A request to put on the network from a client to a replica.
struct ClientSend {
  ClientId client;
  NodeId to;
  Request request;
  int attempt = 0;
};

class Workload {
 public:
  // `targets` are replica ids the clients may send to (all replicas if empty).
  Workload(const WorkloadSpec& spec, int replicas, std::vector<NodeId> targets, std::uint64_t seed);

  int clients() const { return static_cast<int>(clients_.size()); }

  // The client wakes from thinking: a new request, or nothing once issuing stopped.
  std::optional<ClientSend> issue(ClientId client, Micros now);
  // What a client does when a request's timeout fires.
  struct TimeoutAction {
    std::optional<ClientSend> retry;  // send again (maybe to another replica)
    bool gave_up = false;             // out of attempts: the request stays unknown
  };
  // A timeout for `attempt` of `id` fired. Nothing happens if that attempt is no
  // longer current (the request completed or was retried since).
  TimeoutAction on_timeout(ClientId client, RequestId id, int attempt);
  // A reply arrived. Returns true if it completed the outstanding request.
  bool on_reply(const ClientReply& reply, Micros now);
  // The think time before the client's next request.
  Micros think_time(ClientId client);
  // From now on clients issue no new requests (retries continue).
  void stop_issuing() { issuing_ = false; }
  // Ends the run: outstanding requests become unknown.
  void finish();

  const History& history() const { return history_; }
  Micros timeout_us() const { return spec_.timeout_us; }
  std::int64_t completed_ok() const { return completed_ok_; }

 private:
  struct ClientState {
    Rng rng;
    std::uint64_t next_id = 1;
    std::optional<std::size_t> outstanding;  // index into history_
    std::size_t target_index = 0;
  };

  Request make_request(ClientState& state, ClientId client);
  NodeId pick_target(ClientState& state, bool retry);

  WorkloadSpec spec_;
  std::vector<NodeId> targets_;
  std::vector<std::int32_t> keys_;
  std::vector<ClientState> clients_;
  History history_;
  std::int32_t next_value_ = 1;
  bool issuing_ = true;
  std::int64_t completed_ok_ = 0;
};

}  // namespace fl::sim
