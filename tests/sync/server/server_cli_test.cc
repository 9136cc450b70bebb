// cairn-server's admin commands, run as the built binary the way IT runs them.
#include <stdlib.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
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
  SECTION("a backup taken beside a running server is a data directory a server starts on") {
    fs::path pack =
        fs::path(CAIRN_SOURCE_DIR_DEFAULT) / "content" / "math-fractions-place-value.en.json";
    REQUIRE(run({"pack", "publish", pack.string()}).status == 0);
    REQUIRE(run({"token", "create", "--role", "student-device", "--classes", "room-12", "--url",
                 "https://x:1"})
                .status == 0);  // makes the certificate
    fs::path copy = run.data().parent_path() / "backup";
    {
      // The server holds ops.db (admin commands that write are refused beside it).
      auto serving = server::OpenSqliteStorage({.dir = run.data()});
      REQUIRE(serving.ok());
      CHECK(run({"learner", "add", "Bo B"}).status == 1);
      CliRun r = run({"backup", copy.string()});
      INFO(r.out << r.err);
      REQUIRE(r.status == 0);
      CHECK_THAT(r.out, Catch::Contains(" 0 devices, 1 file, the certificate."));
      CliRun again = run({"backup", copy.string()});
      CHECK(again.status == 1);
      CHECK_THAT(again.err, Catch::Contains("is not empty; back up into a new directory"));
    }
    // A server opens the copy as it is: the class, the learner, the pack and its file, the key.
    auto restored = server::OpenSqliteStorage({.dir = copy});
    REQUIRE(restored.ok());
    auto room = (*restored)->Entity("class", "room-12");
    CHECK((room.ok() && room->has_value()));
    auto ada = (*restored)->Entity("learner", "ada-l");
    CHECK((ada.ok() && ada->has_value()));
    size_t named = 0;
    for (const auto& e : fs::recursive_directory_iterator(copy / "blobs")) {
      auto ops = (*restored)->OpsNamingBlob(e.path().filename().string());
      if (e.is_regular_file() && ops.ok()) named += ops->size();
    }
    CHECK(named == 1);  // the pack's file, named by its pack op
    CHECK(ReadAll(copy / "tls" / "key.pem") == ReadAll(run.data() / "tls" / "key.pem"));
  }
  SECTION("devices and revoking an unknown one") {
    CliRun list = run({"devices"});
    CHECK(list.status == 0);
    CHECK_THAT(list.out, Catch::Contains("No devices enrolled yet"));
    CliRun r = run({"device", "revoke", "d42"});
    CHECK(r.status == 1);
    CHECK(r.err == "cairn-server device revoke: no device d42\n");
  }
  SECTION("every command has --help, all of it readable text") {
    // The commands as the top-level help lists them: "  school create   create a school".
    CliRun top = run({"--help"});
    REQUIRE(top.status == 0);
    std::istringstream lines(top.out.substr(top.out.find("Commands:")));
    std::string line;
    std::getline(lines, line);
    int commands = 0;
    while (std::getline(lines, line) && line.starts_with("  ")) {
      std::istringstream words_of(line.substr(2, line.find("   ", 2) - 2));
      std::vector<std::string> words;
      for (std::string w; words_of >> w;) words.push_back(w);
      words.push_back("--help");
      CliRun r = run(words);
      INFO(line << "\n" << r.out);
      CHECK(r.status == 0);
      CHECK_THAT(r.out, Catch::StartsWith("Usage: cairn-server "));
      // Printable ASCII and newlines only: a string that died before printing shows as garbage.
      CHECK(std::all_of(r.out.begin(), r.out.end(),
                        [](char c) { return c == '\n' || (c >= 0x20 && c < 0x7f); }));
      ++commands;
    }
    CHECK(commands >= 12);
  }
}

}  // namespace cairn::testing
