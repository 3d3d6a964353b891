// accepted_answered: every client request a replica accepted is eventually ordered
// or answered. A replica that takes a client's request owes it two things: to pass
// it on to be ordered (or to answer it there and then, e.g. with an error), and to
// answer it once it executes it. Clients retry an unanswered request at another
// replica, so a replica that silently drops or forgets one costs its client a
// timeout and nothing else: the retry is ordered (or, if the lost one was ordered
// after all, answered from the dedup table), and every client-side check passes.
// This sees each arrival and what the replica did with it.
//
// - Answered once executed (both protocols): a replica that executes a request it
//   accepted answers it, unless it crashed in between or another request of the
//   same client reached it first (both protocols await one request per client, the
//   latest to arrive, and answer it when they execute it, whoever had it ordered).
// - Passed on (zk runs only): a replica forwards a request it accepted to the
//   leader, writes it to /log or /pending, or answers it without executing it. A
//   zk replica holds what it cannot pass on yet (no leader known, no session), so
//   it is excused if it had no room when the request came (at the log bound the
//   client's retry is the backpressure), crashed, or was still holding requests,
//   or paused, at the end. Paxos promises no such thing: a follower that knows no
//   leader drops a request, and a leader's queue ends with its term, both by
//   design, and the client's retry gets the request ordered.
//
// A request nobody orders while its client keeps retrying is the liveness check's
// to judge (it knows when faults healed and whether progress is expected), so it
// is not judged here. What this finds is a definite omission that nothing undoes,
// but no wrong state or wrong answer: it fails as liveness.
#include <map>
#include <set>
#include <tuple>

#include "rsm/coordinated/layout.hpp"
#include "rsm/coordinated/replica.hpp"
#include "sim/invariants/invariant.hpp"
#include "sim/zookeeper/request_writes.hpp"

namespace fl::sim {
namespace {

// (replica, client): whom a replica awaits an answer for.
using Seat = std::pair<std::uint32_t, std::uint32_t>;
// (replica, client, request id): one request a replica accepted.
using Taken = std::tuple<std::uint32_t, std::uint32_t, std::uint64_t>;

Taken taken(NodeId replica, const Request& r) { return {replica.value, r.client.value, r.id.value}; }

// Calls `f` with each client request `message` carries on to be ordered: a zk
// Forward, or a ZooKeeper write that creates a /log entry or a /pending node.
template <class F>
void for_each_passed_on(const Message& message, F&& f) {
  if (const auto* forward = dynamic_cast<const fl::coordinated::ForwardMessage*>(&message)) return f(forward->request);
  const auto* request = dynamic_cast<const fl::zookeeper::RequestMessage*>(&message);
  if (request == nullptr) return;
  zkserver::for_each_write(*request, [&](const auto& w) {
    if constexpr (std::is_same_v<std::decay_t<decltype(w)>, fl::zookeeper::Create>) {
      if (w.path.starts_with(fl::coordinated::kLogEntryPrefix)) {
        if (const auto entry = fl::coordinated::decode_entry(w.data)) {
          for (const Request& r : entry->requests) f(r);
        }
      } else if (w.path.starts_with(fl::coordinated::kPendingEntryPrefix)) {
        std::string_view data = w.data;
        if (const auto r = decode_request(data)) f(*r);
      }
    }
  });
}

class AcceptedAnswered final : public Invariant {
 public:
  AcceptedAnswered(bool judge_passing_on, std::int64_t max_log_size)
      : Invariant("accepted_answered",
                  "a replica answers every client request it accepted once it executes it, and (zk) passes each on "
                  "to be ordered or answers it",
                  Severity::kLiveness),
        judge_passing_on_(judge_passing_on),
        max_log_size_(max_log_size) {}

  void on_event(Micros now, const RunEvent& event) override {
    std::visit([&](const auto& e) { on(now, e); }, event);
  }

  void finish(Micros) override {
    for (const auto& [seat, a] : awaited_) settle(NodeId(seat.first), a, "by the end of the run");
    if (const auto* first = first_unsent()) fail_unsent(first->first, first->second);
  }

 private:
  // The request a replica awaits for one client, and where and when it executed it.
  struct Awaited {
    Request request;
    Micros accepted_us = 0;
    std::optional<std::pair<std::int64_t, Micros>> executed;  // position, time
  };
  // A request a zk replica accepted and has not passed on.
  struct Unsent {
    Request request;
    Micros accepted_us = 0;
    std::uint64_t passed_before = 0;  // requests the replica had passed on by then
  };

  void on(Micros now, const ev::RequestArrived& e) {
    const Seat seat{e.to.value, e.request.client.value};
    if (const auto it = awaited_.find(seat); it != awaited_.end()) {
      settle(e.to, it->second, "before " + describe(e.request) + " reached it at t=" + std::to_string(now));
    }
    awaited_[seat] = Awaited{e.request, now, std::nullopt};
    if (!judge_passing_on_) return;
    unsent_.try_emplace(taken(e.to, e.request), Unsent{e.request, now, passed_[e.to.value]});
    room_check_ = taken(e.to, e.request);  // judged when this step ends
  }

  void on(Micros, const ev::Replied& e) {
    const Seat seat{e.from.value, e.reply.client.value};
    if (const auto it = awaited_.find(seat); it != awaited_.end() && it->second.request.id == e.reply.id) {
      awaited_.erase(it);
      count();
    }
    const Taken t{e.from.value, e.reply.client.value, e.reply.id.value};
    if (judge_passing_on_ && unsent_.contains(t)) replied_in_step_.push_back(t);
  }

  void on(Micros now, const ev::Executed& e) {
    const Request& r = e.applied.request;
    const std::int64_t key = position_key(e.applied.slot, e.applied.index);
    const auto it = awaited_.find({e.node.value, r.client.value});
    if (it != awaited_.end() && it->second.request.id == r.id && !it->second.executed) it->second.executed = {key, now};
    if (!judge_passing_on_) return;
    first_executed_.try_emplace({r.client.value, r.id.value}, e.node, key, now);
    executed_in_step_.insert(taken(e.node, r));
  }

  void on(Micros, const ev::Sent& e) {
    if (!judge_passing_on_) return;
    for_each_passed_on(e.message, [&](const Request& r) {
      ++passed_[e.from.value];
      if (unsent_.erase(taken(e.from, r)) > 0) count();
    });
  }

  // The end of one replica's step: its room and its direct answers are known now.
  void on(Micros, const ev::Stepped& e) {
    if (!judge_passing_on_) return;
    const std::int64_t held = e.replica.log_requests_held();
    held_[e.node.value] = held;
    if (room_check_ && std::get<0>(*room_check_) == e.node.value && held >= max_log_size_) unsent_.erase(*room_check_);
    room_check_.reset();
    // An answer that comes with executing the request is owed anyway; one without is
    // the replica's own verdict on the request (say, an error), which settles it.
    for (const Taken& t : replied_in_step_) {
      if (!executed_in_step_.contains(t) && unsent_.erase(t) > 0) count();
    }
    replied_in_step_.clear();
    executed_in_step_.clear();
  }

  // A crash loses what the replica held; its clients retry elsewhere.
  void on(Micros, const ev::Crashed& e) { forget(e.node); }
  void on(Micros, const ev::Booted& e) { forget(e.node); }
  void on(Micros, const ev::Paused& e) { paused_.insert(e.node.value); }
  void on(Micros, const ev::Resumed& e) { paused_.erase(e.node.value); }
  template <class E>
  void on(Micros, const E&) {}

  void forget(NodeId node) {
    std::erase_if(awaited_, [&](const auto& kv) { return kv.first.first == node.value; });
    std::erase_if(unsent_, [&](const auto& kv) { return std::get<0>(kv.first) == node.value; });
    held_.erase(node.value);
    paused_.erase(node.value);
  }

  // The replica stops awaiting `a` (`when`): if it executed it, it owed an answer.
  void settle(NodeId node, const Awaited& a, const std::string& when) {
    if (!a.executed) return;
    count();
    fail(a.executed->second, {node},
         replica_name(node) + " accepted " + describe(a.request) + " at t=" + std::to_string(a.accepted_us) +
             ", executed it at " + position_name(a.executed->first) + " at t=" + std::to_string(a.executed->second) +
             " without a crash in between, and did not answer it " + when);
  }

  // The earliest request a replica never passed on, among those it cannot still hold.
  const std::pair<const Taken, Unsent>* first_unsent() const {
    const std::pair<const Taken, Unsent>* first = nullptr;
    for (const auto& entry : unsent_) {
      const std::uint32_t node = std::get<0>(entry.first);
      const auto held = held_.find(node);
      if (paused_.contains(node) || (held != held_.end() && held->second > 0)) continue;
      if (first == nullptr || entry.second.accepted_us < first->second.accepted_us) first = &entry;
    }
    return first;
  }

  void fail_unsent(const Taken& t, const Unsent& u) {
    const NodeId node(std::get<0>(t));
    const auto passed = passed_.find(node.value);
    const std::uint64_t after = (passed == passed_.end() ? 0 : passed->second) - u.passed_before;
    std::string evidence = replica_name(node) + " accepted " + describe(u.request) +
                           " at t=" + std::to_string(u.accepted_us) +
                           " and never forwarded it, wrote it to ZooKeeper or answered it without executing it; it "
                           "stayed up, passed on " +
                           std::to_string(after) + " requests after it and held none at the end";
    const auto ordered = first_executed_.find({u.request.client.value, u.request.id.value});
    if (ordered == first_executed_.end()) {
      evidence += "; no replica ever executed it";
    } else {
      const auto& [by, key, at_us] = ordered->second;
      evidence += "; it was ordered another way (" + replica_name(by) + " executed it at " + position_name(key) +
                  " at t=" + std::to_string(at_us) + ")";
    }
    fail(u.accepted_us, {node}, evidence);
  }

  std::string pass_detail() const override {
    if (!judge_passing_on_) return std::to_string(judged()) + " accepted requests answered, none executed unanswered";
    return std::to_string(judged()) +
           " answers and passings-on of accepted requests judged, none executed "
           "unanswered or dropped";
  }

  bool judge_passing_on_;
  std::int64_t max_log_size_;
  std::map<Seat, Awaited> awaited_;  // what each replica awaits, per client
  // Passing on (zk runs).
  std::map<Taken, Unsent> unsent_;
  std::map<std::uint32_t, std::uint64_t> passed_;  // replica -> requests it passed on
  std::map<std::uint32_t, std::int64_t> held_;     // replica -> requests held after its last step
  std::set<std::uint32_t> paused_;                 // replicas frozen now
  std::optional<Taken> room_check_;                // the request that arrived in the current step
  std::vector<Taken> replied_in_step_;             // answers of the current step to unsent requests
  std::set<Taken> executed_in_step_;               // executions of the current step
  // (client, id) -> the first replica that executed it, at which position, when.
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::tuple<NodeId, std::int64_t, Micros>> first_executed_;
};

}  // namespace

std::unique_ptr<Invariant> make_accepted_answered(bool judge_passing_on, std::int64_t max_log_size) {
  return std::make_unique<AcceptedAnswered>(judge_passing_on, max_log_size);
}

}  // namespace fl::sim
