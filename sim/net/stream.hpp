// Stream links: TCP-like connections between a client endpoint and a server that
// accepts them (ZooKeeper sessions run over these). On one connection a message
// arrives once, in send order, or the connection breaks and neither it nor anything
// sent after it arrives, so each connection delivers a prefix of what was sent on
// it. When a connection breaks, each end hears of it after the retransmission
// timeout and after whatever was already in flight toward it has arrived.
//
// The links draw their fates from the Network (the same partitions, parameters and
// random stream as datagrams); they add only what a stream guarantees on top: order,
// no duplicates, and breaks. The World asks them for each message's fate and
// schedules what they decide.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "rsm/core/types.hpp"
#include "sim/net/network.hpp"

namespace fl::sim {

// One connection: the endpoint that opened it, the server that accepted it, and the
// client's number for it (clients number their own connections).
struct Connection {
  NodeId client;
  NodeId server;
  std::uint64_t id = 0;
  friend auto operator<=>(const Connection&, const Connection&) = default;
};

// When each end of a broken connection learns of the break.
struct BreakNotice {
  Micros client_at_us = 0;
  Micros server_at_us = 0;
};

// Every stream link of a run: which endpoints accept connections, each connection's
// state, and each direction's latest scheduled arrival.
class StreamLinks {
 public:
  // Endpoints 0..servers-1 may be joined by stream links (Endpoints::servers).
  explicit StreamLinks(int servers);

  // Makes every link between `server` and another endpoint a stream link that
  // `server` accepts connections on.
  void accept_on(NodeId server);
  // True if messages between `a` and `b` travel on connections rather than as
  // datagrams. Cheap: asked for every message sent.
  bool is_stream(NodeId a, NodeId b) const { return any_server_ && (server_at(a) || server_at(b)); }
  // The connection `id` between `from` and `to` (either may be the server).
  Connection connection(NodeId from, NodeId to, std::uint64_t id) const {
    return server_at(to) ? Connection{from, to, id} : Connection{to, from, id};
  }

  // The fate of a message sent now from `from` to `to` on `c`; `opens` if it is the
  // first message of the connection, which needs the handshake to cross both ways.
  // A delivered message's delay keeps send order with everything before it in that
  // direction. A dropped one leaves the connection broken: if `breaks`, the caller
  // must break it (break_connection); if not, it was broken already ("reset").
  struct Sent {
    Fate fate;
    bool breaks = false;
  };
  Sent send(Network& network, const Connection& c, NodeId from, NodeId to, bool opens, Micros now);
  // Breaks `c`: nothing more is delivered on it. Returns when each end hears of it,
  // or nothing if it was broken already.
  std::optional<BreakNotice> break_connection(const Connection& c, Micros now);
  // Every connection not yet broken that has `end` as either end, in order.
  std::vector<Connection> open_connections(NodeId end) const;

 private:
  bool server_at(NodeId id) const { return id.value < servers_.size() && servers_[id.value]; }
  Micros& last_delivery(NodeId from, NodeId to) { return last_delivery_[from.value * size_ + to.value]; }

  std::size_t size_;
  std::vector<bool> servers_;
  bool any_server_ = false;
  // Latest scheduled arrival per directed pair (row = from): a new message never
  // overtakes one sent before it on that pair, on any connection.
  std::vector<Micros> last_delivery_;
  // Every connection seen: false while open, true once broken.
  std::map<Connection, bool> broken_;
};

}  // namespace fl::sim
