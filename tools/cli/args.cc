#include "cairn/cli/args.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace cairn::cli {
namespace {

const Flag* FindFlag(const Command& command, std::string_view name) {
  for (const Flag& f : command.flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::string FlagUsage(const Flag& f) {
  std::string s = "--" + std::string(f.name);
  if (!f.value.empty()) s += " " + std::string(f.value);
  return s;
}

}  // namespace

// Bad input from the user: the one code that maps to exit status 2 (main.cc).
Status UsageError(std::string message) { return Status::InvalidArgument(std::move(message)); }
bool IsUsageError(const Status& status) { return status.code() == Status::Code::kInvalidArgument; }

Result<Args> Args::Parse(const Command& command, const std::vector<std::string>& words) {
  Args args;
  args.command_ = &command;
  for (const std::string& w : words) {
    if (w == "-h" || w == "--help") {
      args.help_ = true;
      return args;
    }
  }
  std::vector<std::string> loose;
  bool flags_done = false;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (flags_done || w.size() < 2 || w[0] != '-' ||
        (w[1] != '-' && (std::isdigit(static_cast<unsigned char>(w[1])) || w[1] == '.'))) {
      loose.push_back(w);  // a positional (negative numbers included)
      continue;
    }
    if (w == "--") {
      flags_done = true;
      continue;
    }
    if (w[1] != '-') {
      return UsageError("unknown option '" + w + "' (options are spelled --name)");
    }
    std::string name = w.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const Flag* flag = FindFlag(command, name);
    if (!flag) return UsageError("unknown option --" + name);
    if (flag->value.empty()) {
      if (value) return UsageError("--" + name + " takes no value");
      args.flags_[name].push_back("");
      continue;
    }
    if (!value) {
      if (i + 1 >= words.size() || (words[i + 1].size() > 1 && words[i + 1].starts_with("--"))) {
        return UsageError("--" + name + " needs a value (" + std::string(flag->value) + ")");
      }
      value = words[++i];
    }
    args.flags_[name].push_back(*value);
  }
  for (const Flag& f : command.flags) {
    if (f.required && !args.Has(f.name)) {
      return UsageError("missing " + FlagUsage(f) + " (" + std::string(f.help) + ")");
    }
  }
  size_t next = 0;
  for (const Positional& p : command.positionals) {
    if (next >= loose.size()) {
      if (p.required)
        return UsageError("missing " + Upper(p.name) + " (" + std::string(p.help) + ")");
      break;
    }
    auto& values = args.positionals_[std::string(p.name)];
    if (p.many) {
      values.assign(loose.begin() + static_cast<std::ptrdiff_t>(next), loose.end());
      next = loose.size();
    } else {
      values.push_back(loose[next++]);
    }
  }
  if (next < loose.size()) {
    return UsageError("unexpected argument '" + loose[next] + "'");
  }
  return args;
}

bool Args::Has(std::string_view flag) const { return flags_.find(flag) != flags_.end(); }

std::string Args::Get(std::string_view flag, std::string_view fallback) const {
  auto it = flags_.find(flag);
  return it == flags_.end() ? std::string(fallback) : it->second.back();
}

std::vector<std::string> Args::List(std::string_view flag) const {
  std::vector<std::string> out;
  auto it = flags_.find(flag);
  if (it == flags_.end()) return out;
  for (const std::string& value : it->second) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string entry = Trim(std::string_view(value).substr(start, comma - start));
      if (!entry.empty()) out.push_back(std::move(entry));
      start = comma + 1;
    }
  }
  return out;
}

Result<int64_t> Args::Int(std::string_view flag, int64_t min, int64_t max) const {
  std::string text = Get(flag);
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    return UsageError("--" + std::string(flag) + " must be a whole number from " +
                      std::to_string(min) + " to " + std::to_string(max) + ", got '" + text + "'");
  }
  return v;
}

Result<double> Args::Real(std::string_view flag, double min, double max) const {
  std::string text = Get(flag);
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(v) || v < min ||
      v > max) {
    char range[64];
    std::snprintf(range, sizeof range, "from %g to %g", min, max);
    return UsageError("--" + std::string(flag) + " must be a number " + range + ", got '" + text +
                      "'");
  }
  return v;
}

Result<std::string> Args::OneOf(std::string_view flag,
                                const std::vector<std::string_view>& values) const {
  std::string text = Get(flag);
  std::string list;
  for (std::string_view v : values) {
    if (v == text) return text;
    list += (list.empty() ? "" : ", ") + std::string(v);
  }
  return UsageError("--" + std::string(flag) + " must be one of " + list + ", got '" + text + "'");
}

Result<std::string> Args::Name(std::string_view name) const {
  bool positional = positionals_.find(name) != positionals_.end();
  std::string value = positional ? Get1(name) : Get(name);
  if (Trim(value).empty()) {
    return UsageError((positional ? Upper(name) : "--" + std::string(name)) + " must not be blank");
  }
  return value;
}

const std::vector<std::string>& Args::All(std::string_view positional) const {
  static const std::vector<std::string> kNone;
  auto it = positionals_.find(positional);
  return it == positionals_.end() ? kNone : it->second;
}

std::string Args::Get1(std::string_view positional) const {
  const auto& values = All(positional);
  return values.empty() ? std::string() : values.front();
}

std::string HelpText(const Command& command, std::string_view program) {
  std::string out = "Usage: " + std::string(program) + " " + std::string(command.path);
  for (const Flag& f : command.flags) {
    if (f.required) out += " " + FlagUsage(f);
  }
  for (const Positional& p : command.positionals) {
    std::string name = Upper(p.name) + (p.many ? "..." : "");
    out += " " + (p.required ? name : "[" + name + "]");
  }
  bool optional_flags = false;
  for (const Flag& f : command.flags) optional_flags |= !f.required;
  if (optional_flags) out += " [options]";
  // The summary as a sentence.
  std::string summary(command.summary);
  if (!summary.empty()) summary[0] = static_cast<char>(std::toupper(summary[0]));
  out += "\n\n" + summary + ".\n";

  auto row = [](std::string left, std::string_view help) {
    std::string line = "  " + left;
    if (line.size() < 24) {
      line.resize(24, ' ');
    } else {
      line += "\n" + std::string(24, ' ');
    }
    return line + std::string(help) + "\n";
  };
  if (!command.positionals.empty()) {
    out += "\nArguments:\n";
    for (const Positional& p : command.positionals) out += row(Upper(p.name), p.help);
  }
  out += "\nOptions:\n";
  for (const Flag& f : command.flags) {
    out += row(FlagUsage(f), std::string(f.help) + (f.required ? " (required)" : ""));
  }
  out += row("-h, --help", "show this help");
  if (!command.details.empty()) out += "\n" + std::string(command.details) + "\n";
  return out;
}

}  // namespace cairn::cli
