// Runs many seeds in parallel, one forked process per run. Each run stays
// single-threaded and deterministic; separate processes also mean an assertion that
// aborts one run is reported as that seed's failure instead of ending the sweep.
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/cli.hpp"
#include "reports/json_report.hpp"
#include "rsm/store/store.hpp"
#include "sim/observe/trace.hpp"

#ifndef FL_VERSION
#define FL_VERSION "dev"
#endif

namespace fl::cli {
namespace {

using nlohmann::json;

// In the child: run, write one JSON line to `fd`, exit.
// The document as the child sends it: MessagePack, the same JSON document in bytes
// that are quicker to write and read than text (a long run's timeline is megabytes).
std::string wire(const json& document) {
  std::string bytes;
  json::to_msgpack(document, bytes);
  return bytes;
}

// `drawn`, when given, is the outcome whose timeline the parent held when it started
// this child: one that does not come before it in report order keeps its timeline
// to itself, as the parent would drop it anyway.
[[noreturn]] void child_main(const Task& task, int fd, const sim::RunOutcome* drawn, const std::string& program) {
  int code = 0;
  std::string line;
  try {
    sim::RunOutcome outcome = sim::run_scenario(task.scenario, task.options);
    name_run(outcome, task, program);
    if (outcome.timeline && drawn && !reports::report_before(outcome, *drawn)) {
      outcome.timeline.reset();
      outcome.history = {};
    }
    line = wire(outcome);
    code = outcome.exit_code();
  } catch (const sim::BadRunOption& e) {
    line = wire({{"bad", e.what()}});
    code = kExitUsage;
  } catch (const StoreError& e) {
    // Caught here rather than left to terminate the child: an unreachable server
    // is not an assertion failure, and unwinding drops the run's keyspaces.
    line = wire({{"unavailable", e.what()}});
    code = kExitUnavailable;
  }
  std::size_t off = 0;
  while (off < line.size()) {
    const ssize_t n = ::write(fd, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<std::size_t>(n);
  }
  ::_exit(code);
}

// The child's outcome from what it wrote and how it ended; a child that died or could
// not run gets the crash text and exit code that say so.
void finish(sim::RunOutcome& summary, const std::string& output, int status) {
  if (WIFSIGNALED(status)) {
    summary.crash_exit_code = kExitSafety;
    summary.crash = std::string("aborted by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                    ::strsignal(WTERMSIG(status)) + ")";
    return;
  }
  try {
    const json j = json::from_msgpack(output);
    if (j.contains("bad")) {
      summary.crash_exit_code = kExitUsage;
      summary.crash = j["bad"].get<std::string>();
      return;
    }
    if (j.contains("unavailable")) {
      summary.crash_exit_code = kExitUnavailable;
      summary.crash = "store unavailable: " + j["unavailable"].get<std::string>();
      return;
    }
    j.get_to(summary);
  } catch (const std::exception& e) {
    summary = {};
    summary.crash_exit_code = kExitSafety;
    summary.crash = "run ended with exit status " + std::to_string(WEXITSTATUS(status)) + " and no result";
  }
}

void progress(const std::string& label, std::size_t done, std::size_t total, int failing, bool final) {
  static const bool tty = ::isatty(STDERR_FILENO) != 0;
  const bool milestone = done == total || (total >= 10 && done % (total / 10) == 0);
  if (!tty && !milestone) return;
  std::fprintf(stderr, "%s[%s] %zu/%zu runs done, %d failing%s", tty ? "\r" : "", label.c_str(), done, total, failing,
               tty && !final ? "" : "\n");
  std::fflush(stderr);
}

// A child process that is running: which item it works on and what it wrote so far.
struct Child {
  std::size_t item;
  int fd;
  pid_t pid;
  std::string output;
  std::chrono::steady_clock::time_point started;  // wall time, for reports only
};

// Starts a child for each of `count` items, `jobs` at a time, and gathers what each
// writes to its pipe until the pipe closes. `start(item, write_fd)` forks the child
// and returns its pid; `done(item, output, status, wall_s)` takes the finished child
// and says whether it failed, for the progress line.
void run_children(std::size_t count, int jobs, const std::string& label,
                  const std::function<pid_t(std::size_t, int)>& start,
                  const std::function<bool(std::size_t, const std::string&, int, double)>& done) {
  std::vector<Child> running;
  std::size_t next = 0, finished = 0;
  int failing = 0;
  std::fflush(stdout);
  std::fflush(stderr);
  while (finished < count) {
    while (next < count && static_cast<int>(running.size()) < std::max(1, jobs)) {
      int fds[2];
      // Close-on-exec keeps other children's pipes out of a command's process.
      if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
      const pid_t pid = start(next, fds[1]);
      ::close(fds[1]);
      running.push_back({next++, fds[0], pid, {}, std::chrono::steady_clock::now()});
    }
    // Read whatever is ready; a child whose pipe closed has finished writing.
    std::vector<pollfd> polls;
    for (const auto& r : running) polls.push_back({r.fd, POLLIN, 0});
    ::poll(polls.data(), polls.size(), -1);
    for (std::size_t i = 0; i < running.size();) {
      char buffer[4096];
      if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        ++i;
        continue;
      }
      const ssize_t n = ::read(running[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        running[i].output.append(buffer, static_cast<std::size_t>(n));
        ++i;
        continue;
      }
      ::close(running[i].fd);
      int status = 0;
      ::waitpid(running[i].pid, &status, 0);  // its pipe closed: it has exited or is about to
      const double wall_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - running[i].started).count();
      failing += done(running[i].item, running[i].output, status, wall_s) ? 1 : 0;
      ++finished;
      if (!label.empty()) progress(label, finished, count, failing, finished == count);
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
      polls.erase(polls.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
}

}  // namespace

void name_run(sim::RunOutcome& run, const Task& task, const std::string& program) {
  const sim::Scenario effective = sim::effective_scenario(task.scenario, task.options);
  run.faultline_version = FL_VERSION;
  run.scenario_name = effective.name;
  run.scenario_path = task.scenario_path;
  run.protocol = effective.cluster.protocol;
  run.store = effective.cluster.store;
  run.seed = task.options.seed;
  run.reproduce = reproduce_command(program, task.scenario_path, task.options.seed, run.protocol, run.store,
                                    task.options.cassandra);
}

namespace {

// The task as a failing run, for asking whether it could come first in report order.
sim::RunOutcome failing(const Task& task, const std::string& program) {
  sim::RunOutcome run;
  name_run(run, task, program);
  run.crash = "not run yet";
  run.crash_exit_code = kExitSafety;
  return run;
}

}  // namespace

std::vector<sim::RunOutcome> run_pool(const std::vector<Task>& tasks, int jobs, const std::string& label,
                                      const std::string& program) {
  std::vector<sim::RunOutcome> outcomes(tasks.size());
  std::optional<std::size_t> drawn;  // the outcome that keeps its timeline so far
  const auto start = [&](std::size_t item, int write_fd) {
    const sim::RunOutcome* holder = drawn ? &outcomes[*drawn] : nullptr;
    Task task = tasks[item];
    // A run that could not come before the held one even if it failed need not
    // record a timeline at all (once a sweep holds a failing run, later seeds don't).
    if (task.options.record_timeline && holder && !reports::report_before(failing(task, program), *holder)) {
      task.options.record_timeline = false;
    }
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) child_main(task, write_fd, holder, program);
    return pid;
  };
  const auto done = [&](std::size_t item, const std::string& output, int status, double wall_s) {
    sim::RunOutcome& run = outcomes[item];
    finish(run, output, status);
    name_run(run, tasks[item], program);
    run.wall_s = wall_s;
    if (run.timeline) {
      // Only one page is drawn: keep the timeline (and the history it goes with) of
      // the run that comes first in report order, and let the others go now.
      const auto forget = [](sim::RunOutcome& r) {
        r.timeline.reset();
        r.history = {};
      };
      if (!drawn || reports::report_before(run, outcomes[*drawn])) {
        if (drawn) forget(outcomes[*drawn]);
        drawn = item;
      } else {
        forget(run);
      }
    }
    return run.exit_code() != 0;
  };
  run_children(tasks.size(), jobs, label, start, done);
  return outcomes;
}

std::vector<CommandOutput> run_commands(const std::vector<std::vector<std::string>>& commands,
                                        const std::string& executable, int jobs, const std::string& label) {
  std::vector<CommandOutput> outputs(commands.size());
  const auto start = [&](std::size_t item, int write_fd) {
    std::vector<char*> argv;
    for (const auto& word : commands[item]) argv.push_back(const_cast<char*>(word.c_str()));
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::dup2(write_fd, STDOUT_FILENO);
      ::dup2(write_fd, STDERR_FILENO);
      ::close(write_fd);
      ::execv(executable.c_str(), argv.data());
      const std::string error = "cannot execute " + executable + ": " + std::strerror(errno) + "\n";
      [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, error.data(), error.size());
      ::_exit(127);
    }
    return pid;
  };
  const auto done = [&](std::size_t item, const std::string& output, int status, double) {
    outputs[item] = {output, status};
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  };
  run_children(commands.size(), jobs, label, start, done);
  return outputs;
}

}  // namespace fl::cli
