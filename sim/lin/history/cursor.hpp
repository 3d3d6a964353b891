// The lexing the EDN and JSON readers of history files share: a position in the
// text that counts lines, the first error met, and the two tokens both syntaxes
// spell nearly alike (string literals with escapes, and integers).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/lin/history/value.hpp"

namespace fl::sim::lin {

// Reads through `text` one character at a time. The first failure is kept and later
// ones are ignored, so a reader can stop at the first mistake and report its line.
class TextCursor {
 public:
  explicit TextCursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  int line() const { return line_; }
  // Moves past one character, counting newlines.
  char take();
  // Records a failure at the current line (or at `line` if given); returns false.
  // The reason is kept printable (see printable()).
  bool fail(std::string reason, int line = 0);
  // Entering and leaving a vector, list or map opened on `line`: more than
  // kMaxNesting open at once is a failure, so hostile nesting ends in a message, not
  // in a stack overflow.
  bool enter(int line);
  void leave() { --depth_; }
  const std::optional<HistoryError>& error() const { return error_; }

  // A string literal starting at the opening quote, with \" \\ \/ \b \f \n \r \t
  // and \uXXXX escapes (the union of EDN's and JSON's).
  std::optional<std::string> read_string();
  // An optionally signed decimal integer that fits 64 bits; `plus_allowed` for EDN.
  // Fractions and exponents are refused: no history field is a float.
  std::optional<std::int64_t> read_integer(bool plus_allowed);

 private:
  bool read_escape(std::string& out);
  std::optional<std::uint32_t> read_hex4();

  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
  int depth_ = 0;
  std::optional<HistoryError> error_;
};

// How deeply collections may nest in a history file. Events are maps holding values
// a few levels deep; the limit keeps the recursive readers' stack use bounded.
inline constexpr int kMaxNesting = 64;

// `text` with control bytes written as \xNN, cut to a few hundred bytes: for quoting
// the input in a message.
std::string printable(std::string_view text);

// Holds one level of nesting open for a reader's collection while it reads it.
class Nesting {
 public:
  Nesting(TextCursor& in, int line) : in_(in), ok_(in.enter(line)) {}
  ~Nesting() { in_.leave(); }
  Nesting(const Nesting&) = delete;
  Nesting& operator=(const Nesting&) = delete;
  // False when this level is one too many (the cursor has failed).
  bool ok() const { return ok_; }

 private:
  TextCursor& in_;
  bool ok_;
};

// Fails `in` if the map `map`, opened on `line`, has a key twice; true if not.
bool keys_unique(TextCursor& in, const HistValue& map, int line);

// Whether `c` ends a token in EDN or JSON (whitespace, comma or a bracket).
bool is_delimiter(char c);

}  // namespace fl::sim::lin
