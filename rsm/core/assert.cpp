#include "rsm/core/assert.hpp"

#include <cstdio>
#include <cstdlib>

#include "rsm/core/types.hpp"

namespace fl {
namespace {
thread_local std::string panic_context;
}

void set_panic_context(std::string context) { panic_context = std::move(context); }

void panic(const char* file, int line, const char* condition, const std::string& detail) {
  std::fprintf(stderr, "faultline: assertion failed at %s:%d: %s\n", file, line, condition);
  if (!detail.empty()) std::fprintf(stderr, "  detail: %s\n", detail.c_str());
  if (!panic_context.empty()) std::fprintf(stderr, "  run: %s\n", panic_context.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string replica_name(NodeId id) { return "r" + std::to_string(id.value); }

}  // namespace fl
