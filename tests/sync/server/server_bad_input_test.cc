// cairn-server facing broken or hostile requests: each gets the status and the
// message a person debugging a device would need, and nothing is stored.
#include <catch2/catch.hpp>

#include "cairn/sync/wire.h"
#include "server_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using server::DeviceRole;

std::string Message(const HttpReply& r) { return r.Json().value("message", ""); }

HttpReply PushRaw(ServerFixture& f, const TestDevice& d, std::string body,
                  std::map<std::string, std::string> headers) {
  headers["Authorization"] = "Bearer " + d.credential;
  return Send(f.port(), {"POST", "/v1/push", std::move(body), std::move(headers)});
}

const std::map<std::string, std::string> kJson = {{"Content-Type", "application/json"}};

}  // namespace

TEST_CASE("bad push bodies get a clear 4xx and store nothing", "[sync]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  uint64_t count = f.OpCount();
  std::string digest = f.Digest();

  SECTION("malformed JSON") {
    HttpReply r = PushRaw(f, d, "{\"v\":1,", kJson);
    CHECK(r.status == 400);
    CHECK_THAT(Message(r), Catch::StartsWith("JSON body is malformed"));
  }
  SECTION("deeply nested JSON") {
    HttpReply r = PushRaw(f, d, std::string(100000, '[') + std::string(100000, ']'), kJson);
    CHECK(r.status == 400);
    CHECK_THAT(Message(r), Catch::StartsWith("JSON nested deeper than 16 levels"));
  }
  SECTION("invalid UTF-8") {
    HttpReply r = PushRaw(f, d, "{\"v\":1,\"x\":\"\xff\xfe\"}", kJson);
    CHECK(r.status == 400);
    CHECK_THAT(Message(r), Catch::StartsWith("JSON body is not valid UTF-8"));
  }
  SECTION("a body larger than the limit") {
    HttpReply r = PushRaw(f, d, std::string((4 << 20) + 10, ' '), kJson);
    CHECK(r.status == 413);
    CHECK(Message(r) == "request body larger than 4194304 bytes (limit)");
  }
  SECTION("a zstd bomb") {
    std::string bomb = *sync::Compress(std::string(64 << 20, ' '), sync::Codec::kZstd);
    REQUIRE(bomb.size() < 100000);
    auto headers = kJson;
    headers["Content-Encoding"] = "zstd";
    HttpReply r = PushRaw(f, d, bomb, headers);
    CHECK(r.status == 413);
    CHECK_THAT(Message(r), Catch::StartsWith("body expands past 33554432 bytes"));
  }
  SECTION("a wrong content type") {
    HttpReply r = PushRaw(f, d, "{}", {{"Content-Type", "text/plain"}});
    CHECK(r.status == 415);
    CHECK(Message(r) == "expected Content-Type: application/json, got \"text/plain\"");
  }
  SECTION("an encoding the server does not speak") {
    auto headers = kJson;
    headers["Content-Encoding"] = "br";
    HttpReply r = PushRaw(f, d, "{}", headers);
    CHECK(r.status == 415);
    CHECK_THAT(Message(r), Catch::StartsWith("unsupported Content-Encoding \"br\""));
  }
  SECTION("a corrupt zstd body") {
    auto headers = kJson;
    headers["Content-Encoding"] = "zstd";
    HttpReply r = PushRaw(f, d, "not zstd at all", headers);
    CHECK(r.status == 400);
    CHECK_THAT(Message(r), Catch::StartsWith("zstd body is not a valid zstd frame"));
  }
  SECTION("more ops than a batch may hold") {
    std::vector<Op> ops;
    for (uint64_t s = 1; s <= 5001; ++s) ops.push_back(d.MakeOp("signin", {{"learner", "a1"}}, s));
    HttpReply r = f.Push(d, ops);
    CHECK(r.status == 413);
    CHECK_THAT(Message(r), Catch::Contains("more than the limit of 5000"));
  }
  SECTION("an op that does not match its kind") {
    HttpReply r =
        f.Push(d, {d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i"}, {"correct", "yes"}}, 1)});
    CHECK(r.status == 400);
    CHECK_THAT(Message(r), Catch::Contains("attempt.correct"));
  }
  SECTION("headers larger than the limit") {
    HttpReply r = PushRaw(
        f, d, "{}", {{"Content-Type", "application/json"}, {"X-Filler", std::string(10000, 'x')}});
    CHECK(r.status == 431);
    CHECK(Message(r) == "request headers larger than 8192 bytes (limit)");
  }
  SECTION("a request without a credential") {
    HttpReply r = Send(f.port(), {"POST", "/v1/push", "{}", kJson});
    CHECK(r.status == 401);
    CHECK_THAT(Message(r), Catch::Contains("Authorization: Bearer"));
  }
  SECTION("an unknown endpoint and a wrong method") {
    CHECK(f.Get(d, "/v1/nope").status == 404);
    HttpReply r = f.Get(d, "/v1/push");
    CHECK(r.status == 405);
    CHECK(Message(r) == "use POST for /v1/push");
  }
  CHECK(f.OpCount() == count);
  CHECK(f.Digest() == digest);
}

TEST_CASE("a device over its request rate gets 429 with Retry-After", "[sync]") {
  ServerFixture f(/*requests_per_second=*/0.5, /*burst=*/5);
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  int limited = 0;
  HttpReply last;
  for (int i = 0; i < 10 && limited == 0; ++i) {
    last = f.Get(d, "/v1/clock");
    if (last.status == 429) ++limited;
  }
  REQUIRE(limited == 1);
  CHECK(last.headers.count("retry-after") == 1);
  CHECK_THAT(Message(last), Catch::StartsWith("too many requests from this device; retry in"));
}

TEST_CASE("the log has one line per request with device, route, status, bytes and time", "[sync]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  REQUIRE(f.Get(d, "/v1/clock").status == 200);
  f.server().Stop();
  std::string log = f.log().str();
  CHECK_THAT(log, Catch::Contains("device=- POST /v1/enroll 200 in="));
  CHECK_THAT(log, Catch::Contains("device=" + d.label + " GET /v1/clock 200 in="));
  CHECK_THAT(log, Catch::Matches("(.*\n)?.* out=[0-9]+ [0-9.]+ms\n(.*\n)*"));
}

}  // namespace cairn::testing
