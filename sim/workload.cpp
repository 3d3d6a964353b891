#include "sim/workload.hpp"

#include <cmath>
#include <string>

#include "rsm/core/assert.hpp"

namespace fl::sim {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "ok";
    case Outcome::kFail:
      return "fail";
    case Outcome::kUnknown:
      return "unknown";
  }
  return "?";
}

Workload::Workload(const WorkloadSpec& spec, int replicas, std::vector<NodeId> targets, std::uint64_t seed)
    : spec_(spec), targets_(std::move(targets)) {
  if (targets_.empty()) {
    for (int r = 0; r < replicas; ++r) targets_.push_back(NodeId(static_cast<std::uint32_t>(r)));
  }
  // Keys straddle zero so negative keys are always exercised: 8 keys -> -4..3.
  for (int k = 0; k < spec_.keys; ++k) keys_.push_back(k - spec_.keys / 2);
  for (int c = 0; c < spec_.clients; ++c) {
    clients_.push_back(ClientState{Rng::stream(seed, "client/" + std::to_string(c)), 1, std::nullopt, 0});
  }
}

Request Workload::make_request(ClientState& state, ClientId client) {
  const OpMix& m = spec_.mix;
  const double total = m.insert + m.append + m.read + m.read_all;
  const double x = state.rng.unit() * total;
  Request r;
  r.client = client;
  r.id = RequestId(state.next_id++);
  if (x < m.insert) {
    r.op = OpKind::kInsert;
  } else if (x < m.insert + m.append) {
    r.op = OpKind::kAppend;
  } else if (x < m.insert + m.append + m.read) {
    r.op = OpKind::kRead;
  } else {
    r.op = OpKind::kReadAll;
  }
  if (r.op != OpKind::kReadAll) r.key = keys_[state.rng.below(keys_.size())];
  if (r.op == OpKind::kAppend) r.value = next_value_++;
  return r;
}

NodeId Workload::pick_target(ClientState& state, bool retry) {
  if (retry) {
    // A retry goes to the next target in turn, so a dead replica is not retried forever.
    state.target_index = (state.target_index + 1) % targets_.size();
  } else {
    state.target_index = state.rng.below(targets_.size());
  }
  return targets_[state.target_index];
}

std::optional<ClientSend> Workload::issue(ClientId client, Micros now) {
  ClientState& state = clients_[client.value];
  if (!issuing_ || state.outstanding) return std::nullopt;
  // Every issued request has exactly one history entry (a retry reuses it), so the
  // history's length is the number of requests issued so far.
  const auto issued = static_cast<std::int64_t>(history_.size());
  if (spec_.requests_max > 0 && issued >= spec_.requests_max) return std::nullopt;
  Operation op;
  op.request = make_request(state, client);
  op.invoke_us = now;
  op.attempts = 1;
  state.outstanding = history_.size();
  history_.push_back(op);
  return ClientSend{client, pick_target(state, false), op.request, 1};
}

Workload::TimeoutAction Workload::on_timeout(ClientId client, RequestId id, int attempt) {
  ClientState& state = clients_[client.value];
  if (!state.outstanding) return {};
  Operation& op = history_[*state.outstanding];
  if (op.request.id != id || op.attempts != attempt) return {};
  if (spec_.attempts_max > 0 && op.attempts >= spec_.attempts_max) {
    state.outstanding.reset();  // stays kUnknown: it may still take effect later
    return {std::nullopt, true};
  }
  ++op.attempts;
  return {ClientSend{client, pick_target(state, true), op.request, op.attempts}, false};
}

bool Workload::on_reply(const ClientReply& reply, Micros now) {
  if (reply.client.value >= clients_.size()) return false;
  ClientState& state = clients_[reply.client.value];
  if (!state.outstanding) return false;
  Operation& op = history_[*state.outstanding];
  if (op.request.id != reply.id) return false;  // a late reply to an older request
  op.complete_us = now;
  op.outcome = Outcome::kOk;
  op.response = reply.response;
  state.outstanding.reset();
  ++completed_ok_;
  return true;
}

Micros Workload::think_time(ClientId client) {
  const auto mean_us = static_cast<Micros>(std::llround(1e6 / spec_.rate_hz));
  return clients_[client.value].rng.exponential(mean_us);
}

void Workload::finish() {
  for (auto& state : clients_) state.outstanding.reset();
}

}  // namespace fl::sim
