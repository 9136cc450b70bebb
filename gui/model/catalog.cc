#include "cairn/gui/catalog.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cairn::gui {

Result<Catalog> Catalog::Parse(std::string_view language, std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::InvalidArgument("the " + std::string(language) +
                                   " catalog is not a JSON object of strings");
  }
  Catalog c;
  c.language_ = std::string(language);
  for (auto& [key, value] : j.items()) {
    if (!value.is_string()) {
      return Status::InvalidArgument("the " + std::string(language) + " catalog's \"" + key +
                                     "\" is not a string");
    }
    c.strings_.emplace(key, value.get<std::string>());
  }
  return c;
}

Result<Catalog> Catalog::Load(const std::filesystem::path& dir, std::string_view language) {
  std::filesystem::path file = dir / (std::string(language) + ".json");
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound("no string catalog " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  Result<Catalog> c = Parse(language, text.str());
  if (!c.ok()) return c.status().WithContext(file.string());
  return c;
}

const std::string& Catalog::Get(std::string_view key) const {
  if (auto it = strings_.find(key); it != strings_.end()) return it->second;
  if (fallback_ != nullptr) return fallback_->Get(key);
  // Shown as is: a missing string is visible, and the tests catch it.
  static thread_local std::string missing;
  missing = std::string(key);
  return missing;
}

std::string Catalog::Format(
    std::string_view key,
    std::initializer_list<std::pair<std::string_view, std::string>> args) const {
  std::string out = Get(key);
  for (const auto& [name, value] : args) {
    std::string placeholder = "{" + std::string(name) + "}";
    for (size_t at = out.find(placeholder); at != std::string::npos;
         at = out.find(placeholder, at + value.size())) {
      out.replace(at, placeholder.size(), value);
    }
  }
  return out;
}

std::vector<std::string> Catalog::Keys() const {
  std::vector<std::string> keys;
  for (const auto& [k, v] : strings_) keys.push_back(k);
  return keys;
}

}  // namespace cairn::gui
