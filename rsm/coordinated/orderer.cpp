#include "rsm/coordinated/orderer.hpp"

#include <algorithm>
#include <utility>

#include "rsm/coordinated/layout.hpp"
#include "rsm/core/assert.hpp"

namespace fl::coordinated {
namespace {

std::string pending_path(const std::string& child) { return std::string(kPendingPath) + "/" + child; }

}  // namespace

Orderer::Orderer(LogView& view, LeaderCalls& calls, Replicable& app, const LogReader& reader,
                 std::deque<Request> waiting)
    : view_(view), calls_(calls), app_(app), collector_(view, calls, app, reader) {
  for (Request& request : waiting) queue_.push_back({std::move(request), {}});
}

void Orderer::start(const Stat& epoch, Zk& zk) {
  FL_ASSERT(epoch.version >= 0, "the /epoch bump left no version");
  epoch_.version = epoch.version;
  epoch_.number = static_cast<std::uint64_t>(epoch.version) + 1;
  pending_dirty_ = true;  // what followers left in /pending for our predecessor is ours now
  zk.note("leader epoch=" + std::to_string(epoch_.number));
}

std::deque<Request> Orderer::give_up(bool drop) {
  std::deque<Request> waiting;
  if (drop) return waiting;
  for (Queued& q : queue_) waiting.push_back(std::move(q.request));
  return waiting;
}

void Orderer::order(Zk& zk) {
  if (!epoch_.bumped() || !zk.connected()) return;
  while (!queue_.empty() && calls_.writes < zk.config.pipeline_max) {
    const auto n = std::min<std::int64_t>(std::ssize(queue_), zk.config.batch_size_max);
    if (log_held(view_, calls_, zk.config.batch_size_max) + n > zk.config.max_log_size) {
      collect(zk, true);  // make room; ordering resumes when it commits
      return;
    }
    write_batch(n, zk);
  }
}

void Orderer::write_batch(std::int64_t n, Zk& zk) {
  FL_ASSERT(n > 0, "an empty batch");
  FL_ASSERT(n <= std::ssize(queue_), "a batch larger than the queue");
  LogEntry entry{epoch_.number, zk.config.self, {}};
  std::vector<std::string> pending;
  for (std::int64_t i = 0; i < n; ++i) {
    entry.requests.push_back(queue_.front().request);
    if (!queue_.front().pending.empty()) pending.push_back(std::move(queue_.front().pending));
    queue_.pop_front();
  }
  if (zk.config.mutation == ZkMutation::kApplyBeforeLog) {
    for (const Request& request : entry.requests) zk.host.reply_if_awaited(request, app_.execute(request), zk.out);
  }
  std::vector<Op> ops;
  if (zk.config.mutation != ZkMutation::kNoFence) ops.push_back(Check{std::string(kEpochPath), epoch_.version});
  ops.push_back(Create{std::string(kLogEntryPrefix), encode_entry(entry), CreateMode::kPersistentSequential});
  // Taking a request out of /pending and ordering it are one transaction, so it is
  // ordered once per pending node, and never by a fenced leader.
  for (const std::string& name : pending) ops.push_back(Delete{pending_path(name), kAnyVersion});
  zk.call(zk.client().multi(std::move(ops), zk.now, zk.out), Order{n, std::move(entry.requests), std::move(pending)});
  calls_.requests += n;
  ++calls_.writes;
}

void Orderer::tick(Zk& zk) {
  if (pending_dirty_ || zk.now - pending_listed_us_ >= zk.config.session_timeout_us) list_pending(zk);
  order(zk);
  collect(zk);
}

void Orderer::list_pending(Zk& zk) {
  if (!epoch_.bumped() || calls_.pending_listing || !zk.connected()) return;
  calls_.pending_listing = true;
  pending_dirty_ = false;
  pending_listed_us_ = zk.now;
  zk.call(zk.client().get_children(std::string(kPendingPath), true, zk.now, zk.out), PendingChildren{});
}

void Orderer::on_pending_watch(Zk& zk) {
  pending_dirty_ = true;
  list_pending(zk);
}

void Orderer::on_pending_children(const Reply& r, Zk& zk) {
  if (r.code != Code::kOk) {
    pending_dirty_ = true;
    return;
  }
  const std::set<std::string> listed(r.children.begin(), r.children.end());
  // A child no longer listed was deleted (by one of our ordering writes) and its
  // sequential name never comes back.
  std::erase_if(pending_taken_, [&](const std::string& name) { return !listed.contains(name); });
  for (const std::string& name : listed) {
    if (pending_taken_.contains(name)) continue;
    if (held() + std::ssize(pending_taken_) >= zk.config.max_log_size) {
      pending_dirty_ = true;  // no room now: a later listing takes the rest
      break;
    }
    pending_taken_.insert(name);
    zk.call(zk.client().get(pending_path(name), false, zk.now, zk.out), PendingData{name});
  }
}

void Orderer::on_pending_data(const PendingData& p, const Reply& r, Zk& zk) {
  if (!pending_taken_.contains(p.name)) return;  // taken by an earlier leadership or session
  std::string_view data = r.data;
  const auto request = r.code == Code::kOk ? decode_request(data) : std::nullopt;
  if (!request || !has_room(zk.config)) {
    release_pending({p.name});
    return;
  }
  queue_.push_back({*request, p.name});
  order(zk);
}

void Orderer::release_pending(const std::vector<std::string>& names) {
  if (names.empty()) return;
  for (const std::string& name : names) pending_taken_.erase(name);
  pending_dirty_ = true;
}

void Orderer::on_new_session() {
  collector_.abort();
  pending_taken_.clear();  // the old session's reads of /pending never complete
}

}  // namespace fl::coordinated
