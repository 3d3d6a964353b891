// The intake of a zk replica: the client requests it takes, and how they reach the
// leader. Any replica takes client requests (the seed design: "servers forward
// client requests to the leader"); it answers a client once it applied the
// request itself. While no leader is known, requests wait here; a leader's orderer
// takes them over. A follower forwards to the leader it knows, and when that gets
// no result within forward_timeout_us (a cut between the replicas while both still
// reach ZooKeeper, or a leader that died) writes the request to /pending, which
// whoever leads reads. Duplicates (the forward arrived after all) are answered from
// the app's dedup table.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>

#include "rsm/coordinated/context.hpp"

namespace fl::coordinated {

class Orderer;

// A client request forwarded by a follower to the leader it knows.
class ForwardMessage final : public Message {
 public:
  explicit ForwardMessage(Request request) : request(request) {}
  std::string describe() const override;
  Request request;
};

class Intake {
 public:
  // A client sent `request` here: it is answered from here once applied.
  void await(const Request& request);
  // Replies to the client if this replica took `request` from it and awaits it.
  void reply_if_awaited(const Request& request, const Response& response, Output& out);

  // Requests waiting for a leader to be known (none while this replica leads: the
  // orderer holds them then).
  std::deque<Request>& waiting() { return waiting_; }
  const std::deque<Request>& waiting() const { return waiting_; }

  // Sends `request` to `leader` and, if a client of ours waits for it, remembers it.
  void forward(const Request& request, NodeId leader, Micros now, Output& out);
  // Forwarded requests not applied within forward_timeout_us go through /pending,
  // or straight to `orderer` if this replica leads now.
  void submit_stalled(Orderer* orderer, Zk& zk);
  void on_submitted(const Submit& p, const Reply& reply, Micros now);
  // A new session: its /pending writes in flight never complete.
  void on_new_session();

 private:
  // A request this replica forwarded for its own client, until it is applied here.
  struct Forwarded {
    Request request;
    Micros sent_us = 0;
    bool submitted = false;  // written to /pending (or the write is in flight)
  };

  std::deque<Request> waiting_;
  // Forwarded requests of our clients not applied yet, by client (one outstanding each).
  std::map<std::uint32_t, Forwarded> forwarded_;
  // Requests a client sent here, answered once applied: the latest id per client
  // (clients have one request outstanding), so it stays as small as the client set.
  std::map<std::uint32_t, std::uint64_t> awaiting_;
};

}  // namespace fl::coordinated
