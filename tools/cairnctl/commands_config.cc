// `config`: the effective configuration, each value with where it came from.
#include <iostream>

#include "cairn/platform/config.h"
#include "commands.h"
#include "human.h"

namespace cairn::cli {
namespace {

Status ShowConfig(const Args& args) {
  Config config = Config::Load(DefaultConfigSources());
  if (args.Has("get")) {
    std::string key = args.Get("get");
    if (FindConfigKey(key) == nullptr)
      return UsageError("unknown key '" + key + "'; `cairnctl config` lists them");
    std::cout << config.Value(key) << "\n";
  } else {
    std::cout << "Effective configuration (environment > /etc/cairn/conf.d/*.conf >\n"
                 "/etc/cairn/cairn.conf > per-user file > default):\n";
    for (const ConfigKey& k : ConfigKeys()) {
      const ConfigValue& v = config.Get(k.name);
      std::string shown = v.value.empty() ? "(none)" : v.value;
      std::cout << "  " << k.name << " = " << shown << "\n      from " << v.origin << "; "
                << k.help << "\n";
    }
    std::cout << "Files read:" << (config.files().empty() ? " none" : "") << "\n";
    for (const auto& f : config.files()) std::cout << "  " << f.string() << "\n";
  }
  for (const std::string& p : config.problems()) std::cerr << "problem: " << p << "\n";
  if (!config.problems().empty()) {
    return Status::FailedPrecondition(
        Count(config.problems().size(), "problem") +
        " in the configuration (those lines are ignored; the rest is in effect)");
  }
  return Status::Ok();
}

}  // namespace

void AddConfigCommand(std::vector<Command>& out) {
  out.push_back({"config",
                 "show the effective configuration and where each value came from",
                 {},
                 {{"get", "KEY", "print only this key's value (for scripts)"}},
                 "Reads the environment (CAIRN_SERVER_URL, ...), /etc/cairn/conf.d/*.conf,\n"
                 "/etc/cairn/cairn.conf and the per-user file ($XDG_CONFIG_HOME/cairn/cairn.conf),\n"
                 "in that order of precedence. A line that does not parse is reported with its\n"
                 "file and line and ignored (exit status 1); the rest stays in effect.\n"
                 "CAIRN_CONFIG_ROOT=DIR reads DIR/etc/cairn instead of /etc/cairn.",
                 ShowConfig});
}

}  // namespace cairn::cli
