// The fault proxy itself: each fault does to a real server exchange what it says.
#include <catch2/catch.hpp>

#include "../server/server_testing.h"
#include "cairn/sync/wire.h"
#include "fault_proxy.h"

namespace cairn::testing {
namespace {

HttpRequest PushRequest(const TestDevice& device, const std::vector<Op>& ops) {
  Result<std::string> body = sync::Compress(sync::EncodeBatch(ops), sync::Codec::kZstd);
  return {"POST",
          "/v1/push",
          *body,
          {{"Content-Type", "application/json"},
           {"Content-Encoding", "zstd"},
           {"Authorization", "Bearer " + device.credential}}};
}

TEST_CASE("fault proxy: passes, refuses, cuts and duplicates real exchanges", "[faults]") {
  ServerFixture server;
  TestDevice device = server.Enroll(server::DeviceRole::kStudentDevice, {"A"});
  FaultProxy proxy(server.port(), /*seed=*/1, /*fault_rate=*/0);
  HttpRequest clock{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + device.credential}}};

  SECTION("a clean connection reaches the server") {
    CHECK(Send(proxy.port(), clock).status == 200);
    CHECK(proxy.Counts()[static_cast<size_t>(Fault::kPass)] == 1);
  }
  SECTION("a refused connection gets no reply") {
    proxy.ForceNext({Fault::kRefuse});
    CHECK_THROWS(Send(proxy.port(), clock));
    CHECK(Send(proxy.port(), clock).status == 200);
  }
  SECTION("a response cut after its first bytes is not a reply") {
    proxy.ForceNext({Fault::kCutResponse, 12});
    CHECK_THROWS(Send(proxy.port(), clock));
  }
  SECTION("a push cut mid-request stores nothing") {
    uint64_t before = server.OpCount();
    HttpRequest push = PushRequest(device, {device.MakeOp("attempt", {{"learner", "a1"}, {"item", "i1"},
                                                                       {"correct", true}}, 1)});
    proxy.ForceNext({Fault::kCutRequest, 200});  // inside the headers
    CHECK_THROWS(Send(proxy.port(), push));
    CHECK(server.OpCount() == before);
  }
  SECTION("a duplicated push is stored once") {
    uint64_t before = server.OpCount();
    HttpRequest push = PushRequest(device, {device.MakeOp("attempt", {{"learner", "a1"}, {"item", "i1"},
                                                                       {"correct", true}}, 1)});
    {
      FaultProxy duplicating(server.port(), 1, 0);
      duplicating.ForceNext({Fault::kDuplicate});
      CHECK(Send(duplicating.port(), push).status == 200);
    }  // the proxy's destructor waits for the replay
    std::string log = server.log().str();
    size_t pushes = 0;
    for (size_t at = log.find("/v1/push"); at != std::string::npos; at = log.find("/v1/push", at + 1)) ++pushes;
    CHECK(pushes == 2);
    CHECK(server.OpCount() == before + 1);
  }
  SECTION("a delayed connection still gets its reply") {
    proxy.ForceNext({Fault::kDelay, 0, 50});
    CHECK(Send(proxy.port(), clock).status == 200);
  }
}

// Found by the fault test: a late copy of an enroll request re-enrolled the
// (not yet synced) device and the credential it had been given stopped working.
TEST_CASE("a late copy of an enroll request does not lock the device out", "[faults]") {
  ServerFixture server;
  ServerFixture::Token token = server.CreateToken(server::DeviceRole::kStudentDevice, {"A"});
  Origin origin = Origin::Random();
  HttpRequest enroll{"POST",
                     "/v1/enroll",
                     nlohmann::json{{"join_code", token.join_code}, {"origin", origin.Hex()},
                                    {"name", "cart-7"}}
                         .dump(),
                     {{"Content-Type", "application/json"}}};
  std::string credential;
  {
    FaultProxy proxy(server.port(), 1, 0);
    proxy.ForceNext({Fault::kDuplicate});
    HttpReply first = Send(proxy.port(), enroll);
    REQUIRE(first.status == 200);
    credential = first.Json().at("credential");
  }  // the copy arrives once the first connection closed
  // The device retries as if that answer had been lost: one device, and every
  // answer it may have received works.
  HttpReply again = Send(server.port(), enroll);
  REQUIRE(again.status == 200);
  CHECK(again.Json().at("device") == "d1");
  for (const std::string& c : {credential, std::string(again.Json().at("credential"))}) {
    HttpRequest clock{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + c}}};
    CHECK(Send(server.port(), clock).status == 200);
  }
  // Once the device has been heard from, a late copy changes nothing.
  CHECK(Send(server.port(), enroll).status == 409);
  HttpRequest clock{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + credential}}};
  CHECK(Send(server.port(), clock).status == 200);
}

TEST_CASE("fault proxy: the same seed draws the same faults", "[faults]") {
  ServerFixture server;
  TestDevice device = server.Enroll(server::DeviceRole::kStudentDevice, {"A"});
  HttpRequest clock{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + device.credential}}};
  auto run = [&](uint64_t seed) {
    FaultProxy proxy(server.port(), seed, 0.5);
    std::vector<int> statuses;
    for (int i = 0; i < 30; ++i) {
      try {
        statuses.push_back(Send(proxy.port(), clock).status);
      } catch (const std::exception&) {
        statuses.push_back(-1);
      }
    }
    return std::make_pair(statuses, proxy.Counts());
  };
  auto a = run(7), b = run(7);
  CHECK(a.second == b.second);
  CHECK(a.second[static_cast<size_t>(Fault::kPass)] < 30);  // some faults were drawn
  CHECK(a.second[static_cast<size_t>(Fault::kPass)] > 0);
}

}  // namespace
}  // namespace cairn::testing
