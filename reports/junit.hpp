// junit.xml: runs as JUnit test cases, the format CI systems (GitLab, Jenkins, GitHub
// test-report actions) display as a test list. One test case per run; a safety or
// liveness violation is a <failure>, a crashed run an <error>. The mapping is
// documented in reports/README.md.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "reports/json_report.hpp"

namespace fl::reports {

// Where escaped text goes: attribute values must also keep tabs and line breaks as
// character references, or XML parsers turn them into spaces.
enum class XmlContext { kText, kAttribute };

// `text` made safe for XML 1.0: markup characters become entities, invalid UTF-8
// becomes U+FFFD, and characters XML 1.0 forbids even as references (control
// characters other than tab, LF and CR; U+FFFE, U+FFFF) become visible text: "\x01"
// for a control character, U+FFFD for the two non-characters.
std::string xml_escape(std::string_view text, XmlContext context);

// The whole junit.xml document for `runs`, in the given order, under one
// <testsuite> named `suite_name`. Times are wall-clock seconds.
std::string junit_xml(const std::vector<sim::RunOutcome>& runs, const std::string& suite_name);

}  // namespace fl::reports
