#include "sim/observe/trace_writer.hpp"

#include <string>

namespace fl::sim {
namespace {

std::string origin_of(std::string_view origin) { return " (" + std::string(origin) + ")"; }

std::string_view fault_name(ev::NetworkFault fault) {
  switch (fault) {
    case ev::NetworkFault::kPartition:
      return "partition";
    case ev::NetworkFault::kCut:
      return "cut";
    case ev::NetworkFault::kHeal:
      return "heal";
    case ev::NetworkFault::kChange:
      return "network";
  }
  return "?";
}

}  // namespace

// Facts the trace does not record (they would change every hash): a send that the
// network accepted, a step, ZooKeeper's handling of a request, restores.
template <class E>
void TraceWriter::on(Micros, const E&) {}

template <>
void TraceWriter::on(Micros now, const ev::Booted& e) {
  trace_.line(now, "fault restart " + replica_name(e.node) + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::Crashed& e) {
  trace_.line(now, "fault crash " + replica_name(e.node) + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::Paused& e) {
  trace_.line(now, "fault pause " + replica_name(e.node) + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::Resumed& e) {
  trace_.line(now, "fault resume " + replica_name(e.node) + origin_of(e.origin) + " with " + std::to_string(e.held) +
                       " waiting inputs");
}
template <>
void TraceWriter::on(Micros now, const ev::ZkDown& e) {
  trace_.line(now, "fault crash zk" + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::ZkUp& e) {
  trace_.line(now, "fault restart zk" + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::NetworkChanged& e) {
  const std::string detail = e.detail.empty() ? std::string() : " " + std::string(e.detail);
  trace_.line(now, "fault " + std::string(fault_name(e.fault)) + detail + origin_of(e.origin));
}
template <>
void TraceWriter::on(Micros now, const ev::Sent& e) {
  if (e.copies() > 0) return;
  trace_.line(now, "drop " + endpoints_.name(e.from) + "->" + endpoints_.name(e.to) + " " + std::string(e.drop_reason) +
                       " " + e.message.describe());
}
template <>
void TraceWriter::on(Micros now, const ev::Undelivered& e) {
  std::string text = "drop " + endpoints_.name(e.from) + "->" + endpoints_.name(e.to) + " " + std::string(e.reason);
  if (e.message != nullptr) text += " " + e.message->describe();
  trace_.line(now, text);
}
template <>
void TraceWriter::on(Micros now, const ev::Delivered& e) {
  trace_.line(now, "deliver " + endpoints_.name(e.from) + "->" + endpoints_.name(e.to) + " " + e.message.describe());
}
template <>
void TraceWriter::on(Micros now, const ev::ConnectionBroken& e) {
  trace_.line(now, "zk connection " + endpoints_.name(e.replica) + " c" + std::to_string(e.connection.value) +
                       " breaks (" + std::string(e.why) + ")");
}
template <>
void TraceWriter::on(Micros now, const ev::ZkDisconnected& e) {
  trace_.line(now, "zk disconnect " + endpoints_.name(e.replica) + " c" + std::to_string(e.connection.value));
}
template <>
void TraceWriter::on(Micros now, const ev::ZkExpired& e) {
  std::string ids;
  for (const auto& s : e.sessions) ids += " s" + std::to_string(s.value);
  trace_.line(now, "zk expired" + ids);
}
template <>
void TraceWriter::on(Micros now, const ev::Called& e) {
  trace_.line(now, "call c" + std::to_string(e.client.value) + " " + describe(e.request) + " -> " + replica_name(e.to) +
                       " try " + std::to_string(e.attempt));
}
template <>
void TraceWriter::on(Micros now, const ev::RequestArrived& e) {
  trace_.line(now,
              "deliver c" + std::to_string(e.client.value) + "->" + replica_name(e.to) + " " + describe(e.request));
}
template <>
void TraceWriter::on(Micros now, const ev::ReplyDelivered& e) {
  if (!e.fresh) return;
  trace_.line(now, "return c" + std::to_string(e.reply.client.value) + " #" + std::to_string(e.reply.id.value) + " " +
                       describe(e.reply.response) + " from " + replica_name(e.from));
}
template <>
void TraceWriter::on(Micros now, const ev::GaveUp& e) {
  trace_.line(now, "giveup c" + std::to_string(e.client.value) + " #" + std::to_string(e.id.value));
}
template <>
void TraceWriter::on(Micros now, const ev::TimerFired& e) {
  trace_.line(now, "timer " + replica_name(e.node) + " " + std::to_string(e.timer));
}
template <>
void TraceWriter::on(Micros now, const ev::Executed& e) {
  const Applied& a = e.applied;
  trace_.line(now, "apply " + replica_name(e.node) + " s=" + std::to_string(a.slot.value) + "." +
                       std::to_string(a.index) + " " + describe(a.request));
}
template <>
void TraceWriter::on(Micros now, const ev::Note& e) {
  trace_.line(now, "note " + replica_name(e.node) + " " + std::string(e.text));
}
template <>
void TraceWriter::on(Micros now, const ev::StoppedIssuing&) {
  trace_.line(now, "workload stops issuing");
}
template <>
void TraceWriter::on(Micros, const ev::Ended& e) {
  trace_.line(e.end_us, "end");
}

// After every specialization above, so that each is the one used.
void TraceWriter::on_event(Micros now, const RunEvent& event) {
  std::visit([&](const auto& e) { on(now, e); }, event);
}

}  // namespace fl::sim
