#include "sim/lin/history/edn.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "sim/lin/history/cursor.hpp"

namespace fl::sim::lin {
namespace {

using Kind = HistValue::Kind;

char closer_of(char open) { return open == '[' ? ']' : open == '(' ? ')' : '}'; }

class EdnReader {
 public:
  explicit EdnReader(std::string_view text) : in_(text) {}

  std::variant<std::vector<HistValue>, HistoryError> read_all() {
    std::vector<HistValue> forms;
    skip_space();
    while (!in_.at_end()) {
      auto form = read_form();
      if (!form) break;
      forms.push_back(std::move(*form));
      skip_space();
    }
    if (in_.error()) return *in_.error();
    return forms;
  }

 private:
  // Whitespace, commas and comments up to the next token.
  void skip_space() {
    while (!in_.at_end()) {
      const char c = in_.peek();
      if (c == ';') {
        while (!in_.at_end() && in_.peek() != '\n') in_.take();
      } else if (c == ',' || std::isspace(static_cast<unsigned char>(c)) != 0) {
        in_.take();
      } else {
        return;
      }
    }
  }

  std::optional<HistValue> read_form() {
    const int line = in_.line();
    auto value = read_token();
    if (value) value->line = line;
    return value;
  }

  std::optional<HistValue> read_token() {
    const char c = in_.peek();
    if (c == '[' || c == '(' || c == '{') return read_collection();
    if (c == ']' || c == ')' || c == '}') return refuse(std::string("unbalanced '") + c + "': nothing to close");
    if (c == '"') return wrap(in_.read_string(), Kind::kString);
    if (c == ':') return read_keyword();
    if (c == '#') return refuse("sets and tagged values (#...) are not supported in a history");
    if (c == '\\') return refuse("characters (\\c) are not supported in a history");
    const char next = peek_second();
    if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
        ((c == '-' || c == '+') && std::isdigit(static_cast<unsigned char>(next)) != 0)) {
      auto n = in_.read_integer(true);
      if (!n) return std::nullopt;
      return make_int(*n);
    }
    return read_symbol();
  }

  char peek_second() {
    TextCursor probe = in_;
    probe.take();
    return probe.peek();
  }

  std::optional<HistValue> refuse(std::string reason) {
    in_.fail(std::move(reason));
    return std::nullopt;
  }

  static std::optional<HistValue> wrap(std::optional<std::string> text, Kind kind) {
    if (!text) return std::nullopt;
    HistValue v;
    v.kind = kind;
    v.text = std::move(*text);
    return v;
  }

  std::string read_name() {
    std::string name;
    while (!is_delimiter(in_.peek()) || (in_.peek() == ':' && !name.empty())) name += in_.take();
    return name;
  }

  std::optional<HistValue> read_keyword() {
    in_.take();  // ':'
    std::string name = read_name();
    if (name.empty()) return refuse("':' must be followed by a keyword name");
    return make_keyword(std::move(name));
  }

  // nil, true and false are the only symbols a history needs.
  std::optional<HistValue> read_symbol() {
    const std::string name = read_name();
    if (name == "nil") return make_nil();
    if (name == "true" || name == "false") {
      HistValue v;
      v.kind = Kind::kBool;
      v.boolean = name == "true";
      return v;
    }
    if (name.empty()) return refuse(std::string("unexpected character '") + in_.peek() + "'");
    return refuse("unexpected symbol '" + name + "' (only nil, true and false are allowed)");
  }

  std::optional<HistValue> read_collection() {
    const int line = in_.line();
    const char open = in_.take();
    const Nesting nesting(in_, line);
    if (!nesting.ok()) return std::nullopt;
    HistValue v;
    v.kind = open == '{' ? Kind::kMap : Kind::kVector;
    for (skip_space(); in_.peek() != closer_of(open); skip_space()) {
      if (in_.at_end()) {
        return refuse(std::string("unbalanced '") + open + "' opened on line " + std::to_string(line) +
                      ": the input ends before its '" + closer_of(open) + "'");
      }
      const char c = in_.peek();
      if (c == ']' || c == ')' || c == '}') {
        return refuse(std::string("'") + c + "' does not match '" + open + "' opened on line " + std::to_string(line));
      }
      auto item = read_form();
      if (!item) return std::nullopt;
      v.items.push_back(std::move(*item));
    }
    in_.take();
    if (v.kind == Kind::kMap && v.items.size() % 2 != 0) {
      in_.fail("the map opened on line " + std::to_string(line) + " has a key without a value", line);
      return std::nullopt;
    }
    if (v.kind == Kind::kMap && !keys_unique(in_, v, line)) return std::nullopt;
    return v;
  }

  TextCursor in_;
};

}  // namespace

std::variant<std::vector<HistValue>, HistoryError> read_edn(std::string_view text) {
  return EdnReader(text).read_all();
}

}  // namespace fl::sim::lin
