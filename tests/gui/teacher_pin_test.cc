// Teachers' PINs on a device (agent/teacher_pin.h): hashed, checked, kept.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cairn/agent/teacher_pin.h"

namespace cairn {
namespace {

std::filesystem::path TempDir() {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("cairn-pin-" + std::to_string(::getpid()) + "-" +
                               std::to_string(std::rand()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a teacher's PIN is stored hashed, checked, and survives a reload", "[gui][pin]") {
  std::filesystem::path dir = TempDir();
  std::filesystem::path file = TeacherPins::FileIn(dir);
  TeacherPins pins = TeacherPins::Load(file).value();
  CHECK(!pins.Has("rivera"));
  CHECK(!pins.Verify("rivera", "2468"));
  REQUIRE(pins.Set("rivera", "2468").ok());
  CHECK(pins.Verify("rivera", "2468"));
  CHECK(!pins.Verify("rivera", "2469"));
  CHECK(!pins.Verify("okafor", "2468"));

  std::string text = Read(file);
  CHECK(text.find("2468") == std::string::npos);  // never the PIN itself
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  TeacherPins again = TeacherPins::Load(file).value();
  CHECK(again.Verify("rivera", "2468"));
  REQUIRE(again.Set("rivera", "1357").ok());  // changed: the old one no longer opens
  CHECK(!TeacherPins::Load(file).value().Verify("rivera", "2468"));
  CHECK(TeacherPins::Load(file).value().Verify("rivera", "1357"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a PIN of the wrong form is refused and nothing stored changes", "[gui][pin]") {
  std::filesystem::path dir = TempDir();
  std::filesystem::path file = TeacherPins::FileIn(dir);
  TeacherPins pins = TeacherPins::Load(file).value();
  REQUIRE(pins.Set("rivera", "2468").ok());
  std::string before = Read(file);
  for (const char* bad : {"", "123", "123456789", "12a4", "12 34"}) {
    INFO(bad);
    Status s = pins.Set("rivera", bad);
    CHECK(s.code() == Status::Code::kInvalidArgument);
    CHECK(s.message() == "a PIN is 4 to 8 digits");
  }
  CHECK(Read(file) == before);
  CHECK(pins.Verify("rivera", "2468"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("a damaged PIN file is reported, not replaced", "[gui][pin]") {
  std::filesystem::path dir = TempDir();
  std::filesystem::path file = TeacherPins::FileIn(dir);
  std::ofstream(file) << "{\"rivera\": {\"salt\": \"zz\"}}";
  Result<TeacherPins> pins = TeacherPins::Load(file);
  REQUIRE(!pins.ok());
  CHECK(pins.status().code() == Status::Code::kCorruption);
  CHECK(pins.status().message().find("cairnctl teacher pin") != std::string::npos);
  CHECK(Read(file) == "{\"rivera\": {\"salt\": \"zz\"}}");
  std::filesystem::remove_all(dir);
}

}  // namespace cairn
