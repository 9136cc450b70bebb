// The batch encoding round-trips every op exactly and reads the way PROTOCOL.md says.
#include <catch2/catch.hpp>

#include "cairn/agent/kinds.h"
#include "cairn/sync/wire.h"
#include "sync/protocol/wire_testing.h"

namespace cairn::sync {
namespace {

using nlohmann::json;

void RequireSameOps(const std::vector<Op>& got, const std::vector<Op>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("op " << i << ": " << OpToJson(want[i]).dump());
    REQUIRE(OpToJson(got[i]) == OpToJson(want[i]));
    REQUIRE(OpToJson(got[i]).dump() == OpToJson(want[i]).dump());
  }
}

TEST_CASE("an op of every kind comes back from the wire exactly as it was sent", "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  for (const Op& op : ops) REQUIRE(ValidateBody(*FindKind(op.kind), op.body).ok());
  std::string body = EncodeBatch(ops);
  Result<std::vector<Op>> back = DecodeBatch(body, WireLimits{});
  REQUIRE(back.ok());
  RequireSameOps(*back, ops);
  // Every kind travelled in columns, none raw.
  json batch = json::parse(body);
  CHECK_FALSE(batch.contains("r"));
  CHECK(batch.at("o") == "9f3c00112233445566778899aabbccdd");
}

TEST_CASE("random valid batches from many origins round-trip exactly, over many seeds", "[sync]") {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    std::mt19937_64 rng(seed);
    size_t n = rng() % 300;
    std::vector<Op> ops = testing::RandomOps(rng, n, 1 + rng() % 4);
    std::string body = EncodeBatch(ops);
    Result<std::vector<Op>> back = DecodeBatch(body, WireLimits{});
    INFO("seed " << seed);
    if (!back.ok()) FAIL(back.status().ToString());
    RequireSameOps(*back, ops);
    // And through each codec.
    for (Codec c : {Codec::kZstd, Codec::kGzip}) {
      Result<std::string> z = Compress(body, c);
      REQUIRE(z.ok());
      Result<std::string> text = DecodeContent(*z, c, WireLimits{});
      REQUIRE(text.ok());
      REQUIRE(*text == body);
    }
  }
}

TEST_CASE("an empty batch is a valid batch of no ops", "[sync]") {
  std::string body = EncodeBatch({});
  CHECK(body == R"({"k":[],"n":0,"s":[],"t":[],"v":1})");
  Result<std::vector<Op>> back = DecodeBatch(body, WireLimits{});
  REQUIRE(back.ok());
  CHECK(back->empty());
}

TEST_CASE("a batch names its origin once, and each op's origin when there are several", "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  json one = EncodeBatchJson(ops);
  CHECK(one.contains("o"));
  CHECK_FALSE(one.contains("os"));
  ops[1].origin = *Origin::FromHex("00000000000000000000000000000001");
  json two = EncodeBatchJson(ops);
  CHECK_FALSE(two.contains("o"));
  CHECK(two.at("os").size() == 2);
  CHECK(two.at("oi")[1] == 1);
  Result<std::vector<Op>> back = DecodeBatchJson(two, WireLimits{});
  REQUIRE(back.ok());
  RequireSameOps(*back, ops);
}

TEST_CASE(
    "seq and hlc are written as differences, and counters only where a clock would not put them",
    "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  ops.resize(3);
  ops[0].seq = 41, ops[1].seq = 42, ops[2].seq = 43;
  ops[0].hlc = MakeHlc(1795421763075, 0);
  ops[1].hlc = MakeHlc(1795421763075, 1);  // same millisecond: the counter moves on
  ops[2].hlc = MakeHlc(1795421765075, 0);
  json batch = EncodeBatchJson(ops);
  CHECK(batch.at("s") == json({41, 1, 1}));
  CHECK(batch.at("t") == json({1795421763075, 0, 2000}));
  CHECK_FALSE(batch.contains("c"));
  ops[2].hlc = MakeHlc(1795421765075, 7);
  batch = EncodeBatchJson(ops);
  CHECK(batch.at("c") == json({0, 0, 7}));
  Result<std::vector<Op>> back = DecodeBatchJson(batch, WireLimits{});
  REQUIRE(back.ok());
  RequireSameOps(*back, ops);
}

TEST_CASE("ops out of seq and clock order, and extreme values, still come back exactly", "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  ops.resize(4);
  ops[0].seq = ~uint64_t{0};
  ops[0].hlc = kMaxHlc;
  ops[1].seq = 1;
  ops[1].hlc = 0;
  ops[2].seq = uint64_t{1} << 63;
  ops[2].hlc = MakeHlc(5, 0xffff);
  ops[3].seq = 2;
  ops[3].hlc = MakeHlc(5, 0xffff);  // same millisecond, counter does not move on
  Result<std::vector<Op>> back = DecodeBatch(EncodeBatch(ops), WireLimits{});
  REQUIRE(back.ok());
  RequireSameOps(*back, ops);
}

TEST_CASE("an attempt travels as columns: enums by index, booleans as 0/1, strings inline",
          "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  std::vector<Op> day(ops.end() - 3, ops.end() - 1);  // the attempt and the activity
  json batch = EncodeBatchJson(day);
  // attempt (40): learner, item, lesson, response, correct, score (absent), duration_ms, hints
  CHECK(batch.at("b").at("40") ==
        json::parse(R"([["b9c8b9ff-e46e-4627-9419-c7723226db94"],["math.frac.c07.lesson3.item06"],)"
                    R"(["math.frac.c07.lesson3"],["921.0"],[1],null,[66544],[0]])"));
  // activity (41): event "completed" is value 2 of started, resumed, completed, left
  CHECK(batch.at("b").at("41")[2] == json({2}));
  CHECK(batch.at("k") == json({40, 41}));
}

TEST_CASE("an op that does not fit the columns travels raw and still comes back exactly",
          "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  ops.resize(2);
  Op odd = ops[0];
  odd.seq = 3;
  odd.kind = "attempt";
  odd.body = {{"learner", "a"}, {"item", "b"}, {"correct", true}, {"duration_ms", 3.0}};
  ops.push_back(odd);  // 3.0 is a whole number written as a float: valid, but not an int
  json batch = EncodeBatchJson(ops);
  REQUIRE(batch.contains("r"));
  CHECK(batch.at("r")[0][0] == 2);
  CHECK(batch.at("k")[2].is_null());
  Result<std::vector<Op>> back = DecodeBatchJson(batch, WireLimits{});
  REQUIRE(back.ok());
  RequireSameOps(*back, ops);
}

TEST_CASE("an invalid op is encoded faithfully and refused by the decoder with its index",
          "[sync]") {
  std::vector<Op> ops = testing::OneOfEveryKind();
  ops.resize(3);
  SECTION("a null field does not turn into an absent one") {
    ops[2].kind = "attempt";
    ops[2].body = {{"learner", "a"}, {"item", "b"}, {"correct", true}, {"hints", nullptr}};
    Result<std::vector<Op>> back = DecodeBatch(EncodeBatch(ops), WireLimits{});
    REQUIRE_FALSE(back.ok());
    CHECK(back.status().message() ==
          "batch op 2 (attempt): attempt.hints: null is not a value; leave the field out");
  }
  SECTION("a kind this Cairn does not know") {
    ops[1].kind = "hologram";
    ops[1].body = {{"x", 1}};
    Result<std::vector<Op>> back = DecodeBatch(EncodeBatch(ops), WireLimits{});
    REQUIRE_FALSE(back.ok());
    CHECK(
        back.status().message() ==
        "batch op 1 (hologram): unknown kind 'hologram' (sent by a newer Cairn? update this one)");
  }
  SECTION("a value of the wrong type") {
    ops[2].kind = "attempt";
    ops[2].body = {{"learner", "a"}, {"item", "b"}, {"correct", "yes"}};
    Result<std::vector<Op>> back = DecodeBatch(EncodeBatch(ops), WireLimits{});
    REQUIRE_FALSE(back.ok());
    CHECK(back.status().message() ==
          "batch op 2 (attempt): attempt.correct: expected true or false, got \"yes\"");
  }
}

}  // namespace
}  // namespace cairn::sync
