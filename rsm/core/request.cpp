#include "rsm/core/request.hpp"

#include <array>
#include <charconv>
#include <system_error>

namespace fl {
namespace {

// Indexed by the enum's value, so op_name and op_from_name cannot disagree.
constexpr std::array<std::string_view, 4> kOpNames = {"insert", "append", "read", "read_all"};
constexpr std::array<std::string_view, 4> kStatusNames = {"ok", "not-found", "exists", "stale"};

void append_int(std::string& out, auto value) {
  std::array<char, 24> buf{};  // fits any 64-bit integer with its sign
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  (void)ec;  // cannot fail: the buffer fits the widest value
  out.append(buf.data(), end);
}

// Parses one integer field of the wire form, which must be followed by `sep`.
// from_chars accepts no whitespace, no '+' and no locale, so the form stays canonical
// enough that a corrupted record is rejected rather than half-read.
template <class Int>
bool parse_field(std::string_view& in, char sep, Int& out) {
  const char* first = in.data();
  const char* last = in.data() + in.size();
  auto [ptr, ec] = std::from_chars(first, last, out);
  if (ec != std::errc{} || ptr == last || *ptr != sep) return false;
  in.remove_prefix(static_cast<std::size_t>(ptr - first) + 1);
  return true;
}

std::string describe_events(const std::vector<std::int32_t>& events) {
  std::string out = "[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i > 0) out += ',';
    append_int(out, events[i]);
  }
  out += ']';
  return out;
}

}  // namespace

std::string_view op_name(OpKind op) {
  auto index = static_cast<std::size_t>(op);
  return index < kOpNames.size() ? kOpNames[index] : "invalid-op";
}

std::string_view status_name(Status status) {
  auto index = static_cast<std::size_t>(status);
  return index < kStatusNames.size() ? kStatusNames[index] : "invalid-status";
}

std::optional<OpKind> op_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kOpNames.size(); ++i) {
    if (kOpNames[i] == name) return static_cast<OpKind>(i);
  }
  return std::nullopt;
}

std::optional<Status> status_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kStatusNames.size(); ++i) {
    if (kStatusNames[i] == name) return static_cast<Status>(i);
  }
  return std::nullopt;
}

std::string describe(const Request& request) {
  std::string out = "c";
  append_int(out, request.client.value);
  out += '#';
  append_int(out, request.id.value);
  out += ' ';
  out += op_name(request.op);
  out += '(';
  if (request.op == OpKind::kInsert || request.op == OpKind::kRead || request.op == OpKind::kAppend) {
    append_int(out, request.key);
  }
  if (request.op == OpKind::kAppend) {
    out += ',';
    append_int(out, request.value);
  }
  out += ')';
  return out;
}

// A Response does not record which op produced it, so the payload is shown when
// present: a read of an empty list and an append both print "ok".
std::string describe(const Response& response) {
  std::string out{status_name(response.status)};
  if (!response.events.empty()) {
    out += ' ';
    out += describe_events(response.events);
  }
  if (!response.rows.empty()) {
    out += " rows=";
    append_int(out, response.rows.size());
  }
  return out;
}

// Appends rather than overwrites, so that a caller can batch several requests into
// one buffer.
void encode(const Request& request, std::string& out) {
  append_int(out, request.client.value);
  out += ',';
  append_int(out, request.id.value);
  out += ',';
  append_int(out, static_cast<unsigned>(request.op));
  out += ',';
  append_int(out, request.key);
  out += ',';
  append_int(out, request.value);
  out += ';';
}

std::optional<Request> decode_request(std::string_view& in) {
  std::string_view rest = in;  // `in` moves only once the whole request parsed
  Request request;
  std::uint8_t op = 0;
  if (!parse_field(rest, ',', request.client.value)) return std::nullopt;
  if (!parse_field(rest, ',', request.id.value)) return std::nullopt;
  if (!parse_field(rest, ',', op) || op >= kOpNames.size()) return std::nullopt;
  if (!parse_field(rest, ',', request.key)) return std::nullopt;
  if (!parse_field(rest, ';', request.value)) return std::nullopt;
  request.op = static_cast<OpKind>(op);
  in = rest;
  return request;
}

}  // namespace fl
