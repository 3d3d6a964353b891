// What a user may ask of a run besides its scenario (seed, protocol, store, where a
// Cassandra lives), and the error for a request that cannot run. A leaf of its own:
// the run (sim/run.hpp) reads the options, and so do the replica factories
// (sim/setup/protocols.hpp) and the Cassandra stores (sim/setup/cassandra_stores.hpp) that the run
// builds, without depending on the run.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace fl {
class CassandraSession;
}

namespace fl::sim {

// A run that cannot start because of what the user asked for (an unknown protocol,
// a store that is not available). The CLI reports it as bad input (exit 64).
class BadRunOption : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  std::uint64_t seed = 1;
  std::string protocol;  // overrides the scenario's when not empty
  // A planted bug of the (effective) protocol, e.g. "skip-adoption" (see
  // `faultline variants`); empty runs the protocol as it is.
  std::string variant;
  std::string store;                  // overrides the scenario's when not empty
  std::string trace_path;             // writes every trace line there when not empty
  std::string cassandra;              // HOST:PORT of the server for the cassandra store
  std::string cassandra_replication;  // keyspace replication map (CQL); empty: one copy
  // A Cassandra connection to reuse across runs, for tests and benchmarks that run
  // many in one process. The run then takes the session's endpoint and replication,
  // and its replicas reuse the session's keyspaces (emptied when a run's store opens
  // them) instead of creating and dropping their own: about two seconds of schema
  // changes saved per run. Runs sharing a session must not run concurrently.
  std::shared_ptr<CassandraSession> cassandra_session;
  // Records a Timeline for the HTML report. It changes nothing about the run (same
  // trace, same hash) but costs memory and time, so it is off unless asked for.
  bool record_timeline = false;
};

}  // namespace fl::sim
