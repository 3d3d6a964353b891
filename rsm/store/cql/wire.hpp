// The part of the CQL native protocol v4 (Cassandra's doc/native_protocol_v4.spec)
// that faultline needs, as pure encoding and decoding of frames: no sockets here, so
// every byte layout can be tested without a server. The client (client.hpp)
// moves these frames over TCP.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "rsm/store/store.hpp"

namespace fl::cql {

// Any failure of the CQL client. A StoreError, so the app and the CLI report it
// like any other store failure.
class Error : public StoreError {
 public:
  using StoreError::StoreError;
};

// The server cannot be reached, or the connection broke mid-request.
class ConnectionError : public Error {
 public:
  using Error::Error;
};

// The server did not answer within the client's timeout.
class TimeoutError : public Error {
 public:
  using Error::Error;
};

// The server answered with a frame this client cannot decode: a bug on one side.
class ProtocolError : public Error {
 public:
  using Error::Error;
};

// The server answered with an ERROR message (spec §4.2.1, §9): `code` is the
// protocol's error code (0x2000 syntax error, 0x2200 invalid, 0x1100 write timeout,
// ...) and `server_message` the server's own text.
class ServerError : public Error {
 public:
  ServerError(std::int32_t code, std::string server_message);
  std::int32_t code() const { return code_; }
  const std::string& server_message() const { return server_message_; }

 private:
  std::int32_t code_;
  std::string server_message_;
};

// A few server error codes (spec §9) callers and tests name.
inline constexpr std::int32_t kSyntaxError = 0x2000;
inline constexpr std::int32_t kInvalid = 0x2200;
inline constexpr std::int32_t kAlreadyExists = 0x2400;

// "syntax error", "invalid query", ... for messages; "error 0xNNNN" if unknown.
std::string error_code_name(std::int32_t code);

// Consistency levels (spec §3 [consistency]).
enum class Consistency : std::uint16_t {
  kAny = 0x0000,
  kOne = 0x0001,
  kTwo = 0x0002,
  kThree = 0x0003,
  kQuorum = 0x0004,
  kAll = 0x0005,
  kLocalQuorum = 0x0006,
  kEachQuorum = 0x0007,
  kSerial = 0x0008,
  kLocalSerial = 0x0009,
  kLocalOne = 0x000A,
};

// Message opcodes (spec §2.4) this client sends or expects.
enum class Opcode : std::uint8_t {
  kError = 0x00,
  kStartup = 0x01,
  kReady = 0x02,
  kAuthenticate = 0x03,
  kOptions = 0x05,
  kSupported = 0x06,
  kQuery = 0x07,
  kResult = 0x08,
};

inline constexpr std::size_t kHeaderSize = 9;
inline constexpr std::uint8_t kRequestVersion = 0x04;
inline constexpr std::uint8_t kResponseVersion = 0x84;
// The spec caps a frame body at 256 MB; a larger length means a corrupt stream.
inline constexpr std::uint32_t kMaxBodySize = 256u * 1024 * 1024;

// The fixed 9-byte frame header (spec §2).
struct FrameHeader {
  std::uint8_t version = 0;
  std::uint8_t flags = 0;
  std::int16_t stream = 0;
  std::uint8_t opcode = 0;
  std::uint32_t length = 0;
};

// Decodes a header; throws ProtocolError for a non-v4 response or an oversized body.
FrameHeader decode_header(const std::uint8_t (&bytes)[kHeaderSize]);

// STARTUP with CQL_VERSION 3.0.0 and no compression (spec §4.1.1).
std::string encode_startup(std::int16_t stream);

// QUERY (spec §4.1.4) without bound values; asks for pages of `page_size` rows and,
// when `paging_state` is given, for the page after it.
std::string encode_query(std::int16_t stream, std::string_view cql, Consistency consistency, std::int32_t page_size,
                         const std::optional<std::string>& paging_state);

// One column of a Rows result: where it comes from, its name and its type id
// (0x0009 int, 0x000D varchar, 0x0020 list, ...). Collection element types are
// parsed and skipped: values stay raw bytes.
struct Column {
  std::string keyspace;
  std::string table;
  std::string name;
  std::uint16_t type = 0;
};

// RESULT kinds (spec §4.2.5). Values are the raw [bytes] of each cell, nullopt for null.
struct Void {};
struct Rows {
  std::vector<Column> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::optional<std::string> paging_state;  // set when more pages follow
};
struct SetKeyspace {
  std::string keyspace;
};
struct SchemaChange {
  std::string change;  // CREATED, UPDATED, DROPPED
  std::string target;  // KEYSPACE, TABLE, TYPE, FUNCTION, AGGREGATE
  std::string keyspace;
  std::string name;  // empty for a KEYSPACE target
};
using Result = std::variant<Void, Rows, SetKeyspace, SchemaChange>;

// What a response body holds once the warnings the server may prepend are read.
struct Response {
  Opcode opcode = Opcode::kError;
  std::vector<std::string> warnings;
  std::string body;  // the message itself, after tracing id, warnings and payload
};

// Splits a response body by the header's flags (tracing, warning, custom payload;
// spec §2.2). Throws ProtocolError for a compressed body: this client never asks
// for compression.
Response decode_response(const FrameHeader& header, std::string body);

// Decodes a RESULT body. Throws ProtocolError for a malformed body or a kind this
// client never asks for (Prepared).
Result decode_result(std::string_view body);

// Decodes an ERROR body into the error it describes.
ServerError decode_error(std::string_view body);

// A cell's raw bytes as the int they encode (big-endian, 4 bytes).
std::int32_t int_value(std::string_view raw);

}  // namespace fl::cql
