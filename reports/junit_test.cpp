// junit.xml: read back with a small strict XML 1.0 reader written here (elements,
// attributes, character data, entity and character references, attribute-value and
// line-end normalisation as XML 1.0 §2.11 and §3.3.3 define them), then the counts of
// test cases, failures and errors, their attributes, and escaping that round-trips.
#include "reports/junit.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fl::reports {
namespace {

// One parsed element: just enough of XML for these tests.
struct XmlElement {
  std::string name;
  std::map<std::string, std::string> attributes;
  std::string text;  // this element's own character data, decoded
  std::vector<XmlElement> children;
};

// XML 1.0 §2.2 "Char": what a character reference may name.
bool xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
         (cp >= 0x10000 && cp <= 0x10FFFF);
}

void append_utf8(std::string& out, std::uint32_t cp) {
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

// A strict reader for the XML junit_xml writes: an optional declaration, then one
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
XmlElement parse_xml(const std::string& document) {
  EXPECT_NO_THROW((void)nlohmann::json(document).dump()) << "not valid UTF-8";
  EXPECT_EQ(document.find("\xEF\xBF\xBE"), std::string::npos);
  EXPECT_EQ(document.find("\xEF\xBF\xBF"), std::string::npos);
  return XmlReader(document).read();
}

void collect(const XmlElement& e, const std::string& name, std::vector<const XmlElement*>& out) {
  if (e.name == name) out.push_back(&e);
  for (const auto& child : e.children) collect(child, name, out);
}

std::vector<const XmlElement*> all(const XmlElement& root, const std::string& name) {
  std::vector<const XmlElement*> found;
  collect(root, name, found);
  return found;
}
// Pointers into a temporary would dangle.
std::vector<const XmlElement*> all(XmlElement&& root, const std::string& name) = delete;

sim::CheckResult check(std::string name, sim::Verdict verdict, sim::Severity severity, std::string detail = "") {
  return sim::CheckResult{std::move(name), verdict, severity, true, std::move(detail)};
}

RunReportInput run_with(int exit_code, std::uint64_t seed) {
  RunReportInput run;
  run.faultline_version = "0.1.0";
  run.scenario_name = "basic";
  run.scenario_path = "scenarios/basic.json";
  run.protocol = "paxos";
  run.store = "sqlite";
  run.seed = seed;
  run.exit_code = exit_code;
  run.checks = {check("converged", sim::Verdict::kPass, sim::Severity::kSafety),
                check("durable", sim::Verdict::kPass, sim::Severity::kSafety),
                check("liveness", sim::Verdict::kPass, sim::Severity::kLiveness)};
  run.trace_hash = "00000000deadbeef";
  run.wall_s = 0.25;
  run.reproduce = "faultline run scenarios/basic.json --seed " + std::to_string(seed);
  return run;
}

RunReportInput safety_failure(std::uint64_t seed) {
  RunReportInput run = run_with(1, seed);
  run.checks[0] = check("converged", sim::Verdict::kFail, sim::Severity::kSafety, "r0 and r1 differ");
  run.checks[1] = check("durable", sim::Verdict::kFail, sim::Severity::kSafety, "ack 17 lost");
  return run;
}

RunReportInput liveness_failure(std::uint64_t seed) {
  RunReportInput run = run_with(2, seed);
  run.checks[2] = check("liveness", sim::Verdict::kFail, sim::Severity::kLiveness, "stuck 6s");
  return run;
}

RunReportInput crash(std::uint64_t seed) {
  RunReportInput run = run_with(134, seed);
  run.crash = "killed by signal 6\nassertion failed: ballot >= promised";
  run.checks.clear();
  return run;
}

TEST(XmlReader, decodes_what_it_accepts) {
  const XmlElement root =
      XmlReader("<?xml version=\"1.0\"?>\n<a x='1 &amp;&#10;2'><b/>t&lt;&#x41;&#233;\r\n</a>").read();
  EXPECT_EQ(root.name, "a");
  EXPECT_EQ(root.attributes.at("x"), "1 &\n2");
  EXPECT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.text, "t<A\xC3\xA9\n");
}

TEST(XmlReader, rejects_what_is_not_well_formed) {
  for (const std::string bad : {"<a></b>", "<a>&</a>", "<a>x < y</a>", "<a>\x01</a>", "<a>&nbsp;</a>", "<a>&#1;</a>",
                                "<a x=1/>", "<a x='<'/>", "<a/><b/>", "<a x='1'x='2'/>", "<a>]]></a>", "<a>"}) {
    EXPECT_THROW(XmlReader(bad).read(), std::runtime_error) << bad;
  }
}

TEST(Junit, counts_test_cases_failures_and_errors) {
  const std::string xml = junit_xml({run_with(0, 1), safety_failure(2), liveness_failure(3), crash(4)}, "smoke");
  const XmlElement root = parse_xml(xml);
  EXPECT_EQ(root.name, "testsuites");
  const auto suites = all(root, "testsuite");
  ASSERT_EQ(suites.size(), 1u);
  for (const XmlElement* e : {&root, suites[0]}) {
    EXPECT_EQ(e->attributes.at("name"), "smoke");
    EXPECT_EQ(e->attributes.at("tests"), "4");
    EXPECT_EQ(e->attributes.at("failures"), "2");
    EXPECT_EQ(e->attributes.at("errors"), "1");
    EXPECT_EQ(e->attributes.at("time"), "1.000");
  }
  EXPECT_EQ(all(root, "testcase").size(), 4u);
  EXPECT_EQ(all(root, "failure").size(), 2u);
  EXPECT_EQ(all(root, "error").size(), 1u);
}

TEST(Junit, test_case_is_named_by_scenario_protocol_and_seed) {
  const XmlElement root = parse_xml(junit_xml({run_with(0, 42)}, "s"));
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]->attributes.at("classname"), "faultline.basic");
  EXPECT_EQ(cases[0]->attributes.at("name"), "basic protocol=paxos seed=42");
  EXPECT_EQ(cases[0]->attributes.at("time"), "0.250");
  EXPECT_TRUE(all(root, "failure").empty());
  const auto out = all(root, "system-out");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0]->text.find("trace-hash: 00000000deadbeef"), std::string::npos);
}

TEST(Junit, safety_failure_names_violated_checks_and_how_to_reproduce) {
  RunReportInput run = safety_failure(5);
  run.checks.push_back(sim::CheckResult{"log_bound", sim::Verdict::kFail, sim::Severity::kSafety, false, "tolerated"});
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->attributes.at("type"), "safety");
  EXPECT_EQ(failures[0]->attributes.at("message"), "converged, durable");
  EXPECT_EQ(failures[0]->text,
            "converged (safety): r0 and r1 differ\ndurable (safety): ack 17 lost\n"
            "reproduce: faultline run scenarios/basic.json --seed 5");
}

TEST(Junit, liveness_failure_has_liveness_type) {
  const XmlElement root = parse_xml(junit_xml({liveness_failure(6)}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->attributes.at("type"), "liveness");
  EXPECT_EQ(failures[0]->attributes.at("message"), "liveness");
}

TEST(Junit, crash_is_an_error_with_its_first_line_as_message) {
  const XmlElement root = parse_xml(junit_xml({crash(7)}, "s"));
  const auto errors = all(root, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(all(root, "failure").empty());
  EXPECT_EQ(errors[0]->attributes.at("type"), "crash");
  EXPECT_EQ(errors[0]->attributes.at("message"), "killed by signal 6");
  EXPECT_EQ(errors[0]->text,
            "killed by signal 6\nassertion failed: ballot >= promised\n"
            "reproduce: faultline run scenarios/basic.json --seed 7");
}

// The control character cannot travel in XML 1.0 at all, so it arrives spelled out.
constexpr std::string_view kNasty = "a<b> && \"double\" 'single' \x01 cr\r\n ]]> end";
constexpr std::string_view kNastyRead = "a<b> && \"double\" 'single' \\x01 cr\r\n ]]> end";

TEST(Junit, escaping_round_trips_in_character_data) {
  RunReportInput run = safety_failure(8);
  run.checks[0].detail = std::string(kNasty);
  run.checks[1].verdict = sim::Verdict::kPass;
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto failures = all(root, "failure");
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0]->text, "converged (safety): " + std::string(kNastyRead) +
                                   "\nreproduce: faultline run scenarios/basic.json --seed 8");
}

TEST(Junit, escaping_round_trips_in_attributes) {
  RunReportInput run = run_with(0, 9);
  run.scenario_name = std::string(kNasty) + "\ttab";
  const XmlElement root = parse_xml(junit_xml({run}, std::string(kNasty)));
  EXPECT_EQ(root.attributes.at("name"), kNastyRead);
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0]->attributes.at("classname"), "faultline." + std::string(kNastyRead) + "\ttab");
}

TEST(Junit, non_characters_and_invalid_utf8_are_replaced) {
  EXPECT_EQ(xml_escape("x\xEF\xBF\xBEy\xEF\xBF\xBFz\xFF", XmlContext::kText),
            "x\xEF\xBF\xBDy\xEF\xBF\xBDz\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xC3\xA9\x7F", XmlContext::kAttribute), "\xC3\xA9\x7F");
  RunReportInput run = crash(10);
  run.crash = "bad \xFF\xFE byte \xEF\xBF\xBF\x1B[31m";
  const XmlElement root = parse_xml(junit_xml({run}, "s"));
  const auto errors = all(root, "error");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]->attributes.at("message"), "bad \xEF\xBF\xBD\xEF\xBF\xBD byte \xEF\xBF\xBD\\x1B[31m");
}

TEST(Junit, empty_suite_is_well_formed) {
  const XmlElement root = parse_xml(junit_xml({}, "empty"));
  EXPECT_EQ(root.attributes.at("tests"), "0");
  EXPECT_EQ(all(root, "testsuite").size(), 1u);
  EXPECT_TRUE(all(root, "testcase").empty());
}

TEST(Junit, times_are_fixed_point_and_never_negative) {
  RunReportInput run = run_with(0, 11);
  run.wall_s = -3.0;
  RunReportInput slow = run_with(0, 12);
  slow.wall_s = 12.3456;
  const XmlElement root = parse_xml(junit_xml({run, slow}, "s"));
  const auto cases = all(root, "testcase");
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0]->attributes.at("time"), "0.000");
  EXPECT_EQ(cases[1]->attributes.at("time"), "12.346");
}

}  // namespace
}  // namespace fl::reports
