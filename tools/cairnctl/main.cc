// cairnctl: the device agent's command line (DESIGN.md, programs).
//
// Exit status: 0 done; 1 the store or the system refused (missing store, store in
// use, damaged file, a record not found); 2 the command line or its input was wrong.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "args.h"
#include "commands.h"

namespace cairn::cli {
namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

std::vector<std::string_view> Words(std::string_view path) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < path.size()) {
    size_t space = path.find(' ', start);
    if (space == std::string_view::npos) space = path.size();
    words.push_back(path.substr(start, space - start));
    start = space + 1;
  }
  return words;
}

std::string Overview() {
  std::string out =
      "Usage: cairnctl COMMAND [arguments] [options]\n\n"
      "The Cairn device agent's command line: set up a standalone classroom, record\n"
      "learners' work, import content, and look after the store.\n\nCommands:\n";
  for (const Command& c : AllCommands()) {
    std::string left = "  " + std::string(c.path);
    left.resize(std::max<size_t>(left.size() + 2, 26), ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out +=
      "\nRun `cairnctl COMMAND --help` for a command's arguments and options.\n"
      "The store lives in $CAIRN_HOME/data when CAIRN_HOME is set, else in\n"
      "$XDG_DATA_HOME/cairn (~/.local/share/cairn).\n"
      "Exit status: 0 done, 1 the store or system refused, 2 bad command line or input.\n";
  return out;
}

// The commands whose path starts with `prefix` words, as help for a group.
std::string GroupHelp(const std::vector<std::string_view>& prefix) {
  std::string out = "Usage: cairnctl";
  for (std::string_view w : prefix) out += " " + std::string(w);
  out += " SUBCOMMAND ...\n\nSubcommands:\n";
  for (const Command& c : AllCommands()) {
    std::vector<std::string_view> words = Words(c.path);
    if (words.size() <= prefix.size() || !std::equal(prefix.begin(), prefix.end(), words.begin())) {
      continue;
    }
    std::string left = "  " + std::string(c.path);
    left.resize(std::max<size_t>(left.size() + 2, 26), ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out += "\nRun `cairnctl " + std::string(prefix.front()) +
         " SUBCOMMAND --help` for one subcommand's options.\n";
  return out;
}

int Usage(const std::string& message, const std::string& help_command) {
  std::cerr << "cairnctl: " << message << "\nRun `cairnctl "
            << (help_command.empty() ? "" : help_command + " ") << "--help` for usage.\n";
  return kExitUsage;
}

int Run(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << Overview();
    return kExitUsage;
  }
  if (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    std::cout << Overview();
    return 0;
  }
  // The command whose path matches the most leading words.
  const Command* best = nullptr;
  size_t best_words = 0;
  bool group = false;  // the first word starts some command's path
  for (const Command& c : AllCommands()) {
    std::vector<std::string_view> words = Words(c.path);
    group |= words.size() > 1 && words[0] == argv[0];
    if (words.size() > argv.size()) continue;
    bool match = true;
    for (size_t i = 0; i < words.size(); ++i) match &= words[i] == argv[i];
    if (match && words.size() > best_words) {
      best = &c;
      best_words = words.size();
    }
  }
  if (!best) {
    if (group) {
      std::string help = GroupHelp({argv[0]});
      if (argv.size() > 1 && (argv[1] == "--help" || argv[1] == "-h")) {
        std::cout << help;
        return 0;
      }
      if (argv.size() == 1) {
        std::cerr << help;
        return kExitUsage;
      }
      std::cerr << "cairnctl: unknown subcommand '" << argv[1] << "' of '" << argv[0] << "'\n\n"
                << help;
      return kExitUsage;
    }
    return Usage("unknown command '" + argv[0] + "'", "");
  }
  std::vector<std::string> rest(argv.begin() + static_cast<std::ptrdiff_t>(best_words), argv.end());
  Result<Args> args = Args::Parse(*best, rest);
  if (!args.ok()) return Usage(args.status().message(), std::string(best->path));
  if (args->help()) {
    std::cout << HelpText(*best);
    return 0;
  }
  Status s = best->run(*args);
  if (s.ok()) return 0;
  std::cerr << "cairnctl " << best->path << ": " << s.message() << "\n";
  return IsUsageError(s) ? kExitUsage : kExitFailed;
}

}  // namespace
}  // namespace cairn::cli

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cairn::cli::Run(args);
}
