// Data-driven transcript tests (etcd raft's datadriven package, cockroachdb's
// testutils/datadriven): a text file lists inputs to a protocol core and the output
// each must produce. The framework here knows nothing of any protocol: it splits a
// file into cases, hands each case to a driver, compares what the driver printed
// with what the file expects, and either reports a line diff or, with FL_REWRITE=1 in
// the environment, writes the actual output back into the file.
//
// A file is a sequence of cases separated by blank lines; '#' lines are comments:
//
//   # Paxos Made Simple §2.2: an acceptor promises a higher ballot.
//   deliver from=0 now=10ms
//   prepare b=4.0 from=1
//   ----
//   write promised 4.0
//   sync
//   send r0 promise b=4.0 ckpt=0 entries=0
//
// The first line of a case is the command and its key=value arguments, the lines up
// to "----" are its input, and the lines after it, up to a blank line, the expected
// output. A case that prints nothing has "----" followed by the blank line.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace fl::transcript {

// One case of a transcript file.
struct Case {
  int line = 0;                                      // 1-based line of the command, for messages
  std::string command;                               // "deliver"
  std::map<std::string, std::string> args;           // from=0 now=10ms
  std::vector<std::string> input;                    // lines between the command and "----"
  std::vector<std::string> expected;                 // lines after "----"
  std::size_t expected_begin = 0, expected_end = 0;  // their line indices in the file (0-based, end exclusive)
};

// A problem with the file itself (not a mismatch): which line and why.
struct BadTranscript : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Runs one case and returns the lines it printed. Throws BadTranscript for an input
// it cannot understand (unknown command, malformed argument).
using Driver = std::function<std::vector<std::string>(const Case&)>;

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

inline std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// Splits "deliver from=0 now=10ms" into the command and its arguments.
inline void parse_command(const std::string& line, int number, Case& c) {
  std::istringstream words(line);
  words >> c.command;
  std::string word;
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw BadTranscript("line " + std::to_string(number) + ": argument '" + word + "' is not key=value");
    }
    c.args[word.substr(0, eq)] = word.substr(eq + 1);
  }
}

inline std::vector<Case> parse(const std::vector<std::string>& lines) {
  std::vector<Case> cases;
  std::size_t i = 0;
  while (i < lines.size()) {
    if (lines[i].empty() || lines[i][0] == '#') {
      ++i;
      continue;
    }
    Case c;
    c.line = static_cast<int>(i + 1);
    parse_command(lines[i++], c.line, c);
    while (i < lines.size() && lines[i] != "----") {
      if (lines[i].empty()) throw BadTranscript("line " + std::to_string(c.line) + ": '" + c.command + "' has no ----");
      c.input.push_back(lines[i++]);
    }
    if (i == lines.size()) throw BadTranscript("line " + std::to_string(c.line) + ": '" + c.command + "' has no ----");
    c.expected_begin = ++i;
    while (i < lines.size() && !lines[i].empty()) c.expected.push_back(lines[i++]);
    c.expected_end = i;
    cases.push_back(std::move(c));
  }
  return cases;
}

// A line diff of `expected` against `actual` (longest common subsequence): common
// lines with two spaces, missing ones with "- ", unexpected ones with "+ ".
inline std::string diff(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  const std::size_t n = expected.size(), m = actual.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = expected[i] == actual[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out;
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] == actual[j]) {
      out += "  " + expected[i++] + "\n";
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out += "- " + expected[i++] + "\n";  // a changed line reads as the old one, then the new
    } else {
      out += "+ " + actual[j++] + "\n";
    }
  }
  return out;
}

// What running a whole file found.
struct Result {
  std::string failures;   // one block per mismatching case; empty when all match
  std::string rewritten;  // the file with every expected section replaced by the actual output
};

// Runs every case of `text` (named `name` in messages) through `driver`, in order:
// the cases of one file share the driver's state, as the inputs of one replica do.
inline Result run(const std::string& name, const std::string& text, const Driver& driver) {
  const std::vector<std::string> lines = split_lines(text);
  const std::vector<Case> cases = parse(lines);
  Result result;
  std::vector<std::string> out;
  std::size_t copied = 0;
  for (const Case& c : cases) {
    const std::vector<std::string> actual = driver(c);
    if (actual != c.expected) {
      result.failures += name + ":" + std::to_string(c.line) + ": " + lines[static_cast<std::size_t>(c.line - 1)] +
                         "\n--- expected (-) vs actual (+)\n" + diff(c.expected, actual) + "\n";
    }
    out.insert(out.end(), lines.begin() + static_cast<std::ptrdiff_t>(copied),
               lines.begin() + static_cast<std::ptrdiff_t>(c.expected_begin));
    out.insert(out.end(), actual.begin(), actual.end());
    copied = c.expected_end;
  }
  out.insert(out.end(), lines.begin() + static_cast<std::ptrdiff_t>(copied), lines.end());
  result.rewritten = join_lines(out);
  return result;
}

// True when FL_REWRITE=1: the tests then write actual output into the files.
inline bool rewriting() {
  const char* value = std::getenv("FL_REWRITE");
  return value != nullptr && std::string(value) == "1";
}

inline std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The transcript files (*.txt) of `folder` (under tests/transcripts/), sorted.
inline std::vector<std::string> files_in(const std::string& folder) {
  std::vector<std::string> names;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(FL_SOURCE_DIR) + "/tests/transcripts/" + folder)) {
    if (e.path().extension() == ".txt") names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Runs the transcript `file` of `folder` through `driver`: the failures ("" if it
// matches), or with FL_REWRITE=1 rewrites the file from the actual output and
// returns "". A file that cannot be read or a malformed case is a failure too.
inline std::string check_file(const std::string& folder, const std::string& file, const Driver& driver) {
  const std::string path = std::string(FL_SOURCE_DIR) + "/tests/transcripts/" + folder + "/" + file;
  const auto text = read_text(path);
  if (!text) return "cannot read " + path;
  Result result;
  try {
    result = run(file, *text, driver);
  } catch (const BadTranscript& e) {
    return file + ": " + e.what();
  }
  if (!rewriting()) return result.failures;
  if (result.rewritten != *text) std::ofstream(path, std::ios::binary) << result.rewritten;
  return "";
}

// A gtest parameter name for a transcript file: "phase1-acceptor.txt" -> "phase1_acceptor".
inline std::string test_name(const std::string& file) {
  std::string name = file.substr(0, file.find('.'));
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
}

}  // namespace fl::transcript
