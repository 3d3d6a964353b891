#include "sim/invariants/invariant.hpp"

#include "rsm/core/types.hpp"

namespace fl::sim {

CheckResult Invariant::result() const {
  CheckResult r;
  r.name = name_;
  r.severity = severity_;
  if (violation_) {
    r.verdict = Verdict::kFail;
    r.detail = violation_->evidence + " (t=" + std::to_string(violation_->at_us) + ")";
  } else {
    r.verdict = Verdict::kPass;
    r.detail = pass_detail();
  }
  return r;
}

void Invariant::fail(Micros at_us, std::vector<NodeId> replicas, std::string evidence) {
  if (violation_) return;
  violation_ = Violation{at_us, std::move(replicas), std::move(evidence)};
}

std::string names_of(const std::vector<NodeId>& ids) {
  std::string text;
  for (const NodeId id : ids) text += (text.empty() ? "" : ",") + replica_name(id);
  return text;
}

std::string position_name(std::int64_t key) {
  const std::int64_t slot = key / kIndexSpan;
  const std::int64_t index = key % kIndexSpan;
  if (index == kIndexSpan - 1) return std::to_string(slot);
  return std::to_string(slot) + "." + std::to_string(index);
}

std::vector<std::unique_ptr<Invariant>> make_invariants(const InvariantContext& context) {
  std::vector<std::unique_ptr<Invariant>> all;
  all.push_back(make_slot_agreement());
  if (context.zk) all.push_back(make_one_writer_per_epoch());
  all.push_back(make_apply_order());
  all.push_back(make_state_agreement());
  // zk replicas re-submit a forward that goes unanswered through /pending, or order
  // it themselves once they lead, by design: a slow forward is then ordered twice and
  // the dedup table applies it once. So only Paxos promises one ordering per arrival.
  if (!context.zk) all.push_back(make_dedup_only_retries());
  if (!context.zk) all.push_back(make_promises_kept());
  if (!context.zk) all.push_back(make_accepts_kept());
  if (context.zk) {
    all.push_back(make_stale_leader_steps_down(context.session_timeout_us));
    all.push_back(make_acks_kept());
    all.push_back(make_restore_only_when_behind());
    all.push_back(make_collection_respects_acks(context.max_log_size, context.batch_size_max, context.pipeline_max));
    all.push_back(make_lowest_id_leads());
  }
  // Only a zk replica holds a request it cannot pass on yet; a Paxos one drops it
  // (no leader known, or its term as leader ended) and relies on the client's retry.
  all.push_back(make_accepted_answered(context.zk, context.max_log_size));
  return all;
}

}  // namespace fl::sim
