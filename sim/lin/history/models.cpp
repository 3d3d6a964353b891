#include "sim/lin/history/models.hpp"

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>

namespace fl::sim::lin {
namespace {

HistoryError at(int line, std::string reason) { return HistoryError{"", line, std::move(reason)}; }

// The line of the event whose :value is at fault: the completion's if it has one.
int result_line(const HistoryOp& op) { return op.complete_line > 0 ? op.complete_line : op.invoke_line; }

std::string op_words(const HistoryOp& op) { return ":" + op.f; }

HistoryError bad_f(const HistoryOp& op, const std::string& model, const std::string& allowed) {
  return at(op.invoke_line, "unknown :f :" + op.f + " for the " + model + " model (" + allowed + ")");
}

HistoryError bad_value(const HistoryOp& op, bool of_result, const HistValue& v, const std::string& wanted) {
  const std::string which = of_result ? event_type_name(op.completion) : ":invoke";
  return at(v.line > 0 ? v.line : (of_result ? result_line(op) : op.invoke_line),
            op_words(op) + " " + which + " :value must be " + wanted + ", not " + std::string(kind_words(v)) +
                (v.is_nil() ? "" : " " + to_edn(v)));
}

std::optional<std::int32_t> as_int32(const HistValue& v) {
  if (!v.is_int() || v.integer < std::numeric_limits<std::int32_t>::min() ||
      v.integer > std::numeric_limits<std::int32_t>::max()) {
    return std::nullopt;
  }
  return static_cast<std::int32_t>(v.integer);
}

std::optional<std::vector<std::int32_t>> as_int32_list(const HistValue& v) {
  if (!v.is_vector()) return std::nullopt;
  std::vector<std::int32_t> out;
  for (const HistValue& item : v.items) {
    auto n = as_int32(item);
    if (!n) return std::nullopt;
    out.push_back(*n);
  }
  return out;
}

// ---- grade -------------------------------------------------------------------

constexpr const char* kGradeFs = "insert, append, read, read-all";

std::optional<OpKind> grade_op(const std::string& f) {
  if (f == "read-all") return OpKind::kReadAll;
  return op_from_name(f);  // insert, append, read, read_all
}

// (key, [events]) pairs from a vector of pairs or a map, in ascending key order.
std::variant<std::vector<Row>, HistoryError> read_all_rows(const HistoryOp& op, const HistValue& v) {
  const char* wanted = "a map or vector of [key [ints]] rows";
  std::vector<std::pair<const HistValue*, const HistValue*>> entries;
  if (v.is_map()) {
    for (std::size_t i = 0; i + 1 < v.items.size(); i += 2) entries.emplace_back(&v.items[i], &v.items[i + 1]);
  } else if (v.is_vector()) {
    for (const HistValue& row : v.items) {
      if (!row.is_vector() || row.items.size() != 2) return bad_value(op, true, row, "a [key [ints]] row");
      entries.emplace_back(&row.items[0], &row.items[1]);
    }
  } else {
    return bad_value(op, true, v, wanted);
  }
  std::vector<Row> rows;
  for (const auto& [key, events] : entries) {
    auto k = as_int32(*key);
    auto list = as_int32_list(*events);
    if (!k) return bad_value(op, true, *key, "a row key (32-bit integer)");
    if (!list) return bad_value(op, true, *events, "a row's list of 32-bit integers");
    rows.emplace_back(*k, std::move(*list));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < rows.size(); ++i) {
    if (rows[i].first == rows[i - 1].first) {
      return at(result_line(op), ":read-all lists key " + std::to_string(rows[i].first) + " twice");
    }
  }
  return rows;
}

// The status of an insert or append :ok: nil (or the appended value echoed) is ok;
// a keyword (a string in JSON) names another status (:exists, :not-found, :stale).
std::variant<Status, HistoryError> write_status(const HistoryOp& op, const HistValue& v) {
  if (v.is_nil()) return Status::kOk;
  if (const auto name = v.name()) {  // a keyword in EDN, a string in JSON
    if (auto s = status_from_name(*name)) return *s;
  }
  if (op.f == "append" && v.is_int() && v.integer == op.invoke_value.integer) return Status::kOk;
  return bad_value(op, true, v,
                   op.f == "append" ? "nil, the appended value or a status keyword such as :stale"
                                    : "nil or a status keyword such as :exists");
}

std::variant<Response, HistoryError> grade_response(const HistoryOp& op, OpKind kind) {
  const HistValue& v = op.result_value;
  Response r;
  if (kind == OpKind::kInsert || kind == OpKind::kAppend) {
    auto status = write_status(op, v);
    if (auto* err = std::get_if<HistoryError>(&status)) return *err;
    r.status = std::get<Status>(status);
  } else if (kind == OpKind::kRead) {
    if (v.is_nil()) {
      r.status = Status::kNotFound;
    } else if (auto list = as_int32_list(v)) {
      r.events = std::move(*list);
    } else {
      return bad_value(op, true, v, "a vector of 32-bit integers, or nil for not-found");
    }
  } else {
    auto rows = read_all_rows(op, v);
    if (auto* err = std::get_if<HistoryError>(&rows)) return *err;
    r.rows = std::move(std::get<std::vector<Row>>(rows));
  }
  return r;
}

std::optional<HistoryError> grade_request(const HistoryOp& op, OpKind kind, Request& req) {
  if (kind != OpKind::kReadAll) {
    if (!op.key) return at(op.invoke_line, op_words(op) + " needs a :key");
    auto key = as_int32(*op.key);
    if (!key) return at(op.invoke_line, ":key must be a 32-bit integer, not " + to_edn(*op.key));
    req.key = *key;
  }
  if (kind == OpKind::kAppend) {
    auto value = as_int32(op.invoke_value);
    if (!value) return bad_value(op, false, op.invoke_value, "a 32-bit integer");
    req.value = *value;
  } else if (!op.invoke_value.is_nil()) {
    return bad_value(op, false, op.invoke_value, "nil");
  }
  return std::nullopt;
}

// Every model names an op "c<process>#<id>" with a 32-bit process, as faultline's
// clients are numbered; a larger one would be shown as another process.
std::optional<HistoryError> process_too_large(const HistoryOp& op, const std::string& model) {
  if (op.process <= std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return at(op.invoke_line, ":process " + std::to_string(op.process) + " does not fit 32 bits (the " + model +
                                " model numbers processes 0 to 4294967295)");
}

std::variant<Operation, HistoryError> grade_operation(const HistoryOp& op) {
  if (auto err = process_too_large(op, "grade")) return *err;
  const auto kind = grade_op(op.f);
  if (!kind) return bad_f(op, "grade", kGradeFs);
  Operation o;
  o.request.client = ClientId(static_cast<std::uint32_t>(op.process));
  o.request.id = RequestId(op.id);
  o.request.op = *kind;
  if (auto err = grade_request(op, *kind, o.request)) return *err;
  o.invoke_us = op.call_us;
  o.attempts = 1;
  if (op.completion == EventType::kInfo) return o;  // kUnknown, complete_us -1
  o.complete_us = op.return_us;
  o.outcome = op.completion == EventType::kOk ? Outcome::kOk : Outcome::kFail;
  if (o.outcome == Outcome::kFail) return o;
  auto response = grade_response(op, *kind);
  if (auto* err = std::get_if<HistoryError>(&response)) return *err;
  o.response = std::move(std::get<Response>(response));
  return o;
}

// ---- cas-register and kv ------------------------------------------------------

template <class Op>
Op lin_base(const HistoryOp& op) {
  Op out;
  out.client = static_cast<std::uint32_t>(op.process);
  out.id = op.id;
  out.call_us = op.call_us;
  if (op.completion == EventType::kOk) out.return_us = op.return_us;
  return out;
}

// nullopt: the op is dropped (it failed, or is a read without a reply).
using MaybeRegisterOp = std::variant<std::optional<RegisterLinOp>, HistoryError>;

MaybeRegisterOp register_op(const HistoryOp& op) {
  RegisterLinOp out = lin_base<RegisterLinOp>(op);
  const bool ok = op.completion == EventType::kOk;
  if (op.f == "read") {
    const HistValue& v = op.result_value;
    if (!ok) return std::nullopt;
    if (!v.is_nil() && !v.is_int()) return bad_value(op, true, v, "an integer or nil");
    out.input.op = RegisterOp::kRead;
    out.output = RegisterOutput{v.is_int() ? v.integer : 0, true};
    return out;
  }
  if (op.f != "write" && op.f != "cas") return bad_f(op, "cas-register", "read, write, cas");
  if (op.completion == EventType::kFail) return std::nullopt;
  const HistValue& v = op.invoke_value;
  if (op.f == "write") {
    if (!v.is_int()) return bad_value(op, false, v, "an integer");
    out.input = RegisterInput{RegisterOp::kWrite, v.integer, 0};
  } else {
    if (!v.is_vector() || v.items.size() != 2 || !v.items[0].is_int() || !v.items[1].is_int()) {
      return bad_value(op, false, v, "[old new] (two integers)");
    }
    out.input = RegisterInput{RegisterOp::kCas, v.items[0].integer, v.items[1].integer};
  }
  if (ok) out.output = RegisterOutput{0, true};
  return out;
}

using MaybeKvOp = std::variant<std::optional<KvLinOp>, HistoryError>;

std::optional<std::string> key_text(const HistValue& key) {
  if (key.is_int()) return std::to_string(key.integer);
  if (auto name = key.name()) return std::string(*name);
  return std::nullopt;
}

MaybeKvOp kv_op(const HistoryOp& op) {
  KvLinOp out = lin_base<KvLinOp>(op);
  if (op.f != "get" && op.f != "put" && op.f != "append") return bad_f(op, "kv", "get, put, append");
  if (!op.key) return at(op.invoke_line, op_words(op) + " needs a :key");
  auto key = key_text(*op.key);
  if (!key) return at(op.invoke_line, ":key must be a string, keyword or integer, not " + to_edn(*op.key));
  out.input.key = *key;
  const bool ok = op.completion == EventType::kOk;
  if (op.f == "get") {
    const HistValue& v = op.result_value;
    if (!ok) return std::nullopt;
    if (!v.is_nil() && v.kind != HistValue::Kind::kString) return bad_value(op, true, v, "a string or nil");
    out.output = KvOutput{v.text};
    return out;
  }
  if (op.completion == EventType::kFail) return std::nullopt;
  const HistValue& v = op.invoke_value;
  if (v.kind != HistValue::Kind::kString) return bad_value(op, false, v, "a string");
  out.input.op = op.f == "put" ? KvOp::kPut : KvOp::kAppend;
  out.input.value = v.text;
  if (ok) out.output = KvOutput{};
  return out;
}

}  // namespace

std::variant<History, HistoryError> to_grade_history(const std::vector<HistoryOp>& ops) {
  History history;
  for (const HistoryOp& op : ops) {
    auto o = grade_operation(op);
    if (auto* err = std::get_if<HistoryError>(&o)) return *err;
    history.push_back(std::move(std::get<Operation>(o)));
  }
  return history;
}

std::variant<std::map<std::int64_t, std::vector<RegisterLinOp>>, HistoryError> to_register_parts(
    const std::vector<HistoryOp>& ops) {
  std::map<std::int64_t, std::vector<RegisterLinOp>> parts;
  for (const HistoryOp& op : ops) {
    if (op.key && !op.key->is_int()) return at(op.invoke_line, ":key must be an integer, not " + to_edn(*op.key));
    if (auto err = process_too_large(op, "cas-register")) return *err;
    auto converted = register_op(op);
    if (auto* err = std::get_if<HistoryError>(&converted)) return *err;
    auto& maybe = std::get<std::optional<RegisterLinOp>>(converted);
    if (maybe) parts[op.key ? op.key->integer : 0].push_back(std::move(*maybe));
  }
  return parts;
}

std::variant<std::map<std::string, std::vector<KvLinOp>>, HistoryError> to_kv_parts(const std::vector<HistoryOp>& ops) {
  std::map<std::string, std::vector<KvLinOp>> parts;
  for (const HistoryOp& op : ops) {
    if (auto err = process_too_large(op, "kv")) return *err;
    auto converted = kv_op(op);
    if (auto* err = std::get_if<HistoryError>(&converted)) return *err;
    auto& maybe = std::get<std::optional<KvLinOp>>(converted);
    if (maybe) parts[maybe->input.key].push_back(std::move(*maybe));
  }
  return parts;
}

}  // namespace fl::sim::lin
