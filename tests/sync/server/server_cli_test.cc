// cairn-server's admin commands, run as the built binary the way IT runs them.
#include <stdlib.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/tls.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

class ServerHome {
 public:
  ServerHome() {
    std::string pattern = (fs::temp_directory_path() / "cairn-server-cli-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    dir_ = pattern;
  }
  ~ServerHome() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path data() const { return dir_ / "data"; }

  CliRun operator()(const std::vector<std::string>& args) const {
    std::string cmd = Quote(CAIRN_SERVER_PATH);
    for (const std::string& a : args) cmd += " " + Quote(a);
    cmd += " --data " + Quote(data().string());
    cmd += " >" + Quote((dir_ / "out").string()) + " 2>" + Quote((dir_ / "err").string()) +
           " </dev/null";
    int rc = std::system(cmd.c_str());
    CliRun r;
    r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    r.out = ReadAll(dir_ / "out");
    r.err = ReadAll(dir_ / "err");
    return r;
  }

  fs::path Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return dir_ / name;
  }

 private:
  fs::path dir_;
};

}  // namespace

TEST_CASE("an administrator sets up a school, imports a roster and creates a token", "[sync]") {
  ServerHome run;
  REQUIRE(run({"school", "create", "Lincoln Elementary"}).status == 0);
  CliRun klass = run({"class", "create", "Room 12", "--grade", "4"});
  REQUIRE(klass.status == 0);
  CHECK(klass.out == "Created class Room 12 (id room-12)\n");
  REQUIRE(run({"learner", "add", "Ada L", "--classes", "room-12"}).status == 0);

  SECTION("a roster with bad lines is refused line by line and nothing is imported") {
    fs::path csv = run.Write("roster.csv",
                             "learner,display_name,given_name,family_name,class\n"
                             "bo,Bo B,Bo,B,room-12\n"
                             "bad id,Cy,Cy,C,room-12\n"
                             "di,Di D,Di,D,room-99\n"
                             "ed,Ed\n");
    CliRun r = run({"roster", "import", csv.string()});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("has 3 problems; nothing was imported"));
    CHECK_THAT(r.err, Catch::Contains("roster.csv line 3: learner id"));
    CHECK_THAT(r.err, Catch::Contains("roster.csv line 4: no class with id room-99"));
    CHECK_THAT(r.err, Catch::Contains("roster.csv line 5: expected 5 fields, got 2"));
    // Bo was on a good line, but nothing was imported: adding Bo by hand works.
    CHECK(run({"learner", "add", "Bo B", "--id", "bo"}).status == 0);
  }
  SECTION("a good roster is imported") {
    fs::path csv = run.Write("roster.csv",
                             "learner,display_name,given_name,family_name,class\n"
                             "bo,Bo B,Bo,B,room-12\n"
                             "\"cy\",\"Cy, the Great\",Cy,C,room-12\n");
    CliRun r = run({"roster", "import", csv.string()});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Contains("Imported 2 learners and 2 enrollments"));
  }
  SECTION("a token carries the URL, the certificate pin and a secret; a join code beside it") {
    CliRun r = run({"token", "create", "--role", "teacher-device", "--classes", "room-12",
                    "--expires", "30d", "--url", "https://10.0.0.5:8443"});
    REQUIRE(r.status == 0);
    std::istringstream lines(r.out);
    std::string line, token_line, join;
    while (std::getline(lines, line)) {
      if (line.starts_with("cairn1.")) token_line = line;
      if (line.starts_with("Join code: ")) join = line.substr(11, 9);
    }
    Result<sync::EnrollmentToken> token = sync::ParseToken(token_line);
    REQUIRE(token.ok());
    CHECK(token->url == "https://10.0.0.5:8443");
    CHECK(token->pin == *server::SpkiPin(run.data() / "tls" / "cert.pem"));
    CHECK(sync::LooksLikeJoinCode(join));
    CHECK((fs::status(run.data() / "tls" / "key.pem").permissions() & fs::perms::group_all) ==
          fs::perms::none);
  }
  SECTION("a token for a class that does not exist is refused") {
    CliRun r = run({"token", "create", "--role", "student-device", "--classes", "room-99", "--url",
                    "https://x:1"});
    CHECK(r.status == 1);
    CHECK(r.err == "cairn-server token create: no class with id room-99\n");
  }
  SECTION("bad command lines exit 2 and say why") {
    CliRun r = run({"token", "create", "--role", "printer", "--classes", "room-12"});
    CHECK(r.status == 2);
    CHECK_THAT(r.err, Catch::Contains("--role must be one of student-device, teacher-device"));
    CHECK(run({"token", "create", "--role", "student-device", "--classes", "room-12", "--expires",
               "soon"})
              .status == 2);
    CHECK(run({"frobnicate"}).status == 2);
  }
  SECTION("devices and revoking an unknown one") {
    CliRun list = run({"devices"});
    CHECK(list.status == 0);
    CHECK_THAT(list.out, Catch::Contains("No devices enrolled yet"));
    CliRun r = run({"device", "revoke", "d42"});
    CHECK(r.status == 1);
    CHECK(r.err == "cairn-server device revoke: no device d42\n");
  }
  SECTION("every command has --help") {
    for (std::vector<std::string> words :
         {std::vector<std::string>{"serve"}, {"token", "create"}, {"roster", "import"}}) {
      words.push_back("--help");
      CliRun r = run(words);
      CHECK(r.status == 0);
      CHECK_THAT(r.out, Catch::StartsWith("Usage: cairn-server "));
    }
  }
}

}  // namespace cairn::testing
