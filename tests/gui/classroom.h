// The classroom the client's view-model tests share: a standalone store in
// memory with the sample math pack, a class of two active learners (and one who
// left), an archived class, and a teacher.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cairn/agent/pack.h"
#include "cairn/agent/store.h"

namespace cairn::gui {

inline constexpr const char* kUnitFractions = "math.frac.unit";

// A fresh directory under the system's temporary one, removed with its contents.
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "cairn-gui-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

struct Classroom {
  std::unique_ptr<Store> store;
  Classroom() {
    StoreOptions options;
    options.in_memory = true;
    store = std::move(Store::Open(options).value());
    REQUIRE(store->Initialize(Origin::Random(), StoreMode::kStandalone).ok());
    REQUIRE(store
                ->AppendAll(
                    {{"school", {{"school", "riverside"}, {"name", "Riverside"}}},
                     {"class", {{"class", "room12"}, {"name", "Room 12"}}},
                     {"class", {{"class", "old"}, {"name", "Last year"}, {"archived", true}}},
                     {"learner", {{"learner", "ben"}, {"display_name", "Ben"}}},
                     {"learner", {{"learner", "ada"}, {"display_name", "Ada"}}},
                     {"learner", {{"learner", "zed"}, {"display_name", "Zed"}}},
                     {"enrollment", {{"class", "room12"}, {"learner", "ben"}, {"active", true}}},
                     {"enrollment", {{"class", "room12"}, {"learner", "ada"}, {"active", true}}},
                     {"enrollment", {{"class", "room12"}, {"learner", "zed"}, {"active", false}}},
                     {"teacher", {{"teacher", "rivera"}, {"name", "Ms Rivera"}}},
                     {"class_teacher", {{"class", "room12"}, {"teacher", "rivera"}, {"active", true}}}})
                .ok());
    const char* src = std::getenv("CAIRN_SOURCE_DIR");
    REQUIRE(src != nullptr);
    Result<Pack> pack =
        ReadPack(std::filesystem::path(src) / "content/math-fractions-place-value.en.json");
    REQUIRE(pack.ok());
    REQUIRE(ImportPack(*store, *pack).ok());
  }

  std::vector<nlohmann::json> Attempts(const std::string& learner) {
    std::vector<nlohmann::json> out;
    std::vector<Evidence> evidence = store->EvidenceFor(learner).value();
    for (const Evidence& e : evidence) {
      if (e.op.kind == "attempt") out.push_back(e.op.body);
    }
    return out;
  }
};

}  // namespace cairn::gui
