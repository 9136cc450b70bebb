#include "cairn/gui/settings.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cairn/platform/origin.h"

namespace cairn::gui {

std::filesystem::path SettingsFile(const std::filesystem::path& config_dir) {
  return config_dir / "client.json";
}

Result<Settings> LoadSettings(const std::filesystem::path& file, const Settings& defaults) {
  Settings s = defaults;
  std::ifstream in(file, std::ios::binary);
  if (!in) return s;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Corruption(file.string() + " is not a Cairn settings file (not a JSON object)");
  }
  auto string = [&](const char* key, std::string& out) {
    if (auto it = j.find(key); it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  string("language", s.language);
  string("last_competency", s.last_competency);
  if (auto it = j.find("text_size"); it != j.end() && it->is_number()) {
    s.text_size = std::clamp(it->get<float>(), kMinTextSize, kMaxTextSize);
  }
  if (auto it = j.find("high_contrast"); it != j.end() && it->is_boolean()) {
    s.high_contrast = it->get<bool>();
  }
  // A language tag is short letters and dashes; anything else is not one.
  if (s.language.empty() || s.language.size() > 16 ||
      s.language.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") !=
          std::string::npos) {
    s.language = "en";
  }
  return s;
}

Status SaveSettings(const std::filesystem::path& file, const Settings& s) {
  nlohmann::json j = {{"language", s.language},
                      {"text_size", s.text_size},
                      {"high_contrast", s.high_contrast},
                      {"last_competency", s.last_competency}};
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  return WriteFileAtomic(file, j.dump(2) + "\n", 0644);
}

}  // namespace cairn::gui
