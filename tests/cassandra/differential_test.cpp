// The same scenario, protocol and seed on SQLite and on Cassandra must give the
// same exit code, the same trace hash and identical final tables: store calls are
// synchronous inside the event that causes them, so the store cannot change the
// run, only its wall time.
//
// Two kinds of test. SqliteVsCassandra runs chosen scenarios for many seeds (the
// fault schedules that exercise the store most: restarts, which empty and refill a
// replica's keyspace, whole-cluster kill, checkpoint restore). EveryScenario runs
// every file under scenarios/ with each protocol for one seed, the evidence that
// `--store cassandra` works for every scenario and protocol. Each test reuses one
// Cassandra session for all its runs (RunOptions::cassandra_session), so a run
// costs its store calls and three TRUNCATEs, not six schema changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

#include "rsm/store/cassandra_store.hpp"
#include "sim/observe/trace.hpp"
#include "sim/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/cassandra/server.hpp"
#include "tests/run_binary.hpp"

namespace fl::sim {
namespace {

std::shared_ptr<CassandraSession> session_on(const cql::Endpoint& server) {
  CassandraSettings settings;
  settings.endpoint = server;
  return std::make_shared<CassandraSession>(settings);
}

// Runs `scenario` under `protocol` with `seed` on both stores and compares them.
// Returns false (with gtest failures recorded) when they differ.
bool same_on_both_stores(const Scenario& scenario, const std::string& protocol, std::uint64_t seed,
                         const std::shared_ptr<CassandraSession>& session) {
  RunOptions sqlite;
  sqlite.seed = seed;
  sqlite.protocol = protocol;
  sqlite.store = "sqlite";
  RunOptions cassandra = sqlite;
  cassandra.store = "cassandra";
  cassandra.cassandra_session = session;
  const RunResult a = run_scenario(scenario, sqlite);
  const RunResult b = run_scenario(scenario, cassandra);
  const std::string what = scenario.name + " --protocol " + protocol + " --seed " + std::to_string(seed);
  bool same = true;
  const auto expect = [&](bool ok) {
    same = same && ok;
    return ok;
  };
  EXPECT_TRUE(expect(a.trace_hash == b.trace_hash))
      << what << ": trace hash " << hex16(a.trace_hash) << " on sqlite, " << hex16(b.trace_hash) << " on cassandra";
  EXPECT_TRUE(expect(a.exit_code() == b.exit_code()))
      << what << ": exit " << a.exit_code() << " on sqlite, " << b.exit_code() << " on cassandra";
  EXPECT_TRUE(expect(!a.final_tables.empty())) << what << ": no live replica at the end";
  EXPECT_TRUE(expect(a.final_tables.size() == b.final_tables.size())) << what;
  for (std::size_t i = 0; i < std::min(a.final_tables.size(), b.final_tables.size()); ++i) {
    EXPECT_TRUE(expect(a.final_tables[i].id == b.final_tables[i].id)) << what;
    EXPECT_TRUE(expect(a.final_tables[i].rows == b.final_tables[i].rows)) << what << ": replica " << i << "'s table";
  }
  return same;
}

struct Coverage {
  const char* scenario;
  std::vector<std::string> protocols;
  std::uint64_t seeds;  // how many: 2..seeds+1, as EveryScenario runs seed 1
};

// For the test's name in ctest: the scenario, protocols and seeds, not raw bytes.
void PrintTo(const Coverage& c, std::ostream* os) {
  *os << c.scenario << " seeds 2.." << c.seeds + 1 << " under";
  for (const auto& p : c.protocols) *os << " " << p;
}

class SqliteVsCassandra : public ::testing::TestWithParam<Coverage> {};

TEST_P(SqliteVsCassandra, same_exit_trace_hash_and_final_tables_for_every_seed) {
  FL_CASSANDRA_SERVER(server);
  const Coverage& c = GetParam();
  const Scenario scenario = fl::testing::load_shipped(c.scenario);
  const auto session = session_on(server);
  int compared = 0;
  for (const std::string& protocol : c.protocols) {
    for (std::uint64_t seed = 2; seed <= c.seeds + 1; ++seed) {
      same_on_both_stores(scenario, protocol, seed, session);
      ++compared;
    }
  }
  RecordProperty("runs_compared", compared);
}

// Seeds are spent where the store is exercised most and a run is cheap: crashed
// and restarted replicas reopen (empty) their keyspaces and catch up (04-08);
// kill-all and checkpoint recovery restore every replica from its checkpoint
// (clear, then load); partitions make replicas lag and catch up from a peer's
// checkpoint (10-12); the nemesis soak crashes, restarts and partitions at random.
// Both protocols wherever the scenario means something under both: 80 runs on
// each store, about 65 s here; seeds are few where a pair costs most (09: about
// 3 s; 10-12: 0.7 s; 04-05: 0.3 s), so that the cassandra label stays under
// three minutes on a shared 2-core machine. Seed 1 is EveryScenario's, so these
// start at 2: 120 distinct runs on each store in all.
INSTANTIATE_TEST_SUITE_P(Scenarios, SqliteVsCassandra,
                         ::testing::Values(Coverage{"04-one-replica-crashed.json", {"paxos", "zk"}, 6},
                                           Coverage{"05-two-of-three-crashed.json", {"paxos", "zk"}, 6},
                                           Coverage{"06-crash-recover-one-then-other.json", {"paxos", "zk"}, 4},
                                           Coverage{"07-kill-all-restart-all.json", {"paxos", "zk"}, 4},
                                           Coverage{"08-rolling-restarts.json", {"paxos", "zk"}, 2},
                                           Coverage{"09-checkpoint-recovery.json", {"paxos", "zk"}, 2},
                                           Coverage{"10-coordinator-isolated.json", {"paxos", "zk"}, 3},
                                           Coverage{"11-minority-partition.json", {"paxos", "zk"}, 3},
                                           Coverage{"12-one-way-cut.json", {"paxos", "zk"}, 3},
                                           Coverage{"13-nemesis-soak.json", {"paxos", "zk"}, 2},
                                           Coverage{"17-zk-leader-paused.json", {"zk"}, 5},
                                           Coverage{"20-zk-fast-leader-restart.json", {"zk"}, 5}),
                         [](const ::testing::TestParamInfo<Coverage>& param) {
                           std::string name = std::filesystem::path(param.param.scenario).stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Every shipped scenario, found by listing the folder so that a new one is covered
// without an edit here, under `protocol` with seed 1.
void every_scenario_under(const std::string& protocol) {
  FL_CASSANDRA_SERVER(server);
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FL_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 20u) << "the shipped scenarios went missing";
  const auto session = session_on(server);
  int differ = 0;
  for (const std::string& file : files)
    differ += !same_on_both_stores(fl::testing::load_shipped(file), protocol, 1, session);
  EXPECT_EQ(differ, 0) << differ << " of " << files.size() << " scenarios differ under " << protocol;
  ::testing::Test::RecordProperty("runs_compared", static_cast<int>(files.size()));
}

TEST(EveryScenario, paxos_seed_1_same_on_sqlite_and_cassandra) { every_scenario_under("paxos"); }
TEST(EveryScenario, zk_seed_1_same_on_sqlite_and_cassandra) { every_scenario_under("zk"); }

}  // namespace
}  // namespace fl::sim
