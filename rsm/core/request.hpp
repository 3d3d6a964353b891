// Client requests and responses of the grade-table database: the values that the
// replication protocols order and the application executes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rsm/core/types.hpp"

namespace fl {

enum class OpKind : std::uint8_t { kInsert, kAppend, kRead, kReadAll };

// One client operation. (client, id) names it uniquely across retries.
struct Request {
  ClientId client;
  RequestId id;
  OpKind op = OpKind::kRead;
  std::int32_t key = 0;
  std::int32_t value = 0;  // meaningful for kAppend only

  bool operator==(const Request&) const = default;
};

// A row of the grade table: a key and its list of appended events, in order.
using Row = std::pair<std::int32_t, std::vector<std::int32_t>>;

enum class Status : std::uint8_t {
  kOk,        // executed
  kNotFound,  // read of a key that does not exist
  kExists,    // insert of a key that already exists; nothing changed
  kStale,     // an older request of a client that has moved on; not executed
};

// What executing a request returned. `events` answers kRead, `rows` answers kReadAll.
struct Response {
  Status status = Status::kOk;
  std::vector<std::int32_t> events;
  std::vector<Row> rows;

  bool operator==(const Response&) const = default;
};

std::string_view op_name(OpKind op);
std::string_view status_name(Status status);
std::optional<OpKind> op_from_name(std::string_view name);
std::optional<Status> status_from_name(std::string_view name);

// "c3#17 append(-2,1042)": the form used in traces and messages.
std::string describe(const Request& request);
// "ok [1,5,9]", "not-found", "ok rows=4": short, deterministic.
std::string describe(const Response& response);

// Compact text encoding used by protocols to persist and ship requests:
// "client,id,op,key,value;". Decoding returns nullopt on malformed input and
// advances `in` past the consumed request on success.
void encode(const Request& request, std::string& out);
std::optional<Request> decode_request(std::string_view& in);

}  // namespace fl
