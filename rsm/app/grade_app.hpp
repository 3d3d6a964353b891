// The application under test: the grade table grade(id int primary key,
// events list<int>) as a replicated state machine, with exactly-once execution of
// retried client requests.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rsm/app/replicable.hpp"
#include "rsm/core/request.hpp"
#include "rsm/core/types.hpp"
#include "rsm/store/store.hpp"

namespace fl {

// The last request a client had executed and what it returned. A retry of that
// request gets the saved response instead of running again, so an append that
// reached the log twice (client retry, re-proposal) lands once. Reads are the
// exception: their entry keeps only the status, and a retried read runs again.
// Running a read twice changes nothing, and the second answer still falls inside
// the client's invocation window, so linearizability holds; saving the lists a
// read returned would copy them into every checkpoint.
struct DedupEntry {
  RequestId last_id;
  Response response;

  bool operator==(const DedupEntry&) const = default;
};

// Executes grade-table requests against a Store, deduplicating per client. The
// whole state is the table plus the dedup table; both are in every checkpoint,
// since a replica restored without the dedup table would re-execute retries.
class GradeApp final : public Replicable {
 public:
  // Takes ownership of `store`, which must be non-null and should be empty: the
  // app's dedup table starts empty and must describe the rows it finds.
  explicit GradeApp(std::unique_ptr<Store> store);

  // insert/append/read/read_all with the dedup rule: the client's last id returns
  // the saved response, a smaller id returns kStale, a larger id executes.
  // Store failures propagate as StoreError.
  Response execute(const Request& request) override;

  // Compact JSON of rows and dedup table, sorted by key and client id, so equal
  // states give byte-identical checkpoints.
  std::string checkpoint() override;

  // Replaces the state by a checkpoint. Malformed text returns an error and leaves
  // the state unchanged (the whole text is validated before anything is written);
  // it never throws for bad text. Store failures propagate as StoreError.
  std::optional<std::string> restore(std::string_view json) override;

  // The table without the dedup table, ascending by key, for convergence checks.
  std::vector<Row> rows() override;

  // Kept up to date on every change, O(1) per request: a sum over rows of a hash of
  // (key, list) and over clients of a hash of (client, last id), so it does not
  // depend on the order in which rows were written.
  std::uint64_t state_digest() override { return digest_; }

 private:
  // Runs a request that passed the dedup check.
  Response apply(const Request& request);

  // Keeps row_text_ in step with a change the store just made.
  void note_insert(std::int32_t key);
  void note_append(std::int32_t key, std::int32_t value);
  void rebuild_row_text(const std::vector<Row>& rows);
  // Keeps digest_ in step with a change of a client's dedup entry.
  void note_dedup(ClientId client, std::optional<RequestId> before, RequestId after);
  void rebuild_digest(const std::vector<Row>& rows);

  std::unique_ptr<Store> store_;
  std::map<ClientId, DedupEntry> dedup_;  // ordered: checkpoints list clients sorted
  // Each row's checkpoint text, still open at the end ("[key,[e1,e2"), kept up to date
  // on every change. Lists only grow at the end, so a checkpoint costs a copy of the
  // table's text instead of formatting every int again: a replica checkpoints every
  // few hundred requests, and re-formatting made checkpoints quadratic in run length.
  std::map<std::int32_t, std::string> row_text_;
  // Each row's running list hash, and the digest over rows and dedup entries.
  std::map<std::int32_t, std::uint64_t> row_hash_;
  std::uint64_t digest_ = 0;
};

// The checkpoint of a GradeApp over an empty store: what a replica that has
// executed nothing restores.
std::string empty_checkpoint();

// The checkpoint of a GradeApp whose table holds `rows` (ascending by key) and
// whose dedup table is empty, formatted from the rows themselves rather than from
// an app's cached text: tests compare it across stores, so that what a store
// actually holds is what gets compared.
std::string table_checkpoint(const std::vector<Row>& rows);

}  // namespace fl
