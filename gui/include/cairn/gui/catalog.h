// The strings the client shows, one catalog per language (gui/i18n/<lang>.json:
// a flat object of key -> text). Code names a string by key; a text may hold
// {name} placeholders that Format fills in.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn::gui {

class Catalog {
 public:
  Catalog() = default;

  // Parses a catalog's text. kInvalidArgument when it is not a JSON object of
  // strings (the message names the first bad key).
  static Result<Catalog> Parse(std::string_view language, std::string_view text);
  // Reads <dir>/<language>.json. kNotFound when there is no such file.
  static Result<Catalog> Load(const std::filesystem::path& dir, std::string_view language);

  // The text for `key`: this catalog's, else the fallback's, else the key itself
  // (so a missing string shows up on screen instead of vanishing).
  const std::string& Get(std::string_view key) const;
  // Get(key) with each {name} replaced by its value.
  std::string Format(std::string_view key,
                     std::initializer_list<std::pair<std::string_view, std::string>> args) const;

  // Strings missing here are looked up in `fallback` (English). Not owned; must
  // outlive this catalog.
  void SetFallback(const Catalog* fallback) { fallback_ = fallback; }

  const std::string& language() const { return language_; }
  std::vector<std::string> Keys() const;

 private:
  std::string language_;
  std::map<std::string, std::string, std::less<>> strings_;
  const Catalog* fallback_ = nullptr;
};

}  // namespace cairn::gui
