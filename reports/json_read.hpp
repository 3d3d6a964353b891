// Reading report.json back (for `faultline report merge`): typed field access whose
// errors name the field, e.g. "runs[3].checks[0].verdict: expected a string". Used
// inside the readers only; they turn a FieldError into an error value at their edge.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace fl::reports::json_read {

// A field that is missing or has the wrong type: `field` is its path from the
// object being read (empty for the object itself), `reason` what is wrong (empty when
// `field` already carries a whole message from a nested reader).
class FieldError : public std::runtime_error {
 public:
  FieldError(std::string field, const std::string& reason)
      : std::runtime_error(field.empty()    ? reason
                           : reason.empty() ? field
                                            : field + ": " + reason),
        field_(std::move(field)),
        reason_(reason) {}
  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string field_;
  std::string reason_;
};

// Runs `read`, prefixing the path of any FieldError it throws with `prefix` (e.g.
// "runs[3]"), so nested readers need not know where they are.
template <typename Read>
auto nested(const std::string& prefix, Read&& read) -> decltype(read()) {
  try {
    return read();
  } catch (const FieldError& e) {
    throw FieldError(prefix + (e.field().empty() || e.field()[0] == '[' ? "" : ".") + e.field(), e.reason());
  }
}

inline const nlohmann::json& member(const nlohmann::json& object, const std::string& name) {
  if (!object.is_object()) throw FieldError("", "expected an object");
  const auto it = object.find(name);
  if (it == object.end()) throw FieldError(name, "missing");
  return *it;
}

inline const nlohmann::json& object_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_object()) throw FieldError(name, "expected an object");
  return value;
}

inline const nlohmann::json& array_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_array()) throw FieldError(name, "expected an array");
  return value;
}

inline std::string string_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_string()) throw FieldError(name, "expected a string");
  return value.get<std::string>();
}

inline bool bool_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_boolean()) throw FieldError(name, "expected true or false");
  return value.get<bool>();
}

inline std::uint64_t u64_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_number_unsigned()) throw FieldError(name, "expected a non-negative integer");
  return value.get<std::uint64_t>();
}

inline std::int64_t i64_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_number_integer()) throw FieldError(name, "expected an integer");
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    throw FieldError(name, "integer out of range");
  }
  return value.get<std::int64_t>();
}

inline double number_member(const nlohmann::json& object, const std::string& name) {
  const nlohmann::json& value = member(object, name);
  if (!value.is_number()) throw FieldError(name, "expected a number");
  return value.get<double>();
}

}  // namespace fl::reports::json_read
