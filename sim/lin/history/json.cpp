#include "sim/lin/history/json.hpp"

#include <cctype>
#include <optional>
#include <string>
#include <utility>

#include "sim/lin/history/cursor.hpp"

namespace fl::sim::lin {
namespace {

using Kind = HistValue::Kind;

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : in_(text) {}

  std::variant<std::vector<HistValue>, HistoryError> read_all() {
    std::vector<HistValue> values;
    skip_space();
    while (!in_.at_end()) {
      auto value = read_value();
      if (!value) break;
      values.push_back(std::move(*value));
      skip_space();
    }
    if (in_.error()) return *in_.error();
    return values;
  }

 private:
  void skip_space() {
    while (std::isspace(static_cast<unsigned char>(in_.peek())) != 0) in_.take();
  }

  std::optional<HistValue> refuse(std::string reason) {
    in_.fail(std::move(reason));
    return std::nullopt;
  }

  std::optional<HistValue> read_value() {
    const int line = in_.line();
    auto value = read_token();
    if (value) value->line = line;
    return value;
  }

  std::optional<HistValue> read_token() {
    const char c = in_.peek();
    if (c == '{' || c == '[') return read_container();
    if (c == '"') {
      auto text = in_.read_string();
      if (!text) return std::nullopt;
      return make_string(std::move(*text));
    }
    if (c == '-' || std::isdigit(static_cast<unsigned char>(c)) != 0) {
      auto n = in_.read_integer(false);
      if (!n) return std::nullopt;
      return make_int(*n);
    }
    if (c == '}' || c == ']') return refuse(std::string("unbalanced '") + c + "': nothing to close");
    return read_literal();
  }

  std::optional<HistValue> read_literal() {
    std::string word;
    while (std::isalpha(static_cast<unsigned char>(in_.peek())) != 0) word += in_.take();
    if (word == "null") return make_nil();
    if (word == "true" || word == "false") {
      HistValue v;
      v.kind = Kind::kBool;
      v.boolean = word == "true";
      return v;
    }
    if (word.empty()) return refuse(std::string("unexpected character '") + in_.peek() + "'");
    return refuse("unexpected word '" + word + "' (expected null, true or false)");
  }

  // The separator after an item: ',' before another, or the closer.
  bool after_item(char open, char close, int line) {
    skip_space();
    if (in_.peek() == ',') {
      in_.take();
      skip_space();
      if (in_.peek() != close) return true;
      return in_.fail(std::string("a trailing ',' before '") + close + "'");
    }
    if (in_.peek() == close) return true;
    if (in_.at_end()) {
      return in_.fail(std::string("unbalanced '") + open + "' opened on line " + std::to_string(line) +
                      ": the input ends before its '" + close + "'");
    }
    return in_.fail(std::string("expected ',' or '") + close + "' but found '" + in_.peek() + "'");
  }

  bool read_member(HistValue& object) {
    if (in_.peek() != '"') return in_.fail("an object key must be a string");
    auto key = read_value();
    if (!key) return false;
    skip_space();
    if (in_.take() != ':') return in_.fail("expected ':' after the key \"" + key->text + "\"");
    skip_space();
    auto value = read_value();
    if (!value) return false;
    object.items.push_back(std::move(*key));
    object.items.push_back(std::move(*value));
    return true;
  }

  std::optional<HistValue> read_container() {
    const int line = in_.line();
    const char open = in_.take();
    const Nesting nesting(in_, line);
    if (!nesting.ok()) return std::nullopt;
    const char close = open == '{' ? '}' : ']';
    HistValue v;
    v.kind = open == '{' ? Kind::kMap : Kind::kVector;
    skip_space();
    while (in_.peek() != close) {
      if (in_.at_end()) {
        return refuse(std::string("unbalanced '") + open + "' opened on line " + std::to_string(line) +
                      ": the input ends before its '" + close + "'");
      }
      if (v.kind == Kind::kMap) {
        if (!read_member(v)) return std::nullopt;
      } else {
        auto item = read_value();
        if (!item) return std::nullopt;
        v.items.push_back(std::move(*item));
      }
      if (!after_item(open, close, line)) return std::nullopt;
    }
    in_.take();
    if (v.kind == Kind::kMap && !keys_unique(in_, v, line)) return std::nullopt;
    return v;
  }

  TextCursor in_;
};

}  // namespace

std::variant<std::vector<HistValue>, HistoryError> read_json(std::string_view text) {
  return JsonReader(text).read_all();
}

}  // namespace fl::sim::lin
