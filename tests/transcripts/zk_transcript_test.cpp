// Transcript tests of the ZooKeeper-coordinated replica (tests/transcripts/zk/*.txt):
// each file drives one fl::coordinated::ZkReplica through its public API
// (rsm/coordinated/replica.hpp) with ZooKeeper's replies and watch events as they
// arrive from ZooKeeper's address, and pins the Output of every input: the calls it
// makes of ZooKeeper (as rsm/zookeeper/wire.hpp's describe() prints them), its
// messages, writes, replies, timers and notes. The format is described in
// tests/transcripts/transcript.hpp; the commands are:
//
//   start self=1 [replicas=3 now=0 max_log_size=400 checkpoint_interval=100
//                 batch_size_max=16]
//       a fresh replica (ZooKeeper is at address 9); an input line
//         checkpoint through=e-0000000003 ["c1#1 append(1,5)"]
//       gives it a local checkpoint to restart from
//   reply x=XID [code=ZOK zxid=Z session=S timeout=600ms path=P data=D version=V
//                czxid=Z children=a,b,c] [now=...]
//       ZooKeeper's reply to the call with that xid, on the replica's newest
//       connection. version= or czxid= give the reply a stat. A multi's results
//       follow as input lines: "result code=ZOK path=P version=V".
//   watch type=NodeDeleted path=/leader [now=...]   a watch event from ZooKeeper
//   timer id=1|2 [now=...]     the ZooKeeper client's timer (1) or the replica's tick (2)
//   request [now=...]          one input line: a client request, "c1#1 append(1,5)"
//   forward from=0 [now=...]   one input line: a request forwarded by replica `from`
//   state                      leader known, leading, applied through
//
// Output lines follow Output's order of application (rsm/core/replica.hpp): writes,
// sync, sends ("zk" for ZooKeeper), replies, timers, applies, restores and notes.
// FL_REWRITE=1 rewrites the expected sections from the actual output.
#include <gtest/gtest.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <sstream>

#include "rsm/coordinated/replica.hpp"
#include "rsm/paxos/testing.hpp"
#include "tests/transcripts/transcript.hpp"

namespace fl::coordinated {
namespace {

namespace wire = fl::zookeeper;
using transcript::BadTranscript;
using transcript::Case;

constexpr NodeId kZk{9};

[[noreturn]] void bad(const Case& c, const std::string& why) {
  throw BadTranscript("line " + std::to_string(c.line) + " (" + c.command + "): " + why);
}

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

std::string arg(const Case& c, const std::map<std::string, std::string>& args, const std::string& key,
                const std::string& fallback) {
  const auto it = args.find(key);
  if (it != args.end()) return it->second;
  if (fallback.empty()) bad(c, "needs " + key + "=");
  return fallback;
}

// "ZOK", "ZNONODE", ...: the C client's names, as code_name prints them.
wire::Code code(const Case& c, const std::string& name) {
  for (std::int32_t v = 0; v >= -120; --v) {
    const auto candidate = static_cast<wire::Code>(v);
    if (name == wire::code_name(candidate)) return candidate;
  }
  bad(c, "unknown result code '" + name + "'");
}

wire::EventType event_type(const Case& c, const std::string& name) {
  for (std::int32_t v = 1; v <= 4; ++v) {
    if (name == wire::event_name(static_cast<wire::EventType>(v))) return static_cast<wire::EventType>(v);
  }
  bad(c, "unknown watch event '" + name + "'");
}

// An input line: its first word, its key=value words, and the rest of the line after
// them (a batch, or a checkpoint's JSON).
struct Line {
  std::string head;
  std::map<std::string, std::string> fields;
  std::string rest;
};

Line line_of(const std::string& text) {
  Line l;
  std::istringstream in(text);
  in >> l.head;
  std::string word;
  std::streampos before = in.tellg();
  while (in >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos || eq == 0) {
      in.clear();
      in.seekg(before);
      break;
    }
    l.fields[word.substr(0, eq)] = word.substr(eq + 1);
    before = in.tellg();
  }
  std::getline(in, l.rest);
  l.rest.erase(0, std::min(l.rest.size(), l.rest.find_first_not_of(' ')));
  return l;
}

Request request(const Case& c, std::string text);

// "c1#1 append(1,5); c2#1 read(2)".
std::vector<Request> requests(const Case& c, const std::string& text) {
  std::vector<Request> out;
  for (std::size_t at = 0; at < text.size();) {
    const auto semi = std::min(text.find(';', at), text.size());
    std::string one = text.substr(at, semi - at);
    one.erase(0, std::min(one.size(), one.find_first_not_of(' ')));
    out.push_back(request(c, one));
    at = semi + 1;
  }
  return out;
}

std::optional<wire::Stat> stat(const Case& c, const std::map<std::string, std::string>& f) {
  if (!f.count("version") && !f.count("czxid")) return std::nullopt;
  wire::Stat s;
  s.version = static_cast<wire::Version>(number(c, arg(c, f, "version", "0")));
  s.czxid = wire::Zxid(number(c, arg(c, f, "czxid", "0")));
  return s;
}

// The reply a `reply` case describes.
wire::Reply reply_of(const Case& c) {
  wire::Reply r;
  r.code = code(c, arg(c, c.args, "code", "ZOK"));
  r.zxid = wire::Zxid(number(c, arg(c, c.args, "zxid", "0")));
  r.session = wire::SessionId(number(c, arg(c, c.args, "session", "0")));
  r.timeout_us = duration(c, arg(c, c.args, "timeout", "0"));
  r.path = arg(c, c.args, "path", "-");
  if (r.path == "-") r.path.clear();
  r.data = arg(c, c.args, "data", "-");
  if (r.data == "-") r.data.clear();
  r.stat = stat(c, c.args);
  if (c.args.count("children")) {
    std::istringstream names(c.args.at("children"));
    for (std::string name; std::getline(names, name, ',');) r.children.push_back(name);
  }
  // Input lines: a multi's results, or data in the protocol's layout (layout.hpp).
  for (const std::string& text : c.input) {
    const Line l = line_of(text);
    if (l.head == "result") {
      wire::OpResult result{code(c, arg(c, l.fields, "code", "ZOK")), arg(c, l.fields, "path", "-"), stat(c, l.fields)};
      if (result.path == "-") result.path.clear();
      r.results.push_back(std::move(result));
    } else if (l.head == "snapshot") {
      const auto named = [&](const char* key) { return l.fields.count(key) ? l.fields.at(key) : std::string(); };
      r.data = encode_snapshot(Snapshot{named("through"), named("collected"), l.rest});
    } else if (l.head == "entry") {
      const auto leader = static_cast<std::uint32_t>(number(c, arg(c, l.fields, "leader", "")));
      r.data = encode_entry(LogEntry{static_cast<std::uint64_t>(number(c, arg(c, l.fields, "epoch", ""))),
                                     NodeId(leader), requests(c, l.rest)});
    } else {
      bad(c,
          "reply input lines are 'result ...', 'snapshot [through=E collected=E] STATE' or "
          "'entry epoch=N leader=ID BATCH'");
    }
  }
  return r;
}

// "c1#4 append(3,17)".
Request request(const Case& c, std::string text) {
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

// ---------------------------------------------------------------------------
// The driver: one replica, its disk, and the connection its ZooKeeper client uses

class ZkDriver {
 public:
  // `mutation` plants a bug (rsm/coordinated/variants.hpp) in the replica it starts.
  explicit ZkDriver(ZkMutation mutation = ZkMutation::kNone) : mutation_(mutation) {}

  std::vector<std::string> operator()(const Case& c) {
    if (c.command == "start") return start(c);
    if (!replica_) bad(c, "no replica yet: begin with 'start'");
    if (c.args.count("now")) now_ = duration(c, c.args.at("now"));
    if (c.command == "reply") {
      const wire::ReplyMessage m(connection_, wire::Xid(static_cast<std::int32_t>(number(c, arg(c, c.args, "x", "")))),
                                 reply_of(c));
      return step([&](Output& out) { replica_->on_message(kZk, m, now_, out); });
    }
    if (c.command == "watch") {
      const wire::WatchMessage m(connection_, session_, event_type(c, arg(c, c.args, "type", "")),
                                 arg(c, c.args, "path", ""));
      return step([&](Output& out) { replica_->on_message(kZk, m, now_, out); });
    }
    if (c.command == "timer") {
      const auto id = static_cast<std::uint32_t>(number(c, arg(c, c.args, "id", "")));
      return step([&](Output& out) { replica_->on_timer(id, now_, out); });
    }
    if (c.command == "request" || c.command == "forward") {
      if (c.input.size() != 1) bad(c, "needs one request on its input line");
      const Request r = request(c, c.input[0]);
      if (c.command == "request") return step([&](Output& out) { replica_->on_client_request(r, now_, out); });
      const ForwardMessage m(r);
      const NodeId from(static_cast<std::uint32_t>(number(c, arg(c, c.args, "from", ""))));
      return step([&](Output& out) { replica_->on_message(from, m, now_, out); });
    }
    if (c.command == "state") return state();
    bad(c, "unknown command (start, reply, watch, timer, request, forward, state)");
  }

 private:
  std::vector<std::string> start(const Case& c) {
    config_ = ReplicaConfig{};
    config_.self = NodeId(static_cast<std::uint32_t>(number(c, arg(c, c.args, "self", ""))));
    config_.zookeeper = kZk;
    config_.replicas = static_cast<int>(number(c, arg(c, c.args, "replicas", "3")));
    config_.max_log_size = number(c, arg(c, c.args, "max_log_size", "400"));
    config_.checkpoint_interval = number(c, arg(c, c.args, "checkpoint_interval", "100"));
    config_.batch_size_max = static_cast<int>(number(c, arg(c, c.args, "batch_size_max", "16")));
    config_.mutation = mutation_;
    now_ = duration(c, arg(c, c.args, "now", "0"));
    // The disk a restarted replica finds: its local checkpoint, in log_reader.cpp's
    // layout ("<through>\n<app checkpoint>").
    DiskImage disk;
    for (const std::string& text : c.input) {
      const Line l = line_of(text);
      if (l.head != "checkpoint") bad(c, "start's input lines are 'checkpoint through=E STATE'");
      disk["zk/checkpoint"] = arg(c, l.fields, "through", "") + "\n" + l.rest;
    }
    replica_ = std::make_unique<ZkReplica>(config_, std::make_unique<paxos::testing::LogApp>());
    return step([&](Output& out) { replica_->start(disk, now_, out); });
  }

  // Runs one input; remembers the connection and session its newest call used, as
  // ZooKeeper answers on the connection a request came on.
  std::vector<std::string> step(const std::function<void(Output&)>& input) {
    Output out;
    input(out);
    std::vector<std::string> lines;
    for (const DiskWrite& w : out.writes) lines.push_back(w.value ? "write " + w.key : "erase " + w.key);
    if (out.sync) lines.push_back("sync");
    for (const auto& [to, m] : out.messages) {
      if (const auto* call = dynamic_cast<const wire::RequestMessage*>(m.get())) {
        connection_ = call->connection;
        if (call->session.value != 0) session_ = call->session;
      }
      lines.push_back("send " + (to == kZk ? std::string("zk") : "r" + std::to_string(to.value)) + " " + m->describe());
    }
    for (const ClientReply& r : out.replies) {
      lines.push_back("reply c" + std::to_string(r.client.value) + "#" + std::to_string(r.id.value) + " " +
                      describe(r.response));
    }
    for (const TimerSet& t : out.timers) {
      lines.push_back("timer " + std::to_string(t.timer) + " after=" + std::to_string(t.after_us / kMillis) + "ms");
    }
    for (const auto& [at, r] : out.restored) {
      lines.push_back("restored s=" + std::to_string(r.slot.value) +
                      (r.source == RestoreSource::kOwnCheckpoint ? " own" : " peer"));
    }
    for (const Applied& a : out.applied) {
      lines.push_back("applied s=" + std::to_string(a.slot.value) + "#" + std::to_string(a.index) + " " +
                      describe(a.request));
    }
    for (const std::string& note : out.notes) lines.push_back("note " + note);
    return lines;
  }

  std::vector<std::string> state() const {
    const auto leader = replica_->leader();
    return {"leader " + (leader ? "r" + std::to_string(leader->value) : std::string("none")) +
            (replica_->is_leader() ? " (self)" : "") + " applied " +
            (replica_->applied_through().empty() ? std::string("nothing") : replica_->applied_through())};
  }

  ZkMutation mutation_;
  ReplicaConfig config_;
  std::unique_ptr<ZkReplica> replica_;
  wire::ConnectionId connection_;
  wire::SessionId session_;
  Micros now_ = 0;
};

std::string failures_with(ZkMutation mutation, const std::string& file) {
  const auto text = transcript::read_text(std::string(FL_SOURCE_DIR) + "/tests/transcripts/zk/" + file);
  if (!text) return "cannot read " + file;
  ZkDriver driver(mutation);
  return transcript::run(file, *text, std::ref(driver)).failures;
}

class ZkTranscript : public ::testing::TestWithParam<std::string> {};

TEST_P(ZkTranscript, output_matches) {
  ZkDriver driver;
  EXPECT_EQ(transcript::check_file("zk", GetParam(), std::ref(driver)), "")
      << "rewrite with: FL_REWRITE=1 build/fl_tests --gtest_filter='*Transcript*'";
}

INSTANTIATE_TEST_SUITE_P(Files, ZkTranscript, ::testing::ValuesIn(transcript::files_in("zk")),
                         [](const auto& param_info) { return transcript::test_name(param_info.param); });

// The transcripts catch real bugs: each planted bug below (rsm/coordinated/variants.hpp)
// breaks a rule one of them pins down, and the failure shows the case and the line.
TEST(ZkTranscripts, planted_bugs_fail_the_transcripts_that_pin_their_rule) {
  // The lowest-id rule: restarted from its checkpoint, r1 claims /leader although r0,
  // a lower id, is in the listing it just read.
  const std::string blind = failures_with(ZkMutation::kRestartClaimsBlindly, "election.txt");
  EXPECT_NE(blind.find("reply x=10 children=0000000000,0000000001 now=2008ms\n"), std::string::npos) << blind;
  EXPECT_NE(blind.find("+ send zk zk-req s111 x11 multi[create /leader ephemeral; setData /epoch v-1]"),
            std::string::npos)
      << blind;
  // A follower that sets the /leader watch once per session misses the next change.
  const std::string once = failures_with(ZkMutation::kLeaderWatchOnce, "follower.txt");
  EXPECT_NE(once.find("- send zk zk-req s102 x11 exists /leader watch\n+ send zk zk-req s102 x11 exists /leader\n"),
            std::string::npos)
      << once;
  // Reading /log: entries apply in name order, not listing order...
  const std::string unsorted = failures_with(ZkMutation::kUnsortedListing, "log-reader.txt");
  EXPECT_NE(unsorted.find("+ send zk zk-req s102 x10 getData /log/e-0000000001"), std::string::npos) << unsorted;
  // ...an entry that could not be read is not skipped...
  const std::string skipped = failures_with(ZkMutation::kSkipFailedRead, "log-reader.txt");
  EXPECT_NE(skipped.find("- leader none applied e-0000000005\n+ leader none applied e-0000000006"), std::string::npos)
      << skipped;
  // ...and /snapshot is restored only when an entry still needed was collected.
  const std::string level = failures_with(ZkMutation::kRestoreWhenLevel, "log-reader.txt");
  EXPECT_NE(level.find("+ restored s=5 peer"), std::string::npos) << level;
}

}  // namespace
}  // namespace fl::coordinated
