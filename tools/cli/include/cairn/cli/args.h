// The command-line parser of Cairn's programs (cairnctl, cairn-server). Each
// command declares what it accepts (a Command); Args::Parse checks argv against
// that declaration, so every command gets the same handling of --help, unknown
// flags, missing values and numbers.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn::cli {

struct Flag {
  std::string_view name;   // without dashes: "school" for --school
  std::string_view value;  // what the value is ("NAME"); empty for a switch
  std::string_view help;
  bool required = false;
};

struct Positional {
  std::string_view name;  // shown in upper case: "LEARNER"
  std::string_view help;
  bool required = true;
  bool many = false;  // takes every remaining argument; only the last may
};

class Args;

struct Command {
  std::string_view path;  // the words that name it: "record attempt"
  std::string_view summary;
  std::vector<Positional> positionals;
  std::vector<Flag> flags;
  std::string_view details;  // more help: notes and examples
  std::function<Status(const Args&)> run;
};

// A usage error: the command line itself is wrong (exit status 2).
Status UsageError(std::string message);
bool IsUsageError(const Status& status);

// The parsed command line of one command.
class Args {
 public:
  // `words` are the arguments after the command's path. Unknown flags, missing
  // values, missing or extra positionals are usage errors. With -h or --help
  // anywhere, nothing else is checked and help() is true.
  static Result<Args> Parse(const Command& command, const std::vector<std::string>& words);

  const Command& command() const { return *command_; }
  bool help() const { return help_; }

  bool Has(std::string_view flag) const;
  // The flag's value (the last one given), or `fallback` when it is absent.
  std::string Get(std::string_view flag, std::string_view fallback = "") const;
  // A comma-separated value split into trimmed, non-empty entries; empty when absent.
  std::vector<std::string> List(std::string_view flag) const;
  // A whole number in [min, max]; usage error naming the flag otherwise.
  Result<int64_t> Int(std::string_view flag, int64_t min, int64_t max) const;
  Result<double> Real(std::string_view flag, double min, double max) const;
  // One of `values`; usage error listing them otherwise.
  Result<std::string> OneOf(std::string_view flag,
                            const std::vector<std::string_view>& values) const;

  // A name people will see (a positional, else a flag): usage error when blank.
  Result<std::string> Name(std::string_view name) const;

  // The values of a positional (one, or several for `many`); empty when absent.
  const std::vector<std::string>& All(std::string_view positional) const;
  std::string Get1(std::string_view positional) const;

 private:
  const Command* command_ = nullptr;
  bool help_ = false;
  std::map<std::string, std::vector<std::string>, std::less<>> flags_;
  std::map<std::string, std::vector<std::string>, std::less<>> positionals_;
};

// The help text of a command of `program`: usage line, summary, arguments,
// options, details.
std::string HelpText(const Command& command, std::string_view program = "cairnctl");

}  // namespace cairn::cli
