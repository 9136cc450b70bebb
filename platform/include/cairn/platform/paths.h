// Where Cairn keeps its files on a device, following the XDG base directories.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "cairn/platform/status.h"

namespace cairn {

struct Paths {
  std::filesystem::path data;    // the store, content, blobs
  std::filesystem::path state;   // lock file, logs, sync cursors
  std::filesystem::path config;  // per-user settings
};

// Looks up an environment variable; returns nullptr when it is unset.
using EnvLookup = std::function<const char*(const char*)>;
EnvLookup ProcessEnv();

// Resolves Cairn's directories (does not create them):
// - with CAIRN_HOME set: $CAIRN_HOME/{data,state,config} (tests, portable installs);
// - else $XDG_DATA_HOME/cairn, $XDG_STATE_HOME/cairn, $XDG_CONFIG_HOME/cairn, each
//   defaulting to ~/.local/share, ~/.local/state, ~/.config as the XDG spec says.
// Relative XDG values are ignored, as the spec requires. Fails only when neither
// CAIRN_HOME nor HOME (nor an absolute XDG value for each) is available.
Result<Paths> ResolvePaths(const EnvLookup& env = ProcessEnv());

// Creates the directories of `paths` (mode 0700) if missing.
Status CreateDirectories(const Paths& paths);

}  // namespace cairn
