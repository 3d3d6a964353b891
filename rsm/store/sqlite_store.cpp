#include "rsm/store/sqlite_store.hpp"

#include <sqlite3.h>

#include <cstring>
#include <string>

#include "rsm/core/assert.hpp"

namespace fl {
namespace {

constexpr int kEventBytes = sizeof(std::int32_t);

// Resets a statement when a use of it ends, also when that use throws, so that the
// next use starts clean and no statement keeps a read transaction open.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~ResetOnExit() { sqlite3_reset(stmt_); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

// Binds a list as its raw bytes. An empty list binds a zero-length blob, because
// sqlite3_bind_blob with a null pointer (what an empty vector may hold) binds NULL.
int bind_events(sqlite3_stmt* stmt, int index, const std::int32_t* data, std::size_t count) {
  if (count == 0) return sqlite3_bind_zeroblob(stmt, index, 0);
  auto bytes = static_cast<int>(count * kEventBytes);
  return sqlite3_bind_blob(stmt, index, data, bytes, SQLITE_STATIC);
}

// The list stored in column `col` of the current row. The blob is read before its
// size, as SQLite documents, so that no type conversion invalidates the pointer.
std::vector<std::int32_t> column_events(sqlite3_stmt* stmt, int col) {
  const void* data = sqlite3_column_blob(stmt, col);
  int bytes = sqlite3_column_bytes(stmt, col);
  FL_ASSERT(bytes % kEventBytes == 0, "grade.events holds " + std::to_string(bytes) + " bytes");
  std::vector<std::int32_t> events(static_cast<std::size_t>(bytes / kEventBytes));
  if (bytes > 0) {
    FL_ASSERT(data != nullptr);
    std::memcpy(events.data(), data, static_cast<std::size_t>(bytes));
  }
  return events;
}

}  // namespace

void SqliteStore::DbClose::operator()(sqlite3* db) const noexcept { sqlite3_close(db); }

void SqliteStore::StmtFinalize::operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }

SqliteStore::SqliteStore() {
  sqlite3* raw = nullptr;
  // NOMUTEX: a store is used by one run on one thread. PRIVATECACHE: ":memory:"
  // already gives each open its own database; this keeps it so under shared-cache builds.
  int flags =
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
  int rc = sqlite3_open_v2(":memory:", &raw, flags, nullptr);
  db_.reset(raw);  // owned even on failure: a failed open still needs sqlite3_close
  if (rc != SQLITE_OK) fail("open");
  exec("CREATE TABLE grade(id INTEGER PRIMARY KEY, events BLOB NOT NULL)");
  insert_ = prepare("INSERT INTO grade(id, events) VALUES(?1, X'') ON CONFLICT(id) DO NOTHING");
  // One statement per append, as an upsert, because appends dominate benchmarks.
  // `||` concatenates the bytes exactly but types the result TEXT; the CAST keeps
  // the column a BLOB so reads never see a text value.
  append_ = prepare(
      "INSERT INTO grade(id, events) VALUES(?1, ?2) ON CONFLICT(id) DO UPDATE "
      "SET events = CAST(events || excluded.events AS BLOB)");
  read_ = prepare("SELECT events FROM grade WHERE id = ?1");
  read_all_ = prepare("SELECT id, events FROM grade ORDER BY id");
  clear_ = prepare("DELETE FROM grade");
  load_row_ = prepare("INSERT INTO grade(id, events) VALUES(?1, ?2)");
  begin_ = prepare("BEGIN");
  commit_ = prepare("COMMIT");
  rollback_ = prepare("ROLLBACK");
}

SqliteStore::~SqliteStore() = default;

bool SqliteStore::insert(std::int32_t key) {
  ResetOnExit reset(insert_.get());
  if (sqlite3_bind_int(insert_.get(), 1, key) != SQLITE_OK) fail("insert");
  run(insert_.get());
  return sqlite3_changes(db_.get()) == 1;  // 0 when the key existed (DO NOTHING)
}

void SqliteStore::append(std::int32_t key, std::int32_t value) {
  ResetOnExit reset(append_.get());
  if (sqlite3_bind_int(append_.get(), 1, key) != SQLITE_OK) fail("append");
  if (bind_events(append_.get(), 2, &value, 1) != SQLITE_OK) fail("append");
  run(append_.get());
}

std::optional<std::vector<std::int32_t>> SqliteStore::read(std::int32_t key) {
  ResetOnExit reset(read_.get());
  if (sqlite3_bind_int(read_.get(), 1, key) != SQLITE_OK) fail("read");
  int rc = sqlite3_step(read_.get());
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) fail("read");
  return column_events(read_.get(), 0);
}

std::vector<Row> SqliteStore::read_all() {
  ResetOnExit reset(read_all_.get());
  std::vector<Row> rows;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(read_all_.get())) == SQLITE_ROW) {
    rows.emplace_back(sqlite3_column_int(read_all_.get(), 0), column_events(read_all_.get(), 1));
  }
  if (rc != SQLITE_DONE) fail("read_all");
  return rows;
}

void SqliteStore::clear() {
  ResetOnExit reset(clear_.get());
  run(clear_.get());
}

void SqliteStore::load(const std::vector<Row>& rows) {
  {
    ResetOnExit reset(begin_.get());
    run(begin_.get());
  }
  try {
    for (const auto& [key, events] : rows) {
      ResetOnExit reset(load_row_.get());
      if (sqlite3_bind_int(load_row_.get(), 1, key) != SQLITE_OK) fail("load");
      if (bind_events(load_row_.get(), 2, events.data(), events.size()) != SQLITE_OK) fail("load");
      run(load_row_.get());
    }
    ResetOnExit reset(commit_.get());
    run(commit_.get());
  } catch (const StoreError&) {
    // Undo the partial load so that the table is as before; a failed rollback
    // leaves nothing better to do than report the original error.
    ResetOnExit reset(rollback_.get());
    sqlite3_step(rollback_.get());
    throw;
  }
}

SqliteStore::Statement SqliteStore::prepare(const char* sql) {
  sqlite3_stmt* raw = nullptr;
  // PERSISTENT: these statements live as long as the store, which SQLite can
  // allocate for differently than for one-shot statements.
  int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  Statement stmt(raw);
  if (rc != SQLITE_OK) fail("prepare");
  return stmt;
}

void SqliteStore::exec(const char* sql) {
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail("exec");
}

void SqliteStore::run(sqlite3_stmt* stmt) {
  if (sqlite3_step(stmt) != SQLITE_DONE) fail(sqlite3_sql(stmt));
}

void SqliteStore::fail(const char* what) {
  throw StoreError(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db_.get()));
}

}  // namespace fl
