// The packs shipped in content/: every one valid and importable together, the
// math unit as large as promised and the same in both languages, and every
// item's own answer judged right.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cairn/agent/answer.h"
#include "packs/pack_testing.h"

namespace cairn::packs_testing {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> ContentFiles() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(SourceDir()) / "content")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Pack MustRead(const fs::path& file) {
  Result<Pack> pack = ReadPack(file);
  INFO(file.string() << ": " << pack.status().message());
  REQUIRE(pack.ok());
  return std::move(pack).value();
}

TEST_CASE("every pack in content/ is valid and they all import into one store",
          "[packs][content]") {
  std::vector<fs::path> files = ContentFiles();
  REQUIRE(files.size() >= 4);
  auto store = StandaloneStore();
  for (const fs::path& file : files) {
    Pack pack = MustRead(file);
    Result<PackImport> imported = ImportPack(*store, pack);
    INFO(file.string() << ": " << imported.status().message());
    REQUIRE(imported.ok());
    CHECK(imported->retired_items == 0);
  }
  Result<std::vector<json>> packs = store->Entities("pack");
  REQUIRE(packs.ok());
  CHECK(packs->size() == 3);  // the two math files are one pack in two languages
  Result<std::vector<std::string>> problems = store->Check();
  REQUIRE(problems.ok());
  CHECK(problems->empty());
}

TEST_CASE("the math unit has at least 12 competencies in a prerequisite graph and 200 items",
          "[packs][content]") {
  for (const char* language : {"en", "es"}) {
    Pack pack = MustRead(fs::path(SourceDir()) / "content" /
                         ("math-fractions-place-value." + std::string(language) + ".json"));
    CHECK(pack.language == language);
    CHECK(pack.competencies >= 12);
    CHECK(pack.items >= 200);
    size_t with_prerequisites = 0, roots = 0;
    std::set<std::string> codes;
    for (const auto& [kind, body] : pack.ops) {
      if (kind != "competency") continue;
      (body["prerequisites"].empty() ? roots : with_prerequisites)++;
      codes.insert(body["standard_code"].get<std::string>());
      CHECK(body["standard_code"].get<std::string>().starts_with("CCSS.MATH.CONTENT."));
    }
    CHECK(roots >= 2);  // place value and fractions start separately
    CHECK(with_prerequisites >= 10);
    CHECK(codes.count("CCSS.MATH.CONTENT.3.NF.A.1") == 1);
  }
}

TEST_CASE("the English and Spanish math packs have the same ids, types and answers",
          "[packs][content]") {
  Pack en = MustRead(fs::path(SourceDir()) / "content/math-fractions-place-value.en.json");
  Pack es = MustRead(fs::path(SourceDir()) / "content/math-fractions-place-value.es.json");
  CHECK(en.id == es.id);
  CHECK(en.version == es.version);
  CHECK(en.content_hash != es.content_hash);
  REQUIRE(en.ops.size() == es.ops.size());
  size_t different_prompts = 0;
  for (size_t i = 0; i < en.ops.size(); ++i) {
    const auto& [kind, a] = en.ops[i];
    const json& b = es.ops[i].second;
    REQUIRE(kind == es.ops[i].first);
    if (kind == "pack") continue;
    CHECK(a[kind] == b[kind]);
    if (kind == "competency") CHECK(a["prerequisites"] == b["prerequisites"]);
    if (kind == "lesson") CHECK(a["items"] == b["items"]);
    if (kind == "item") {
      CHECK(a["type"] == b["type"]);
      CHECK(a["competencies"] == b["competencies"]);
      CHECK(a["difficulty"] == b["difficulty"]);
      if (a["type"] != "text") CHECK(a["content"]["answer"] == b["content"]["answer"]);
      different_prompts += a["content"]["prompt"] != b["content"]["prompt"];
    }
  }
  CHECK(different_prompts > 150);  // translated, not copied (some are only numbers)
}

TEST_CASE("the reading unit has at least 3 competencies and passages with questions",
          "[packs][content]") {
  Pack pack = MustRead(fs::path(SourceDir()) / "content/reading-main-idea.en.json");
  CHECK(pack.competencies >= 3);
  size_t passages = 0;
  for (const auto& [kind, body] : pack.ops) {
    if (kind == "lesson" && body.contains("passage")) {
      ++passages;
      CHECK(body["passage"].get<std::string>().size() > 500);
      CHECK(body["items"].size() >= 5);
    }
  }
  CHECK(passages >= 3);
}

// The response a learner gives when they answer exactly as the pack expects.
std::string RightResponse(const json& item, std::string_view language) {
  const json& content = item["content"];
  if (item["type"] == "choice") {
    std::vector<size_t> right;
    if (content["answer"].is_array()) {
      for (const json& a : content["answer"]) right.push_back(a.get<size_t>());
    } else {
      right.push_back(content["answer"].get<size_t>());
    }
    return ChoiceResponse(content, right);
  }
  if (item["type"] == "numeric") {
    std::ostringstream out;
    out.precision(17);
    out << content["answer"].get<double>();
    std::string s = out.str();
    if (DecimalMark(language) == ',') std::replace(s.begin(), s.end(), '.', ',');
    return s;
  }
  return content["answer"][0].get<std::string>();
}

TEST_CASE("every sample item judges its own answer right and a different one wrong",
          "[packs][content]") {
  for (const fs::path& file : ContentFiles()) {
    Pack pack = MustRead(file);
    JudgeOptions options;
    options.language = pack.language;
    for (const auto& [kind, item] : pack.ops) {
      if (kind != "item") continue;
      INFO(file.filename().string() << " " << item["item"].get<std::string>());
      std::string right = RightResponse(item, pack.language);
      Result<Judgement> judged = JudgeResponse(item, right, options);
      REQUIRE(judged.ok());
      CHECK(judged->correct);
      Result<Judgement> wrong = JudgeResponse(item, "zzz " + right + " 9", options);
      REQUIRE(wrong.ok());
      CHECK_FALSE(wrong->correct);
    }
  }
}

TEST_CASE("the math pack generator writes the committed files, byte for byte", "[packs][content]") {
  fs::path out = fs::temp_directory_path() / ("cairn-gen-" + std::to_string(::getpid()));
  fs::create_directories(out);
  std::string command =
      "python3 '" + SourceDir() + "/scripts/gen-math-pack.py' '" + out.string() + "' > /dev/null";
  if (std::system("python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))'") != 0) {
    WARN("python3 3.9 or later is not installed; not checked");
    fs::remove_all(out);
    return;
  }
  REQUIRE(std::system(command.c_str()) == 0);
  for (const char* name :
       {"math-fractions-place-value.en.json", "math-fractions-place-value.es.json"}) {
    INFO(name << " differs from what scripts/gen-math-pack.py writes: run it and commit");
    auto read = [](const fs::path& p) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      return s.str();
    };
    CHECK(read(out / name) == read(fs::path(SourceDir()) / "content" / name));
  }
  fs::remove_all(out);
}

}  // namespace
}  // namespace cairn::packs_testing
