// The network policy: what may sync given reachability and the metered state,
// and NetworkManager's state read over D-Bus ("unknown" without a system bus).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "cairn/platform/network.h"

namespace cairn::testing {
namespace {

// A policy with no sync window, unknown links treated as `metered`.
NetworkPolicy UnknownIs(Metered metered) {
  NetworkPolicy policy;
  policy.unknown_is = metered;
  return policy;
}

}  // namespace

TEST_CASE("an unknown metered state follows the school's default", "[sync][network]") {
  SyncAllowance as_metered = DecideSync(true, Metered::kUnknown, UnknownIs(Metered::kYes));
  CHECK(as_metered.ops);
  CHECK_FALSE(as_metered.blobs);
  CHECK(as_metered.metered == Metered::kYes);
  CHECK(as_metered.reason.find("unknown") != std::string::npos);
  SyncAllowance as_free = DecideSync(true, Metered::kUnknown, UnknownIs(Metered::kNo));
  CHECK(as_free.ops);
  CHECK(as_free.blobs);
  CHECK(as_free.reason.empty());
}

TEST_CASE("a metered link syncs ops only, an unreachable server nothing", "[sync][network]") {
  SyncAllowance metered = DecideSync(true, Metered::kYes, UnknownIs(Metered::kNo));
  CHECK(metered.ops);
  CHECK_FALSE(metered.blobs);
  CHECK(metered.reason.find("metered") != std::string::npos);
  SyncAllowance free_link = DecideSync(true, Metered::kNo, UnknownIs(Metered::kYes));
  CHECK(free_link.blobs);
  SyncAllowance away = DecideSync(false, Metered::kNo, {});
  CHECK_FALSE(away.ops);
  CHECK_FALSE(away.blobs);
  CHECK(away.reason.find("cannot be reached") != std::string::npos);
}

TEST_CASE("without a system bus NetworkManager's metered state is unknown, at once",
          "[sync][network]") {
  const char* saved = getenv("DBUS_SYSTEM_BUS_ADDRESS");
  std::string keep = saved ? saved : "";
  setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/cairn-test-bus", 1);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(NetworkManagerMetered() == Metered::kUnknown);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  if (saved) {
    setenv("DBUS_SYSTEM_BUS_ADDRESS", keep.c_str(), 1);
  } else {
    unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
  }
  CHECK(MeteredFromName("metered") == Metered::kYes);
  CHECK(MeteredFromName("unmetered") == Metered::kNo);
  CHECK(MeteredFromName("sometimes") == Metered::kUnknown);
}

TEST_CASE("the reachability probe sees a listening server and not a closed port",
          "[sync][network]") {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  std::string url = "https://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v1/pull";
  CHECK(ProbeReachable(url, 1000));
  ::close(fd);
  CHECK_FALSE(ProbeReachable(url, 1000));
  CHECK_FALSE(ProbeReachable("ftp://127.0.0.1:21", 1000));
}

TEST_CASE("server URLs give their host and port", "[sync][network]") {
  CHECK(HostPortOfUrl("https://school.example:8443")->port == 8443);
  CHECK(HostPortOfUrl("https://school.example")->port == 443);
  CHECK(HostPortOfUrl("http://10.0.0.5/x")->host == "10.0.0.5");
  CHECK(HostPortOfUrl("https://[::1]:9000")->host == "::1");
  CHECK(HostPortOfUrl("https://[::1]:9000")->port == 9000);
  CHECK_FALSE(HostPortOfUrl("school.example:8443").ok());
  CHECK_FALSE(HostPortOfUrl("https://school.example:99999").ok());
  CHECK_FALSE(HostPortOfUrl("https://:8443").ok());
}

}  // namespace cairn::testing
