// Test helpers: run the built faultline binary as a user would, and load shipped
// scenarios. Header-only; FL_BINARY and FL_SOURCE_DIR come from the build.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>
#include <variant>

#include "sim/scenario/scenario.hpp"

namespace fl::testing {

// What one command printed (stdout and stderr together) and its exit code.
struct Ran {
  int code = -1;
  std::string out;
};

// Runs `faultline ARGS` through the shell and waits for it.
inline Ran faultline(const std::string& args) {
  const std::string command = std::string(FL_BINARY) + " " + args + " 2>&1";
  Ran ran;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return ran;
  std::array<char, 4096> buf{};
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) ran.out.append(buf.data(), n);
  const int status = pclose(pipe);
  ran.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return ran;
}

// A shipped scenario by file name; a parse error fails the calling test.
inline sim::Scenario load_shipped(const std::string& name) {
  auto loaded = sim::load_scenario(std::string(FL_SOURCE_DIR) + "/scenarios/" + name);
  if (auto* error = std::get_if<sim::ScenarioError>(&loaded)) {
    ADD_FAILURE() << error->message();
    return {};
  }
  return std::get<sim::Scenario>(loaded);
}

}  // namespace fl::testing
