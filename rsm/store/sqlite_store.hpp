// The default store: one private in-memory SQLite database per replica, so that
// replicas in one simulated process share nothing but what the protocol sends.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "rsm/store/store.hpp"

// Declared here rather than including sqlite3.h, so users of the store do not see
// the SQLite API.
struct sqlite3;
struct sqlite3_stmt;

namespace fl {

// The grade table in SQLite: grade(id INTEGER PRIMARY KEY, events BLOB), where a
// list is its int32 values back to back in host byte order. The database is private
// to the instance and never leaves the process, so host order is safe. Not
// thread-safe: one run is single-threaded. Every SQLite failure throws StoreError.
class SqliteStore final : public Store {
 public:
  // Opens a fresh empty database and prepares every statement once.
  SqliteStore();
  ~SqliteStore() override;

  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // The Store interface (see store.hpp); each call is one prepared statement.
  bool insert(std::int32_t key) override;
  void append(std::int32_t key, std::int32_t value) override;
  std::optional<std::vector<std::int32_t>> read(std::int32_t key) override;
  std::vector<Row> read_all() override;
  void clear() override;
  // Writes every row in one transaction: all or nothing. Throws StoreError if a key
  // already exists (or repeats in `rows`), since the table must start empty.
  void load(const std::vector<Row>& rows) override;

 private:
  struct DbClose {
    void operator()(sqlite3* db) const noexcept;
  };
  struct StmtFinalize {
    void operator()(sqlite3_stmt* stmt) const noexcept;
  };
  using Statement = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

  Statement prepare(const char* sql);
  void exec(const char* sql);
  // Steps `stmt` to completion of a write; throws StoreError on failure.
  void run(sqlite3_stmt* stmt);
  [[noreturn]] void fail(const char* what);

  // Declared first so that it is destroyed last: statements finalize before close.
  std::unique_ptr<sqlite3, DbClose> db_;
  Statement insert_;
  Statement append_;
  Statement read_;
  Statement read_all_;
  Statement clear_;
  Statement load_row_;
  Statement begin_;
  Statement commit_;
  Statement rollback_;
};

}  // namespace fl
