// The run's trace: one line per delivery, drop, timer, fault, client call and return,
// apply and protocol note. The 64-bit hash over all lines is the run's fingerprint:
// same seed, same hash, in every build.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "rsm/core/types.hpp"

namespace fl::sim {

class Trace {
 public:
  // With an empty path the lines are hashed but not kept.
  explicit Trace(const std::string& path = "");

  bool ok() const { return !file_ || file_->good(); }

  // Records "t=<now> <text>".
  void line(Micros now, std::string_view text);

  std::uint64_t hash() const { return hash_; }
  std::uint64_t lines() const { return lines_; }

  void flush();

 private:
  void absorb(std::string_view bytes);

  std::uint64_t hash_ = 0xcbf29ce484222325ULL;  // FNV-1a 64 offset basis
  std::uint64_t lines_ = 0;
  std::unique_ptr<std::ofstream> file_;
  std::string buffer_;
};

// "0123456789abcdef": the trace hash as printed.
std::string hex16(std::uint64_t value);

}  // namespace fl::sim
