#include "rsm/paxos/messages.hpp"

namespace fl::paxos {
namespace {

std::string slot_text(Slot s) { return std::to_string(s.value); }

}  // namespace

std::string Ballot::describe() const { return std::to_string(round) + "." + std::to_string(node.value); }

std::string describe_batch(const Batch& batch) {
  // Long batches are summarised by their first request so trace lines stay short
  // while still pinning the content (the trace hash covers them).
  if (batch.empty()) return "[noop]";
  std::string s = "[" + fl::describe(batch.front());
  if (batch.size() > 1) s += " +" + std::to_string(batch.size() - 1);
  return s + "]";
}

std::string Prepare::describe() const {
  std::string s = "prepare b=" + ballot.describe() + " from=" + slot_text(from);
  if (budget != kUnlimited) s += " budget=" + std::to_string(budget);
  return s;
}

std::string Promise::describe() const {
  std::string s = "promise b=" + ballot.describe() + " ckpt=" + slot_text(checkpoint_slot) +
                  " entries=" + std::to_string(entries.size());
  if (truncated_at.value != kUnlimited) s += " truncated_at=" + slot_text(truncated_at);
  return s;
}

std::string Nack::describe() const { return "nack promised=" + promised.describe(); }

std::string Accept::describe() const {
  return "accept b=" + ballot.describe() + " s=" + slot_text(slot) + " " + describe_batch(batch);
}

std::string Accepted::describe() const { return "accepted b=" + ballot.describe() + " s=" + slot_text(slot); }

std::string Decide::describe() const { return "decide s=" + slot_text(slot) + " " + describe_batch(batch); }

std::string Heartbeat::describe() const {
  return "heartbeat b=" + ballot.describe() + " executed=" + slot_text(executed);
}

std::string HeartbeatAck::describe() const { return "heartbeat-ack b=" + ballot.describe(); }

std::string Forward::describe() const { return "forward " + fl::describe(request); }

std::string CatchupRequest::describe() const { return "catchup from=" + slot_text(from); }

std::string Snapshot::describe() const {
  return "snapshot s=" + slot_text(slot) + " bytes=" + std::to_string(state.size());
}

}  // namespace fl::paxos
