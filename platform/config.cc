#include "cairn/platform/config.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

namespace cairn {
namespace fs = std::filesystem;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string CheckUrl(std::string_view v) {
  if (v.empty()) return "";
  if (v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0) {
    std::string_view host = v.substr(v.find("://") + 3);
    if (!host.empty() && host.front() != '/') return "";
  }
  return "expected an address like https://cairn.school.example:8443";
}

std::string CheckAbsolutePath(std::string_view v) {
  if (v.empty() || v.front() == '/') return "";
  return "expected an absolute path, like /etc/cairn/enrollment-token";
}

std::string CheckBool(std::string_view v) {
  return ParseBool(v) ? "" : "expected true or false (also yes/no, on/off, 1/0)";
}

std::string CheckRate(std::string_view v) {
  return ParseByteRate(v) ? ""
                          : "expected bytes per second: 0 (no cap), or a number with an "
                            "optional k or M, like 64k";
}

// "HH:MM-HH:MM" (may wrap past midnight), or "always".
std::string CheckWindow(std::string_view v) {
  constexpr std::string_view kError = "expected always, or a daily window HH:MM-HH:MM like 07:30-16:00";
  if (v == "always") return "";
  auto clock = [](std::string_view t) {
    if (t.size() != 5 || t[2] != ':') return false;
    for (size_t i : {0u, 1u, 3u, 4u}) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
    }
    int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
    return h < 24 && m < 60;
  };
  if (v.size() != 11 || v[5] != '-' || !clock(v.substr(0, 5)) || !clock(v.substr(6))) {
    return std::string(kError);
  }
  if (v.substr(0, 5) == v.substr(6)) return "the window starts and ends at the same time";
  return "";
}

// "" (the system's language), or a language tag like en, es, pt_BR.
std::string CheckLanguage(std::string_view v) {
  size_t letters = 0;
  while (letters < v.size() && std::islower(static_cast<unsigned char>(v[letters]))) ++letters;
  bool ok = v.empty() || ((letters == 2 || letters == 3) &&
                          (letters == v.size() ||
                           (v.size() == letters + 3 && v[letters] == '_' &&
                            std::isupper(static_cast<unsigned char>(v[letters + 1])) &&
                            std::isupper(static_cast<unsigned char>(v[letters + 2])))));
  return ok ? "" : "expected a language code like en, es or pt_BR (empty: the system's)";
}

}  // namespace

const std::vector<ConfigKey>& ConfigKeys() {
  static const std::vector<ConfigKey> keys = {
      {"server_url", "", "the school server devices sync with (the token also names it)",
       CheckUrl},
      {"enrollment_token_file", "/etc/cairn/enrollment-token",
       "the file holding the enrollment token written by IT", CheckAbsolutePath},
      {"network.metered_default", "false",
       "treat a network as metered (ops only, no content) unless told otherwise", CheckBool},
      {"network.max_send_rate", "0", "upload cap in bytes per second (0: none)", CheckRate},
      {"network.max_recv_rate", "0", "download cap in bytes per second (0: none)", CheckRate},
      {"sync.window", "always", "when the device may sync: always, or HH:MM-HH:MM daily",
       CheckWindow},
      {"language", "", "the client's language (empty: the system's)", CheckLanguage},
  };
  return keys;
}

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const ConfigKey& k : ConfigKeys()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string ConfigEnvVar(std::string_view key) {
  std::string var = "CAIRN_";
  for (char c : key) {
    var += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return var;
}

ConfigSources DefaultConfigSources(const EnvLookup& env) {
  ConfigSources sources;
  sources.env = env;
  const char* root = env("CAIRN_CONFIG_ROOT");
  if (root != nullptr && root[0] != '\0') sources.root = root;
  Result<Paths> paths = ResolvePaths(env);
  if (paths.ok()) sources.user_file = paths->config / "cairn.conf";
  return sources;
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string v = Lower(text);
  if (v == "true" || v == "yes" || v == "on" || v == "1") return true;
  if (v == "false" || v == "no" || v == "off" || v == "0") return false;
  return std::nullopt;
}

std::optional<uint64_t> ParseByteRate(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t multiplier = 1;
  char last = text.back();
  if (last == 'k' || last == 'K') multiplier = 1024;
  if (last == 'm' || last == 'M') multiplier = 1024 * 1024;
  if (multiplier != 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 12) return std::nullopt;
  uint64_t n = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n * multiplier;
}

Config Config::Load(const ConfigSources& sources) {
  Config config;
  for (const ConfigKey& k : ConfigKeys()) {
    config.values_[std::string(k.name)] = {std::string(k.default_value), "default"};
  }
  // Lowest precedence first: each layer overwrites what the one below set.
  if (!sources.user_file.empty()) config.ReadFile(sources.user_file);
  fs::path etc = sources.root / "etc" / "cairn";
  config.ReadFile(etc / "cairn.conf");
  std::vector<fs::path> dropins;
  std::error_code ec;
  for (fs::directory_iterator it(etc / "conf.d", ec), end; !ec && it != end; it.increment(ec)) {
    // Only *.conf: dpkg's leftovers (.dpkg-old, .dpkg-dist) and editor backups are not read.
    if (it->path().extension() == ".conf") dropins.push_back(it->path());
  }
  std::sort(dropins.begin(), dropins.end());
  for (const fs::path& f : dropins) config.ReadFile(f);
  for (const ConfigKey& k : ConfigKeys()) {
    std::string var = ConfigEnvVar(k.name);
    const char* v = sources.env(var.c_str());
    if (v != nullptr) config.Set(k.name, std::string(Trim(v)), "env " + var);
  }
  return config;
}

void Config::ReadFile(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) return;
  std::ifstream in(file);
  if (!in) {
    problems_.push_back(file.string() + ": cannot read: " + std::strerror(errno));
    return;
  }
  files_.push_back(file);
  std::string section, line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string where = file.string() + ":" + std::to_string(number);
    std::string_view text = Trim(line);
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[') {
      if (text.back() != ']' || Trim(text.substr(1, text.size() - 2)).empty()) {
        problems_.push_back(where + ": a section header is [name]: '" + std::string(text) + "'");
        section.clear();
        continue;
      }
      section = Lower(Trim(text.substr(1, text.size() - 2)));
      continue;
    }
    size_t eq = text.find('=');
    if (eq == std::string_view::npos) {
      problems_.push_back(where + ": expected key = value, got '" + std::string(text) + "'");
      continue;
    }
    std::string key = Lower(Trim(text.substr(0, eq)));
    if (key.empty()) {
      problems_.push_back(where + ": a value without a key: '" + std::string(text) + "'");
      continue;
    }
    if (!section.empty()) key = section + "." + key;
    std::string_view value = Trim(text.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    Set(key, std::string(value), where);
  }
}

void Config::Set(std::string_view key, std::string value, std::string origin) {
  const ConfigKey* known = FindConfigKey(key);
  if (known == nullptr) {
    problems_.push_back(origin + ": unknown key '" + std::string(key) + "' (`cairnctl config` lists the keys)");
    return;
  }
  std::string error = known->check(value);
  if (!error.empty()) {
    problems_.push_back(origin + ": " + std::string(key) + " = '" + value + "': " + error);
    return;
  }
  values_[std::string(key)] = {std::move(value), std::move(origin)};
}

const ConfigValue& Config::Get(std::string_view key) const {
  auto it = values_.find(key);
  assert(it != values_.end() && "not a key in ConfigKeys()");
  if (it == values_.end()) std::abort();
  return it->second;
}

uint64_t Config::ByteRate(std::string_view key) const {
  return ParseByteRate(Value(key)).value_or(0);
}

bool Config::Bool(std::string_view key) const { return ParseBool(Value(key)).value_or(false); }

}  // namespace cairn
