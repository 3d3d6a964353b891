// An invariant: a small checker that subscribes to the run's event stream, judges
// every fact as it happens (TigerBeetle's state checker, LogCabin's invariants), and
// keeps its first violation as typed evidence. Unlike the end-of-run checks it sees
// what clients cannot: promises, restores, state digests, ZooKeeper's own tree, so a
// bug that a protocol's redundancy masks from clients is still caught where it
// happens. Each invariant lives in its own file under sim/invariants/.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/checks/check_result.hpp"
#include "sim/events.hpp"
#include "sim/scenario/scenario.hpp"

namespace fl::sim {

// The first time an invariant did not hold.
struct Violation {
  Micros at_us = 0;
  std::vector<NodeId> replicas;  // the replicas involved, the offender first
  std::string evidence;          // what was seen, with slots, ballots and values
};

class Invariant : public EventSink {
 public:
  // `name` is the check's name in reports; `protects` says in one line what it
  // protects, for the README and --help.
  Invariant(std::string_view name, std::string_view protects, Severity severity = Severity::kSafety)
      : name_(name), protects_(protects), severity_(severity) {}

  std::string_view name() const { return name_; }
  std::string_view protects() const { return protects_; }
  Severity severity() const { return severity_; }
  // Called once after the last event, for what can only be judged at the end.
  virtual void finish(Micros end_us) { (void)end_us; }
  const std::optional<Violation>& violation() const { return violation_; }
  // How many facts it judged: a pass over nothing says nothing, and reports say so.
  std::uint64_t judged() const { return judged_; }

  // The verdict as a check result: fail with the evidence, pass with what was judged.
  CheckResult result() const;

 protected:
  // Keeps the first violation only: later ones are usually its consequences.
  void fail(Micros at_us, std::vector<NodeId> replicas, std::string evidence);
  void count(std::uint64_t facts = 1) { judged_ += facts; }
  bool failed() const { return violation_.has_value(); }
  // What a pass says, e.g. "1234 applies judged"; set by the subclass.
  virtual std::string pass_detail() const = 0;

 private:
  std::string name_;
  std::string protects_;
  Severity severity_;
  std::optional<Violation> violation_;
  std::uint64_t judged_ = 0;
};

// What an invariant needs to know about the run besides its events.
struct InvariantContext {
  std::string protocol;  // the effective protocol, e.g. "paxos-bug-never-sync"
  bool zk = false;       // a ZooKeeper-coordinated run
  int replicas = 3;
  Micros session_timeout_us = 0;  // zk runs: a replica's ZooKeeper session timeout
  std::int64_t max_log_size = 400;
  int batch_size_max = 16;
  int pipeline_max = 8;  // zk runs: a leader's ordering writes in flight, at most
};

// Every invariant that applies to the run, in report order.
std::vector<std::unique_ptr<Invariant>> make_invariants(const InvariantContext& context);

// Each invariant's factory (one file each).
std::unique_ptr<Invariant> make_slot_agreement();
std::unique_ptr<Invariant> make_apply_order();
std::unique_ptr<Invariant> make_state_agreement();
std::unique_ptr<Invariant> make_dedup_only_retries();
std::unique_ptr<Invariant> make_promises_kept();
std::unique_ptr<Invariant> make_accepts_kept();
std::unique_ptr<Invariant> make_one_writer_per_epoch();
std::unique_ptr<Invariant> make_stale_leader_steps_down(Micros session_timeout_us);
std::unique_ptr<Invariant> make_acks_kept();
std::unique_ptr<Invariant> make_lowest_id_leads();
std::unique_ptr<Invariant> make_restore_only_when_behind();
std::unique_ptr<Invariant> make_collection_respects_acks(std::int64_t max_log_size, int batch_size_max,
                                                         int pipeline_max);
// `judge_passing_on`: also require each accepted request to be passed on (zk runs).
std::unique_ptr<Invariant> make_accepted_answered(bool judge_passing_on, std::int64_t max_log_size);

// "r0", "r1", ... for evidence text.
std::string names_of(const std::vector<NodeId>& ids);
// "12.3", or "12" for a whole slot (positions: see position_key in sim/events.hpp).
std::string position_name(std::int64_t key);

}  // namespace fl::sim
