// The client: opens the device store and a window, then draws the screen the
// user is on until the window closes (or, in scripted mode, the script ends).
#pragma once

#include <filesystem>
#include <string>

namespace cairn::gui {

struct AppOptions {
  std::filesystem::path script;          // scripted mode when set
  std::filesystem::path screenshot_dir;  // where `screenshot` steps write
  // Given on the command line; empty / 0: the device's settings (settings.h).
  std::string language;
  float text_size = 0;
  std::filesystem::path catalogs;  // gui/i18n
};

// Runs the client; returns the process's exit code.
int RunApp(const AppOptions& options);

}  // namespace cairn::gui
