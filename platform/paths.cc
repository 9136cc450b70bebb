#include "cairn/platform/paths.h"

#include <cstdlib>
#include <system_error>

namespace cairn {
namespace fs = std::filesystem;

EnvLookup ProcessEnv() {
  return [](const char* name) { return std::getenv(name); };
}

namespace {

bool NonEmpty(const char* value) { return value != nullptr && value[0] != '\0'; }

// An XDG variable if set to an absolute path, else $HOME/<fallback>.
Result<fs::path> XdgDir(const EnvLookup& env, const char* var, const char* fallback) {
  const char* value = env(var);
  if (NonEmpty(value) && fs::path(value).is_absolute()) return fs::path(value) / "cairn";
  const char* home = env("HOME");
  if (!NonEmpty(home)) {
    return Status::FailedPrecondition(std::string("cannot find where to keep Cairn's files: ") +
                                      "neither " + var + " nor HOME is set; set CAIRN_HOME");
  }
  return fs::path(home) / fallback / "cairn";
}

}  // namespace

Result<Paths> ResolvePaths(const EnvLookup& env) {
  const char* home = env("CAIRN_HOME");
  if (NonEmpty(home)) {
    fs::path root = fs::absolute(fs::path(home));
    return Paths{root / "data", root / "state", root / "config"};
  }
  Paths paths;
  CAIRN_ASSIGN_OR_RETURN(paths.data, XdgDir(env, "XDG_DATA_HOME", ".local/share"));
  CAIRN_ASSIGN_OR_RETURN(paths.state, XdgDir(env, "XDG_STATE_HOME", ".local/state"));
  CAIRN_ASSIGN_OR_RETURN(paths.config, XdgDir(env, "XDG_CONFIG_HOME", ".config"));
  return paths;
}

Status CreateDirectories(const Paths& paths) {
  for (const fs::path& dir : {paths.data, paths.state, paths.config}) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::IoError("cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  return Status::Ok();
}

}  // namespace cairn
