#include "rsm/coordinated/layout.hpp"

#include <charconv>
#include <cstdio>

namespace fl::coordinated {
namespace {

template <class Int>
std::optional<Int> parse_int(std::string_view text) {
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// Splits off the text before the first `sep`; nullopt if there is none.
std::optional<std::string_view> take_until(std::string_view& in, char sep) {
  const auto at = in.find(sep);
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view head = in.substr(0, at);
  in.remove_prefix(at + 1);
  return head;
}

}  // namespace

std::string member_path(NodeId id) {
  char name[16];
  std::snprintf(name, sizeof name, "%010u", id.value);
  return std::string(kMembersPath) + "/" + name;
}

std::optional<NodeId> member_id(std::string_view child) {
  if (child.size() != 10) return std::nullopt;
  const auto id = parse_int<std::uint32_t>(child);
  if (!id) return std::nullopt;
  return NodeId(*id);
}

std::optional<std::int64_t> log_seq(std::string_view child) {
  constexpr std::string_view kPrefix = "e-";
  if (child.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return parse_int<std::int64_t>(child.substr(kPrefix.size()));
}

// "<count> <epoch> <leader>\n" then the requests, so the size is in the first line.
std::string encode_entry(const LogEntry& entry) {
  std::string out = std::to_string(entry.requests.size()) + " " + std::to_string(entry.epoch) + " " +
                    std::to_string(entry.leader.value) + "\n";
  for (const Request& r : entry.requests) encode(r, out);
  return out;
}

std::optional<LogEntry> decode_entry(std::string_view data) {
  const auto count = take_until(data, ' ');
  const auto epoch = take_until(data, ' ');
  const auto leader = take_until(data, '\n');
  if (!count || !epoch || !leader) return std::nullopt;
  const auto n = parse_int<std::size_t>(*count);
  const auto e = parse_int<std::uint64_t>(*epoch);
  const auto l = parse_int<std::uint32_t>(*leader);
  if (!n || !e || !l) return std::nullopt;
  LogEntry entry{*e, NodeId(*l), {}};
  for (std::size_t i = 0; i < *n; ++i) {
    auto request = decode_request(data);
    if (!request) return std::nullopt;
    entry.requests.push_back(*request);
  }
  if (!data.empty()) return std::nullopt;
  return entry;
}

std::optional<std::int64_t> entry_size(std::string_view data) {
  const auto count = take_until(data, ' ');
  if (!count) return std::nullopt;
  return parse_int<std::int64_t>(*count);
}

// "<through>\n<collected>\n<state>": names never hold a newline.
std::string encode_snapshot(const Snapshot& snapshot) {
  return snapshot.through + "\n" + snapshot.collected + "\n" + snapshot.state;
}

std::optional<Snapshot> decode_snapshot(std::string_view data) {
  const auto through = take_until(data, '\n');
  const auto collected = take_until(data, '\n');
  if (!through || !collected) return std::nullopt;
  return Snapshot{std::string(*through), std::string(*collected), std::string(data)};
}

}  // namespace fl::coordinated
