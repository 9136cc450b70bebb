// cairnctl doctor's sync checks on an enrolled device, against a real cairn-server
// in this process (server_testing.h; plain HTTP on loopback, a fake clock) and
// after it has gone. The certificate pin is checked over TLS in clone_test.cc.
#include <stdlib.h>

#include <catch2/catch.hpp>
#include <memory>

#include "cli/cairnctl_runner.h"
#include "sync/server/server_testing.h"

namespace cairn::testing {
namespace {

TEST_CASE("doctor asks the school server as a sync would and says how to fix what is wrong",
          "[installers][doctor]") {
  ::setenv("CAIRN_CONFIG_ROOT", "/nonexistent", 1);  // no /etc/cairn of this machine
  CairnctlHome device;
  auto server = std::make_unique<ServerFixture>();
  const std::string url = "http://127.0.0.1:" + std::to_string(server->port());
  ServerFixture::Token token = server->CreateToken(server::DeviceRole::kStudentDevice, {"A"});
  Run enrolled = device({"enroll", token.join_code, "--server", url});
  INFO(enrolled.out << enrolled.err);
  REQUIRE(enrolled.status == 0);
  REQUIRE(device({"sync", "--once"}).status == 0);

  // The server's clock is weeks behind this computer's (its FakeClock).
  Run skewed = device({"doctor"});
  INFO(skewed.out << skewed.err);
  CHECK(skewed.status == 1);
  CHECK_FALSE(LineWith(skewed.out, "ok       server: " + url + " answers as d").empty());
  CHECK_FALSE(LineWith(skewed.out, "PROBLEM  clock skew: this computer's clock is").empty());
  CHECK_FALSE(LineWith(skewed.out, "fix: set the date and time").empty());
  CHECK(LineWith(skewed.out, "PROBLEM  clock skew").find("ahead of") != std::string::npos);
  CHECK_FALSE(LineWith(skewed.out, "ok       last sync: ").empty());
  CHECK(LineWith(skewed.out, "ok       last sync: ").find("never") == std::string::npos);
  CHECK_FALSE(LineWith(skewed.out, "ok       pending: 0 ops").empty());

  server->clock().Set(SystemClock().NowMillis());
  Run well = device({"doctor"});
  INFO(well.out << well.err);
  CHECK(well.status == 0);
  CHECK_FALSE(LineWith(well.out, "ok       clock skew: this computer's clock is").empty());

  server.reset();  // the server is gone
  Run gone = device({"doctor"});
  INFO(gone.out << gone.err);
  CHECK(gone.status == 1);
  CHECK_FALSE(LineWith(gone.out, "PROBLEM  server: " + url + " cannot be reached").empty());
  CHECK_FALSE(LineWith(gone.out, "fix: check this computer's network").empty());
  CHECK(device({"sync", "--once"}).status == 3);
  Run after = device({"doctor"});
  CHECK_FALSE(LineWith(after.out, "PROBLEM  last sync: ").empty());
  ::unsetenv("CAIRN_CONFIG_ROOT");
}

}  // namespace
}  // namespace cairn::testing
