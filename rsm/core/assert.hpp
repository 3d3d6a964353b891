// Always-on assertions for broken invariants (the second error channel; expected
// outcomes are values). A failed assertion prints the run's context, which the
// simulator sets to the seed and reproduce command, and aborts.
#pragma once

#include <string>

namespace fl {

// Sets the text printed with any assertion failure on this thread. The simulator
// sets it to the seed and scenario of the run it executes; thread-local so that
// parallel runs in one process do not mix their contexts.
void set_panic_context(std::string context);

[[noreturn]] void panic(const char* file, int line, const char* condition, const std::string& detail);

}  // namespace fl

// FL_ASSERT(cond) or FL_ASSERT(cond, "detail " + std::to_string(x)). Never compiled out.
#define FL_ASSERT(cond, ...)                                            \
  do {                                                                  \
    if (!(cond)) [[unlikely]] {                                         \
      ::fl::panic(__FILE__, __LINE__, #cond, std::string{__VA_ARGS__}); \
    }                                                                   \
  } while (false)
