#include "cairn/platform/paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <string>

#include "platform/fake_env.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

using testing::FakeEnv;

unsigned ModeOf(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("CAIRN_HOME puts data and state and config under one directory", "[platform]") {
  SECTION("an absolute CAIRN_HOME wins over XDG and HOME") {
    Result<Paths> p = ResolvePaths(FakeEnv(
        {{"CAIRN_HOME", "/srv/cairn"}, {"XDG_DATA_HOME", "/x/data"}, {"HOME", "/home/ana"}}));
    REQUIRE(p.ok());
    CHECK(p->data == fs::path("/srv/cairn/data"));
    CHECK(p->state == fs::path("/srv/cairn/state"));
    CHECK(p->config == fs::path("/srv/cairn/config"));
  }
  SECTION("a relative CAIRN_HOME is taken from the working directory") {
    Result<Paths> p = ResolvePaths(FakeEnv({{"CAIRN_HOME", "portable"}}));
    REQUIRE(p.ok());
    CHECK(p->data.is_absolute());
    CHECK(p->data == fs::current_path() / "portable" / "data");
  }
  SECTION("an empty CAIRN_HOME counts as unset") {
    Result<Paths> p = ResolvePaths(FakeEnv({{"CAIRN_HOME", ""}, {"HOME", "/home/ana"}}));
    REQUIRE(p.ok());
    CHECK(p->data == fs::path("/home/ana/.local/share/cairn"));
  }
}

TEST_CASE("without CAIRN_HOME the XDG base directories decide where files go", "[platform]") {
  SECTION("absolute XDG variables are used, each with a cairn subdirectory") {
    Result<Paths> p = ResolvePaths(FakeEnv({{"XDG_DATA_HOME", "/d"},
                                            {"XDG_STATE_HOME", "/s"},
                                            {"XDG_CONFIG_HOME", "/c"},
                                            {"HOME", "/home/ana"}}));
    REQUIRE(p.ok());
    CHECK(p->data == fs::path("/d/cairn"));
    CHECK(p->state == fs::path("/s/cairn"));
    CHECK(p->config == fs::path("/c/cairn"));
  }
  SECTION("unset XDG variables fall back to the spec's defaults under HOME") {
    Result<Paths> p = ResolvePaths(FakeEnv({{"HOME", "/home/ana"}}));
    REQUIRE(p.ok());
    CHECK(p->data == fs::path("/home/ana/.local/share/cairn"));
    CHECK(p->state == fs::path("/home/ana/.local/state/cairn"));
    CHECK(p->config == fs::path("/home/ana/.config/cairn"));
  }
  SECTION("relative XDG values are ignored, as the spec requires") {
    Result<Paths> p = ResolvePaths(
        FakeEnv({{"XDG_DATA_HOME", "rel/data"}, {"XDG_STATE_HOME", "/s"}, {"HOME", "/home/ana"}}));
    REQUIRE(p.ok());
    CHECK(p->data == fs::path("/home/ana/.local/share/cairn"));
    CHECK(p->state == fs::path("/s/cairn"));
  }
  SECTION("absolute XDG values are enough without HOME") {
    Result<Paths> p = ResolvePaths(
        FakeEnv({{"XDG_DATA_HOME", "/d"}, {"XDG_STATE_HOME", "/s"}, {"XDG_CONFIG_HOME", "/c"}}));
    REQUIRE(p.ok());
    CHECK(p->config == fs::path("/c/cairn"));
  }
  SECTION("with nothing to go on the error says to set CAIRN_HOME") {
    Result<Paths> p = ResolvePaths(FakeEnv({{"XDG_DATA_HOME", "/d"}}));
    REQUIRE_FALSE(p.ok());
    CHECK(p.status().code() == Status::Code::kFailedPrecondition);
    CHECK_THAT(p.status().message(), Catch::Contains("CAIRN_HOME"));
    CHECK_THAT(p.status().message(), Catch::Contains("XDG_STATE_HOME"));
  }
}

TEST_CASE("the process environment is what ResolvePaths reads by default", "[platform]") {
  ::setenv("CAIRN_TEST_PROBE", "probe-value", 1);
  EnvLookup env = ProcessEnv();
  REQUIRE(env("CAIRN_TEST_PROBE") != nullptr);
  CHECK(std::string(env("CAIRN_TEST_PROBE")) == "probe-value");
  ::unsetenv("CAIRN_TEST_PROBE");
  CHECK(env("CAIRN_TEST_PROBE") == nullptr);
}

TEST_CASE("Cairn's directories are created private to the user", "[platform]") {
  testing::ScratchDir dir;
  Result<Paths> p = ResolvePaths(FakeEnv({{"CAIRN_HOME", (dir / "home").string()}}));
  REQUIRE(p.ok());

  SECTION("missing directories are created with mode 0700") {
    mode_t old = ::umask(022);
    Status s = CreateDirectories(*p);
    ::umask(old);
    REQUIRE(s.ok());
    for (const fs::path& d : {p->data, p->state, p->config}) {
      INFO(d);
      CHECK(fs::is_directory(d));
      CHECK(ModeOf(d) == 0700);
    }
  }
  SECTION("creating them again keeps what is inside") {
    REQUIRE(CreateDirectories(*p).ok());
    std::ofstream(p->data / "keep.txt") << "kept";
    REQUIRE(CreateDirectories(*p).ok());
    CHECK(fs::exists(p->data / "keep.txt"));
  }
  SECTION("a file in the way is an I/O error naming the path") {
    fs::create_directories(dir / "home");
    std::ofstream(dir / "home" / "state") << "not a directory";
    Status s = CreateDirectories(*p);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == Status::Code::kIoError);
    CHECK_THAT(s.message(), Catch::Contains((dir / "home" / "state").string()));
  }
}

}  // namespace
}  // namespace cairn
