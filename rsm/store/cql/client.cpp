#include "rsm/store/cql/client.hpp"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <future>
#include <thread>

namespace fl::cql {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

// One request at a time, so one stream id suffices (spec §2.3).
constexpr std::int16_t kStream = 0;
constexpr std::int32_t kPageSize = 5000;

}  // namespace

struct Client::Io {
  asio::io_context context;
  tcp::socket socket{context};
};

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return Endpoint{std::string(host), static_cast<std::uint16_t>(port)};
}

std::string to_string(const Endpoint& endpoint) { return endpoint.host + ":" + std::to_string(endpoint.port); }

Client::Client(ClientOptions options) : options_(std::move(options)), io_(std::make_unique<Io>()) {}

Client::~Client() { close(); }

bool Client::connected() const { return io_->socket.is_open(); }

void Client::close() {
  error_code ignored;
  io_->socket.shutdown(tcp::socket::shutdown_both, ignored);
  io_->socket.close(ignored);
}

void Client::fail_connection(const std::string& what, const std::string& why) {
  close();
  throw ConnectionError("cassandra at " + to_string(options_.endpoint) + ": " + what + ": " + why);
}

namespace {

// Runs the asynchronous operation that `start` begins until it completes or the
// timeout passes. Asio has no timeout on synchronous calls, so each call is an
// async operation driven by run_for; on timeout the socket is closed, which cancels
// the operation. Returns the operation's error code; sets `timed_out`.
template <typename Start>
error_code run_bounded(asio::io_context& context, tcp::socket& socket, std::uint32_t timeout_ms, bool& timed_out,
                       Start start) {
  error_code result = asio::error::would_block;
  start(result);
  context.restart();
  context.run_for(std::chrono::milliseconds(timeout_ms));
  timed_out = result == asio::error::would_block;
  if (timed_out) {
    error_code ignored;
    socket.close(ignored);
    context.restart();
    context.run();  // lets the cancelled operation finish before `result` goes away
  }
  return result;
}

// Where `endpoint` is, within `timeout_ms`. A numeric address needs no lookup. A
// name is looked up on a detached thread, abandoned on timeout: getaddrinfo cannot
// be cancelled, and Asio's own asynchronous resolver joins its worker thread when
// the io_context is destroyed, so a lookup stuck on an unreachable DNS server would
// outlast any timeout. The thread shares nothing with the run but the promise.
tcp::resolver::results_type resolve_bounded(const Endpoint& endpoint, std::uint32_t timeout_ms, error_code& ec,
                                            bool& timed_out) {
  timed_out = false;
  const std::string port = std::to_string(endpoint.port);
  if (const auto address = asio::ip::make_address(endpoint.host, ec); !ec) {
    return tcp::resolver::results_type::create(tcp::endpoint(address, endpoint.port), endpoint.host, port);
  }
  using Outcome = std::pair<tcp::resolver::results_type, error_code>;
  std::promise<Outcome> promise;
  std::future<Outcome> outcome = promise.get_future();
  std::thread([promise = std::move(promise), host = endpoint.host, port]() mutable {
    asio::io_context context;
    tcp::resolver resolver(context);
    error_code e;
    auto results = resolver.resolve(host, port, e);
    promise.set_value({std::move(results), e});
  }).detach();
  if (outcome.wait_for(std::chrono::milliseconds(timeout_ms)) != std::future_status::ready) {
    timed_out = true;
    return {};
  }
  auto [results, e] = outcome.get();
  ec = e;
  return results;
}

}  // namespace

void Client::connect() {
  if (connected()) return;
  Io& io = *io_;
  const std::uint32_t timeout_ms = std::min(options_.connect_timeout_ms, options_.timeout_ms);
  error_code ec;
  bool resolve_timed_out = false;
  const auto addresses = resolve_bounded(options_.endpoint, timeout_ms, ec, resolve_timed_out);
  if (resolve_timed_out) {
    throw TimeoutError("cassandra at " + to_string(options_.endpoint) + ": resolving the host name timed out after " +
                       std::to_string(timeout_ms) + " ms");
  }
  if (ec) fail_connection("resolve", ec.message());
  bool timed_out = false;
  ec = run_bounded(io.context, io.socket, timeout_ms, timed_out, [&](error_code& result) {
    asio::async_connect(io.socket, addresses, [&result](const error_code& e, const tcp::endpoint&) { result = e; });
  });
  if (timed_out) {
    close();
    throw TimeoutError("cassandra at " + to_string(options_.endpoint) + ": connect timed out after " +
                       std::to_string(timeout_ms) + " ms");
  }
  if (ec) fail_connection("connect", ec.message());
  io.socket.set_option(tcp::no_delay(true), ec);  // one small request at a time: no Nagle delay

  const Response ready = round_trip(encode_startup(kStream), timeout_ms);
  if (ready.opcode == Opcode::kError) {
    close();
    throw decode_error(ready.body);
  }
  if (ready.opcode == Opcode::kAuthenticate) {
    close();
    throw Error("cassandra at " + to_string(options_.endpoint) +
                " asks for authentication, which this client does not support");
  }
  if (ready.opcode != Opcode::kReady) {
    close();
    throw ProtocolError("cql: STARTUP answered by opcode " + std::to_string(static_cast<int>(ready.opcode)));
  }
}

// True if the server closed the connection (or sent something unasked) since the
// last response: then the connection is replaced before a request is sent, so a
// restarted server costs no failed query and no request is sent twice.
bool Client::stale() const {
  tcp::socket& socket = io_->socket;
  error_code ec;
  socket.non_blocking(true, ec);
  if (ec) return true;
  char probe = 0;
  socket.read_some(asio::buffer(&probe, 1), ec);
  const bool alive = ec == asio::error::would_block || ec == asio::error::try_again;
  socket.non_blocking(false, ec);
  return !alive;
}

Response Client::round_trip(const std::string& frame, std::uint32_t timeout_ms) {
  Io& io = *io_;
  bool timed_out = false;
  const auto bounded = [&](const char* what, auto start) {
    const error_code ec = run_bounded(io.context, io.socket, timeout_ms, timed_out, start);
    if (timed_out) {
      close();
      throw TimeoutError("cassandra at " + to_string(options_.endpoint) + ": no answer to " + what + " within " +
                         std::to_string(timeout_ms) + " ms");
    }
    if (ec) fail_connection(what, ec == asio::error::eof ? "the server closed the connection" : ec.message());
  };
  const auto handler = [](error_code& result) { return [&result](const error_code& e, std::size_t) { result = e; }; };

  bounded("send", [&](error_code& result) { asio::async_write(io.socket, asio::buffer(frame), handler(result)); });
  for (;;) {
    std::uint8_t head[kHeaderSize];
    bounded("receive", [&](error_code& result) { asio::async_read(io.socket, asio::buffer(head), handler(result)); });
    FrameHeader header;
    try {
      header = decode_header(head);
    } catch (const ProtocolError&) {
      close();  // the stream is out of step: nothing after this can be trusted
      throw;
    }
    std::string body(header.length, '\0');
    if (header.length > 0) {
      bounded("receive", [&](error_code& result) { asio::async_read(io.socket, asio::buffer(body), handler(result)); });
    }
    if (header.stream != kStream) continue;  // a server event (stream -1): not asked for, ignored
    return decode_response(header, std::move(body));
  }
}

Result Client::query_page(std::string_view cql, Consistency consistency,
                          const std::optional<std::string>& paging_state) {
  if (connected() && stale()) close();
  connect();
  Response response = round_trip(encode_query(kStream, cql, consistency, kPageSize, paging_state), options_.timeout_ms);
  warnings_ = std::move(response.warnings);
  if (response.opcode == Opcode::kError) throw decode_error(response.body);
  if (response.opcode != Opcode::kResult) {
    close();
    throw ProtocolError("cql: QUERY answered by opcode " + std::to_string(static_cast<int>(response.opcode)));
  }
  return decode_result(response.body);
}

Result Client::query(std::string_view cql, Consistency consistency) {
  Result result = query_page(cql, consistency, std::nullopt);
  auto* rows = std::get_if<Rows>(&result);
  while (rows != nullptr && rows->paging_state) {
    Result next = query_page(cql, consistency, rows->paging_state);
    auto* more = std::get_if<Rows>(&next);
    if (more == nullptr) throw ProtocolError("cql: a later page of rows was not a Rows result");
    for (auto& row : more->rows) rows->rows.push_back(std::move(row));
    rows->paging_state = std::move(more->paging_state);
  }
  return result;
}

}  // namespace fl::cql
