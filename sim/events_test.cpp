// The World's event stream keeps the orders its subscribers rely on, checked over
// whole runs of shipped scenarios: a step's writes are published (and applied)
// before any message of that step is sent (persist before send, the Output
// contract), and the trace, written by a subscriber, is the same whoever else
// subscribes.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "sim/observe/trace_writer.hpp"
#include "sim/setup/protocols.hpp"
#include "sim/world.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

// Per replica, whether the step under way has sent a message yet; a Persisting
// after that is a write that went out after its own step's sends.
class PersistBeforeSend final : public EventSink {
 public:
  void on_event(Micros now, const RunEvent& event) override {
    if (const auto* s = std::get_if<ev::Sent>(&event)) {
      sent_in_step_[s->from.value] = true;
    } else if (const auto* p = std::get_if<ev::Persisting>(&event)) {
      ++persists_;
      if (sent_in_step_[p->node.value]) {
        ADD_FAILURE() << replica_name(p->node) << " persisted after a send of the same step at t=" << now;
      }
    } else if (const auto* st = std::get_if<ev::Stepped>(&event)) {
      sent_in_step_[st->node.value] = false;
    } else if (const auto* b = std::get_if<ev::Booted>(&event)) {
      sent_in_step_[b->node.value] = false;
    }
  }
  int persists_ = 0;

 private:
  std::map<std::uint32_t, bool> sent_in_step_;
};

std::uint64_t run_with(const Scenario& scenario, std::uint64_t seed, std::vector<EventSink*> others) {
  World world(scenario, seed, make_replica_factory(scenario.cluster));
  Trace trace;
  TraceWriter writer(trace, world.endpoints());
  for (EventSink* sink : others) world.subscribe(sink);
  world.subscribe(&writer);
  world.run();
  return trace.hash();
}

TEST(EventStream, every_step_persists_before_it_sends) {
  for (const char* file : {"09-checkpoint-recovery.json", "24-zk-tiny-log-leader-handover.json"}) {
    SCOPED_TRACE(file);
    PersistBeforeSend check;
    run_with(fl::testing::load_shipped(file), 1, {&check});
    EXPECT_GT(check.persists_, 100) << "too few writes to judge";
  }
}

TEST(EventStream, the_trace_is_the_same_whoever_else_subscribes) {
  const Scenario scenario = fl::testing::load_shipped("13-nemesis-soak.json");
  PersistBeforeSend other;
  EXPECT_EQ(run_with(scenario, 3, {}), run_with(scenario, 3, {&other}));
}

}  // namespace
}  // namespace fl::sim
