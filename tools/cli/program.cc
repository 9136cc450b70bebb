#include "cairn/cli/program.h"

#include <algorithm>
#include <iostream>

namespace cairn::cli {
namespace {

constexpr size_t kSummaryColumn = 26;

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

std::string CommandLine(const Command& c) {
  std::string left = "  " + std::string(c.path);
  left.resize(std::max<size_t>(left.size() + 2, kSummaryColumn), ' ');
  return left + std::string(c.summary) + "\n";
}

std::string Overview(const Program& p) {
  std::string out = "Usage: " + std::string(p.name) + " COMMAND [arguments] [options]\n\n" +
                    std::string(p.about) + "\n\nCommands:\n";
  for (const Command& c : *p.commands) out += CommandLine(c);
  out += "\nRun `" + std::string(p.name) + " COMMAND --help` for a command's arguments and " +
         "options.\n" + std::string(p.footer);
  return out;
}

// The commands whose path starts with `group`, as help for that group.
std::string GroupHelp(const Program& p, std::string_view group) {
  std::string out = "Usage: " + std::string(p.name) + " " + std::string(group) +
                    " SUBCOMMAND ...\n\nSubcommands:\n";
  for (const Command& c : *p.commands) {
    std::vector<std::string_view> words = Words(c.path);
    if (words.size() > 1 && words[0] == group) out += CommandLine(c);
  }
  out += "\nRun `" + std::string(p.name) + " " + std::string(group) +
         " SUBCOMMAND --help` for one subcommand's options.\n";
  return out;
}

int Usage(const Program& p, const std::string& message, std::string_view help_command) {
  std::cerr << p.name << ": " << message << "\nRun `" << p.name << " "
            << (help_command.empty() ? "" : std::string(help_command) + " ")
            << "--help` for usage.\n";
  return kExitUsage;
}

}  // namespace

int RunProgram(const Program& p, const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::cerr << Overview(p);
    return kExitUsage;
  }
  if (argv[0] == "--help" || argv[0] == "-h" || argv[0] == "help") {
    std::cout << Overview(p);
    return kExitDone;
  }
  if (argv[0] == "--version") {
    std::cout << p.name << " " << CAIRN_VERSION << "\n";
    return kExitDone;
  }
  // The command whose path matches the most leading words.
  const Command* best = nullptr;
  size_t best_words = 0;
  bool group = false;  // the first word starts some command's path
  for (const Command& c : *p.commands) {
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
    if (!group) return Usage(p, "unknown command '" + argv[0] + "'", "");
    std::string help = GroupHelp(p, argv[0]);
    if (argv.size() > 1 && (argv[1] == "--help" || argv[1] == "-h")) {
      std::cout << help;
      return kExitDone;
    }
    if (argv.size() > 1) {
      std::cerr << p.name << ": unknown subcommand '" << argv[1] << "' of '" << argv[0] << "'\n\n";
    }
    std::cerr << help;
    return kExitUsage;
  }
  std::vector<std::string> rest(argv.begin() + static_cast<std::ptrdiff_t>(best_words), argv.end());
  Result<Args> args = Args::Parse(*best, rest);
  if (!args.ok()) return Usage(p, args.status().message(), best->path);
  if (args->help()) {
    std::cout << HelpText(*best, p.name);
    return kExitDone;
  }
  Status s = best->run(*args);
  if (s.ok()) return kExitDone;
  std::cerr << p.name << " " << best->path << ": " << s.message() << "\n";
  if (s.code() == Status::Code::kUnavailable) return kExitUnavailable;
  bool input = IsUsageError(s) || (p.is_input_error && p.is_input_error(s));
  return input ? kExitUsage : kExitFailed;
}

}  // namespace cairn::cli
