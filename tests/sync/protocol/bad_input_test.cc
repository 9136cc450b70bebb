// Broken and hostile batches: each is refused with a message naming what is wrong,
// in bounded time and memory, and nothing crashes.
#include <catch2/catch.hpp>

#include "cairn/sync/query.h"
#include "cairn/sync/wire.h"
#include "sync/protocol/wire_testing.h"

namespace cairn::sync {
namespace {

using nlohmann::json;

std::string Refusal(std::string_view body, const WireLimits& limits = WireLimits{}) {
  Result<std::vector<Op>> r = DecodeBatch(body, limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  return r.status().message();
}

std::string RefusalOf(const json& batch) { return Refusal(std::string_view(batch.dump())); }

json Good() { return EncodeBatchJson(testing::OneOfEveryKind()); }

TEST_CASE("a truncated batch is refused at every length, never crashing", "[sync]") {
  std::string body = Good().dump();
  for (size_t len = 0; len < body.size(); len += 7) {
    Result<std::vector<Op>> r = DecodeBatch(body.substr(0, len), WireLimits{});
    REQUIRE_FALSE(r.ok());
  }
  CHECK(Refusal(body.substr(0, 10)) ==
        "JSON body is malformed: parse error at line 1, column 11: syntax error while parsing "
        "value - unexpected end of input; expected '[', '{', or a literal");
}

TEST_CASE("deep nesting is refused before the parser sees it", "[sync]") {
  std::string deep(100000, '[');
  CHECK(Refusal(deep) == "JSON nested deeper than 16 levels at byte 16");
  // Also hidden inside an otherwise fine batch, in an object field.
  json batch = Good();
  std::string text = batch.dump();
  std::string nested = std::string(20, '[') + std::string(20, ']');
  text.insert(text.size() - 1, ",\"x\":" + nested);
  CHECK(Refusal(text).rfind("JSON nested deeper than 16 levels at byte ", 0) == 0);
  // Brackets inside strings are text, not nesting.
  Result<json> ok = ParseJson(R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})", WireLimits{});
  CHECK(ok.ok());
}

TEST_CASE("invalid UTF-8 is refused with its byte offset", "[sync]") {
  CHECK(Refusal(std::string("{\"v\":1,\"x\":\"a\xff\"}")) ==
        "JSON body is not valid UTF-8 at byte 13");
  CHECK(Refusal(std::string("[\"\xc0\xaf\"]")) ==
        "JSON body is not valid UTF-8 at byte 2");  // overlong
  CHECK(Refusal(std::string("[\"\xed\xa0\x80\"]")) ==
        "JSON body is not valid UTF-8 at byte 2");  // surrogate
  CHECK(Refusal(std::string("[\"\xe2\x82\"]")) ==
        "JSON body is not valid UTF-8 at byte 2");  // cut short
  // An escaped lone surrogate is caught by the parser.
  CHECK(Refusal(R"(["\ud800"])").rfind("JSON body is malformed: ", 0) == 0);
}

TEST_CASE("a huge string is refused by its length, closed or not", "[sync]") {
  WireLimits limits;
  std::string big = "[\"" + std::string(limits.max_string_bytes + 1, 'a') + "\"]";
  CHECK(Refusal(big) == "JSON string at byte 2 is longer than the limit of 65536 bytes");
  CHECK(Refusal(big.substr(0, big.size() - 2)) ==
        "JSON string at byte 2 is longer than the limit of 65536 bytes (and never ends)");
}

TEST_CASE("a body past the decoded size limit, or with too many values, is refused", "[sync]") {
  WireLimits limits;
  limits.max_decoded_bytes = 100;
  CHECK(Refusal(std::string(101, ' '), limits) ==
        "JSON body of 101 bytes is larger than the limit of 100");
  WireLimits few;
  few.max_json_values = 1000;
  std::string many = "[0";
  for (int i = 0; i < 2000; ++i) many += ",0";
  many += "]";
  CHECK(Refusal(many, few) == "JSON body has more than 1000 values (limit); send smaller batches");
}

TEST_CASE("a batch with more ops than the limit is refused before anything is built", "[sync]") {
  json batch = Good();
  batch["n"] = 5001;
  CHECK(RefusalOf(batch) == "batch has 5001 ops, more than the limit of 5000; send smaller batches");
  batch["n"] = 1e300;
  CHECK(RefusalOf(batch) == "batch has no op count 'n' (a whole number)");
}

TEST_CASE("each wrong type in a batch is refused naming the field", "[sync]") {
  CHECK(RefusalOf(json::array()) == "a batch must be a JSON object, got an array");
  json b = Good();
  SECTION("version") {
    b["v"] = 2;
    Result<std::vector<Op>> r = DecodeBatchJson(b, WireLimits{});
    CHECK(r.status().code() == Status::Code::kNotSupported);
    CHECK(r.status().message() ==
          "batch format version 2 is newer than this Cairn reads (1); update Cairn");
    b["v"] = "1";
    CHECK(RefusalOf(b) == "batch has no format version 'v' (a whole number)");
  }
  SECTION("unknown field") {
    b["extra"] = 1;
    CHECK(RefusalOf(b) == "batch has an unknown field 'extra'");
  }
  SECTION("origin") {
    b["o"] = "zz";
    CHECK(RefusalOf(b).rfind("batch origin 'o': ", 0) == 0);
    b.erase("o");
    CHECK(RefusalOf(b) == "batch has no origin ('o', or 'os' with 'oi')");
  }
  SECTION("seq") {
    b["s"][3] = "four";
    CHECK(RefusalOf(b) == "batch op 3: seq: expected a whole number, got \"four\"");
    b["s"] = json::array({0});
    CHECK(RefusalOf(b).rfind("batch 's' (seq) has 1 entries for ", 0) == 0);
  }
  SECTION("seq 0") {
    b["s"][0] = 0;
    CHECK(RefusalOf(b) == "batch op 0: seq must be 1 or more");
  }
  SECTION("clock out of range") {
    b["t"][0] = uint64_t{1} << 47;
    CHECK(RefusalOf(b) == "batch op 0: hlc is out of range");
    b["t"][0] = 1.5;
    CHECK(RefusalOf(b) == "batch op 0: hlc milliseconds: expected a whole number, got 1.5");
  }
  SECTION("kind code") {
    b["k"][2] = 63;
    CHECK(RefusalOf(b) ==
          "batch op 2: kind code 63 is not one this Cairn knows (sent by a newer Cairn? update "
          "this one)");
  }
  SECTION("a column of the wrong length") {
    b["b"]["40"][0] = json::array();
    CHECK(RefusalOf(b) ==
          "batch column attempt.learner must be an array of 2 values (one per attempt op)");
  }
  SECTION("a value of the wrong type in a column") {
    b["b"]["40"][4][0] = 2;  // correct
    CHECK(RefusalOf(b).find("(attempt): column attempt.correct: expected 0 or 1, got 2") !=
          std::string::npos);
    b["b"]["40"][4][0] = 1;
    b["b"]["40"][0][0] = 17;  // learner
    CHECK(RefusalOf(b).find("column attempt.learner: expected a string, got 17") !=
          std::string::npos);
  }
  SECTION("an enum index past its values") {
    b["b"]["41"][2][0] = 9;
    CHECK(RefusalOf(b).find("column activity.event: 9 is not the number of one of its 4 values") !=
          std::string::npos);
  }
  SECTION("an invalid id inside a column") {
    b["b"]["40"][0][0] = "has space";
    CHECK(
        RefusalOf(b).find("attempt.learner: id 'has space' contains a space or control character") !=
        std::string::npos);
  }
  SECTION("raw entries") {
    b["r"] = json::array({json::array({0, "attempt"})});
    CHECK(RefusalOf(b) == "batch 'r' entry [0,\"attempt\"] is not [op index, kind, body]");
    b["r"] = json::array({json::array({0, "attempt", json::object()})});
    CHECK(RefusalOf(b) == "batch op 0 (school): has a kind code and a raw body both");
    b["k"][0] = nullptr;
    b["r"] = json::array();
    CHECK(RefusalOf(b) == "batch op 0: has no kind code and no raw body");
  }
}

TEST_CASE("garbage bytes never decode and never crash", "[sync]") {
  std::mt19937_64 rng(99);
  std::string good = Good().dump();
  for (int round = 0; round < 2000; ++round) {
    std::string s = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) s[rng() % s.size()] = static_cast<char>(rng());
    Result<std::vector<Op>> r = DecodeBatch(s, WireLimits{});
    if (r.ok()) {
      // A lucky edit can still be a valid batch (a digit for a digit): then it must
      // hold only valid ops.
      for (const Op& op : *r) CHECK(op.seq >= 1);
    }
  }
  for (int round = 0; round < 500; ++round) {
    std::string s(rng() % 200, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    CHECK_FALSE(DecodeBatch(s, WireLimits{}).ok());
  }
}

}  // namespace
}  // namespace cairn::sync

namespace cairn::sync {

TEST_CASE("each refusal says whether a size limit or malformed input was the reason", "[sync]") {
  WireLimits limits;
  limits.max_ops = 3;
  limits.max_json_values = 200;
  limits.max_body_bytes = 1000;
  limits.max_decoded_bytes = 5000;
  auto kind_of_batch = [&](std::string_view body) {
    WireError why = WireError::kNone;
    Result<std::vector<Op>> r = DecodeBatch(body, limits, &why);
    CHECK_FALSE(r.ok());
    return why;
  };
  std::vector<Op> four = testing::OneOfEveryKind();
  four.resize(4);
  CHECK(kind_of_batch(EncodeBatch(four)) == WireError::kTooLarge);
  CHECK(kind_of_batch("[" + std::string(250, '1') + "]") == WireError::kMalformed);
  std::string many_values = "[0";
  for (int i = 0; i < 300; ++i) many_values += ",0";
  CHECK(kind_of_batch(many_values + "]") == WireError::kTooLarge);
  CHECK(kind_of_batch(std::string(50, '[')) == WireError::kMalformed);
  CHECK(kind_of_batch("{\"v\": 99, \"n\": 0}") == WireError::kNotSupported);
  CHECK(kind_of_batch("{\"v\": 1, \"n\": 1}") == WireError::kMalformed);
  CHECK(kind_of_batch("\"\xff\"") == WireError::kMalformed);

  WireError why = WireError::kNone;
  std::string zeros(limits.max_decoded_bytes + 1, '0');
  std::string bomb = *Compress(zeros, Codec::kZstd);
  CHECK_FALSE(DecodeContent(bomb, Codec::kZstd, limits, &why).ok());
  CHECK(why == WireError::kTooLarge);
  why = WireError::kNone;
  CHECK_FALSE(DecodeContent(std::string(limits.max_body_bytes + 1, 'x'), Codec::kIdentity, limits,
                            &why)
                  .ok());
  CHECK(why == WireError::kTooLarge);
  why = WireError::kNone;
  CHECK_FALSE(DecodeContent(std::string(100, 'x'), Codec::kZstd, limits, &why).ok());
  CHECK(why == WireError::kMalformed);
  why = WireError::kMalformed;
  CHECK(DecodeBatch(EncodeBatch({}), limits, &why).ok());
  CHECK(why == WireError::kNone);
}

}  // namespace cairn::sync

TEST_CASE("a learner id travels in a query string whole, whatever its characters", "[wire]") {
  for (std::string id : {"ada-x7k2m9", "a&b=c", "50%", "nguyễn thị lan", "x?y#z/+"}) {
    std::string escaped = cairn::sync::QueryEscape(id);
    CHECK(escaped.find_first_of("&=?# +/") == std::string::npos);  // only %XX stands for them
    CHECK(cairn::sync::QueryUnescape(escaped) == id);
  }
  CHECK_FALSE(cairn::sync::QueryUnescape("a%2").has_value());
  CHECK_FALSE(cairn::sync::QueryUnescape("a%zz").has_value());
}
