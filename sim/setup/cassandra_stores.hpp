// Makes the replicas' stores for `--store cassandra`: one keyspace per replica on
// one server, through one connection per run.
#pragma once

#include <functional>
#include <memory>

#include "rsm/core/types.hpp"
#include "rsm/store/store.hpp"
#include "sim/run_options.hpp"

namespace fl::sim {

// Makes the store of a replica (called again when it restarts).
using StoreMaker = std::function<std::unique_ptr<Store>(NodeId id)>;

// Stores in keyspaces fl_<nonce>_p<pid>_s<seed>_r<replica> on options.cassandra
// (HOST:PORT), dropped when the run ends; the nonce is random per session (see
// CassandraSession::nonce), so runs on other hosts sharing the cluster never collide.
// With options.cassandra_session the keyspaces are that session's,
// fl_<nonce>_p<pid>_r<replica>, and outlive the run. It connects now, so an
// unreachable server is reported before the run starts: BadRunOption for a
// malformed endpoint, a StoreError when the server cannot be reached.
StoreMaker cassandra_store_maker(const RunOptions& options);

}  // namespace fl::sim
