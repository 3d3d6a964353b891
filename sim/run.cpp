#include "sim/run.hpp"

#include <fstream>

#include "rsm/app/replicable.hpp"
#include "rsm/core/assert.hpp"
#include "sim/invariants/invariant.hpp"
#include "sim/observe/run_stats.hpp"
#include "sim/observe/trace.hpp"
#include "sim/observe/trace_writer.hpp"
#include "sim/setup/protocol_names.hpp"
#include "sim/setup/protocols.hpp"
#include "sim/world.hpp"

namespace fl::sim {

Scenario effective_scenario(const Scenario& scenario, const RunOptions& options) {
  Scenario s = scenario;
  if (!options.protocol.empty()) s.cluster.protocol = options.protocol;
  s.cluster.protocol = variant_protocol(s.cluster.protocol, options.variant);
  if (!options.store.empty()) s.cluster.store = options.store;
  return s;
}

void check_run_options(const Scenario& scenario, const RunOptions& options) {
  const Scenario s = effective_scenario(scenario, options);
  const ProtocolChoice choice = checked_choice(s.cluster);
  if (!choice.protocol->needs_zookeeper) {
    if (const auto where = zookeeper_named(s)) {
      throw BadRunOption(scenario.source_file + ": " + *where + " names \"zk\", the ZooKeeper node, but protocol '" +
                         std::string(choice.protocol->name) + "' runs without one");
    }
  }
  if (!options.trace_path.empty()) {
    std::ofstream probe(options.trace_path, std::ios::app);
    if (!probe) throw BadRunOption("cannot write trace file '" + options.trace_path + "'");
  }
}

namespace {

RunFacts gather(World& world, const StatsCounter& stats, const Scenario& scenario,
                const std::vector<std::unique_ptr<Invariant>>& invariants, const LinearizableJudgement& linearizable) {
  RunFacts facts;
  facts.history = &world.workload().history();
  facts.linearizable = &linearizable;
  for (int r = 0; r < world.replicas(); ++r) {
    const NodeId id(static_cast<std::uint32_t>(r));
    if (Replica* replica = world.replica(id)) facts.live_tables.push_back({id, replica->app().rows()});
  }
  facts.max_log_held = stats.figures().max_log_held;
  facts.max_log_held_where = stats.max_log_held_where();
  for (const auto& invariant : invariants) facts.invariants.push_back(invariant->result());
  facts.last_fault_us = stats.last_fault_us();
  facts.end_us = scenario.duration_us + scenario.quiesce_us;
  facts.duration_us = scenario.duration_us;
  return facts;
}

// The counted figures, with those only the world and the trace know.
RunFigures figures_of(const World& world, const StatsCounter& stats, const Trace& trace) {
  RunFigures f = stats.figures();
  f.events = world.events_handled();
  f.trace_lines = trace.lines();
  f.committed = world.workload().completed_ok();
  f.simulated_us = world.now();
  return f;
}

// Every endpoint's name, by node id (sim/kernel/endpoints.hpp).
std::vector<std::string> lane_names(const Endpoints& endpoints) {
  std::vector<std::string> names;
  for (int i = 0; i < endpoints.count(); ++i) names.push_back(endpoints.name(NodeId(static_cast<std::uint32_t>(i))));
  return names;
}

InvariantContext invariant_context(const Scenario& scenario) {
  InvariantContext c;
  c.protocol = scenario.cluster.protocol;
  c.zk = needs_zookeeper(scenario.cluster.protocol);
  c.replicas = scenario.cluster.replicas;
  c.max_log_size = scenario.cluster.max_log_size;
  c.batch_size_max = scenario.cluster.batch_size_max;
  if (c.zk) {
    const fl::coordinated::ReplicaConfig zk = zk_config(scenario.cluster, NodeId(0));
    c.session_timeout_us = zk.session_timeout_us;
    c.pipeline_max = zk.pipeline_max;
  }
  return c;
}

}  // namespace

RunOutcome run_scenario(const Scenario& original, const RunOptions& options) {
  const Scenario scenario = effective_scenario(original, options);
  return run_scenario_with(scenario, options,
                           make_replica_factory(scenario.cluster, options));  // may throw BadRunOption
}

RunOutcome run_scenario_with(const Scenario& original, const RunOptions& options, ReplicaFactory factory) {
  const Scenario scenario = effective_scenario(original, options);
  Trace trace(options.trace_path);
  if (!trace.ok()) throw BadRunOption("cannot write trace file '" + options.trace_path + "'");
  set_panic_context("scenario " + scenario.name + " seed " + std::to_string(options.seed));
  trace.line(0, "run " + scenario.name + " seed " + std::to_string(options.seed) + " protocol " +
                    scenario.cluster.protocol + " replicas " + std::to_string(scenario.cluster.replicas));

  World world(scenario, options.seed, std::move(factory));
  TraceWriter trace_writer(trace, world.endpoints());
  world.subscribe(&trace_writer);
  StatsCounter stats;
  world.subscribe(&stats);
  const auto invariants = make_invariants(invariant_context(scenario));
  for (const auto& invariant : invariants) world.subscribe(invariant.get());
  std::shared_ptr<Timeline> timeline;
  if (options.record_timeline) {
    timeline =
        std::make_shared<Timeline>(lane_names(world.endpoints()), world.replicas(), scenario.cluster.max_log_size);
    world.subscribe(timeline.get());
  }
  world.run();
  for (const auto& invariant : invariants) invariant->finish(world.now());
  if (timeline) timeline->finish(scenario.duration_us + scenario.quiesce_us);

  RunOutcome result;
  result.scenario_name = scenario.name;
  result.protocol = scenario.cluster.protocol;
  result.store = scenario.cluster.store;
  result.seed = options.seed;
  // One search of the history: its verdict is a check, its counterexample what the
  // HTML report marks.
  LinearizableJudgement linearizable = judge_linearizable(world.workload().history());
  RunFacts facts = gather(world, stats, scenario, invariants, linearizable);
  result.final_tables = facts.live_tables;
  result.checks = run_checks(facts, scenario);
  result.counterexample = std::move(linearizable.counterexample);
  result.figures = figures_of(world, stats, trace);
  result.history = world.workload().history();
  result.timeline = std::move(timeline);
  trace.flush();
  // A trace that could not be written in full (a full disk, /dev/full) is not a
  // trace: say so rather than leave a truncated file behind a passing verdict.
  if (!trace.ok()) throw BadRunOption("cannot write trace file '" + options.trace_path + "': it is incomplete");
  result.trace_hash = trace.hash();
  set_panic_context("");
  return result;
}

}  // namespace fl::sim
