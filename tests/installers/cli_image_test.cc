// cairnctl config, prepare-image and doctor as IT runs them: the real binary, a
// private CAIRN_HOME, /etc/cairn under CAIRN_CONFIG_ROOT and a fake machine id.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <string>

#include "cairn/sync/enrollment_token.h"
#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;

// A device: a store in CAIRN_HOME, /etc/cairn in <home>/root, a machine id.
class Device {
 public:
  Device() {
    fs::create_directories(root() / "etc/cairn/conf.d");
    std::ofstream(home.dir() / "machine-id") << "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f\n";
    ::setenv("CAIRN_CONFIG_ROOT", root().c_str(), 1);
    ::setenv("CAIRN_MACHINE_ID_FILE", (home.dir() / "machine-id").c_str(), 1);
    ::setenv("CAIRN_PRODUCT_UUID_FILE", "", 1);
  }
  ~Device() {
    ::unsetenv("CAIRN_CONFIG_ROOT");
    ::unsetenv("CAIRN_MACHINE_ID_FILE");
    ::unsetenv("CAIRN_PRODUCT_UUID_FILE");
  }
  fs::path root() const { return home.dir() / "root"; }
  fs::path data() const { return home.dir() / "data"; }
  void WriteEtc(const std::string& relative, const std::string& text) const {
    std::ofstream(root() / "etc/cairn" / relative) << text;
  }

  CairnctlHome home;
};

TEST_CASE("cairnctl config shows each value with where it came from", "[cli][config]") {
  Device d;
  d.WriteEtc("cairn.conf", "[network]\nmax_send_rate = 64k\n");
  d.WriteEtc("conf.d/50-debconf.conf", "server_url = https://school.example:8443\n");
  Run r = d.home({"config"});
  REQUIRE(r.status == 0);
  CHECK(LineWith(r.out, "server_url =").find("https://school.example:8443") != std::string::npos);
  std::string conf_d = (d.root() / "etc/cairn/conf.d/50-debconf.conf").string();
  CHECK_FALSE(LineWith(r.out, "from " + conf_d + ":1").empty());
  CHECK_FALSE(LineWith(r.out, "from " + (d.root() / "etc/cairn/cairn.conf").string() + ":2").empty());
  CHECK_FALSE(LineWith(r.out, "from default").empty());

  Run one = d.home({"config", "--get", "network.max_send_rate"});
  CHECK(one.status == 0);
  CHECK(one.out == "64k\n");
  CHECK(d.home({"config", "--get", "colour"}).status == 2);
}

TEST_CASE("a malformed config line is reported with file and line, the rest applies",
          "[cli][config]") {
  Device d;
  d.WriteEtc("cairn.conf", "language = es\nserver_url https://no-equals.example\n");
  Run r = d.home({"config"});
  CHECK(r.status == 1);
  std::string file = (d.root() / "etc/cairn/cairn.conf").string();
  CHECK_FALSE(LineWith(r.err, file + ":2: expected key = value").empty());
  CHECK(LineWith(r.out, "language =").find("es") != std::string::npos);
  CHECK(d.home({"config", "--get", "language"}).out == "es\n");
}

TEST_CASE("prepare-image removes the device's identity and keeps content and token",
          "[cli][image]") {
  Device d;
  REQUIRE(d.home({"init", "--standalone", "--school", "Riverside"}).status == 0);
  REQUIRE(d.home({"learner", "add", "Ada"}).status == 0);
  d.WriteEtc("enrollment-token", "cairn1.token\n");
  // What an enrolled device has: the sync client's record, and (taken by the
  // commands above) this machine's fingerprint.
  std::ofstream(d.data() / "sync.json") << R"({"credential": "secret", "cursor": 12})";
  std::string ops_before = d.home({"ops"}).out;
  const std::string fingerprint = ReadAll(d.data() / "machine-fingerprint");
  REQUIRE(fingerprint.size() == 65);

  SECTION("--dry-run says what it would remove and removes nothing") {
    Run r = d.home({"prepare-image", "--dry-run"});
    REQUIRE(r.status == 0);
    CHECK_FALSE(LineWith(r.out, (d.data() / "sync.json").string()).empty());
    CHECK(fs::exists(d.data() / "sync.json"));
    CHECK(ReadAll(d.data() / "machine-fingerprint") == fingerprint);
  }
  SECTION("it removes credential, cursors and fingerprint and prints IT's checklist") {
    Run r = d.home({"prepare-image"});
    REQUIRE(r.status == 0);
    CHECK_FALSE(fs::exists(d.data() / "sync.json"));
    CHECK(ReadAll(d.data() / "machine-fingerprint") == "prepared-image\n");
    // IT checks the image with doctor before capturing it: looking changes nothing.
    Run doctor = d.home({"doctor"});
    CHECK_FALSE(LineWith(doctor.out, "ok       machine: prepared for imaging").empty());
    CHECK(ReadAll(d.data() / "machine-fingerprint") == "prepared-image\n");
    CHECK_FALSE(LineWith(r.out, "truncate -s 0 /etc/machine-id").empty());
    CHECK(ReadAll(d.root() / "etc/cairn/enrollment-token") == "cairn1.token\n");
    CHECK(d.home({"ops"}).out == ops_before);  // the content stays, op for op
    // Running it again is harmless.
    CHECK(d.home({"prepare-image"}).status == 0);
  }
}


TEST_CASE("doctor shows the configuration with origins and checks token and machine",
          "[cli][doctor]") {
  Device d;
  REQUIRE(d.home({"init", "--standalone", "--school", "Riverside"}).status == 0);
  d.WriteEtc("conf.d/50-debconf.conf", "server_url = https://school.example:8443\n");
  d.WriteEtc("cairn.conf", "enrollment_token_file = " + (d.root() / "token").string() +
                               "\nnot a setting\n");
  // A token as `cairn-server token create` prints it (the server's parser reads it).
  std::ofstream(d.root() / "token")
      << sync::FormatToken({"https://school.example:8443", std::string(32, 'p'),
                            sync::Base64Url("a secret of twenty bytes")})
      << "\n";

  SECTION("a malformed line is one problem, named by file and line; every other check runs") {
    Run r = d.home({"doctor"});
    CHECK(r.status == 1);
    std::string conf = (d.root() / "etc/cairn/cairn.conf").string();
    CHECK_FALSE(LineWith(r.out, "PROBLEM  config: " + conf + ":2: expected key = value").empty());
    CHECK_FALSE(LineWith(r.out, "server_url = https://school.example:8443").empty());
    CHECK_FALSE(LineWith(r.out, "ok       token").find("https://school.example:8443") ==
                std::string::npos);
    CHECK_FALSE(LineWith(r.out, "ok       integrity").empty());
    CHECK_FALSE(LineWith(r.out, "ok       machine").empty());
    CHECK_FALSE(LineWith(r.err, "1 problem found").empty());
  }
  SECTION("doctor reports a store that last ran on another machine; the next command renews it") {
    d.WriteEtc("cairn.conf", "enrollment_token_file = " + (d.root() / "token").string() + "\n");
    REQUIRE(d.home({"doctor"}).status == 0);  // all is well first
    std::string before = ReadAll(d.data() / "device-id");
    std::ofstream(d.data() / "machine-fingerprint") << std::string(64, 'e') << "\n";
    Run r = d.home({"doctor"});
    INFO(r.out << r.err);
    CHECK(r.status == 1);
    CHECK_FALSE(
        LineWith(r.out, "PROBLEM  machine: this store last ran on another machine").empty());
    CHECK(ReadAll(d.data() / "device-id") == before);  // doctor only looks
    Run status = d.home({"status"});
    std::string after = ReadAll(d.data() / "device-id");
    CHECK(after != before);
    CHECK_FALSE(LineWith(status.err, "is now device " + after.substr(0, 32)).empty());
    // The next start is on the same machine again: nothing changes.
    CHECK(d.home({"doctor"}).status == 0);
    CHECK(ReadAll(d.data() / "device-id") == after);
  }
  SECTION("a token the server would not take is a problem, with the server parser's reason") {
    // Four parts and the right prefix, but its pin is no SHA-256: a weaker check
    // passed this, and the device would then fail to enroll at first boot.
    std::ofstream(d.root() / "token") << "cairn1.dXJs.cGlu.secret\n";
    Run r = d.home({"doctor"});
    CHECK_FALSE(LineWith(r.out, "PROBLEM  token: ")
                    .find("not a Cairn enrollment token: the "
                          "certificate pin is not a SHA-256") == std::string::npos);
  }
  SECTION("without a token on a device that names a server, doctor says where to put one") {
    std::filesystem::remove(d.root() / "token");
    Run r = d.home({"doctor"});
    CHECK_FALSE(LineWith(r.out, "PROBLEM  token: no enrollment token in").empty());
  }
}

}  // namespace
}  // namespace cairn::testing
