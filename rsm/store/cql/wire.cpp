#include "rsm/store/cql/wire.hpp"

#include <cstdio>

namespace fl::cql {
namespace {

// Appends the spec's big-endian notations (§3) to a frame under construction.
class Writer {
 public:
  void byte(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u16(std::uint16_t v) {
    byte(static_cast<std::uint8_t>(v >> 8));
    byte(static_cast<std::uint8_t>(v));
  }
  void i32(std::int32_t v) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int shift = 24; shift >= 0; shift -= 8) byte(static_cast<std::uint8_t>(u >> shift));
  }
  void string(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    out_.append(s);
  }
  void long_string(std::string_view s) {
    i32(static_cast<std::int32_t>(s.size()));
    out_.append(s);
  }
  void bytes(std::string_view s) { long_string(s); }

  // Prefixes the body written so far with a request header.
  std::string frame(std::int16_t stream, Opcode opcode) && {
    Writer header;
    header.byte(kRequestVersion);
    header.byte(0);  // flags: no compression, no tracing
    header.u16(static_cast<std::uint16_t>(stream));
    header.byte(static_cast<std::uint8_t>(opcode));
    header.i32(static_cast<std::int32_t>(out_.size()));
    return std::move(header.out_) + out_;
  }

 private:
  std::string out_;
};

// Reads the spec's notations from a body, throwing ProtocolError instead of reading
// past its end.
class Reader {
 public:
  explicit Reader(std::string_view body) : rest_(body) {}

  std::uint8_t byte() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::uint16_t u16() {
    const std::string_view b = take(2);
    return static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[0]) << 8) | static_cast<std::uint8_t>(b[1]));
  }
  std::int32_t i32() { return int_value(take(4)); }
  std::string string() { return std::string(take(u16())); }
  std::vector<std::string> string_list() {
    std::vector<std::string> list(u16());
    for (std::string& s : list) s = string();
    return list;
  }
  std::optional<std::string> bytes() {
    const std::int32_t n = i32();
    if (n < 0) return std::nullopt;
    return std::string(take(static_cast<std::size_t>(n)));
  }
  void skip_bytes_map() {
    for (std::uint16_t n = u16(); n > 0; --n) {
      string();
      bytes();
    }
  }
  // Skips an [option] type description after its id (collections nest).
  void skip_option_value(std::uint16_t id) {
    switch (id) {
      case 0x0000:
        string();
        break;  // custom: class name
      case 0x0020:
      case 0x0022:
        skip_option();
        break;  // list, set
      case 0x0021:
        skip_option();
        skip_option();
        break;      // map
      case 0x0030:  // UDT
        string();
        string();
        for (std::uint16_t n = u16(); n > 0; --n) {
          string();
          skip_option();
        }
        break;
      case 0x0031:  // tuple
        for (std::uint16_t n = u16(); n > 0; --n) skip_option();
        break;
      default:
        break;  // native types carry nothing
    }
  }
  void skip_option() { skip_option_value(u16()); }
  std::string_view rest() const { return rest_; }
  std::size_t remaining() const { return rest_.size(); }

 private:
  std::string_view take(std::size_t n) {
    if (n > rest_.size()) throw ProtocolError("cql: truncated message body");
    const std::string_view part = rest_.substr(0, n);
    rest_.remove_prefix(n);
    return part;
  }
  std::string_view rest_;
};

constexpr std::int32_t kFlagGlobalTableSpec = 0x0001;
constexpr std::int32_t kFlagHasMorePages = 0x0002;
constexpr std::int32_t kFlagNoMetadata = 0x0004;

// Counts come from the frame, so a corrupt one must be a ProtocolError, not a
// loop or an allocation of billions of entries: each count is checked against the
// bytes left, as every column spec takes at least 4 bytes (name and type id; 8 with
// its own keyspace and table) and every cell at least 4 (its length).
void check_count(std::int64_t count, std::size_t bytes_each, const Reader& in, const char* what) {
  if (count < 0) throw ProtocolError(std::string("cql: negative ") + what + " count");
  if (static_cast<std::uint64_t>(count) * bytes_each > in.remaining()) {
    throw ProtocolError("cql: " + std::to_string(count) + " " + what + "s claimed but only " +
                        std::to_string(in.remaining()) + " bytes left in the message");
  }
}

Rows decode_rows(Reader& in) {
  Rows rows;
  const std::int32_t flags = in.i32();
  const std::int32_t columns = in.i32();
  if (columns < 0) throw ProtocolError("cql: negative column count");
  if (flags & kFlagHasMorePages) rows.paging_state = in.bytes();
  if (!(flags & kFlagNoMetadata)) {
    std::string keyspace, table;
    if (flags & kFlagGlobalTableSpec) {
      keyspace = in.string();
      table = in.string();
    }
    check_count(columns, (flags & kFlagGlobalTableSpec) ? 4 : 8, in, "column");
    for (std::int32_t i = 0; i < columns; ++i) {
      Column c;
      c.keyspace = keyspace;
      c.table = table;
      if (!(flags & kFlagGlobalTableSpec)) {
        c.keyspace = in.string();
        c.table = in.string();
      }
      c.name = in.string();
      c.type = in.u16();
      in.skip_option_value(c.type);
      rows.columns.push_back(std::move(c));
    }
  }
  const std::int32_t count = in.i32();
  if (count < 0) throw ProtocolError("cql: negative row count");
  // A row of no columns takes no bytes, so the byte bound alone would let a corrupt
  // count through; no query this client sends selects zero columns.
  if (count > 0 && columns == 0) throw ProtocolError("cql: rows without columns");
  check_count(count, 4 * static_cast<std::size_t>(columns), in, "row");
  rows.rows.reserve(static_cast<std::size_t>(count));
  for (std::int32_t r = 0; r < count; ++r) {
    std::vector<std::optional<std::string>> row;
    row.reserve(static_cast<std::size_t>(columns));
    for (std::int32_t c = 0; c < columns; ++c) row.push_back(in.bytes());
    rows.rows.push_back(std::move(row));
  }
  return rows;
}

SchemaChange decode_schema_change(Reader& in) {
  SchemaChange s;
  s.change = in.string();
  s.target = in.string();
  s.keyspace = in.string();
  if (s.target != "KEYSPACE") s.name = in.string();  // TABLE, TYPE, FUNCTION, AGGREGATE
  // FUNCTION and AGGREGATE add their argument types; nothing here needs them.
  return s;
}

}  // namespace

ServerError::ServerError(std::int32_t code, std::string server_message)
    : Error("cassandra " + error_code_name(code) + ": " + server_message),
      code_(code),
      server_message_(std::move(server_message)) {}

std::string error_code_name(std::int32_t code) {
  switch (code) {
    case 0x0000:
      return "server error";
    case 0x000A:
      return "protocol error";
    case 0x0100:
      return "authentication error";
    case 0x1000:
      return "unavailable";
    case 0x1001:
      return "overloaded";
    case 0x1002:
      return "bootstrapping";
    case 0x1003:
      return "truncate error";
    case 0x1100:
      return "write timeout";
    case 0x1200:
      return "read timeout";
    case 0x1300:
      return "read failure";
    case 0x1400:
      return "function failure";
    case 0x1500:
      return "write failure";
    case kSyntaxError:
      return "syntax error";
    case 0x2100:
      return "unauthorized";
    case kInvalid:
      return "invalid query";
    case 0x2300:
      return "config error";
    case kAlreadyExists:
      return "already exists";
    case 0x2500:
      return "unprepared";
    default:
      break;
  }
  char text[32];
  std::snprintf(text, sizeof text, "error 0x%04x", static_cast<unsigned>(code));
  return text;
}

FrameHeader decode_header(const std::uint8_t (&b)[kHeaderSize]) {
  FrameHeader h;
  h.version = b[0];
  h.flags = b[1];
  h.stream = static_cast<std::int16_t>((b[2] << 8) | b[3]);
  h.opcode = b[4];
  h.length = (std::uint32_t{b[5]} << 24) | (std::uint32_t{b[6]} << 16) | (std::uint32_t{b[7]} << 8) | b[8];
  if (h.version != kResponseVersion) {
    char text[80];
    std::snprintf(text, sizeof text, "cql: expected a v4 response (0x84), got version byte 0x%02x", h.version);
    throw ProtocolError(text);
  }
  if (h.length > kMaxBodySize) throw ProtocolError("cql: frame body of " + std::to_string(h.length) + " bytes");
  return h;
}

std::string encode_startup(std::int16_t stream) {
  Writer w;
  w.u16(1);  // [string map] with one entry
  w.string("CQL_VERSION");
  w.string("3.0.0");
  return std::move(w).frame(stream, Opcode::kStartup);
}

std::string encode_query(std::int16_t stream, std::string_view cql, Consistency consistency, std::int32_t page_size,
                         const std::optional<std::string>& paging_state) {
  constexpr std::uint8_t kPageSize = 0x04;
  constexpr std::uint8_t kWithPagingState = 0x08;
  Writer w;
  w.long_string(cql);
  w.u16(static_cast<std::uint16_t>(consistency));
  w.byte(static_cast<std::uint8_t>(kPageSize | (paging_state ? kWithPagingState : 0)));
  w.i32(page_size);
  if (paging_state) w.bytes(*paging_state);
  return std::move(w).frame(stream, Opcode::kQuery);
}

Response decode_response(const FrameHeader& header, std::string body) {
  constexpr std::uint8_t kCompressed = 0x01, kTracing = 0x02, kCustomPayload = 0x04, kWarning = 0x08;
  if (header.flags & kCompressed) throw ProtocolError("cql: compressed frame, but no compression was agreed");
  Response response;
  response.opcode = static_cast<Opcode>(header.opcode);
  Reader in(body);
  // The order is the spec's (§2.2): tracing id, then warnings, then custom payload.
  if (header.flags & kTracing) {
    for (int i = 0; i < 16; ++i) in.byte();
  }
  if (header.flags & kWarning) response.warnings = in.string_list();
  if (header.flags & kCustomPayload) in.skip_bytes_map();
  response.body = std::string(in.rest());
  return response;
}

Result decode_result(std::string_view body) {
  Reader in(body);
  const std::int32_t kind = in.i32();
  switch (kind) {
    case 0x0001:
      return Void{};
    case 0x0002:
      return decode_rows(in);
    case 0x0003:
      return SetKeyspace{in.string()};
    case 0x0005:
      return decode_schema_change(in);
    default:
      break;
  }
  throw ProtocolError("cql: unexpected RESULT kind " + std::to_string(kind));
}

ServerError decode_error(std::string_view body) {
  Reader in(body);
  const std::int32_t code = in.i32();
  std::string message = in.string();
  return ServerError(code, std::move(message));  // code-specific details are not needed
}

std::int32_t int_value(std::string_view raw) {
  if (raw.size() != 4) throw ProtocolError("cql: an int value must have 4 bytes, got " + std::to_string(raw.size()));
  std::uint32_t u = 0;
  for (char c : raw) u = (u << 8) | static_cast<std::uint8_t>(c);
  return static_cast<std::int32_t>(u);
}

}  // namespace fl::cql
