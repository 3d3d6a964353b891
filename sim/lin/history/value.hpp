// The data of a history file, whichever syntax it came in: the EDN and JSON readers
// both produce these values, so the events are decoded and validated in one place
// (events.hpp), and the writers print them back in either syntax.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fl::sim::lin {

// A history file that cannot be used: where and why. Printed as "FILE:LINE: reason",
// or "FILE: reason" for line 0, the file as a whole (it could not be opened, say).
struct HistoryError {
  std::string file;
  int line = 0;
  std::string reason;

  std::string message() const;
};

// One datum with the line it starts on. EDN lists and vectors are both kVector; a
// JSON string and an EDN string are both kString, and an EDN keyword (:ok) is
// kKeyword with the name after the colon, so a decoder that accepts either reads
// both syntaxes alike. A map keeps its entries in file order, key and value
// alternating in `items`.
struct HistValue {
  enum class Kind : std::uint8_t { kNil, kBool, kInt, kString, kKeyword, kVector, kMap };

  Kind kind = Kind::kNil;
  int line = 0;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;  // kString's contents or kKeyword's name
  std::vector<HistValue> items;

  // The value of the map entry whose key is the keyword or string `name`, if any.
  const HistValue* find(std::string_view name) const;
  // The name of a keyword or a string ("invoke" for :invoke and "invoke" alike).
  std::optional<std::string_view> name() const;
  bool is_nil() const { return kind == Kind::kNil; }
  bool is_int() const { return kind == Kind::kInt; }
  bool is_vector() const { return kind == Kind::kVector; }
  bool is_map() const { return kind == Kind::kMap; }
};

// Constructors for writers and tests.
HistValue make_nil();
HistValue make_int(std::int64_t value);
HistValue make_keyword(std::string name);
HistValue make_string(std::string text);
HistValue make_vector(std::vector<HistValue> items);
// `items` alternate key and value.
HistValue make_map(std::vector<HistValue> items);

// "{:process 0, :type :invoke}": EDN, on one line.
std::string to_edn(const HistValue& value);
// {"process":0,"type":"invoke"}: JSON on one line; keywords become strings, and a
// map's keys are written as strings whatever they were.
std::string to_json(const HistValue& value);
// The first key of the map `map` that an earlier entry already has, if any: a map
// with a key twice is ambiguous (which value counts would depend on field order).
// Keys compare by value, so "f" and :f, both naming the field f, are the same key.
const HistValue* repeated_key(const HistValue& map);

// "nil", "an integer", "a vector", ...: for messages about a value of the wrong shape.
std::string_view kind_words(const HistValue& value);

}  // namespace fl::sim::lin
