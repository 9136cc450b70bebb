// Small packs built in code, and the problem lines a pack's check reports, for
// the pack tests.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/agent/pack.h"
#include "cairn/agent/store.h"

namespace cairn::packs_testing {

using nlohmann::json;

// Two competencies (b needs a), one lesson with a choice, a numeric and a text item.
inline json SmallPack() {
  return json::parse(R"({
    "id": "p", "version": "1", "title": "P", "language": "en", "license": "CC0-1.0",
    "competencies": [{"id": "a", "title": "A"}, {"id": "b", "title": "B", "prerequisites": ["a"]}],
    "lessons": [{"id": "l", "title": "L", "competencies": ["a", "b"], "items": [
      {"id": "i1", "type": "choice", "prompt": "?", "choices": ["x", "y"], "answer": 0},
      {"id": "i2", "type": "numeric", "prompt": "?", "answer": 0.5, "tolerance": 0.01},
      {"id": "i3", "type": "text", "prompt": "?", "answer": "3/8"}
    ]}]
  })");
}

// The problems reported for `text`, one per line, without the heading line.
inline std::vector<std::string> ProblemsOfText(const std::string& text) {
  Result<Pack> parsed = ParsePack(text);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
  std::vector<std::string> lines;
  const std::string& m = parsed.status().message();
  size_t start = m.find('\n');
  while (start != std::string::npos) {
    size_t end = m.find('\n', start + 1);
    std::string line = m.substr(start + 1, end == std::string::npos ? end : end - start - 1);
    if (line.starts_with("  ")) line.erase(0, 2);
    lines.push_back(line);
    start = end;
  }
  return lines;
}

inline std::vector<std::string> Problems(const json& pack) { return ProblemsOfText(pack.dump()); }

// True when `problems` has exactly the line `line`.
inline bool Has(const std::vector<std::string>& problems, const std::string& line) {
  for (const std::string& p : problems) {
    if (p == line) return true;
  }
  return false;
}

// Checks that `pack` is rejected with (at least) the problem line `line`.
#define REQUIRE_PROBLEM(pack, line)                                              \
  do {                                                                           \
    std::vector<std::string> problems_ = ::cairn::packs_testing::Problems(pack); \
    std::string all_;                                                            \
    for (const std::string& p_ : problems_) all_ += p_ + "\n";                   \
    INFO("problems:\n" << all_);                                                 \
    CHECK(::cairn::packs_testing::Has(problems_, line));                         \
  } while (0)

inline std::unique_ptr<Store> StandaloneStore() {
  StoreOptions options;
  options.in_memory = true;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  REQUIRE(store.ok());
  REQUIRE((*store)->Initialize(Origin::Random(), StoreMode::kStandalone).ok());
  return std::move(*store);
}

inline Pack MustParse(const json& pack) {
  Result<Pack> parsed = ParsePack(pack.dump());
  INFO(parsed.status().message());
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

inline std::string SourceDir() {
  const char* root = std::getenv("CAIRN_SOURCE_DIR");
  return root ? root : CAIRN_SOURCE_DIR_DEFAULT;
}

}  // namespace cairn::packs_testing
