// A program made of commands (cairnctl, cairn-server): finds the command whose
// path matches the most leading words of argv, answers --help for the program, a
// group of subcommands or one command, and turns a command's Status into the exit
// status every Cairn program uses.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/cli/args.h"

namespace cairn::cli {

constexpr int kExitDone = 0;
constexpr int kExitFailed = 1;  // the store or the system refused
constexpr int kExitUsage = 2;   // the command line or its input was wrong
// A service (the school server) could not be reached or asked to wait: nothing
// was lost, the work goes next time (Status::Code::kUnavailable).
constexpr int kExitUnavailable = 3;

struct Program {
  std::string_view name;    // "cairnctl"
  std::string_view about;   // a paragraph under the usage line
  std::string_view footer;  // after the list of commands: where data lives, exit status
  const std::vector<Command>* commands = nullptr;
  // Which failures of a command are the caller's fault (exit 2); usage errors
  // always are.
  std::function<bool(const Status&)> is_input_error;
};

// Runs argv (without the program's own name). `--version` as the first word prints
// "<name> <project version>". Writes help and results to stdout,
// errors to stderr; returns the exit status.
int RunProgram(const Program& program, const std::vector<std::string>& argv);

}  // namespace cairn::cli
