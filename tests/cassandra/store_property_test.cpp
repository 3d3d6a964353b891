// A stateful property in the style of etcd's quorum/quick_test.go: the Store on
// Cassandra, the Store on SQLite and a deliberately simple model (an ordered map)
// must agree on every return value of a random sequence of insert, append, read,
// read_all, clear and load, and on the table left at the end, compared both as
// rows and as the checkpoint JSON formatted from those rows. Unlike the GradeApp
// property, nothing here goes through an in-memory copy of the table: each answer
// is what the store itself holds.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <limits>
#include <map>
#include <ostream>
#include <type_traits>

#include "rsm/app/grade_app.hpp"
#include "rsm/store/cassandra_store.hpp"
#include "rsm/store/sqlite_store.hpp"
#include "tests/cassandra/server.hpp"

namespace fl {
namespace {

using Events = std::vector<std::int32_t>;
using Model = std::map<std::int32_t, Events>;

// Both stores under test, driven with the same calls.
struct Stores {
  Store& cassandra;
  Store& sqlite;
};

using StoreCommand = rc::state::Command<Model, Stores>;

std::vector<Row> rows_of(const Model& model) { return {model.begin(), model.end()}; }

// Mostly a handful of keys, so that inserts collide and lists grow; sometimes the
// extremes and any int, so that key order and int encoding are exercised.
rc::Gen<std::int32_t> key() {
  return rc::gen::weightedOneOf<std::int32_t>(
      {{8, rc::gen::inRange<std::int32_t>(-3, 5)},
       {1, rc::gen::element(std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max())},
       {1, rc::gen::arbitrary<std::int32_t>()}});
}

rc::Gen<std::int32_t> value() {
  return rc::gen::weightedOneOf<std::int32_t>(
      {{3, rc::gen::inRange<std::int32_t>(-100, 100)},
       {1, rc::gen::element(std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(), 0)},
       {2, rc::gen::arbitrary<std::int32_t>()}});
}

void show_row(std::ostream& os, std::int32_t k, const Events& events) {
  os << k << ":[";
  for (std::size_t i = 0; i < events.size(); ++i) os << (i ? "," : "") << events[i];
  os << "]";
}

struct Insert : StoreCommand {
  std::int32_t k = *key();
  void apply(Model& m) const override { m.emplace(k, Events{}); }
  void run(const Model& m, Stores& s) const override {
    const bool expected = !m.contains(k);
    RC_ASSERT(s.cassandra.insert(k) == expected);
    RC_ASSERT(s.sqlite.insert(k) == expected);
  }
  void show(std::ostream& os) const override { os << "insert(" << k << ")"; }
};

struct Append : StoreCommand {
  std::int32_t k = *key();
  std::int32_t v = *value();
  void apply(Model& m) const override { m[k].push_back(v); }
  void run(const Model&, Stores& s) const override {
    s.cassandra.append(k, v);
    s.sqlite.append(k, v);
  }
  void show(std::ostream& os) const override { os << "append(" << k << ", " << v << ")"; }
};

struct Read : StoreCommand {
  std::int32_t k = *key();
  void run(const Model& m, Stores& s) const override {
    const auto found = m.find(k);
    const std::optional<Events> expected = found == m.end() ? std::nullopt : std::optional<Events>(found->second);
    RC_ASSERT(s.cassandra.read(k) == expected);
    RC_ASSERT(s.sqlite.read(k) == expected);
  }
  void show(std::ostream& os) const override { os << "read(" << k << ")"; }
};

struct ReadAll : StoreCommand {
  void run(const Model& m, Stores& s) const override {
    const std::vector<Row> expected = rows_of(m);
    RC_ASSERT(s.cassandra.read_all() == expected);
    RC_ASSERT(s.sqlite.read_all() == expected);
  }
  void show(std::ostream& os) const override { os << "read_all()"; }
};

struct Clear : StoreCommand {
  void apply(Model& m) const override { m.clear(); }
  void run(const Model&, Stores& s) const override {
    s.cassandra.clear();
    s.sqlite.clear();
  }
  void show(std::ostream& os) const override { os << "clear()"; }
};

// load's contract is an empty table (restore clears first), so it is generated
// only when the model is empty: at the start or after a clear.
struct Load : StoreCommand {
  Model rows = *rc::gen::resize(8, rc::gen::container<Model>(key(), rc::gen::container<Events>(value())));
  void checkPreconditions(const Model& m) const override { RC_PRE(m.empty()); }
  void apply(Model& m) const override { m = rows; }
  void run(const Model&, Stores& s) const override {
    s.cassandra.load(rows_of(rows));
    s.sqlite.load(rows_of(rows));
  }
  void show(std::ostream& os) const override {
    os << "load(";
    for (const auto& [k, events] : rows) show_row(os, k, events), os << " ";
    os << ")";
  }
};

// Empties the shared Cassandra table between cases with one DELETE: a TRUNCATE
// per case would cost more than the case itself (clear is still exercised, as a
// command).
void empty_table(CassandraSession& session, CassandraStore& store) {
  std::string keys;
  for (const auto& [k, events] : store.read_all()) keys += (keys.empty() ? "" : ",") + std::to_string(k);
  if (!keys.empty()) session.query("DELETE FROM " + store.keyspace() + ".grade WHERE id IN (" + keys + ")");
}

TEST(CassandraStoreProperty, same_answers_and_final_table_as_sqlite_and_a_model) {
  FL_CASSANDRA_SERVER(server);
  CassandraSettings settings;
  settings.endpoint = server;
  auto session = std::make_shared<CassandraSession>(settings);
  CassandraStore cassandra(session, replica_keyspace("fl_store_property_" + session->nonce(), 0));

  const bool ok = rc::check("Store on Cassandra == Store on SQLite == model", [&] {
    // Up to 30 commands per case; reads and appends weigh most, clear least (a
    // TRUNCATE costs tens of milliseconds on the server).
    const auto commands = *rc::gen::resize(
        30, rc::state::gen::commands(
                Model{}, rc::state::gen::execOneOfWithArgs<Insert, Insert, Append, Append, Append, Append, Read, Read,
                                                           Read, ReadAll, Load, Clear>()));
    empty_table(*session, cassandra);
    RC_ASSERT(cassandra.read_all().empty());
    SqliteStore sqlite;
    Stores stores{cassandra, sqlite};
    Model model;
    rc::state::runAll(commands, model, stores);
    for (const auto& command : commands) command->apply(model);

    const std::vector<Row> on_cassandra = cassandra.read_all();
    const std::vector<Row> on_sqlite = sqlite.read_all();
    RC_ASSERT(on_cassandra == rows_of(model));
    RC_ASSERT(on_sqlite == rows_of(model));
    RC_ASSERT(table_checkpoint(on_cassandra) == table_checkpoint(on_sqlite));
    const auto has = [&](auto* kind) {
      using Kind = std::remove_pointer_t<decltype(kind)>;
      return std::any_of(commands.begin(), commands.end(),
                         [](const auto& c) { return dynamic_cast<const Kind*>(c.get()) != nullptr; });
    };
    RC_CLASSIFY(commands.size() >= 20, "20+ commands");
    RC_CLASSIFY(has(static_cast<Clear*>(nullptr)), "a clear");
    RC_CLASSIFY(has(static_cast<Load*>(nullptr)), "a load");
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace fl
