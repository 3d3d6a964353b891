#include "rsm/paxos/durable.hpp"

#include <charconv>
#include <cstdio>
#include <string_view>

#include "rsm/core/assert.hpp"

namespace fl::paxos {
namespace {

constexpr std::string_view kLogPrefix = "log/";

// Fixed-width slot numbers keep the disk image (a sorted map) in slot order.
std::string log_key(Slot slot) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "log/%020lld", static_cast<long long>(slot.value));
  return buf;
}

std::string encode_ballot(Ballot b) { return std::to_string(b.round) + "." + std::to_string(b.node.value); }

template <class T>
T parse_number(std::string_view text, const std::string& key) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  FL_ASSERT(ec == std::errc() && end == text.data() + text.size(), "bad number in disk record " + key);
  return value;
}

Ballot decode_ballot(std::string_view text, const std::string& key) {
  const auto dot = text.find('.');
  FL_ASSERT(dot != std::string_view::npos, "bad ballot in disk record " + key);
  return Ballot{parse_number<std::uint64_t>(text.substr(0, dot), key),
                NodeId(parse_number<std::uint32_t>(text.substr(dot + 1), key))};
}

Batch decode_batch(std::string_view text, const std::string& key) {
  Batch batch;
  while (!text.empty()) {
    auto request = decode_request(text);
    FL_ASSERT(request.has_value(), "bad request in disk record " + key);
    batch.push_back(*request);
  }
  return batch;
}

Entry decode_entry(std::string_view text, const std::string& key) {
  // "<ballot>|<decided 0/1>|<requests>"
  const auto bar1 = text.find('|');
  FL_ASSERT(bar1 != std::string_view::npos && bar1 + 2 < text.size() + 1, "bad log record " + key);
  const auto bar2 = text.find('|', bar1 + 1);
  FL_ASSERT(bar2 == bar1 + 2, "bad log record " + key);
  Entry e;
  e.ballot = decode_ballot(text.substr(0, bar1), key);
  e.decided = text[bar1 + 1] == '1';
  e.batch = decode_batch(text.substr(bar2 + 1), key);
  return e;
}

}  // namespace

DiskWrite promised_record(Ballot promised) { return DiskWrite{"promised", encode_ballot(promised), 0}; }

DiskWrite log_record(Slot slot, const Entry& entry) {
  std::string value = encode_ballot(entry.ballot);
  value += entry.decided ? "|1|" : "|0|";
  for (const Request& r : entry.batch) encode(r, value);
  return DiskWrite{log_key(slot), std::move(value), static_cast<std::int64_t>(entry.batch.size())};
}

DiskWrite log_erase(Slot slot) { return DiskWrite{log_key(slot), std::nullopt, 0}; }

DiskWrite checkpoint_record(Slot slot, const std::string& state) {
  return DiskWrite{"ckpt", std::to_string(slot.value) + "|" + state, 0};
}

Recovered recover(const DiskImage& disk) {
  Recovered r;
  if (auto it = disk.find("promised"); it != disk.end()) r.promised = decode_ballot(it->second, it->first);
  if (auto it = disk.find("ckpt"); it != disk.end()) {
    const std::string_view text = it->second;
    const auto bar = text.find('|');
    FL_ASSERT(bar != std::string_view::npos, "bad checkpoint record");
    r.checkpoint_slot = Slot(parse_number<std::int64_t>(text.substr(0, bar), it->first));
    r.checkpoint = std::string(text.substr(bar + 1));
  }
  for (auto it = disk.lower_bound(std::string(kLogPrefix)); it != disk.end(); ++it) {
    const std::string_view key = it->first;
    if (!key.starts_with(kLogPrefix)) break;
    const Slot slot(parse_number<std::int64_t>(key.substr(kLogPrefix.size()), it->first));
    // Records at or below the checkpoint are garbage the replica erased in the same
    // sync as the checkpoint; one surviving would mean the erase was lost.
    FL_ASSERT(slot > r.checkpoint_slot, "log record " + it->first + " at or below the checkpoint");
    r.log.emplace(slot.value, decode_entry(it->second, it->first));
  }
  return r;
}

}  // namespace fl::paxos
