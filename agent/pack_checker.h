// Reading a pack file's JSON while collecting every problem, each with its JSON
// path ("$.lessons[1].items[0].answer"). Private to the pack parser.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn::pack_internal {

using nlohmann::json;

// Limits of the texts and lists inside an item's content (the other limits are
// the op kinds' own, read from kinds.cc). agent/CONTENT.md lists them all.
constexpr size_t kMaxPromptBytes = 2000;
constexpr size_t kMaxChoiceBytes = 500;
constexpr size_t kMaxFeedbackBytes = 1000;
constexpr size_t kMaxHintBytes = 1000;
constexpr size_t kMaxHints = 10;
constexpr size_t kMinChoices = 2;
constexpr size_t kMaxChoices = 10;
constexpr size_t kMaxAccepted = 50;
constexpr size_t kMaxAcceptedBytes = 200;
constexpr size_t kMaxUnitBytes = 40;
constexpr size_t kMaxUnitAliases = 10;
constexpr size_t kMaxListIds = 1000;  // the op kinds' id lists
constexpr size_t kMaxItemContentBytes = 60 * 1024;

// `path` + ".name" (or `["name"]` when the name is not a plain word).
std::string Member(const std::string& path, std::string_view name);
// `path` + "[i]".
std::string Element(const std::string& path, size_t i);
// A JSON value in a few characters, for "got ..." in messages.
std::string Describe(const json& v);
// The byte limit of a text field of an op kind.
size_t KindTextLimit(std::string_view kind, std::string_view field);

class Checker {
 public:
  void Problem(const std::string& path, std::string what);
  bool ok() const { return problems_.empty(); }
  // "the pack has 2 problems:" and one line per problem (at most kMaxShown).
  Status ToStatus(std::string_view heading = "") const;
  static constexpr size_t kMaxShown = 100;

  // Reports each field of `object` that is not in `allowed`.
  void OnlyFields(const json& object, const std::string& path,
                  std::initializer_list<std::string_view> allowed);

  // The field `name` of `object`; nullptr when absent ("missing" reported if required).
  const json* Field(const json& object, const std::string& path, std::string_view name,
                    bool required);

  // Each of these reports what is wrong with the value at `path` and then
  // returns nothing (nullopt, nullptr, or an empty list).
  std::optional<std::string> TextValue(const json& v, const std::string& path, size_t max_bytes);
  std::optional<std::string> Text(const json& object, const std::string& path,
                                  std::string_view name, bool required, size_t max_bytes);
  std::optional<std::string> IdValue(const json& v, const std::string& path);
  std::optional<std::string> Id(const json& object, const std::string& path, std::string_view name);
  // A list of ids, well-formed entries only; an id listed twice is reported.
  std::vector<std::string> Ids(const json& object, const std::string& path, std::string_view name,
                               bool required);
  std::vector<std::string> Texts(const json& object, const std::string& path, std::string_view name,
                                 size_t max_entries, size_t max_bytes);
  std::optional<int64_t> Int(const json& object, const std::string& path, std::string_view name,
                             int64_t min, int64_t max);
  std::optional<double> Number(const json& object, const std::string& path, std::string_view name,
                               bool required);
  // A list (nullptr when absent or not a list).
  const json* List(const json& object, const std::string& path, std::string_view name,
                   bool required);
  // An object (nullptr when absent or not an object).
  const json* Object(const json& object, const std::string& path, std::string_view name);

 private:
  std::vector<std::string> problems_;
};

}  // namespace cairn::pack_internal
