// The client's settings on this device (per user: $XDG_CONFIG_HOME/cairn, or
// $CAIRN_HOME/config): language, text size, high contrast, and the teacher's
// last competency in quick observation. Written whenever one changes.
#pragma once

#include <filesystem>
#include <string>

#include "cairn/platform/status.h"

namespace cairn::gui {

struct Settings {
  std::string language = "en";
  float text_size = 22;  // pixels at a content scale of 1
  bool high_contrast = false;
  std::string last_competency;
};

inline constexpr float kMinTextSize = 14, kMaxTextSize = 40;

// The file under a device's config directory (Paths::config).
std::filesystem::path SettingsFile(const std::filesystem::path& config_dir);

// Reads the settings; a missing file, or a value it lacks, gives `defaults` (the
// app passes the configured `language`, installers/README.md). kCorruption
// naming the file when it is not a settings file. Values out of range are
// brought back in range (a text size of 400 becomes the largest).
Result<Settings> LoadSettings(const std::filesystem::path& file, const Settings& defaults = {});

// Writes them atomically.
Status SaveSettings(const std::filesystem::path& file, const Settings& settings);

}  // namespace cairn::gui
