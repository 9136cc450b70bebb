#include "cairn/agent/op.h"

#include <catch2/catch.hpp>

#include "agent/store_testing.h"

namespace cairn {
namespace {

using testing::Must;
using testing::TestOrigin;

TEST_CASE("op ids print as origin:seq and parse back", "[agent]") {
  OpId id{Origin::Random(), 17};
  std::string text = id.ToString();
  CHECK(text == id.origin.Hex() + ":17");
  CHECK(Must(OpId::Parse(text)) == id);

  OpId big{id.origin, UINT64_MAX};
  CHECK(Must(OpId::Parse(big.ToString())) == big);

  std::string hex = id.origin.Hex();
  for (const std::string& bad :
       {std::string(""), hex, hex + ":", hex + ":0", hex + ":-1", hex + ":+1", hex + ":1x",
        hex + ": 1", hex + ":18446744073709551616", hex.substr(1) + ":1",
        std::string(31, '0') + "q:1"}) {
    INFO(bad);
    Result<OpId> r = OpId::Parse(bad);
    CHECK_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
  }
  CHECK_THAT(OpId::Parse(hex + ":0").status().message(), Catch::Contains("seq"));
}

TEST_CASE("ops survive the trip through their JSON form", "[agent]") {
  Op op{TestOrigin(1),
        42,
        MakeHlc(1'790'000'000'000, 3),
        "attempt",
        {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}, {"score", 0.5}}};
  json j = OpToJson(op);
  CHECK(j.at("origin") == op.origin.Hex());
  CHECK(j.at("seq") == 42);
  CHECK(j.at("kind") == "attempt");
  Op back = Must(OpFromJson(j));
  CHECK(testing::SameOp(back, op));
  CHECK(Must(OpFromJson(json::parse(j.dump()))).body == op.body);
}

TEST_CASE("an op envelope that is not well-formed is refused saying which part", "[agent]") {
  json good = OpToJson(Op{TestOrigin(1), 1, 5, "signin", {{"learner", "l"}}});
  auto with = [&](const char* key, json value) {
    json j = good;
    j[key] = std::move(value);
    return j;
  };
  auto without = [&](const char* key) {
    json j = good;
    j.erase(key);
    return j;
  };
  struct Case {
    const char* what;
    json j;
    const char* mentions;
  };
  for (const Case& c : {
           Case{"not an object", json::array({1, 2}), "object"},
           Case{"no origin", without("origin"), "origin"},
           Case{"origin a number", with("origin", 7), "origin"},
           Case{"origin not hex", with("origin", std::string(32, 'x')), "origin"},
           Case{"origin too short", with("origin", "abcd"), "origin"},
           Case{"no seq", without("seq"), "seq"},
           Case{"seq negative", with("seq", -1), "seq"},
           Case{"seq fractional", with("seq", 1.5), "seq"},
           Case{"seq text", with("seq", "1"), "seq"},
           Case{"seq zero", with("seq", 0), "seq"},
           Case{"no hlc", without("hlc"), "hlc"},
           Case{"hlc negative", with("hlc", -5), "hlc"},
           Case{"hlc past 63 bits", with("hlc", uint64_t{1} << 63), "hlc"},
           Case{"no kind", without("kind"), "kind"},
           Case{"kind a number", with("kind", 40), "kind"},
           Case{"no body", without("body"), "body"},
           Case{"body a list", with("body", json::array()), "body"},
       }) {
    INFO(c.what);
    Result<Op> r = OpFromJson(c.j);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains(c.mentions));
  }
  CHECK(OpFromJson(good).ok());
}

}  // namespace
}  // namespace cairn
