#include "sim/observe/trace.hpp"

#include <charconv>

namespace fl::sim {

Trace::Trace(const std::string& path) {
  if (!path.empty()) file_ = std::make_unique<std::ofstream>(path, std::ios::out | std::ios::trunc);
}

void Trace::absorb(std::string_view bytes) {
  std::uint64_t h = hash_;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  hash_ = h;
}

void Trace::line(Micros now, std::string_view text) {
  buffer_.assign("t=");
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, now);
  buffer_.append(digits, end);
  buffer_.push_back(' ');
  buffer_.append(text);
  buffer_.push_back('\n');
  absorb(buffer_);
  ++lines_;
  if (file_) file_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
}

void Trace::flush() {
  if (file_) file_->flush();
}

std::string hex16(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, value >>= 4) out[static_cast<std::size_t>(i)] = kDigits[value & 0xf];
  return out;
}

}  // namespace fl::sim
