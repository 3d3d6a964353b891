#include "sim/lin/history/value.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace fl::sim::lin {
namespace {

using Kind = HistValue::Kind;

// Escapes for a string literal; EDN and JSON agree on these.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Prints `value` in EDN (json == false) or JSON.
void print(const HistValue& value, bool json, std::string& out) {
  switch (value.kind) {
    case Kind::kNil:
      out += json ? "null" : "nil";
      return;
    case Kind::kBool:
      out += value.boolean ? "true" : "false";
      return;
    case Kind::kInt:
      out += std::to_string(value.integer);
      return;
    case Kind::kString:
      out += quoted(value.text);
      return;
    case Kind::kKeyword:
      out += json ? quoted(value.text) : ":" + value.text;
      return;
    case Kind::kVector:
      out += '[';
      for (std::size_t i = 0; i < value.items.size(); ++i) {
        if (i > 0) out += json ? "," : " ";
        print(value.items[i], json, out);
      }
      out += ']';
      return;
    case Kind::kMap:
      out += '{';
      for (std::size_t i = 0; i + 1 < value.items.size(); i += 2) {
        if (i > 0) out += json ? "," : ", ";
        const HistValue& key = value.items[i];
        const bool named = key.kind == Kind::kKeyword || key.kind == Kind::kString;
        if (json && !named) {
          out += quoted(to_edn(key));
        } else {
          print(key, json, out);
        }
        out += json ? ":" : " ";
        print(value.items[i + 1], json, out);
      }
      out += '}';
      return;
  }
}

}  // namespace

std::string HistoryError::message() const {
  if (line <= 0) return file + ": " + reason;
  return file + ":" + std::to_string(line) + ": " + reason;
}

const HistValue* HistValue::find(std::string_view wanted) const {
  if (kind != Kind::kMap) return nullptr;
  for (std::size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].name() == wanted) return &items[i + 1];
  }
  return nullptr;
}

std::optional<std::string_view> HistValue::name() const {
  if (kind != Kind::kKeyword && kind != Kind::kString) return std::nullopt;
  return std::string_view(text);
}

HistValue make_nil() { return HistValue{}; }

HistValue make_int(std::int64_t value) {
  HistValue v;
  v.kind = Kind::kInt;
  v.integer = value;
  return v;
}

HistValue make_keyword(std::string name) {
  HistValue v;
  v.kind = Kind::kKeyword;
  v.text = std::move(name);
  return v;
}

HistValue make_string(std::string text) {
  HistValue v;
  v.kind = Kind::kString;
  v.text = std::move(text);
  return v;
}

HistValue make_vector(std::vector<HistValue> items) {
  HistValue v;
  v.kind = Kind::kVector;
  v.items = std::move(items);
  return v;
}

HistValue make_map(std::vector<HistValue> items) {
  HistValue v;
  v.kind = Kind::kMap;
  v.items = std::move(items);
  return v;
}

namespace {

// A key as text that is equal for equal keys: a keyword and a string with the same
// name are one field name (find() treats them alike).
std::string key_text(const HistValue& key) {
  if (const auto name = key.name()) return "n" + std::string(*name);
  return "v" + to_edn(key);
}

}  // namespace

const HistValue* repeated_key(const HistValue& map) {
  std::vector<std::pair<std::string, std::size_t>> keys;
  keys.reserve(map.items.size() / 2);
  for (std::size_t i = 0; i + 1 < map.items.size(); i += 2) keys.emplace_back(key_text(map.items[i]), i);
  std::sort(keys.begin(), keys.end());
  const HistValue* first_repeat = nullptr;
  for (std::size_t k = 1; k < keys.size(); ++k) {
    if (keys[k].first != keys[k - 1].first) continue;
    const HistValue* repeat = &map.items[keys[k].second];
    if (first_repeat == nullptr || repeat < first_repeat) first_repeat = repeat;
  }
  return first_repeat;
}

std::string to_edn(const HistValue& value) {
  std::string out;
  print(value, false, out);
  return out;
}

std::string to_json(const HistValue& value) {
  std::string out;
  print(value, true, out);
  return out;
}

std::string_view kind_words(const HistValue& value) {
  switch (value.kind) {
    case Kind::kNil:
      return "nil";
    case Kind::kBool:
      return "a boolean";
    case Kind::kInt:
      return "an integer";
    case Kind::kString:
      return "a string";
    case Kind::kKeyword:
      return "a keyword";
    case Kind::kVector:
      return "a vector";
    case Kind::kMap:
      return "a map";
  }
  return "a value";
}

}  // namespace fl::sim::lin
