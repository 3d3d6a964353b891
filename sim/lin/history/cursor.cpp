#include "sim/lin/history/cursor.hpp"

#include <cctype>
#include <limits>
#include <utility>

namespace fl::sim::lin {
namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

bool is_delimiter(char c) {
  return c == '\0' || std::isspace(static_cast<unsigned char>(c)) != 0 || c == ',' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == '(' || c == ')' || c == ':' || c == ';' || c == '"';
}

char TextCursor::take() {
  if (at_end()) return '\0';
  const char c = text_[pos_++];
  if (c == '\n') ++line_;
  return c;
}

bool TextCursor::fail(std::string reason, int at_line) {
  if (!error_) error_ = HistoryError{"", at_line > 0 ? at_line : line_, printable(reason)};
  return false;
}

bool TextCursor::enter(int line) {
  if (++depth_ <= kMaxNesting) return true;
  return fail("nesting deeper than " + std::to_string(kMaxNesting) + " levels (a history event needs a few)", line);
}

bool keys_unique(TextCursor& in, const HistValue& map, int line) {
  const HistValue* repeat = repeated_key(map);
  if (repeat == nullptr) return true;
  return in.fail("the map opened on line " + std::to_string(line) + " has the key " + to_edn(*repeat) +
                     " twice (line " + std::to_string(repeat->line) + "); which one counts would be a guess",
                 repeat->line);
}

std::string printable(std::string_view text) {
  // Quoted input in a reason can be anything: a NUL would cut the message, control
  // bytes garble the terminal, and a megabyte symbol would bury the line number.
  constexpr std::size_t kMaxShown = 200;
  std::string out;
  for (const char c : text.substr(0, kMaxShown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    } else {
      out += c;
    }
  }
  if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

std::optional<std::uint32_t> TextCursor::read_hex4() {
  std::uint32_t cp = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = take();
    if (std::isxdigit(static_cast<unsigned char>(c)) == 0) {
      fail("\\u must be followed by 4 hex digits");
      return std::nullopt;
    }
    cp = cp * 16 + static_cast<std::uint32_t>(std::isdigit(static_cast<unsigned char>(c)) != 0
                                                  ? c - '0'
                                                  : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  return cp;
}

bool TextCursor::read_escape(std::string& out) {
  const char c = take();
  switch (c) {
    case '"':
      out += '"';
      return true;
    case '\\':
      out += '\\';
      return true;
    case '/':
      out += '/';
      return true;
    case 'b':
      out += '\b';
      return true;
    case 'f':
      out += '\f';
      return true;
    case 'n':
      out += '\n';
      return true;
    case 'r':
      out += '\r';
      return true;
    case 't':
      out += '\t';
      return true;
    case 'u':
      break;
    default:
      return fail(std::string("unknown escape \\") + c + " in a string");
  }
  auto cp = read_hex4();
  if (!cp) return false;
  if (*cp >= 0xD800 && *cp < 0xDC00) {  // a high surrogate: its low half must follow
    if (take() != '\\' || take() != 'u') return fail("a \\u high surrogate must be followed by a \\u low surrogate");
    auto low = read_hex4();
    if (!low) return false;
    if (*low < 0xDC00 || *low >= 0xE000) return fail("a \\u high surrogate must be followed by a low surrogate");
    *cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
  }
  append_utf8(out, *cp);
  return true;
}

std::optional<std::string> TextCursor::read_string() {
  const int start = line_;
  take();  // the opening quote
  std::string out;
  while (!at_end()) {
    const char c = take();
    if (c == '"') return out;
    if (c != '\\') {
      out += c;
    } else if (!read_escape(out)) {
      return std::nullopt;
    }
  }
  fail("a string opened on line " + std::to_string(start) + " is not closed", start);
  return std::nullopt;
}

std::optional<std::int64_t> TextCursor::read_integer(bool plus_allowed) {
  const char sign = peek();
  const bool negative = sign == '-';
  if (negative || (plus_allowed && sign == '+')) take();
  if (std::isdigit(static_cast<unsigned char>(peek())) == 0) {
    fail("expected digits after '" + std::string(1, sign) + "'");
    return std::nullopt;
  }
  std::uint64_t magnitude = 0;
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : std::numeric_limits<std::int64_t>::max();
  while (std::isdigit(static_cast<unsigned char>(peek())) != 0) {
    const auto digit = static_cast<std::uint64_t>(take() - '0');
    if (magnitude > (limit - digit) / 10) {
      fail("integer does not fit 64 bits");
      return std::nullopt;
    }
    magnitude = magnitude * 10 + digit;
  }
  if (plus_allowed && peek() == 'N') take();  // EDN's arbitrary-precision marker
  if (!is_delimiter(peek())) {
    fail(peek() == '.' || peek() == 'e' || peek() == 'E' ? "only integers are supported, not fractions"
                                                         : "malformed number");
    return std::nullopt;
  }
  if (negative) return static_cast<std::int64_t>(0 - magnitude);
  return static_cast<std::int64_t>(magnitude);
}

}  // namespace fl::sim::lin
