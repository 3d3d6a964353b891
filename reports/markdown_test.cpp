// summary.md and the terminal table: one row per scenario and protocol, failing rows
// first, a failure list with reproduce commands, and text that cannot break the
// Markdown (a `|` in a name must not add a column).
#include "reports/markdown.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace fl::reports {
namespace {

sim::RunOutcome run(const std::string& scenario, const std::string& protocol, std::uint64_t seed,
                    bool converged = true) {
  sim::RunOutcome r;
  r.scenario_name = scenario;
  r.protocol = protocol;
  r.seed = seed;
  r.checks = {sim::CheckResult{"converged", converged ? sim::Verdict::kPass : sim::Verdict::kFail,
                               sim::Severity::kSafety, true, converged ? "" : "r0 and r1 differ"},
              sim::CheckResult{"log_bound", sim::Verdict::kPass, sim::Severity::kSafety, true, ""}};
  r.reproduce =
      "faultline run scenarios/" + scenario + ".json --seed " + std::to_string(seed) + " --protocol " + protocol;
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The table's rows (after the header and the |---| line), as written.
std::vector<std::string> table_rows(const std::string& markdown) {
  std::vector<std::string> rows;
  bool past_rule = false;
  for (const auto& line : lines_of(markdown)) {
    if (line.rfind("|---", 0) == 0) {
      past_rule = true;
    } else if (past_rule && line.rfind("| ", 0) == 0) {
      rows.push_back(line);
    } else if (past_rule) {
      break;
    }
  }
  return rows;
}

// Cell separators a GFM reader sees: pipes not escaped with a backslash.
std::size_t unescaped_pipes(const std::string& line) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\')
      ++i;
    else if (line[i] == '|')
      ++n;
  }
  return n;
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(SuiteTable, one_row_per_scenario_and_protocol_failing_first) {
  const SuiteTable t =
      tabulate({run("a", "paxos", 1), run("a", "zk", 1), run("a", "zk", 2, false), run("b", "paxos", 1)});
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].scenario, "a");
  EXPECT_EQ(t.rows[0].protocol, "zk");
  EXPECT_EQ(t.rows[0].runs, 2);
  EXPECT_EQ(t.rows[0].failed_runs, 1);
  ASSERT_EQ(t.rows[0].failures.size(), 1u);
  EXPECT_EQ(t.rows[0].failures[0].seed, 2u);
  EXPECT_EQ(t.rows[0].failures[0].what, "converged");
  EXPECT_EQ(t.rows[0].failures[0].reproduce, "faultline run scenarios/a.json --seed 2 --protocol zk");
  EXPECT_EQ(t.rows[1].protocol, "paxos");
  EXPECT_EQ(t.rows[1].failed_runs, 0);
  EXPECT_EQ(t.rows[2].scenario, "b");
  EXPECT_EQ(cell_text(t.rows[0].cells.at("converged"), t.rows[0].runs), "FAIL 1/2");
}

TEST(SuiteTable, text_table_has_a_protocol_column) {
  const std::string text = render_text(tabulate({run("a", "paxos", 1), run("a", "zk", 3, false)}));
  const auto lines = lines_of(text);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].rfind("scenario ", 0), 0u);
  EXPECT_NE(lines[0].find(" protocol "), std::string::npos);
  EXPECT_NE(lines[1].find(" zk "), std::string::npos) << "the failing row first:\n" << text;
  EXPECT_NE(lines[1].find("FAILED 1/1 (seeds 3)"), std::string::npos);
  EXPECT_NE(lines[2].find(" paxos "), std::string::npos);
}

TEST(Summary, heading_names_the_command_and_counts) {
  const std::string passing =
      render_markdown(tabulate({run("a", "paxos", 1), run("a", "paxos", 2)}), "faultline suite");
  EXPECT_EQ(lines_of(passing)[0], "## faultline suite: all pass (1 scenario/protocol pair, 2 runs)");
  EXPECT_EQ(passing.find("### Failures"), std::string::npos) << "nothing to list";
  const std::string failing =
      render_markdown(tabulate({run("a", "paxos", 1), run("a", "zk", 2, false)}), "faultline sweep a");
  EXPECT_EQ(lines_of(failing)[0], "## faultline sweep a: 1 of 2 scenario/protocol pairs failing (1 of 2 runs)");
  const std::string with_command = render_markdown(tabulate({run("a", "paxos", 1)}), "faultline suite",
                                                   "build/faultline suite scenarios --seeds 1..5");
  EXPECT_EQ(lines_of(with_command)[2], "Command: `build/faultline suite scenarios --seeds 1..5`");
  EXPECT_EQ(lines_of(with_command)[4], "| scenario | protocol | converged | log_bound | runs |");
}

TEST(Summary, table_has_scenario_protocol_and_check_columns_failing_rows_first) {
  const std::string md = render_markdown(
      tabulate({run("a", "paxos", 1), run("b", "paxos", 1), run("b", "zk", 1, false)}), "faultline suite");
  EXPECT_NE(md.find("\n| scenario | protocol | converged | log_bound | runs |\n|---|---|---|---|---|\n"),
            std::string::npos)
      << md;
  const auto rows = table_rows(md);
  ASSERT_EQ(rows.size(), 3u) << md;
  EXPECT_EQ(rows[0], "| b | zk | FAIL 1/1 | pass | FAILED 1/1 (seeds 1) |");
  EXPECT_EQ(rows[1], "| a | paxos | pass | pass | ok 1/1 |");
  EXPECT_EQ(rows[2], "| b | paxos | pass | pass | ok 1/1 |");
}

TEST(Summary, lists_each_failing_run_with_its_reproduce_command) {
  sim::RunOutcome crashed = run("c", "paxos", 9);
  crashed.crash_exit_code = 134;
  crashed.crash = "killed by signal 6\nassertion failed";
  crashed.checks.clear();
  const std::string md =
      render_markdown(tabulate({run("a", "zk", 1), run("a", "zk", 2, false), crashed}), "faultline suite");
  const auto at = md.find("\n### Failures\n\n");
  ASSERT_NE(at, std::string::npos) << md;
  EXPECT_GT(at, md.find("| a | zk |")) << "the list follows the table";
  EXPECT_NE(md.find("\n- a, protocol zk, seed 2: converged; reproduce: "
                    "`faultline run scenarios/a.json --seed 2 --protocol zk`\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("\n- c, protocol paxos, seed 9: crashed: killed by signal 6; reproduce: "
                    "`faultline run scenarios/c.json --seed 9 --protocol paxos`\n"),
            std::string::npos)
      << md;
  EXPECT_EQ(count(md, "reproduce: `"), 2u);
}

TEST(Summary, unreachable_store_is_named_as_such_not_as_a_crash) {
  sim::RunOutcome down = run("d", "paxos", 4);
  down.crash_exit_code = 69;
  down.crash = "store unavailable: cassandra at 127.0.0.1:1: connect: Connection refused";
  down.checks.clear();
  const std::string md = render_markdown(tabulate({down}), "faultline sweep");
  EXPECT_NE(md.find("seed 4: store unavailable: cassandra at 127.0.0.1:1"), std::string::npos) << md;
  EXPECT_EQ(md.find("crashed"), std::string::npos) << md;
}

TEST(Summary, failure_list_is_capped_and_says_how_many_more) {
  std::vector<sim::RunOutcome> runs;
  const std::size_t failing = kFailuresListedMax + 5;
  for (std::uint64_t seed = 1; seed <= failing; ++seed) runs.push_back(run("a", "paxos", seed, false));
  const std::string md = render_markdown(tabulate(runs), "faultline sweep a");
  EXPECT_EQ(count(md, "; reproduce: `"), kFailuresListedMax);
  EXPECT_NE(md.find("\n- and 5 more failing runs (every run is in report.json and junit.xml)\n"), std::string::npos)
      << md;
  EXPECT_NE(md.find("seed " + std::to_string(kFailuresListedMax) + ":"), std::string::npos);
  EXPECT_EQ(md.find("seed " + std::to_string(kFailuresListedMax + 1) + ":"), std::string::npos);
}

TEST(Summary, names_cannot_add_columns_or_rows) {
  sim::RunOutcome odd = run("a|b\nc *d* <i>", "p|q", 1, false);
  odd.reproduce = "faultline run 'a`b.json' --seed 1";
  const std::string md = render_markdown(tabulate({odd, run("plain", "paxos", 1)}), "faultline suite");
  const auto rows = table_rows(md);
  ASSERT_EQ(rows.size(), 2u) << md;
  const auto lines = lines_of(md);
  const std::size_t header_pipes = unescaped_pipes(lines[2]);
  for (const auto& row : rows) EXPECT_EQ(unescaped_pipes(row), header_pipes) << row;
  EXPECT_EQ(rows[0].rfind("| a\\|b c \\*d\\* \\<i\\> | p\\|q |", 0), 0u) << rows[0];
  EXPECT_NE(md.find("reproduce: ``faultline run 'a`b.json' --seed 1``\n"), std::string::npos) << md;
}

TEST(Summary, markdown_text_escapes_what_would_start_markup) {
  EXPECT_EQ(markdown_text("a|b"), "a\\|b");
  EXPECT_EQ(markdown_text("x\ny\r\tz"), "x y  z");
  EXPECT_EQ(markdown_text("log_bound"), "log_bound") << "an underscore inside a word starts nothing";
  EXPECT_EQ(markdown_text("_x_"), "\\_x\\_");
  EXPECT_EQ(markdown_text("[l](u) <b> `c` ~s~ &amp; \\"), "\\[l\\](u) \\<b\\> \\`c\\` \\~s\\~ \\&amp; \\\\");
}

TEST(Summary, markdown_code_fences_backticks_inside) {
  EXPECT_EQ(markdown_code("faultline run x.json"), "`faultline run x.json`");
  EXPECT_EQ(markdown_code("a`b``c"), "```a`b``c```");
  EXPECT_EQ(markdown_code("`x"), "`` `x ``");
  EXPECT_EQ(markdown_code("a\nb"), "`a b`");
}

}  // namespace
}  // namespace fl::reports
