// `cairnctl sync` takes the network policy from the configuration (installers/
// README.md): one test per key, each showing the behaviour change a school sees.
// A real cairn-server in this process (server_testing.h) and cairnctl devices.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "cairn/platform/network.h"
#include "cli/cairnctl_runner.h"
#include "sync/server/server_testing.h"

namespace cairn::testing {
namespace {

using server::DeviceRole;

// A device enrolled with a join code as a teacher device of class A.
void EnrollTeacherDevice(ServerFixture& server, const CairnctlHome& device) {
  ServerFixture::Token token = server.CreateToken(DeviceRole::kTeacherDevice, {"A"});
  Run r = device(
      {"enroll", token.join_code, "--server", "http://127.0.0.1:" + std::to_string(server.port())});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
}

// How long one `cairnctl sync --once` takes; `out` gets what it printed.
double SecondsToSync(const CairnctlHome& device, std::string& out) {
  auto start = std::chrono::steady_clock::now();
  Run r = device({"sync", "--once"});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  out = r.out;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

struct ConfigEnv {
  ConfigEnv() { ::setenv("CAIRN_CONFIG_ROOT", "/nonexistent", 1); }
  ~ConfigEnv() {
    for (const char* v :
         {"CAIRN_CONFIG_ROOT", "CAIRN_NETWORK_MAX_RECV_RATE", "CAIRN_NETWORK_METERED_DEFAULT",
          "CAIRN_SYNC_WINDOW", "CAIRN_SERVER_URL"}) {
      ::unsetenv(v);
    }
  }
};

TEST_CASE("network.max_recv_rate caps how fast a sync receives", "[installers][config][sync]") {
  ConfigEnv env;
  ServerFixture server;
  // About 300 KB of notes that compress poorly (random letters) for the devices to pull.
  TestDevice teacher = server.Enroll(DeviceRole::kTeacherDevice, {"A"});
  std::vector<Op> notes;
  for (int i = 1; i <= 150; ++i) {
    std::string text;
    for (int k = 0; k < 2000; ++k) text.push_back(static_cast<char>('a' + (std::rand() % 26)));
    notes.push_back(teacher.MakeOp(
        "note", {{"note", "n" + std::to_string(i)}, {"learner", "a1"}, {"text", text}},
        static_cast<uint64_t>(i)));
  }
  REQUIRE(server.Push(teacher, notes).status == 200);

  CairnctlHome free_device, capped_device;
  EnrollTeacherDevice(server, free_device);
  EnrollTeacherDevice(server, capped_device);
  std::string free_out, capped_out;
  double uncapped = SecondsToSync(free_device, free_out);
  ::setenv("CAIRN_NETWORK_MAX_RECV_RATE", "32k", 1);
  double capped = SecondsToSync(capped_device, capped_out);
  INFO("uncapped " << uncapped << " s: " << free_out << "capped at 32 KiB/s " << capped
                   << " s: " << capped_out);
  CHECK(capped > 3.0);  // ~180 KB compressed at 32 KiB/s: about 5.5 s
  CHECK(capped > 3 * uncapped);
}

TEST_CASE("outside sync.window cairnctl sync contacts no server and says why",
          "[installers][config][sync]") {
  ConfigEnv env;
  ServerFixture server;
  CairnctlHome device;
  EnrollTeacherDevice(server, device);
  int now = LocalMinuteOfDay(SystemClock().NowMillis());
  auto hhmm = [](int minute) {
    char text[16];
    std::snprintf(text, sizeof text, "%02d:%02d", (minute / 60) % 24, minute % 60);
    return std::string(text);
  };
  std::string window = hhmm((now + 120) % 1440) + "-" + hhmm((now + 180) % 1440);
  ::setenv("CAIRN_SYNC_WINDOW", window.c_str(), 1);
  // The enrollment's log line is written after its answer: let it land first.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  size_t log_before = server.log().str().size();
  Run r = device({"sync", "--once"});
  INFO(r.out << r.err);
  CHECK(r.status == 3);
  CHECK_FALSE(LineWith(r.err, "not syncing now: outside the sync window " + window).empty());
  CHECK(server.log().str().size() == log_before);  // not one request

  ::setenv("CAIRN_SYNC_WINDOW", (hhmm((now + 1380) % 1440) + "-" + hhmm((now + 60) % 1440)).c_str(),
           1);
  CHECK(device({"sync", "--once"}).status == 0);  // inside a window that wraps midnight
}

TEST_CASE("network.metered_default makes an unknown link metered: only ops sync",
          "[installers][config][sync]") {
  ConfigEnv env;
  ServerFixture server;
  CairnctlHome device;
  EnrollTeacherDevice(server, device);
  // Here NetworkManager does not answer, so the link's metered state is unknown.
  Run plain = device({"sync", "--once"});
  REQUIRE(plain.status == 0);
  CHECK(LineWith(plain.out, "Only ops sync now").empty());
  ::setenv("CAIRN_NETWORK_METERED_DEFAULT", "true", 1);
  Run metered = device({"sync", "--once"});
  INFO(metered.out << metered.err);
  REQUIRE(metered.status == 0);
  CHECK_FALSE(LineWith(metered.out,
                       "Only ops sync now: the link's metered state is unknown and "
                       "the school treats unknown links as metered")
                  .empty());
}

TEST_CASE("server_url is the server a join code enrolls with when --server is not given",
          "[installers][config][sync]") {
  ConfigEnv env;
  ServerFixture server;
  CairnctlHome device;
  ServerFixture::Token token = server.CreateToken(DeviceRole::kStudentDevice, {"A"});
  Run without = device({"enroll", token.join_code});
  CHECK(without.status != 0);
  CHECK_FALSE(LineWith(without.err, "a join code needs the server's address").empty());
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  ::setenv("CAIRN_SERVER_URL", url.c_str(), 1);
  Run with = device({"enroll", token.join_code});
  INFO(with.out << with.err);
  CHECK(with.status == 0);
  CHECK_FALSE(LineWith(with.out, "Enrolled this device with " + url).empty());
}

}  // namespace
}  // namespace cairn::testing
