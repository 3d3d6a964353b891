// Where a replica keeps its grade table: grade(id int primary key, events list<int>).
// Implementations: in-memory SQLite (default) and Apache Cassandra.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "rsm/core/request.hpp"

namespace fl {

// A store could not do what was asked (server unreachable, I/O error). Expected
// when the store is remote, so it is a typed error rather than an assertion.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  // Creates `key` with an empty list. Returns false (and changes nothing) if it exists.
  virtual bool insert(std::int32_t key) = 0;
  // Appends `value` to the list of `key`, creating the key if absent (CQL upsert semantics).
  virtual void append(std::int32_t key, std::int32_t value) = 0;
  // The list of `key`, or nullopt if the key does not exist.
  virtual std::optional<std::vector<std::int32_t>> read(std::int32_t key) = 0;
  // Every row, in ascending key order.
  virtual std::vector<Row> read_all() = 0;
  // Removes every row.
  virtual void clear() = 0;
  // Writes `rows` into an empty table (used by restore).
  virtual void load(const std::vector<Row>& rows) = 0;
};

}  // namespace fl
