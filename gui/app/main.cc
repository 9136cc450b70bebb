// cairn: the desktop client.
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "app/app.h"

namespace {

constexpr const char* kUsage =
    "usage: cairn [--lang en|es] [--text-size PIXELS] [--script FILE --screenshot-dir DIR]\n"
    "\n"
    "The Cairn desktop client. Its data is the device store cairnctl uses\n"
    "($CAIRN_HOME, else ~/.local/share/cairn).\n"
    "  --script FILE          drive the UI from a script (click, type, key, screenshot,\n"
    "                         expect-text, wait); exits 1 when a step fails\n"
    "  --screenshot-dir DIR   where the script's screenshots go (default: .)\n"
    "Without a display, run it under Xvfb: xvfb-run -a -s \"-screen 0 1280x800x24\" cairn\n";

// Installed (/usr/bin/cairn), the catalogs are in ../share/cairn/i18n beside the
// program; run from the build tree, in the source tree.
std::string CatalogDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    std::filesystem::path installed = exe.parent_path().parent_path() / "share/cairn/i18n";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return CAIRN_GUI_I18N_DIR;
}

}  // namespace

int main(int argc, char** argv) {
  cairn::gui::AppOptions options;
  options.catalogs = CatalogDir();
  if (const char* dir = std::getenv("CAIRN_GUI_I18N")) options.catalogs = dir;
  options.screenshot_dir = ".";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::cerr << "cairn: " << arg << " needs a value\n" << kUsage;
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--script") {
      options.script = value();
    } else if (arg == "--screenshot-dir") {
      options.screenshot_dir = value();
    } else if (arg == "--lang") {
      options.language = value();
    } else if (arg == "--text-size") {
      options.text_size = static_cast<float>(std::atof(value()));
      if (options.text_size < 12 || options.text_size > 48) {
        std::cerr << "cairn: --text-size takes 12 to 48 pixels\n";
        return 2;
      }
    } else {
      std::cerr << "cairn: unknown argument " << arg << "\n" << kUsage;
      return 2;
    }
  }
  return cairn::gui::RunApp(options);
}
