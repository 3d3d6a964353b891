// Znode path rules. A path is absolute, "/"-separated, with no trailing slash except
// the root itself, no empty components and no "." or ".." components, and none of
// the characters ZooKeeper forbids (Programmer's Guide, "ZNodes"; the rules are
// those of org.apache.zookeeper.common.PathUtils.validatePath).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fl::sim::zkserver {

// True if `path` names a znode ZooKeeper would accept. Paths are UTF-8; the
// forbidden code points are U+0000..U+001F, U+007F..U+009F, U+D800..U+F8FF and
// U+FFF0..U+FFFF. Ill-formed UTF-8 is rejected, as Java would decode it to U+FFFD.
bool valid_path(std::string_view path);

// The rule for a create request: with `sequential` the name may end in "/" (the
// server appends the digits), so ZooKeeper validates `path + "1"` instead.
bool valid_create_path(std::string_view path, bool sequential);

// "/a" for "/a/b", "/" for "/a". Requires a valid path other than "/".
std::string_view parent_path(std::string_view path);

// "b" for "/a/b". Requires a valid path other than "/".
std::string_view base_name(std::string_view path);

// "/a/b" from "/a" and "b"; "/b" from "/" and "b".
std::string join_path(std::string_view parent, std::string_view name);

// The suffix a sequential create appends: the parent's counter as printf("%010d"),
// so "0000000007" (and "-000000001" once the 32-bit counter wraps, as in ZooKeeper).
std::string sequence_suffix(std::int32_t counter);

}  // namespace fl::sim::zkserver
