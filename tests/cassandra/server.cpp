#include "tests/cassandra/server.hpp"

#include <cstdlib>
#include <fstream>

namespace fl::testing {

std::optional<cql::Endpoint> cassandra_server(std::string& why) {
  if (const char* given = std::getenv("FL_CASSANDRA"); given != nullptr && *given != '\0') {
    auto endpoint = cql::parse_endpoint(given);
    if (!endpoint) why = std::string("FL_CASSANDRA is not HOST:PORT: ") + given;
    return endpoint;
  }
  const char* record = std::getenv("FL_CASSANDRA_INSTANCE");
  if (record == nullptr) {
    why = "no Cassandra: run through ctest (its fixture starts one), or set FL_CASSANDRA=HOST:PORT";
    return std::nullopt;
  }
  std::ifstream in(record);
  std::string pid, endpoint_text;
  if (!std::getline(in, pid) || !std::getline(in, endpoint_text)) {
    why = std::string("no running Cassandra recorded in ") + record + " (did the cassandra.start fixture fail?)";
    return std::nullopt;
  }
  auto endpoint = cql::parse_endpoint(endpoint_text);
  if (!endpoint) why = "bad endpoint '" + endpoint_text + "' in " + record;
  return endpoint;
}

namespace {

bool fixture_started(std::string& why) {
  if (std::getenv("FL_CASSANDRA_INSTANCE") != nullptr) return true;
  why = "the server was not started by the fixture, so this test cannot stop or start it";
  return false;
}

std::string tool() { return std::string(FL_SOURCE_DIR) + "/tools/cassandra"; }

}  // namespace

bool stop_cassandra(std::string& why) {
  if (!fixture_started(why)) return false;
  if (std::system((tool() + " stop >/dev/null").c_str()) != 0) {
    why = "tools/cassandra stop failed";
    return false;
  }
  return true;
}

bool start_cassandra(const cql::Endpoint& endpoint, std::string& why) {
  if (!fixture_started(why)) return false;
  const std::string start = "FL_CASSANDRA_PORT=" + std::to_string(endpoint.port) + " " + tool() + " start >/dev/null";
  if (std::system(start.c_str()) != 0) {
    why = "tools/cassandra start failed";
    return false;
  }
  return true;
}

}  // namespace fl::testing
