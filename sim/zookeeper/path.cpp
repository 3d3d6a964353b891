#include "sim/zookeeper/path.hpp"

#include <cstdio>

#include "rsm/core/assert.hpp"

namespace fl::sim::zkserver {
namespace {

// The code point of the UTF-8 sequence at `i`, advancing `i` past it; U+FFFD
// (itself forbidden) for ill-formed input, as a Java decoder would produce.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(s[i++]);
  if (lead < 0x80) return lead;
  int extra = 0;
  char32_t cp = 0;
  if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    return 0xFFFD;
  }
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size()) return 0xFFFD;
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (c & 0x3F);
    ++i;
  }
  return cp;
}

bool forbidden(char32_t c) {
  return c <= 0x1F || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xF8FF) || (c >= 0xFFF0 && c <= 0xFFFF);
}

// "." and ".." are relative-path components; names merely containing dots are fine.
bool relative_component(std::string_view name) { return name == "." || name == ".."; }

}  // namespace

bool valid_path(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path.size() == 1) return true;
  if (path.back() == '/') return false;
  std::size_t start = 1;  // first byte of the current component
  for (std::size_t i = 1; i < path.size();) {
    if (path[i] == '/') {
      if (i == start || relative_component(path.substr(start, i - start))) return false;
      start = ++i;
      continue;
    }
    if (forbidden(next_code_point(path, i))) return false;
  }
  return !relative_component(path.substr(start));
}

bool valid_create_path(std::string_view path, bool sequential) {
  if (!sequential) return valid_path(path);
  std::string probe(path);
  probe += '1';
  return valid_path(probe);
}

std::string_view parent_path(std::string_view path) {
  FL_ASSERT(path.size() > 1 && path.front() == '/', std::string(path));
  const auto slash = path.rfind('/');
  return slash == 0 ? path.substr(0, 1) : path.substr(0, slash);
}

std::string_view base_name(std::string_view path) {
  FL_ASSERT(path.size() > 1 && path.front() == '/', std::string(path));
  return path.substr(path.rfind('/') + 1);
}

std::string join_path(std::string_view parent, std::string_view name) {
  std::string out(parent);
  if (out != "/") out += '/';
  out += name;
  return out;
}

std::string sequence_suffix(std::int32_t counter) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%010d", static_cast<int>(counter));
  return buf;
}

}  // namespace fl::sim::zkserver
