// A small synchronous client for the CQL native protocol v4 over one TCP
// connection (Boost.Asio). No C++ Cassandra driver is packaged for Debian, and
// faultline needs little: STARTUP, QUERY with a consistency level, and the RESULT
// kinds Void, Rows, Set_keyspace and Schema_change. Every failure is a typed
// cql::Error (a StoreError), never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/store/cql/wire.hpp"

namespace fl::cql {

// Where a server listens: "HOST:PORT", e.g. "127.0.0.1:9042".
struct Endpoint {
  std::string host;
  std::uint16_t port = 9042;
};

// Parses "HOST:PORT" (the port is required); nullopt if malformed.
std::optional<Endpoint> parse_endpoint(std::string_view text);
// "HOST:PORT".
std::string to_string(const Endpoint& endpoint);

struct ClientOptions {
  Endpoint endpoint;
  // Bounds each send and receive of a query. Schema changes take the longest
  // (hundreds of milliseconds on one node), so the default is generous.
  std::uint32_t timeout_ms = 20'000;
  // Bounds each step of opening the connection: resolving the host name, the TCP
  // connect and the STARTUP/READY exchange. Shorter than timeout_ms and never
  // longer than it, so a server that is down or unroutable is reported in seconds.
  std::uint32_t connect_timeout_ms = 5'000;
};

// One connection, used by one thread, one request at a time. It connects on the
// first query. After a connection error or a timeout the connection is dropped and
// the next query opens a new one, so a restarted server is picked up again; a query
// is never retried by the client, since an append must not run twice.
class Client {
 public:
  explicit Client(ClientOptions options);
  ~Client();

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs one CQL statement. A Rows result holds every row: further pages are
  // fetched before returning. Throws ConnectionError, TimeoutError, ServerError
  // (the server's ERROR, with its message) or ProtocolError.
  Result query(std::string_view cql, Consistency consistency);

  // Opens the connection now (STARTUP/READY) if it is not open. Throws like query.
  void connect();
  // Closes the connection; the next query reconnects.
  void close();
  bool connected() const;

  // Warnings the server attached to the last response (e.g. about batch sizes).
  const std::vector<std::string>& last_warnings() const { return warnings_; }
  const ClientOptions& options() const { return options_; }

 private:
  struct Io;  // Boost.Asio state, kept out of this header

  Response round_trip(const std::string& frame, std::uint32_t timeout_ms);
  Result query_page(std::string_view cql, Consistency consistency, const std::optional<std::string>& paging_state);
  bool stale() const;
  [[noreturn]] void fail_connection(const std::string& what, const std::string& why);

  ClientOptions options_;
  std::unique_ptr<Io> io_;
  std::vector<std::string> warnings_;
};

}  // namespace fl::cql
