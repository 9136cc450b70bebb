#include "cairn/platform/origin.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <string>

#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

unsigned ModeOf(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("a device id is created once as a private file and is the same on every start",
          "[platform]") {
  ScratchDir dir;
  fs::path file = dir / "origin";
  mode_t old = ::umask(0);  // a permissive umask must not make the id readable by others
  Result<Origin> first = LoadOrCreateOrigin(file);
  ::umask(old);
  REQUIRE(first.ok());
  CHECK_FALSE(first->IsZero());
  CHECK(ModeOf(file) == 0600);
  CHECK(ReadFile(file) == first->Hex() + "\n");
  CHECK_FALSE(fs::exists(dir / "origin.tmp"));

  Result<Origin> again = LoadOrCreateOrigin(file);
  REQUIRE(again.ok());
  CHECK(*again == *first);

  Result<Origin> elsewhere = LoadOrCreateOrigin(dir / "other-origin");
  REQUIRE(elsewhere.ok());
  CHECK(*elsewhere != *first);
}

TEST_CASE("a damaged device id file is reported and never replaced", "[platform]") {
  ScratchDir dir;
  fs::path file = dir / "origin";
  std::string contents;
  SECTION("garbage") { contents = "hello, world\n"; }
  SECTION("empty") { contents = ""; }
  SECTION("one digit short") { contents = std::string(31, 'a') + "\n"; }
  SECTION("a non-hex digit") { contents = std::string(31, 'a') + "g\n"; }
  std::ofstream(file, std::ios::binary) << contents;

  Result<Origin> o = LoadOrCreateOrigin(file);
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == Status::Code::kCorruption);
  CHECK_THAT(o.status().message(), Catch::Contains(file.string()));
  CHECK_THAT(o.status().message(), Catch::Contains("doctor"));
  CHECK(ReadFile(file) == contents);
}

TEST_CASE("a device id that cannot be stored is an I/O error", "[platform]") {
  ScratchDir dir;
  Result<Origin> o = LoadOrCreateOrigin(dir / "no-such-dir" / "origin");
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == Status::Code::kIoError);
  CHECK_THAT(o.status().message(), Catch::Contains("no-such-dir"));
}

TEST_CASE("origin ids are random and print as 32 hex digits", "[platform]") {
  std::set<Origin> seen;
  for (int i = 0; i < 64; ++i) seen.insert(Origin::Random());
  CHECK(seen.size() == 64);

  Origin o = Origin::Random();
  std::string hex = o.Hex();
  CHECK(hex.size() == 32);
  CHECK(hex.find_first_not_of("0123456789abcdef") == std::string::npos);
  Result<Origin> back = Origin::FromHex(hex);
  REQUIRE(back.ok());
  CHECK(*back == o);

  SECTION("upper-case hex parses to the same id") {
    std::string upper = hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    Result<Origin> u = Origin::FromHex(upper);
    REQUIRE(u.ok());
    CHECK(*u == o);
  }
  SECTION("the wrong length or a non-hex digit is refused, saying why") {
    Result<Origin> short_one = Origin::FromHex(hex.substr(1));
    REQUIRE_FALSE(short_one.ok());
    CHECK(short_one.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(short_one.status().message(), Catch::Contains("31"));
    Result<Origin> bad = Origin::FromHex(std::string(31, '0') + "z");
    REQUIRE_FALSE(bad.ok());
    CHECK_THAT(bad.status().message(), Catch::Contains("non-hex"));
  }
  SECTION("raw bytes round-trip and must be exactly 16") {
    std::string raw(reinterpret_cast<const char*>(o.bytes.data()), 16);
    Result<Origin> r = Origin::FromBytes(raw);
    REQUIRE(r.ok());
    CHECK(*r == o);
    CHECK_FALSE(Origin::FromBytes(raw.substr(0, 15)).ok());
    CHECK_FALSE(Origin::FromBytes(raw + "x").ok());
  }
  SECTION("only the all-zero id is zero") {
    CHECK(Origin{}.IsZero());
    Origin one;
    one.bytes[15] = 1;
    CHECK_FALSE(one.IsZero());
    CHECK(Origin{} < one);
  }
}

TEST_CASE("files written atomically are complete and have the mode asked for", "[platform]") {
  ScratchDir dir;
  fs::path file = dir / "settings";
  REQUIRE(WriteFileAtomic(file, "first", 0644).ok());
  CHECK(ReadFile(file) == "first");
  CHECK(ModeOf(file) == 0644);
  REQUIRE(WriteFileAtomic(file, std::string(100000, 'x')).ok());
  CHECK(ReadFile(file) == std::string(100000, 'x'));
  CHECK(ModeOf(file) == 0600);
  CHECK_FALSE(fs::exists(dir / "settings.tmp"));

  Status s = WriteFileAtomic(dir / "nope" / "settings", "x");
  CHECK(s.code() == Status::Code::kIoError);
}

}  // namespace
}  // namespace cairn
