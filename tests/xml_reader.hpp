// Test helper: a small strict XML 1.0 reader (elements, attributes, character data,
// entity and character references, attribute-value and line-end normalisation as
// XML 1.0 §2.11 and §3.3.3 define them), so tests read junit.xml the way a CI system
// would rather than searching it for substrings. Header-only; tests only.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fl::testing {

// One parsed element: just enough of XML for the tests that read junit.xml.
struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // this element's own character data, decoded
  std::vector<XmlElement> children;
};

// XML 1.0 §2.2 "Char": what a character reference may name.
inline bool xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Appends code point `cp` to `out` as UTF-8.
inline void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// A strict reader for the XML reports::junit_xml writes: an optional declaration, then one
// root element. No DTDs, comments, CDATA or processing instructions. Anything not
// well-formed throws std::runtime_error saying where.
class XmlReader {
 public:
  explicit XmlReader(std::string_view document) : doc_(document) {}

  XmlElement read() {
    if (starts("<?xml")) skip_past("?>");
    skip_space();
    XmlElement root = element();
    skip_space();
    if (pos_ != doc_.size()) fail("content after the root element");
    return root;
  }

 private:
  XmlElement element() {
    expect("<");
    XmlElement e;
    e.name = name();
    while (true) {
      const bool spaced = skip_space();
      if (starts("/>")) {
        pos_ += 2;
        return e;
      }
      if (starts(">")) {
        ++pos_;
        content(e);
        return e;
      }
      if (!spaced) fail("attributes must be separated by white space");
      attribute(e);
    }
  }

  void attribute(XmlElement& e) {
    const std::string key = name();
    skip_space();
    expect("=");
    skip_space();
    if (!e.attributes.emplace(key, attribute_value()).second) fail("duplicate attribute " + key);
  }

  void content(XmlElement& e) {
    while (true) {
      if (pos_ >= doc_.size()) fail("unclosed element " + e.name);
      if (starts("</")) return end_tag(e);
      if (starts("<!") || starts("<?")) fail("unsupported markup");
      if (starts("]]>")) fail("]]> in character data");
      const char c = doc_[pos_];
      if (c == '<') {
        e.children.push_back(element());
      } else if (c == '&') {
        reference(e.text);
      } else if (c == '\r') {  // §2.11: CR LF and lone CR become LF
        e.text.push_back('\n');
        pos_ += starts("\r\n") ? 2 : 1;
      } else {
        e.text.push_back(checked(c));
      }
    }
  }

  void end_tag(const XmlElement& e) {
    pos_ += 2;
    const std::string closing = name();
    skip_space();
    expect(">");
    if (closing != e.name) fail("</" + closing + "> closes <" + e.name + ">");
  }

  // §3.3.3: literal white space becomes a space; references keep what they name.
  std::string attribute_value() {
    if (pos_ >= doc_.size() || (doc_[pos_] != '"' && doc_[pos_] != '\'')) fail("unquoted attribute value");
    const char quote = doc_[pos_++];
    std::string value;
    while (true) {
      if (pos_ >= doc_.size()) fail("unterminated attribute value");
      const char c = doc_[pos_];
      if (c == quote) break;
      if (c == '<') fail("< in attribute value");
      if (c == '&') {
        reference(value);
      } else if (c == '\t' || c == '\n' || c == '\r') {
        value.push_back(' ');
        pos_ += starts("\r\n") ? 2 : 1;
      } else {
        value.push_back(checked(c));
      }
    }
    ++pos_;
    return value;
  }

  void reference(std::string& out) {
    const std::size_t semicolon = doc_.find(';', pos_);
    if (semicolon == std::string_view::npos || semicolon - pos_ > 10) fail("unterminated reference");
    const std::string ref(doc_.substr(pos_ + 1, semicolon - pos_ - 1));
    pos_ = semicolon + 1;
    static const std::map<std::string, char> kNamed = {
        {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (auto it = kNamed.find(ref); it != kNamed.end()) return out.push_back(it->second);
    if (ref.size() < 2 || ref[0] != '#') fail("unknown entity &" + ref + ";");
    const bool hex = ref[1] == 'x';
    const std::string digits = ref.substr(hex ? 2 : 1);
    const char* allowed = hex ? "0123456789abcdefABCDEF" : "0123456789";
    if (digits.empty() || digits.find_first_not_of(allowed) != std::string::npos) {
      fail("bad character reference &" + ref + ";");
    }
    const auto cp = static_cast<std::uint32_t>(std::stoul(digits, nullptr, hex ? 16 : 10));
    if (!xml_char(cp)) fail("reference to a character XML forbids: &" + ref + ";");
    append_utf8(out, cp);
  }

  std::string name() {
    const std::size_t start = pos_;
    const auto name_char = [&](char c, bool first) {
      const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
      return letter || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
    };
    while (pos_ < doc_.size() && name_char(doc_[pos_], pos_ == start)) ++pos_;
    if (pos_ == start) fail("expected a name");
    return std::string(doc_.substr(start, pos_ - start));
  }

  // Raw control characters other than tab, LF and CR are never allowed (§2.2).
  char checked(char c) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') fail("raw control character");
    ++pos_;
    return c;
  }

  bool skip_space() {
    const std::size_t start = pos_;
    while (pos_ < doc_.size() && std::string_view(" \t\n\r").find(doc_[pos_]) != std::string_view::npos) ++pos_;
    return pos_ > start;
  }

  bool starts(std::string_view s) const { return doc_.substr(pos_, s.size()) == s; }

  void expect(std::string_view s) {
    if (!starts(s)) fail("expected '" + std::string(s) + "'");
    pos_ += s.size();
  }

  void skip_past(std::string_view s) {
    const std::size_t at = doc_.find(s, pos_);
    if (at == std::string_view::npos) fail("expected '" + std::string(s) + "'");
    pos_ = at + s.size();
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw std::runtime_error("XML not well-formed at byte " + std::to_string(pos_) + ": " + why);
  }

  std::string_view doc_;
  std::size_t pos_ = 0;
};

// Parses `document` after the checks a byte-level reader needs: valid UTF-8 (nlohmann
// refuses to serialise anything else) and no raw U+FFFE or U+FFFF.
inline XmlElement parse_xml(const std::string& document) {
  EXPECT_NO_THROW((void)nlohmann::json(document).dump()) << "not valid UTF-8";
  EXPECT_EQ(document.find("\xEF\xBF\xBE"), std::string::npos);
  EXPECT_EQ(document.find("\xEF\xBF\xBF"), std::string::npos);
  return XmlReader(document).read();
}

// Appends every element named `name` in `e`'s subtree to `out`, depth first, in document order.
inline void collect(const XmlElement& e, const std::string& name, std::vector<const XmlElement*>& out) {
  if (e.name == name) out.push_back(&e);
  for (const auto& child : e.children) collect(child, name, out);
}

// Every element named `name` under and including `root`, in document order.
inline std::vector<const XmlElement*> all(const XmlElement& root, const std::string& name) {
  std::vector<const XmlElement*> found;
  collect(root, name, found);
  return found;
}
// Pointers into a temporary would dangle.
std::vector<const XmlElement*> all(XmlElement&& root, const std::string& name) = delete;

}  // namespace fl::testing
