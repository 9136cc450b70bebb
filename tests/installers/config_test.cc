#include "cairn/platform/config.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <string>

#include "platform/fake_env.h"
#include "platform/scratch_dir.h"

namespace cairn {
namespace {

namespace fs = std::filesystem;

// A machine in a directory: <root>/etc/cairn/..., a user file, an environment.
class Machine {
 public:
  Machine() {
    fs::create_directories(dir_ / "etc/cairn/conf.d");
    fs::create_directories(dir_ / "home");
  }
  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(dir_.path() / relative) << text;
  }
  std::string Path(const std::string& relative) const { return (dir_.path() / relative).string(); }
  void SetEnv(const std::string& name, const std::string& value) { env_[name] = value; }

  Config Load() const {
    ConfigSources sources;
    sources.root = dir_.path();
    sources.user_file = dir_.path() / "home/cairn.conf";
    sources.env = testing::FakeEnv(env_);
    return Config::Load(sources);
  }

 private:
  testing::ScratchDir dir_;
  std::map<std::string, std::string> env_;
};

TEST_CASE("each configuration layer overrides the one below it", "[platform][config]") {
  Machine m;
  SECTION("with nothing set, every key has its default") {
    Config c = m.Load();
    CHECK(c.Value("enrollment_token_file") == "/etc/cairn/enrollment-token");
    CHECK(c.Get("sync.window").origin == "default");
    CHECK(c.problems().empty());
    CHECK(c.files().empty());
  }
  m.Write("home/cairn.conf", "language = es\nserver_url = https://user.example\n");
  SECTION("the user's file overrides the defaults") {
    Config c = m.Load();
    CHECK(c.Value("language") == "es");
    CHECK(c.Get("language").origin == m.Path("home/cairn.conf") + ":1");
  }
  m.Write("etc/cairn/cairn.conf", "# IT's file\n\nserver_url = https://school.example:8443\n");
  SECTION("/etc/cairn/cairn.conf overrides the user's file, key by key") {
    Config c = m.Load();
    CHECK(c.Value("server_url") == "https://school.example:8443");
    CHECK(c.Get("server_url").origin == m.Path("etc/cairn/cairn.conf") + ":3");
    CHECK(c.Value("language") == "es");  // not set by IT: the user's stays
  }
  m.Write("etc/cairn/conf.d/50-debconf.conf", "server_url = https://debconf.example\n");
  m.Write("etc/cairn/conf.d/10-first.conf", "server_url = https://first.example\n");
  SECTION("conf.d overrides cairn.conf; a later file name overrides an earlier one") {
    Config c = m.Load();
    CHECK(c.Value("server_url") == "https://debconf.example");
    CHECK(c.Get("server_url").origin == m.Path("etc/cairn/conf.d/50-debconf.conf") + ":1");
    REQUIRE(c.files().size() == 4);
    CHECK(c.files()[2] == m.Path("etc/cairn/conf.d/10-first.conf"));
  }
  SECTION("files in conf.d not named *.conf are not read (dpkg leftovers, backups)") {
    m.Write("etc/cairn/conf.d/99-old.conf.dpkg-old", "server_url = https://stale.example\n");
    m.Write("etc/cairn/conf.d/99-edit.conf~", "server_url = https://backup.example\n");
    CHECK(m.Load().Value("server_url") == "https://debconf.example");
  }
  SECTION("the environment overrides every file") {
    m.SetEnv("CAIRN_SERVER_URL", "https://env.example");
    m.SetEnv("CAIRN_NETWORK_MAX_SEND_RATE", "64k");
    Config c = m.Load();
    CHECK(c.Value("server_url") == "https://env.example");
    CHECK(c.Get("server_url").origin == "env CAIRN_SERVER_URL");
    CHECK(c.ByteRate("network.max_send_rate") == 64 * 1024);
  }
}

TEST_CASE("sections, quotes and comments in a config file", "[platform][config]") {
  Machine m;
  m.Write("etc/cairn/cairn.conf",
          "; a comment\n"
          "  # an indented comment\n"
          "language = \"en\"\n"
          "[network]\n"
          "metered_default = yes\n"
          "max_recv_rate=2M\n"
          "[sync]\n"
          "window = 07:30-16:00\n");
  Config c = m.Load();
  CHECK(c.problems().empty());
  CHECK(c.Value("language") == "en");
  CHECK(c.Bool("network.metered_default"));
  CHECK(c.ByteRate("network.max_recv_rate") == 2 * 1024 * 1024);
  CHECK(c.Value("sync.window") == "07:30-16:00");
  CHECK(c.Get("sync.window").origin == m.Path("etc/cairn/cairn.conf") + ":8");
}

TEST_CASE("a malformed config file names the file and line, and the rest still loads",
          "[platform][config]") {
  Machine m;
  m.Write("home/cairn.conf", "network.max_send_rate = 32k\n");
  m.Write("etc/cairn/cairn.conf",
          "server_url = https://school.example\n"
          "this line has no equals sign\n"
          "network.max_send_rate = fast\n"
          "colour = blue\n"
          "[broken\n"
          "language = es\n");
  m.SetEnv("CAIRN_SYNC_WINDOW", "25:00-26:00");
  Config c = m.Load();
  std::string file = m.Path("etc/cairn/cairn.conf");
  REQUIRE(c.problems().size() == 5);
  CHECK(c.problems()[0] ==
        file + ":2: expected key = value, got 'this line has no equals sign'");
  CHECK(c.problems()[1].rfind(file + ":3: network.max_send_rate = 'fast': expected bytes", 0) ==
        0);
  CHECK(c.problems()[2].rfind(file + ":4: unknown key 'colour'", 0) == 0);
  CHECK(c.problems()[3].rfind(file + ":5: a section header is [name]", 0) == 0);
  CHECK(c.problems()[4].rfind("env CAIRN_SYNC_WINDOW: sync.window = '25:00-26:00'", 0) == 0);
  // Every good line around the bad ones counts; a bad value leaves the layer below.
  CHECK(c.Value("server_url") == "https://school.example");
  CHECK(c.Value("language") == "es");
  CHECK(c.ByteRate("network.max_send_rate") == 32 * 1024);
  CHECK(c.Value("sync.window") == "always");
}

TEST_CASE("config values are checked by their kind", "[platform][config]") {
  CHECK(ParseByteRate("0") == 0u);
  CHECK(ParseByteRate("1500") == 1500u);
  CHECK(ParseByteRate("-1") == std::nullopt);
  CHECK(ParseByteRate("k") == std::nullopt);
  CHECK(ParseBool("Off") == false);
  CHECK(ParseBool("maybe") == std::nullopt);
  Machine m;
  m.Write("etc/cairn/cairn.conf",
          "server_url = ftp://school.example\n"
          "enrollment_token_file = token.txt\n"
          "language = English\n"
          "sync.window = 16:00-07:30\n");
  Config c = m.Load();
  CHECK(c.problems().size() == 3);
  CHECK(c.Value("server_url").empty());
  CHECK(c.Value("sync.window") == "16:00-07:30");  // a window may wrap past midnight
}

TEST_CASE("each key's environment variable is CAIRN_ and its name in capitals",
          "[platform][config]") {
  CHECK(ConfigEnvVar("network.max_send_rate") == "CAIRN_NETWORK_MAX_SEND_RATE");
  CHECK(ConfigEnvVar("server_url") == "CAIRN_SERVER_URL");
  SECTION("CAIRN_CONFIG_ROOT moves the system files; the user file follows CAIRN_HOME") {
    ConfigSources s = DefaultConfigSources(
        testing::FakeEnv({{"CAIRN_CONFIG_ROOT", "/tmp/root"}, {"CAIRN_HOME", "/tmp/home"}}));
    CHECK(s.root == fs::path("/tmp/root"));
    CHECK(s.user_file == fs::path("/tmp/home/config/cairn.conf"));
  }
}

}  // namespace
}  // namespace cairn
