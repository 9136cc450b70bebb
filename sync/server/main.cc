// cairn-server: the school server (DESIGN.md, programs).
//
// Exit status: 0 done; 1 refused (data directory in use, a record not found, an
// expired token...); 2 the command line or its input file was wrong.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "admin_commands.h"

namespace cairn::server {
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

std::string Overview(std::string_view group = "") {
  std::string out = group.empty()
                        ? "Usage: cairn-server COMMAND [arguments] [options]\n\n"
                          "The Cairn school server: serves sync to enrolled devices and keeps the\n"
                          "school's roster, content and enrollment tokens.\n\nCommands:\n"
                        : "Usage: cairn-server " + std::string(group) +
                              " SUBCOMMAND [arguments] [options]\n\nSubcommands:\n";
  for (const cli::Command& c : AllCommands()) {
    if (!group.empty() && Words(c.path).front() != group) continue;
    std::string left = "  " + std::string(c.path);
    left.resize(std::max<size_t>(left.size() + 2, 24), ' ');
    out += left + std::string(c.summary) + "\n";
  }
  out +=
      "\nRun `cairn-server COMMAND --help` for a command's arguments and options.\n"
      "Every command works on the data directory given by --data DIR (or the\n"
      "CAIRN_SERVER_DATA environment variable).\n"
      "Exit status: 0 done, 1 refused, 2 bad command line or input.\n";
  return out;
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
  const cli::Command* best = nullptr;
  size_t best_words = 0;
  bool group = false;
  for (const cli::Command& c : AllCommands()) {
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
      if (argv.size() > 1 && (argv[1] == "--help" || argv[1] == "-h")) {
        std::cout << Overview(argv[0]);
        return 0;
      }
      if (argv.size() > 1) {
        std::cerr << "cairn-server: unknown subcommand '" << argv[1] << "' of '" << argv[0]
                  << "'\n\n";
      }
      std::cerr << Overview(argv[0]);
      return kExitUsage;
    }
    std::cerr << "cairn-server: unknown command '" << argv[0]
              << "'\nRun `cairn-server --help` for usage.\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(argv.begin() + static_cast<std::ptrdiff_t>(best_words), argv.end());
  Result<cli::Args> args = cli::Args::Parse(*best, rest);
  if (!args.ok()) {
    std::cerr << "cairn-server: " << args.status().message() << "\nRun `cairn-server " << best->path
              << " --help` for usage.\n";
    return kExitUsage;
  }
  if (args->help()) {
    // The parser is cairnctl's; its help names that program.
    std::string help = cli::HelpText(*best);
    if (help.starts_with("Usage: cairnctl")) help.replace(7, 8, "cairn-server");
    std::cout << help;
    return 0;
  }
  Status s = best->run(*args);
  if (s.ok()) return 0;
  std::cerr << "cairn-server " << best->path << ": " << s.message() << "\n";
  return cli::IsUsageError(s) || s.code() == Status::Code::kInvalidArgument ? kExitUsage
                                                                            : kExitFailed;
}

}  // namespace
}  // namespace cairn::server

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return cairn::server::Run(args);
}
