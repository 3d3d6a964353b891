// The same scenario and seed on SQLite and on Cassandra must give the same trace
// hash and identical final tables: store calls are synchronous inside the event
// that causes them, so the store cannot change the run, only its wall time.
#include <gtest/gtest.h>

#include "sim/run.hpp"
#include "sim/scenario.hpp"
#include "tests/cassandra/server.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

class SqliteVsCassandra : public ::testing::TestWithParam<std::string> {};

TEST_P(SqliteVsCassandra, same_trace_hash_and_final_tables) {
  FL_CASSANDRA_SERVER(server);
  const Scenario scenario = fl::testing::load_shipped(GetParam());
  for (std::uint64_t seed : {1u, 2u}) {
    RunOptions sqlite;
    sqlite.seed = seed;
    sqlite.store = "sqlite";
    RunOptions cassandra = sqlite;
    cassandra.store = "cassandra";
    cassandra.cassandra = cql::to_string(server);
    const RunResult a = run_scenario(scenario, sqlite);
    const RunResult b = run_scenario(scenario, cassandra);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << GetParam() << " seed " << seed;
    EXPECT_EQ(a.exit_code(), b.exit_code());
    ASSERT_EQ(a.final_tables.size(), b.final_tables.size());
    for (std::size_t i = 0; i < a.final_tables.size(); ++i) {
      EXPECT_EQ(a.final_tables[i].id, b.final_tables[i].id);
      EXPECT_EQ(a.final_tables[i].rows, b.final_tables[i].rows) << "replica " << i << " seed " << seed;
    }
    EXPECT_FALSE(a.final_tables.empty());
  }
}

// Crash and restart of one replica, whole-cluster kill, checkpoint recovery, and
// the nemesis soak (partitions, crashes, restarts at random); and the zk protocol
// with a paused leader and a fast leader restart.
INSTANTIATE_TEST_SUITE_P(Scenarios, SqliteVsCassandra,
                         ::testing::Values("04-one-replica-crashed.json", "06-crash-recover-one-then-other.json",
                                           "07-kill-all-restart-all.json", "09-checkpoint-recovery.json",
                                           "13-nemesis-soak.json", "17-zk-leader-paused.json",
                                           "20-zk-fast-leader-restart.json"));

}  // namespace
}  // namespace fl::sim
