#include "rsm/app/grade_app.hpp"

#include <charconv>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <utility>

#include "rsm/core/assert.hpp"

// Checkpoint format (compact; keys of every object sorted by nlohmann::json):
//   {"clients":[{"client":3,"id":17,"response":{"events":[..],"rows":[[k,[..]],..],
//                "status":"ok"}},..],
//    "rows":[[key,[event,..]],..]}
// Rows are strictly ascending by key and clients by id, so an accepted checkpoint is
// in the one form checkpoint() writes.

namespace fl {
namespace {

using nlohmann::json;

// ---- writing ----

// The writer emits the text directly rather than building a nlohmann::json tree:
// checkpoints are taken every `checkpoint_interval` requests on every replica, and
// the tree (one allocation per int) dominated the simulator's profile. The output is
// byte-for-byte what nlohmann's dump() gives for the same document.
void put_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void put_events(std::string& out, const std::vector<std::int32_t>& events) {
  out += '[';
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i) out += ',';
    put_int(out, events[i]);
  }
  out += ']';
}

void put_rows(std::string& out, const std::vector<Row>& rows) {
  out += '[';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i) out += ',';
    out += '[';
    put_int(out, rows[i].first);
    out += ',';
    put_events(out, rows[i].second);
    out += ']';
  }
  out += ']';
}

void put_response(std::string& out, const Response& response) {
  out += "{\"events\":";
  put_events(out, response.events);
  out += ",\"rows\":";
  put_rows(out, response.rows);
  out += ",\"status\":\"";
  out += status_name(response.status);  // fixed lowercase names: nothing to escape
  out += "\"}";
}

void put_clients(std::string& out, const std::map<ClientId, DedupEntry>& dedup) {
  out += "{\"clients\":[";
  bool first = true;
  for (const auto& [client, entry] : dedup) {
    if (!first) out += ',';
    first = false;
    out += "{\"client\":";
    put_int(out, client.value);
    out += ",\"id\":";
    out += std::to_string(entry.last_id.value);
    out += ",\"response\":";
    put_response(out, entry.response);
    out += '}';
  }
  out += "],\"rows\":";
}

std::string checkpoint_text(const std::vector<Row>& rows, const std::map<ClientId, DedupEntry>& dedup) {
  std::string out;
  put_clients(out, dedup);
  put_rows(out, rows);
  out += '}';
  return out;
}

// The open text of one row, "[key,[e1,e2", as row_text_ keeps it.
std::string open_row_text(std::int32_t key, const std::vector<std::int32_t>& events) {
  std::string text = "[";
  put_int(text, key);
  text += ",[";
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i) text += ',';
    put_int(text, events[i]);
  }
  return text;
}

// ---- reading ----
// Each reader returns nullopt and sets `error` at the first problem; `where` names
// the value being read, so that the message points into the text.

struct State {
  std::vector<Row> rows;
  std::map<ClientId, DedupEntry> dedup;
};

template <class Int>
std::optional<Int> read_int(const json& j, const std::string& where, std::string& error) {
  // Checked before any get<>, which would silently wrap out-of-range values.
  if (j.is_number_unsigned()) {
    auto v = j.get<std::uint64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
  } else if (j.is_number_integer()) {
    auto v = j.get<std::int64_t>();
    if (std::in_range<Int>(v)) return static_cast<Int>(v);
  }
  error = where + ": not an integer in range";
  return std::nullopt;
}

// True if `j` is an object with exactly `fields`: a checkpoint from another format
// version should fail loudly rather than restore half its state.
bool has_exactly(const json& j, std::initializer_list<const char*> fields, const std::string& where,
                 std::string& error) {
  bool ok = j.is_object() && j.size() == fields.size();
  for (const char* field : fields) ok = ok && j.contains(field);
  if (!ok) {
    error = where + ": expected an object with fields";
    for (const char* field : fields) error += std::string(" ") + field;
  }
  return ok;
}

std::optional<std::vector<std::int32_t>> read_events(const json& j, const std::string& where, std::string& error) {
  if (!j.is_array()) {
    error = where + ": not an array";
    return std::nullopt;
  }
  std::vector<std::int32_t> events;
  events.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    auto v = read_int<std::int32_t>(j[i], where + "[" + std::to_string(i) + "]", error);
    if (!v) return std::nullopt;
    events.push_back(*v);
  }
  return events;
}

std::optional<Row> read_row(const json& j, const std::string& where, std::string& error) {
  if (!j.is_array() || j.size() != 2) {
    error = where + ": not a [key, events] pair";
    return std::nullopt;
  }
  auto key = read_int<std::int32_t>(j[0], where + ".key", error);
  if (!key) return std::nullopt;
  auto events = read_events(j[1], where + ".events", error);
  if (!events) return std::nullopt;
  return Row{*key, std::move(*events)};
}

std::optional<std::vector<Row>> read_rows(const json& j, const std::string& where, std::string& error) {
  if (!j.is_array()) {
    error = where + ": not an array";
    return std::nullopt;
  }
  std::vector<Row> rows;
  rows.reserve(j.size());
  for (std::size_t i = 0; i < j.size(); ++i) {
    std::string at = where + "[" + std::to_string(i) + "]";
    auto row = read_row(j[i], at, error);
    if (!row) return std::nullopt;
    if (!rows.empty() && row->first <= rows.back().first) {
      error = at + ": key not above the previous key";
      return std::nullopt;
    }
    rows.push_back(std::move(*row));
  }
  return rows;
}

std::optional<Response> read_response(const json& j, const std::string& where, std::string& error) {
  if (!has_exactly(j, {"status", "events", "rows"}, where, error)) return std::nullopt;
  const json& status = j["status"];
  auto parsed = status.is_string() ? status_from_name(status.get<std::string>()) : std::nullopt;
  if (!parsed) {
    error = where + ".status: not a status name";
    return std::nullopt;
  }
  auto events = read_events(j["events"], where + ".events", error);
  if (!events) return std::nullopt;
  auto rows = read_rows(j["rows"], where + ".rows", error);
  if (!rows) return std::nullopt;
  return Response{*parsed, std::move(*events), std::move(*rows)};
}

std::optional<std::pair<ClientId, DedupEntry>> read_client(const json& j, const std::string& where,
                                                           std::string& error) {
  if (!has_exactly(j, {"client", "id", "response"}, where, error)) return std::nullopt;
  auto client = read_int<std::uint32_t>(j["client"], where + ".client", error);
  if (!client) return std::nullopt;
  auto id = read_int<std::uint64_t>(j["id"], where + ".id", error);
  if (!id) return std::nullopt;
  auto response = read_response(j["response"], where + ".response", error);
  if (!response) return std::nullopt;
  return std::pair{ClientId{*client}, DedupEntry{RequestId{*id}, std::move(*response)}};
}

std::optional<std::map<ClientId, DedupEntry>> read_clients(const json& j, std::string& error) {
  if (!j.is_array()) {
    error = "clients: not an array";
    return std::nullopt;
  }
  std::map<ClientId, DedupEntry> dedup;
  for (std::size_t i = 0; i < j.size(); ++i) {
    std::string at = "clients[" + std::to_string(i) + "]";
    auto entry = read_client(j[i], at, error);
    if (!entry) return std::nullopt;
    if (!dedup.empty() && entry->first <= dedup.rbegin()->first) {
      error = at + ": client not above the previous client";
      return std::nullopt;
    }
    dedup.insert(dedup.end(), std::move(*entry));
  }
  return dedup;
}

std::optional<State> read_state(std::string_view text, std::string& error) {
  // allow_exceptions=false: bad JSON yields a discarded value instead of a throw.
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    error = "not valid JSON";
    return std::nullopt;
  }
  if (!has_exactly(j, {"clients", "rows"}, "top level", error)) return std::nullopt;
  auto rows = read_rows(j["rows"], "rows", error);
  if (!rows) return std::nullopt;
  auto dedup = read_clients(j["clients"], error);
  if (!dedup) return std::nullopt;
  return State{std::move(*rows), std::move(*dedup)};
}

// A response with no payload. Designated initializers would trip
// -Wmissing-field-initializers for the payload vectors.
Response status_only(Status status) {
  Response response;
  response.status = status;
  return response;
}

// splitmix64's finaliser: spreads every input bit over the whole word, so sums of
// mixed values do not cancel by accident.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A row's list hash starts from its key and folds in each appended value.
std::uint64_t empty_row_hash(std::int32_t key) { return mix(static_cast<std::uint32_t>(key)); }
std::uint64_t fold(std::uint64_t h, std::int32_t value) { return mix(h ^ static_cast<std::uint32_t>(value)); }
std::uint64_t row_term(std::int32_t key, std::uint64_t h) { return mix(h + static_cast<std::uint32_t>(key)); }
std::uint64_t dedup_term(ClientId client, RequestId id) {
  return mix(0x5bd1e995ULL ^ (std::uint64_t{client.value} << 32) ^ mix(static_cast<std::uint64_t>(id.value)));
}

}  // namespace

GradeApp::GradeApp(std::unique_ptr<Store> store) : store_(std::move(store)) { FL_ASSERT(store_ != nullptr); }

Response GradeApp::execute(const Request& request) {
  const bool read_only = request.op == OpKind::kRead || request.op == OpKind::kReadAll;
  auto found = dedup_.find(request.client);
  if (found != dedup_.end()) {
    if (request.id == found->second.last_id) return read_only ? apply(request) : found->second.response;
    if (request.id < found->second.last_id) return status_only(Status::kStale);
  }
  Response response = apply(request);
  note_dedup(request.client, found != dedup_.end() ? std::optional(found->second.last_id) : std::nullopt, request.id);
  dedup_.insert_or_assign(request.client, DedupEntry{request.id, read_only ? status_only(response.status) : response});
  return response;
}

Response GradeApp::apply(const Request& request) {
  switch (request.op) {
    case OpKind::kInsert: {
      if (!store_->insert(request.key)) return status_only(Status::kExists);
      note_insert(request.key);
      return status_only(Status::kOk);
    }
    case OpKind::kAppend:
      store_->append(request.key, request.value);
      note_append(request.key, request.value);
      return status_only(Status::kOk);
    case OpKind::kRead: {
      auto events = store_->read(request.key);
      if (!events) return status_only(Status::kNotFound);
      Response response;
      response.events = std::move(*events);
      return response;
    }
    case OpKind::kReadAll: {
      Response response;
      response.rows = store_->read_all();
      return response;
    }
  }
  // Requests come from decode_request or the workload, which only make valid ops.
  panic(__FILE__, __LINE__, "valid op", "request " + describe(request));
}

void GradeApp::note_insert(std::int32_t key) {
  row_text_.emplace(key, open_row_text(key, {}));
  if (row_hash_.emplace(key, empty_row_hash(key)).second) digest_ += row_term(key, empty_row_hash(key));
}

void GradeApp::note_append(std::int32_t key, std::int32_t value) {
  auto it = row_text_.find(key);
  if (it == row_text_.end()) it = row_text_.emplace(key, open_row_text(key, {})).first;
  if (it->second.back() != '[') it->second += ',';
  put_int(it->second, value);
  auto [h, fresh] = row_hash_.try_emplace(key, empty_row_hash(key));
  if (!fresh) digest_ -= row_term(key, h->second);
  h->second = fold(h->second, value);
  digest_ += row_term(key, h->second);
}

void GradeApp::note_dedup(ClientId client, std::optional<RequestId> before, RequestId after) {
  if (before) digest_ -= dedup_term(client, *before);
  digest_ += dedup_term(client, after);
}

void GradeApp::rebuild_digest(const std::vector<Row>& rows) {
  digest_ = 0;
  row_hash_.clear();
  for (const auto& [key, events] : rows) {
    std::uint64_t h = empty_row_hash(key);
    for (const std::int32_t v : events) h = fold(h, v);
    row_hash_.emplace(key, h);
    digest_ += row_term(key, h);
  }
  for (const auto& [client, entry] : dedup_) digest_ += dedup_term(client, entry.last_id);
}

void GradeApp::rebuild_row_text(const std::vector<Row>& rows) {
  row_text_.clear();
  for (const auto& [key, events] : rows) row_text_.emplace_hint(row_text_.end(), key, open_row_text(key, events));
}

std::string GradeApp::checkpoint() {
  std::size_t size = 64;
  for (const auto& [key, text] : row_text_) size += text.size() + 3;
  std::string out;
  out.reserve(size);
  put_clients(out, dedup_);
  out += '[';
  bool first = true;
  for (const auto& [key, text] : row_text_) {
    if (!first) out += ',';
    first = false;
    out += text;
    out += "]]";
  }
  out += "]}";
  return out;
}

std::optional<std::string> GradeApp::restore(std::string_view text) {
  std::string error;
  std::optional<State> state;
  try {
    state = read_state(text, error);
  } catch (const nlohmann::json::exception& e) {
    // The readers check every type before reading it, so this is a backstop that
    // keeps "bad text is an error value" true should one check be missing.
    return std::string("checkpoint: ") + e.what();
  }
  if (!state) return "checkpoint: " + error;
  store_->clear();
  store_->load(state->rows);
  rebuild_row_text(state->rows);
  dedup_ = std::move(state->dedup);
  rebuild_digest(state->rows);
  return std::nullopt;
}

std::vector<Row> GradeApp::rows() { return store_->read_all(); }

std::string empty_checkpoint() { return checkpoint_text({}, {}); }

std::string table_checkpoint(const std::vector<Row>& rows) { return checkpoint_text(rows, {}); }

}  // namespace fl
