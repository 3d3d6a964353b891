// How the tests in tests/cassandra/ find the server the ctest fixture started
// (tools/cassandra start), and how one of them restarts it.
#pragma once

#include <optional>
#include <string>

#include "rsm/store/cql/client.hpp"

namespace fl::testing {

// The server to test against: $FL_CASSANDRA (HOST:PORT) if set, else the endpoint
// in the instance record $FL_CASSANDRA_INSTANCE that tools/cassandra start wrote.
// nullopt with the reason in `why` when there is none: tests then fail, since a
// test run that was meant to reach Cassandra must not pass without it.
std::optional<cql::Endpoint> cassandra_server(std::string& why);

// Stops the fixture's server (tools/cassandra stop with its instance record), and
// starts it again on the same port. Each returns false, with the reason, when the
// server is not the fixture's or the command failed.
bool stop_cassandra(std::string& why);
bool start_cassandra(const cql::Endpoint& endpoint, std::string& why);

}  // namespace fl::testing

// Puts the server's endpoint in `var` or fails the current test.
#define FL_CASSANDRA_SERVER(var)                                       \
  std::string var##_why;                                               \
  const auto var##_found = ::fl::testing::cassandra_server(var##_why); \
  ASSERT_TRUE(var##_found.has_value()) << var##_why;                   \
  const ::fl::cql::Endpoint var = *var##_found
