// Cairn's device configuration: a handful of keys (server URL, enrollment token
// file, network policy, language), each read from layers in a documented order.
//
// Precedence, highest first (a higher layer overrides every lower one):
//   1. the environment: CAIRN_<KEY> with dots as underscores, upper case
//      (network.max_send_rate -> CAIRN_NETWORK_MAX_SEND_RATE);
//   2. /etc/cairn/conf.d/*.conf, in lexical order of file name, a later file
//      overriding an earlier one (99-local.conf beats 50-debconf.conf);
//   3. /etc/cairn/cairn.conf;
//   4. per-user settings: <Paths::config>/cairn.conf (~/.config/cairn/cairn.conf);
//   5. the built-in default.
// IT's files beat the user's on purpose: on a managed device the school decides.
//
// File format (installers/README.md has the full description):
//   # or ; starts a comment line
//   key = value             value trimmed; "double quotes" around it are removed
//   [network]               a section: later keys are read as network.<key>
//   max_send_rate = 64k
// A line that does not parse, an unknown key or a bad value is a problem naming
// the file and line; the line is skipped and everything else still loads.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/paths.h"
#include "cairn/platform/status.h"

namespace cairn {

// One effective value and where it came from.
struct ConfigValue {
  std::string value;
  // "env CAIRN_SERVER_URL", "/etc/cairn/conf.d/50-debconf.conf:3", or "default".
  std::string origin;
};

// One key Cairn understands.
struct ConfigKey {
  std::string_view name;           // "network.max_send_rate"
  std::string_view default_value;  // "" when unset means "none"
  std::string_view help;           // one line, for `cairnctl config` and the docs
  // Checks a value; returns an error message for people, or "" when it is fine.
  std::string (*check)(std::string_view value);
};

// Every key, in the order `cairnctl config` shows them.
const std::vector<ConfigKey>& ConfigKeys();

// The key named `name`; nullptr when Cairn has no such key.
const ConfigKey* FindConfigKey(std::string_view name);

// The environment variable that sets `key`: CAIRN_ + upper case, dots as underscores.
std::string ConfigEnvVar(std::string_view key);

// Where the layers are read from.
struct ConfigSources {
  // System files are <root>/etc/cairn/...; "/" normally. Tests point it elsewhere
  // (CAIRN_CONFIG_ROOT does the same for the programs).
  std::filesystem::path root = "/";
  // The per-user file; empty for none.
  std::filesystem::path user_file;
  EnvLookup env = ProcessEnv();
};

// The sources for this process: root from CAIRN_CONFIG_ROOT (else "/"), the user
// file under the resolved Paths' config directory (none when paths do not resolve).
ConfigSources DefaultConfigSources(const EnvLookup& env = ProcessEnv());

class Config {
 public:
  // Reads every layer. Never fails as a whole: an unreadable file, a malformed
  // line, an unknown key or a bad value is recorded in problems() and skipped.
  static Config Load(const ConfigSources& sources);

  // The effective value of a known key (its default when no layer sets it).
  // Asking for a key not in ConfigKeys() is a programming error (aborts in debug).
  const ConfigValue& Get(std::string_view key) const;
  const std::string& Value(std::string_view key) const { return Get(key).value; }

  // A value as a byte rate: "0" (no cap), "500", "64k", "2M" (bytes per second,
  // k = 1024). The stored value was already checked, so this cannot fail.
  uint64_t ByteRate(std::string_view key) const;
  bool Bool(std::string_view key) const;

  // Every file that was read, in the order read (lowest precedence first).
  const std::vector<std::filesystem::path>& files() const { return files_; }
  // "file:line: message" for each problem found, in the order found.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  void ReadFile(const std::filesystem::path& file);
  // Records `value` for `key` from `origin` (also where a problem is reported).
  void Set(std::string_view key, std::string value, std::string origin);

  std::map<std::string, ConfigValue, std::less<>> values_;
  std::vector<std::filesystem::path> files_;
  std::vector<std::string> problems_;
};

// Parsing helpers the checks use, exposed for other readers of the same values.
std::optional<uint64_t> ParseByteRate(std::string_view text);
std::optional<bool> ParseBool(std::string_view text);

}  // namespace cairn
