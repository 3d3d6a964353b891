// libFuzzer target: a CQL native-protocol frame as a server might send it (a 9-byte
// header, then a body), through the client's decoder. Any bytes must decode or throw
// the client's ProtocolError/ServerError; a crash, a sanitizer report or an
// allocation sized by an unchecked length field is a bug.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "rsm/store/cql/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl::cql;
  if (size < kHeaderSize) return 0;
  std::uint8_t header_bytes[kHeaderSize];
  std::memcpy(header_bytes, data, kHeaderSize);
  try {
    const FrameHeader header = decode_header(header_bytes);
    std::string body(reinterpret_cast<const char*>(data + kHeaderSize), size - kHeaderSize);
    (void)decode_response(header, std::move(body));
  } catch (const fl::StoreError&) {
    // The decoder's way of refusing a frame.
  }
  return 0;
}
