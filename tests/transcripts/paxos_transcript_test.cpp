// Transcript tests of the Multi-Paxos core (tests/transcripts/paxos/*.txt): each file
// drives one fl::paxos::PaxosReplica through its public API (rsm/paxos/replica.hpp)
// with messages in the vocabulary of rsm/paxos/messages.hpp, and pins the Output of
// every input. The format is described in tests/transcripts/transcript.hpp; the
// commands are:
//
//   start self=1 [replicas=3 now=0 max_log_size=40 checkpoint_interval=10
//                 batch_size_max=4 heartbeat=50ms election_timeout=300ms]
//       a fresh replica, started from the disk image its input lines give:
//         promised 3.2
//         slot 1 b=3.2 [decided] c1#1 append(1,5); c2#1 append(2,7)   (or "noop")
//   deliver from=0 [now=10ms]     one input line: the message, as describe() prints it
//       (batches written out: "accept b=4.0 s=1 c1#1 append(1,5); c2#1 read(2)");
//       a promise is followed by its reports, one per line:
//         promise b=4.1 ckpt=0
//         entry s=1 b=3.2 [decided] c1#1 append(1,5)
//   timer [now=...]               the tick timer fires
//   request [now=...]             one input line: a client request, "c1#1 append(1,5)"
//   restart [now=...]             crash (unsynced writes are lost) and start from disk
//   state                         promised ballot, role, executed slot and log
//
// Output lines follow Output's order of application (rsm/core/replica.hpp) once the
// app steps are carried out (their replies and checkpoint writes included): writes,
// sync, sends (a promise's reports below it, as "  entry ..." lines), replies, then
// timers, the app steps the core listed, and notes. FL_REWRITE=1
// rewrites the expected sections from the actual output.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>

#include "rsm/core/app_runner.hpp"
#include "rsm/paxos/durable.hpp"
#include "rsm/paxos/replica.hpp"
#include "rsm/paxos/testing.hpp"
#include "tests/transcripts/transcript.hpp"

namespace fl::paxos {
namespace {

using transcript::BadTranscript;
using transcript::Case;

[[noreturn]] void bad(const Case& c, const std::string& why) {
  throw BadTranscript("line " + std::to_string(c.line) + " (" + c.command + "): " + why);
}

// ---------------------------------------------------------------------------
// Reading inputs

std::int64_t number(const Case& c, std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) bad(c, "'" + std::string(text) + "' is not a number");
  return value;
}

// "250ms", "1s", "100us", "0".
Micros duration(const Case& c, const std::string& text) {
  for (const auto& [suffix, scale] : {std::pair{"us", Micros{1}}, {"ms", kMillis}, {"s", kSeconds}}) {
    const std::string_view s(suffix);
    if (text.size() > s.size() && text.ends_with(s)) {
      return number(c, std::string_view(text).substr(0, text.size() - s.size())) * scale;
    }
  }
  return number(c, text);
}

Ballot ballot(const Case& c, const std::string& text) {
  const auto dot = text.find('.');
  if (dot == std::string::npos) bad(c, "ballot '" + text + "' is not ROUND.NODE");
  return Ballot{static_cast<std::uint64_t>(number(c, std::string_view(text).substr(0, dot))),
                NodeId(static_cast<std::uint32_t>(number(c, std::string_view(text).substr(dot + 1))))};
}

// "c1#4 append(3,17)", "c2#1 read(5)", "c3#2 insert(1)", "c1#9 read_all()".
Request request(const Case& c, std::string text) {
  text.erase(0, text.find_first_not_of(' '));
  Request r;
  const auto hash = text.find('#'), space = text.find(' '), open = text.find('('), close = text.find(')');
  if (text.empty() || text[0] != 'c' || hash == std::string::npos || space == std::string::npos ||
      open == std::string::npos || close != text.size() - 1) {
    bad(c, "request '" + text + "' is not like c1#4 append(3,17)");
  }
  r.client = ClientId(static_cast<std::uint32_t>(number(c, std::string_view(text).substr(1, hash - 1))));
  r.id = RequestId(static_cast<std::uint64_t>(number(c, std::string_view(text).substr(hash + 1, space - hash - 1))));
  const auto op = op_from_name(std::string_view(text).substr(space + 1, open - space - 1));
  if (!op) bad(c, "unknown operation in '" + text + "'");
  r.op = *op;
  const std::string operands = text.substr(open + 1, close - open - 1);
  const auto comma = operands.find(',');
  if (!operands.empty()) r.key = static_cast<std::int32_t>(number(c, std::string_view(operands).substr(0, comma)));
  if (comma != std::string::npos) {
    r.value = static_cast<std::int32_t>(number(c, std::string_view(operands).substr(comma + 1)));
  }
  return r;
}

// "noop", or requests separated by ';'.
Batch batch(const Case& c, const std::string& text) {
  Batch b;
  if (text == "noop" || text == "[noop]") return b;
  std::size_t at = 0;
  while (at <= text.size()) {
    const auto semi = std::min(text.find(';', at), text.size());
    b.push_back(request(c, text.substr(at, semi - at)));
    at = semi + 1;
  }
  return b;
}

// A message or record line: its leading words key=value (and bare flags), then the
// rest of the line (a batch) after the last of them.
struct Words {
  std::string head;
  std::map<std::string, std::string> fields;
  bool decided = false;
  std::string rest;
};

Words words(const std::string& line, std::size_t fixed_fields) {
  Words w;
  std::istringstream in(line);
  in >> w.head;
  std::string word;
  for (std::size_t i = 0; i < fixed_fields && in >> word; ++i) {
    if (word == "decided") {
      w.decided = true;
      --i;
      continue;
    }
    const auto eq = word.find('=');
    w.fields[word.substr(0, eq)] = eq == std::string::npos ? "" : word.substr(eq + 1);
  }
  std::getline(in, w.rest);
  w.rest.erase(0, w.rest.find_first_not_of(' '));
  if (w.rest.starts_with("decided")) {
    w.decided = true;
    w.rest.erase(
        0, w.rest.find_first_not_of(' ', 7) == std::string::npos ? w.rest.size() : w.rest.find_first_not_of(' ', 7));
  }
  return w;
}

const std::string& field(const Case& c, const Words& w, const std::string& key) {
  const auto it = w.fields.find(key);
  if (it == w.fields.end()) bad(c, "'" + w.head + "' needs " + key + "=");
  return it->second;
}

SlotReport entry_report(const Case& c, const std::string& line) {
  const Words w = words(line, 2);
  if (w.head != "entry") bad(c, "expected 'entry s=SLOT b=BALLOT [decided] BATCH', got '" + line + "'");
  return SlotReport{Slot(number(c, field(c, w, "s"))), ballot(c, field(c, w, "b")), batch(c, w.rest), w.decided};
}

MessagePtr message(const Case& c) {
  if (c.input.empty()) bad(c, "needs the message on its input line");
  const std::string& line = c.input[0];
  const std::string kind = line.substr(0, line.find(' '));
  if (kind != "promise" && c.input.size() > 1) bad(c, "only a promise takes more than one input line");
  if (kind == "prepare") {
    const Words w = words(line, 3);
    const auto budget = w.fields.count("budget") ? number(c, w.fields.at("budget")) : kUnlimited;
    return std::make_shared<Prepare>(ballot(c, field(c, w, "b")), Slot(number(c, field(c, w, "from"))), budget);
  }
  if (kind == "promise") {
    const Words w = words(line, 3);
    std::vector<SlotReport> entries;
    for (std::size_t i = 1; i < c.input.size(); ++i) entries.push_back(entry_report(c, c.input[i]));
    const auto cut = w.fields.count("truncated_at") ? number(c, w.fields.at("truncated_at")) : kUnlimited;
    return std::make_shared<Promise>(ballot(c, field(c, w, "b")), Slot(number(c, field(c, w, "ckpt"))),
                                     std::move(entries), Slot(cut));
  }
  if (kind == "nack") return std::make_shared<Nack>(ballot(c, field(c, words(line, 1), "promised")));
  if (kind == "accept") {
    const Words w = words(line, 2);
    return std::make_shared<Accept>(ballot(c, field(c, w, "b")), Slot(number(c, field(c, w, "s"))), batch(c, w.rest));
  }
  if (kind == "accepted") {
    const Words w = words(line, 2);
    return std::make_shared<Accepted>(ballot(c, field(c, w, "b")), Slot(number(c, field(c, w, "s"))));
  }
  if (kind == "decide") {
    const Words w = words(line, 1);
    return std::make_shared<Decide>(Slot(number(c, field(c, w, "s"))), batch(c, w.rest));
  }
  if (kind == "heartbeat") {
    const Words w = words(line, 2);
    return std::make_shared<Heartbeat>(ballot(c, field(c, w, "b")), Slot(number(c, field(c, w, "executed"))));
  }
  if (kind == "heartbeat-ack") return std::make_shared<HeartbeatAck>(ballot(c, field(c, words(line, 1), "b")));
  if (kind == "forward") return std::make_shared<Forward>(request(c, line.substr(kind.size())));
  bad(c, "unknown message '" + kind +
             "' (prepare, promise, nack, accept, accepted, decide, heartbeat, "
             "heartbeat-ack, forward)");
}

// ---------------------------------------------------------------------------
// Printing outputs

std::string describe_entry(std::int64_t slot, const Entry& e) {
  std::string text = "s=" + std::to_string(slot) + " b=" + e.ballot.describe() + (e.decided ? " decided " : " ");
  if (e.batch.empty()) return text + "noop";
  for (std::size_t i = 0; i < e.batch.size(); ++i) text += (i ? "; " : "") + describe(e.batch[i]);
  return text;
}

// A disk record in the words of rsm/paxos/durable.hpp, decoded by its own reader.
std::string describe_write(const DiskWrite& w) {
  if (!w.value) return "erase " + w.key;
  if (w.key == "promised") return "write promised " + recover({{w.key, *w.value}}).promised.describe();
  if (w.key == "ckpt") return "write ckpt s=" + std::to_string(recover({{w.key, *w.value}}).checkpoint_slot.value);
  if (w.key.starts_with("log/")) {
    const Recovered r = recover({{w.key, *w.value}});
    return "write log " + describe_entry(r.log.begin()->first, r.log.begin()->second);
  }
  return "write " + w.key + " = " + *w.value;
}

// What the core asked of its app (the runner has carried it out: its replies and a
// checkpoint's write are among the lines above).
std::string describe_step(const AppStep& step) {
  if (const auto* e = std::get_if<ExecuteStep>(&step)) {
    return "execute s=" + std::to_string(e->slot.value) + "#" + std::to_string(e->index) + " " + describe(e->request) +
           (e->reply ? " reply" : "");
  }
  if (const auto* r = std::get_if<ReadStep>(&step)) return "read locally " + describe(r->request);
  if (const auto* r = std::get_if<RestoreStep>(&step)) {
    return "restore s=" + std::to_string(r->slot.value) +
           (r->source == RestoreSource::kOwnCheckpoint ? " own" : " peer") + (r->state ? "" : " empty");
  }
  return "checkpoint s=" + std::to_string(std::get<CheckpointStep>(step).slot.value);
}

std::vector<std::string> describe_output(const Output& out) {
  std::vector<std::string> lines;
  for (const DiskWrite& w : out.writes) lines.push_back(describe_write(w));
  if (out.sync) lines.push_back("sync");
  for (const auto& [to, m] : out.messages) {
    lines.push_back("send r" + std::to_string(to.value) + " " + m->describe());
    // describe() counts a promise's reports; the transcript shows them, since what a
    // promise carries is what phase 1 is about (Paxos Made Simple §2.2, P2c).
    if (static_cast<const PaxosMessage&>(*m).kind() != Kind::kPromise) continue;
    for (const SlotReport& r : static_cast<const Promise&>(*m).entries) {
      lines.push_back("  entry " + describe_entry(r.slot.value, Entry{r.ballot, r.batch, r.decided}));
    }
  }
  for (const ClientReply& r : out.replies) {
    lines.push_back("reply c" + std::to_string(r.client.value) + "#" + std::to_string(r.id.value) + " " +
                    describe(r.response));
  }
  for (const TimerSet& t : out.timers) {
    lines.push_back("timer " + std::to_string(t.timer) + " after=" + std::to_string(t.after_us / kMillis) + "ms");
  }
  for (const AppStep& step : out.app) lines.push_back(describe_step(step));
  for (const std::string& note : out.notes) lines.push_back("note " + note);
  return lines;
}

// ---------------------------------------------------------------------------
// The driver: one replica and its disk

class PaxosDriver {
 public:
  // `mutation` plants a bug (rsm/paxos/variants.hpp) in every replica it starts.
  explicit PaxosDriver(Mutation mutation = Mutation::kNone) : mutation_(mutation) {}

  std::vector<std::string> operator()(const Case& c) {
    if (c.command == "start") return start(c);
    if (!replica_) bad(c, "no replica yet: begin with 'start'");
    if (c.args.count("now")) now_ = duration(c, c.args.at("now"));
    if (c.command == "deliver") {
      if (!c.args.count("from")) bad(c, "needs from=NODE");
      const NodeId from(static_cast<std::uint32_t>(number(c, c.args.at("from"))));
      const MessagePtr m = message(c);
      return step([&](Output& out) { replica_->on_message(from, *m, now_, out); });
    }
    if (c.command == "timer") return step([&](Output& out) { replica_->on_timer(kTickTimer, now_, out); });
    if (c.command == "request") {
      if (c.input.size() != 1) bad(c, "needs one request on its input line");
      const Request r = request(c, c.input[0]);
      return step([&](Output& out) { replica_->on_client_request(r, now_, out); });
    }
    if (c.command == "restart") {
      unsynced_.clear();
      replica_ = std::make_unique<PaxosReplica>(config_, std::make_unique<testing::LogApp>());
      return step([&](Output& out) { replica_->start(disk_, now_, out); });
    }
    if (c.command == "state") return state();
    bad(c, "unknown command (start, deliver, timer, request, restart, state)");
  }

 private:
  std::vector<std::string> start(const Case& c) {
    config_ = Config{};
    config_.self = NodeId(static_cast<std::uint32_t>(number(c, arg(c, "self", ""))));
    config_.replicas = static_cast<int>(number(c, arg(c, "replicas", "3")));
    config_.max_log_size = number(c, arg(c, "max_log_size", "40"));
    config_.checkpoint_interval = number(c, arg(c, "checkpoint_interval", "10"));
    config_.batch_size_max = static_cast<int>(number(c, arg(c, "batch_size_max", "4")));
    config_.heartbeat_us = duration(c, arg(c, "heartbeat", "50ms"));
    config_.election_timeout_us = duration(c, arg(c, "election_timeout", "300ms"));
    config_.mutation = mutation_;
    now_ = duration(c, arg(c, "now", "0"));
    disk_.clear();
    unsynced_.clear();
    for (const std::string& line : c.input) record(c, line);
    replica_ = std::make_unique<PaxosReplica>(config_, std::make_unique<testing::LogApp>());
    return step([&](Output& out) { replica_->start(disk_, now_, out); });
  }

  static std::string arg(const Case& c, const std::string& key, const std::string& fallback) {
    const auto it = c.args.find(key);
    if (it != c.args.end()) return it->second;
    if (fallback.empty()) bad(c, "needs " + key + "=");
    return fallback;
  }

  // A disk record of the starting image, written with durable.hpp's own writers.
  void record(const Case& c, const std::string& line) {
    const Words w = words(line, line.starts_with("promised") ? 0 : 2);
    DiskWrite write;
    if (w.head == "promised") {
      write = promised_record(ballot(c, w.rest));
    } else if (w.head == "slot") {
      const auto s = Slot(number(c, field(c, w, "s")));
      write = log_record(s, Entry{ballot(c, field(c, w, "b")), batch(c, w.rest), w.decided});
    } else {
      bad(c, "disk lines are 'promised R.N' or 'slot s=S b=R.N [decided] BATCH', got '" + line + "'");
    }
    disk_[write.key] = *write.value;
  }

  // Runs one input and applies its writes: synced ones reach the disk a restart reads.
  std::vector<std::string> step(const std::function<void(Output&)>& input) {
    Output out;
    input(out);
    carry_out_app_steps(*replica_, out);
    for (const DiskWrite& w : out.writes) unsynced_.push_back(w);
    if (out.sync) {
      for (const DiskWrite& w : unsynced_) {
        if (w.value)
          disk_[w.key] = *w.value;
        else
          disk_.erase(w.key);
      }
      unsynced_.clear();
    }
    return describe_output(out);
  }

  std::vector<std::string> state() const {
    const std::string role = replica_->is_leader() ? "leader" : replica_->is_candidate() ? "candidate" : "follower";
    std::vector<std::string> lines = {"promised " + replica_->promised().describe() + " role " + role + " executed " +
                                      std::to_string(replica_->executed().value)};
    for (const auto& [slot, e] : replica_->log()) lines.push_back("log " + describe_entry(slot, e));
    return lines;
  }

  Mutation mutation_;
  Config config_;
  std::unique_ptr<PaxosReplica> replica_;
  DiskImage disk_;
  std::vector<DiskWrite> unsynced_;
  Micros now_ = 0;
};

class PaxosTranscript : public ::testing::TestWithParam<std::string> {};

TEST_P(PaxosTranscript, output_matches) {
  PaxosDriver driver;
  EXPECT_EQ(transcript::check_file("paxos", GetParam(), std::ref(driver)), "")
      << "rewrite with: FL_REWRITE=1 build/fl_tests --gtest_filter='*Transcript*'";
}

INSTANTIATE_TEST_SUITE_P(Files, PaxosTranscript, ::testing::ValuesIn(transcript::files_in("paxos")),
                         [](const auto& param_info) { return transcript::test_name(param_info.param); });

// ---------------------------------------------------------------------------
// The framework can fail: a wrong expected line is a failure with a readable diff.

constexpr const char* kWrongPromise = R"(# A deliberately wrong expectation: the promise names ballot 9.9.
start self=1
----
timer 1 after=50ms
restore s=0 own empty
note recovered ckpt=0 log=0 promised=0.0

deliver from=0
prepare b=4.0 from=1
----
write promised 4.0
sync
send r0 promise b=9.9 ckpt=0 entries=0
)";

TEST(TranscriptFramework, a_wrong_expected_line_fails_with_a_diff_naming_file_line_and_both_versions) {
  PaxosDriver driver;
  const transcript::Result result = transcript::run("wrong.txt", kWrongPromise, std::ref(driver));
  EXPECT_EQ(result.failures,
            "wrong.txt:8: deliver from=0\n"
            "--- expected (-) vs actual (+)\n"
            "  write promised 4.0\n"
            "  sync\n"
            "- send r0 promise b=9.9 ckpt=0 entries=0\n"
            "+ send r0 promise b=4.0 ckpt=0 entries=0\n"
            "\n");
  // Rewriting puts the actual line in place and keeps everything else.
  std::string fixed = kWrongPromise;
  fixed.replace(fixed.find("b=9.9"), 5, "b=4.0");
  EXPECT_EQ(result.rewritten, fixed);
  PaxosDriver again;
  EXPECT_EQ(transcript::run("fixed.txt", fixed, std::ref(again)).failures, "");
}

// The shipped transcripts catch real bugs: each planted bug below breaks a rule one of
// them pins down, and the failure shows which line of which case.
std::string failures_with(Mutation mutation, const std::string& file) {
  const auto text = transcript::read_text(std::string(FL_SOURCE_DIR) + "/tests/transcripts/paxos/" + file);
  if (!text) return "cannot read " + file;
  PaxosDriver driver(mutation);
  return transcript::run(file, *text, std::ref(driver)).failures;
}

TEST(TranscriptFramework, planted_bugs_fail_the_transcripts_that_pin_their_rule) {
  // A promise sent before it is synced: "sync" is missing before the send, and the
  // restart that follows forgets the promise and promises the lower ballot 3.2.
  const std::string unsynced_promise = failures_with(Mutation::kPromiseUnsynced, "phase1-acceptor.txt");
  EXPECT_NE(unsynced_promise.find("phase1-acceptor.txt:20: deliver from=0 now=10ms\n"), std::string::npos)
      << unsynced_promise;
  EXPECT_NE(unsynced_promise.find("  write promised 4.0\n- sync\n  send r0 promise b=4.0"), std::string::npos)
      << unsynced_promise;
  EXPECT_NE(unsynced_promise.find("+ send r2 promise b=3.2"), std::string::npos) << unsynced_promise;
  const std::string unsynced_accept = failures_with(Mutation::kAcceptUnsynced, "phase2-acceptor.txt");
  EXPECT_NE(unsynced_accept.find("- sync\n  send r0 accepted b=4.0 s=1"), std::string::npos) << unsynced_accept;
  // P2c broken: the leader proposes its own older value, not r0's newer one.
  const std::string lowest = failures_with(Mutation::kAdoptLowestBallot, "leader.txt");
  EXPECT_NE(lowest.find("+ send r0 accept b=3.1 s=1 [c8#1 append(8,8)]"), std::string::npos) << lowest;
}

TEST(TranscriptFramework, missing_and_extra_lines_show_as_minus_and_plus) {
  EXPECT_EQ(transcript::diff({"a", "b", "c"}, {"a", "c", "d"}), "  a\n- b\n  c\n+ d\n");
  EXPECT_EQ(transcript::diff({}, {"x"}), "+ x\n");
}

TEST(TranscriptFramework, bad_input_is_reported_with_its_line) {
  PaxosDriver driver;
  try {
    transcript::run("bad.txt", "start self=1\n----\n\ndeliver from=0\nprepère b=1.0 from=1\n----\n", std::ref(driver));
    FAIL() << "expected BadTranscript";
  } catch (const BadTranscript& e) {
    EXPECT_NE(std::string(e.what()).find("line 4 (deliver): unknown message 'prepère'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(transcript::run("bad.txt", "start self=1\n", std::ref(driver)), BadTranscript);  // no ----
}

}  // namespace
}  // namespace fl::paxos
