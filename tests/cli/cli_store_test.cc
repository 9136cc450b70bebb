// cairnctl and the store: one owner at a time, and bad packs that change nothing.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>

#include "cairn/platform/lock_file.h"
#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

TEST_CASE("a second cairnctl is refused while another process holds the store", "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  {
    // This test process plays the running Cairn app.
    Result<LockFile> held = LockFile::Acquire(cairnctl.store_file().string() + ".lock");
    REQUIRE(held.ok());
    for (std::vector<std::string> args :
         {std::vector<std::string>{"status"}, {"learner", "add", "Ada"}, {"doctor"}}) {
      Run run = cairnctl(args);
      INFO(args[0]);
      CHECK(run.status == 1);
      CHECK((run.err + run.out).find("in use by pid " + std::to_string(::getpid())) !=
            std::string::npos);
    }
  }
  Run after = cairnctl({"learner", "add", "Ada"});
  CHECK(after.status == 0);
}

TEST_CASE(
    "the sync timer's cairnctl sync steps aside, without failing, while the app holds the store",
    "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  Result<LockFile> held = LockFile::Acquire(cairnctl.store_file().string() + ".lock");
  REQUIRE(held.ok());
  Run run = cairnctl({"sync", "--once"});
  CHECK(run.status == 0);  // the systemd unit must not count it as failed
  CHECK_THAT(run.out, Catch::Contains("Skipped") && Catch::Contains("syncs by itself") &&
                          Catch::Contains("in use by pid " + std::to_string(::getpid())));
}

// A pack with several problems: every one must be reported, by JSON path.
constexpr const char* kBadPack = R"({
  "id": "bad-pack", "version": "1", "title": "Bad", "language": "en", "license": "CC0-1.0",
  "competencies": [
    {"id": "c1", "title": "One", "prerequisites": ["c9"]},
    {"id": "c1", "title": "Again"}
  ],
  "lessons": [
    {"id": "l1", "title": "Lesson", "competencies": ["c1"], "items": [
      {"id": "i1", "type": "choice", "prompt": "Pick", "choices": ["a", "b"]},
      {"id": "i2", "type": "numeric", "prompt": "How many?", "anwser": 3}
    ]}
  ]
})";

TEST_CASE("a rejected pack changes nothing and names every problem", "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  Run before = cairnctl({"ops", "--json"});
  REQUIRE(before.status == 0);

  Run bad = cairnctl({"pack", "import", cairnctl.WriteFile("bad.json", kBadPack).string()});
  CHECK(bad.status == 2);
  INFO(bad.err);
  CHECK(bad.err.find("Nothing was imported.") != std::string::npos);
  CHECK(bad.err.find("$.competencies[0].prerequisites[0]: unknown prerequisite 'c9'") !=
        std::string::npos);
  CHECK(bad.err.find("$.competencies[1].id: duplicate competency id 'c1'") != std::string::npos);
  CHECK(bad.err.find("$.lessons[0].items[0]: no answer") != std::string::npos);
  CHECK(bad.err.find("$.lessons[0].items[1].anwser: unknown field") != std::string::npos);
  CHECK(bad.err.find("$.lessons[0].items[1]: no answer") != std::string::npos);

  Run not_json = cairnctl({"pack", "import", cairnctl.WriteFile("x.json", "{\"id\": ").string()});
  CHECK(not_json.status == 2);
  CHECK(not_json.err.find("not valid JSON (line 1, column") != std::string::npos);
  Run missing = cairnctl({"pack", "import", (cairnctl.dir() / "nope.json").string()});
  CHECK(missing.status == 1);
  CHECK(missing.err.find("no pack file") != std::string::npos);

  Run after = cairnctl({"ops", "--json"});
  CHECK(after.out == before.out);
  CHECK(cairnctl({"pack", "list"}).out.find("No content packs") != std::string::npos);
}

TEST_CASE("importing the same pack twice records it once", "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  std::string pack = std::string(std::getenv("CAIRN_SOURCE_DIR") ? std::getenv("CAIRN_SOURCE_DIR")
                                                                 : CAIRN_SOURCE_DIR_DEFAULT) +
                     "/content/sample-fractions.json";
  Run first = cairnctl({"pack", "import", pack});
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK(first.out.find("4 competencies, 2 lessons, 10 items") != std::string::npos);
  Run ops = cairnctl({"ops", "--json"});
  Run second = cairnctl({"pack", "import", pack});
  CHECK(second.status == 0);
  CHECK(second.out.find("already imported") != std::string::npos);
  CHECK(cairnctl({"ops", "--json"}).out == ops.out);
}

TEST_CASE("doctor names each problem with its fix and exits with status 1", "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  REQUIRE(cairnctl({"doctor"}).status == 0);
  cairnctl.WriteFile("data/device-id", "not an id\n");
  Run doctor = cairnctl({"doctor"});
  INFO(doctor.out);
  CHECK(doctor.status == 1);
  std::string problem = LineWith(doctor.out, "PROBLEM");
  CHECK(problem.find("device id") != std::string::npos);
  CHECK(LineWith(doctor.out, "fix:").find("echo ") != std::string::npos);
  CHECK(LineWith(doctor.out, "ok       integrity") != "");
  CHECK(doctor.err.find("1 problem found") != std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
