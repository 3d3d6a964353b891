// Paired history ops (events.hpp) turned into what each model's checker
// takes, with each model's rules for :f and :value shapes (documented in
// sim/lin/history/README.md). A shape a model cannot read is an error with the line of
// the event that has it.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "sim/history.hpp"
#include "sim/lin/history/events.hpp"
#include "sim/lin/models/kv_model.hpp"
#include "sim/lin/models/register_model.hpp"

namespace fl::sim::lin {

// The grade table: :insert, :append, :read and :read-all become faultline's own
// History (process = client, per-process invoke count = request id), so that
// check_linearizable judges a file exactly as it judges a run.
std::variant<History, HistoryError> to_grade_history(const std::vector<HistoryOp>& ops);

// A cas-register per :key (an integer; one register, key 0, when left out): :read,
// :write and :cas. The register starts at 0 and a nil read reads as 0. :fail ops
// did not happen and are dropped, as are reads without a reply.
std::variant<std::map<std::int64_t, std::vector<RegisterLinOp>>, HistoryError> to_register_parts(
    const std::vector<HistoryOp>& ops);

// The string key-value map per :key: :get, :put and :append (string values; a nil
// get reads as "", the model's missing key).
std::variant<std::map<std::string, std::vector<KvLinOp>>, HistoryError> to_kv_parts(const std::vector<HistoryOp>& ops);

}  // namespace fl::sim::lin
