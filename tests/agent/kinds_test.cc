#include "cairn/agent/kinds.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <set>
#include <string>

#include "agent/store_testing.h"

namespace cairn {
namespace {

using nlohmann::json;

const KindSpec& Kind(std::string_view name) {
  const KindSpec* k = FindKind(name);
  REQUIRE(k != nullptr);
  return *k;
}

// The error ValidateBody gives for `body`, failing the test if it accepts it.
std::string Rejection(std::string_view kind, const json& body) {
  Status s = ValidateBody(Kind(kind), body);
  INFO(body.dump(-1, ' ', false, json::error_handler_t::replace));
  REQUIRE_FALSE(s.ok());
  CHECK(s.code() == Status::Code::kInvalidArgument);
  return s.message();
}

void Accepts(std::string_view kind, const json& body) {
  Status s = ValidateBody(Kind(kind), body);
  INFO(body.dump(-1, ' ', false, json::error_handler_t::replace) + " -> " + s.ToString());
  CHECK(s.ok());
}

json Attempt() { return {{"learner", "l-1"}, {"item", "i-1"}, {"correct", true}}; }
json Observation() {
  return {{"teacher", "t-1"},
          {"learners", {"l-1", "l-2"}},
          {"competency", "c-1"},
          {"level", 3},
          {"modality", "small_group"}};
}
json With(json body, const char* field, json value) {
  body[field] = std::move(value);
  return body;
}

TEST_CASE("every kind can be found by name and by its stored code", "[agent]") {
  std::set<int> codes;
  std::set<std::string_view> names;
  for (const KindSpec& k : AllKinds()) {
    INFO(k.name);
    CHECK(FindKind(k.name) == &k);
    CHECK(FindKindByCode(k.code) == &k);
    CHECK(codes.insert(k.code).second);
    CHECK(names.insert(k.name).second);
    CHECK_FALSE(k.fields.empty());
    for (size_t i = 0; i < k.fields.size(); ++i) CHECK(FieldIndex(k, k.fields[i].name) == int(i));
    if (k.merge == MergeRule::kLastWriterWins) {
      CHECK(k.key_fields >= 1);
      CHECK_FALSE(k.entity.empty());
    }
    CHECK_THAT(KindsMarkdown(), Catch::Contains("`" + std::string(k.name) + "`"));
  }
  CHECK(FindKind("homework") == nullptr);
  CHECK(FindKindByCode(0) == nullptr);
  CHECK(FindKindByCode(-1) == nullptr);
  CHECK(FindKindByCode(1000) == nullptr);
  CHECK(FieldIndex(Kind("attempt"), "colour") == -1);
  // The domain the issue asks for is all there.
  for (const char* name : {"school", "class", "learner", "teacher", "enrollment", "competency",
                           "pack", "lesson", "item", "activity", "attempt", "observation", "goal",
                           "goal_checkin", "profile", "group", "assignment", "retract"}) {
    CHECK(FindKind(name) != nullptr);
  }
}

TEST_CASE("an op body must be an object with only its kind's fields", "[agent]") {
  Accepts("attempt", Attempt());
  CHECK_THAT(Rejection("attempt", json::array()), Catch::Contains("JSON object"));
  std::string unknown = Rejection("attempt", With(Attempt(), "colour", "red"));
  CHECK_THAT(unknown, Catch::Contains("'colour'"));
  CHECK_THAT(unknown, Catch::Contains("attempt"));
  CHECK_THAT(unknown, Catch::Contains("correct"));  // lists the fields there are
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", nullptr)),
             Catch::Contains("attempt.score") && Catch::Contains("null"));
}

TEST_CASE("a missing required field is named", "[agent]") {
  json body = Attempt();
  body.erase("correct");
  CHECK(Rejection("attempt", body) == "attempt.correct: required");
  json obs = Observation();
  obs.erase("learners");
  CHECK(Rejection("observation", obs) == "observation.learners: required");
  CHECK(Rejection("enrollment", {{"class", "c"}, {"active", true}}) ==
        "enrollment.learner: required");
}

TEST_CASE("an editable record must set something besides its key", "[agent]") {
  CHECK_THAT(Rejection("profile", {{"learner", "l-1"}}), Catch::Contains("sets no field"));
  CHECK_THAT(Rejection("enrollment", {{"class", "c"}, {"learner", "l"}}),
             Catch::Contains("sets no field"));
  Accepts("profile", {{"learner", "l-1"}, {"about", "I like maps"}});
}

TEST_CASE("ids must be short and non-empty and free of spaces", "[agent]") {
  for (const json& bad : {json(""), json("has space"), json("tab\there"), json("nul\x01"),
                          json(std::string(129, 'a')), json(12), json("\xff\xfe")}) {
    CHECK_THAT(Rejection("attempt", With(Attempt(), "item", bad)), Catch::Contains("attempt.item"));
  }
  Accepts("attempt", With(Attempt(), "item", std::string(128, 'a')));
  Accepts("attempt", With(Attempt(), "item", "ünï-✓"));
  CHECK_THAT(ValidateId("", "--learner").message(), Catch::StartsWith("--learner"));
  CHECK(ValidateId("a:b/c", "x").ok());
}

TEST_CASE("id lists hold at most 1000 ids and are not empty when required", "[agent]") {
  CHECK_THAT(Rejection("observation", With(Observation(), "learners", "l-1")),
             Catch::Contains("observation.learners") && Catch::Contains("list of ids"));
  CHECK_THAT(Rejection("observation", With(Observation(), "learners", {"l-1", 2})),
             Catch::Contains("observation.learners"));
  CHECK_THAT(Rejection("observation", With(Observation(), "learners", {"l 1"})),
             Catch::Contains("observation.learners"));
  CHECK_THAT(Rejection("observation", With(Observation(), "learners", json::array())),
             Catch::Contains("observation.learners") && Catch::Contains("empty"));
  json many = json::array();
  for (int i = 0; i < 1001; ++i) many.push_back("l-" + std::to_string(i));
  CHECK_THAT(Rejection("observation", With(Observation(), "learners", many)),
             Catch::Contains("observation.learners") && Catch::Contains("1000"));
  many.erase(many.begin());
  Accepts("observation", With(Observation(), "learners", many));
  Accepts("lesson", {{"lesson", "x"}, {"items", json::array()}});  // optional lists may be empty
}

TEST_CASE("text must be valid UTF-8 and within its length", "[agent]") {
  SECTION("malformed UTF-8 of every sort is refused") {
    for (const char* bad : {"\x80", "ab\xc3", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                            "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82"}) {
      INFO(json(std::string(bad)).dump(-1, ' ', true, json::error_handler_t::replace));
      CHECK_THAT(Rejection("attempt", With(Attempt(), "response", bad)),
                 Catch::Contains("attempt.response") && Catch::Contains("UTF-8"));
    }
    Accepts("attempt", With(Attempt(), "response", "naïve — 3½ ✓ 𝄞"));
  }
  SECTION("a field's own limit applies, in bytes") {
    Accepts("attempt", With(Attempt(), "response", std::string(1000, 'x')));
    CHECK_THAT(Rejection("attempt", With(Attempt(), "response", std::string(1001, 'x'))),
               Catch::Contains("attempt.response") && Catch::Contains("1000 bytes"));
    // 500 two-byte characters are 1000 bytes; one more is too long.
    std::string two_byte;
    for (int i = 0; i < 501; ++i) two_byte += "é";
    CHECK_THAT(Rejection("attempt", With(Attempt(), "response", two_byte)),
               Catch::Contains("1000 bytes"));
  }
  SECTION("without a limit of its own, text stops at 4000 bytes") {
    Accepts("observation", With(Observation(), "note", std::string(4000, 'x')));
    CHECK_THAT(Rejection("observation", With(Observation(), "note", std::string(4001, 'x'))),
               Catch::Contains("observation.note") && Catch::Contains("4000"));
  }
  SECTION("a number is not text") {
    CHECK_THAT(Rejection("attempt", With(Attempt(), "response", 4)),
               Catch::Contains("attempt.response: expected text, got 4"));
  }
}

TEST_CASE("text lists hold at most 100 short texts", "[agent]") {
  json p = {{"learner", "l-1"}};
  Accepts("profile", With(p, "interests", {"maps", "drawing"}));
  CHECK_THAT(Rejection("profile", With(p, "interests", "maps")),
             Catch::Contains("profile.interests") && Catch::Contains("list of texts"));
  CHECK_THAT(Rejection("profile", With(p, "interests", {"maps", 3})),
             Catch::Contains("profile.interests"));
  CHECK_THAT(Rejection("profile", With(p, "interests", {std::string(201, 'x')})),
             Catch::Contains("profile.interests") && Catch::Contains("200"));
  CHECK_THAT(Rejection("profile", With(p, "interests", {"ok", "\xc3"})),
             Catch::Contains("profile.interests") && Catch::Contains("UTF-8"));
  CHECK_THAT(Rejection("profile", With(p, "interests", json(std::vector<std::string>(101, "x")))),
             Catch::Contains("profile.interests") && Catch::Contains("100"));
  Accepts("profile", With(p, "interests", json(std::vector<std::string>(100, "x"))));
}

TEST_CASE("whole numbers are checked for type and range", "[agent]") {
  Accepts("observation", With(Observation(), "level", 1));
  Accepts("observation", With(Observation(), "level", 4));
  Accepts("observation", With(Observation(), "level", 2.0));  // JSON has one number type
  for (const json& bad : {json(0), json(5), json(-1)}) {
    CHECK_THAT(Rejection("observation", With(Observation(), "level", bad)),
               Catch::Contains("observation.level") && Catch::Contains("outside 1–4"));
  }
  for (const json& bad : {json(2.5), json("3"), json(true), json(std::nan(""))}) {
    CHECK_THAT(Rejection("observation", With(Observation(), "level", bad)),
               Catch::Contains("observation.level: expected a whole number"));
  }
  CHECK_THAT(Rejection("attempt", With(Attempt(), "duration_ms", 86'400'001)),
             Catch::Contains("attempt.duration_ms"));
}

TEST_CASE("true or false means a JSON boolean", "[agent]") {
  CHECK(Rejection("attempt", With(Attempt(), "correct", "yes")) ==
        "attempt.correct: expected true or false, got \"yes\"");
  CHECK_THAT(Rejection("attempt", With(Attempt(), "correct", 1)),
             Catch::Contains("attempt.correct"));
  Accepts("attempt", With(Attempt(), "correct", false));
}

TEST_CASE("numbers are checked for range and finiteness", "[agent]") {
  Accepts("attempt", With(Attempt(), "score", 0));
  Accepts("attempt", With(Attempt(), "score", 1));
  Accepts("attempt", With(Attempt(), "score", 0.75));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", 1.01)),
             Catch::Contains("attempt.score") && Catch::Contains("outside"));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", -0.5)),
             Catch::Contains("attempt.score"));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", "0.5")),
             Catch::Contains("attempt.score: expected a number"));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", std::nan(""))),
             Catch::Contains("attempt.score: expected a number"));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "score", INFINITY)),
             Catch::Contains("attempt.score"));
}

TEST_CASE("an enum value must be one of the listed values", "[agent]") {
  std::string m = Rejection("observation", With(Observation(), "modality", "outdoors"));
  CHECK_THAT(m, Catch::Contains("observation.modality"));
  CHECK_THAT(m, Catch::Contains("small_group, whole_class"));
  CHECK_THAT(m, Catch::Contains("\"outdoors\""));
  CHECK_THAT(Rejection("observation", With(Observation(), "modality", 0)),
             Catch::Contains("observation.modality"));
  CHECK_THAT(Rejection("observation", With(Observation(), "modality", "Small_Group")),
             Catch::Contains("observation.modality"));
  Accepts("observation", With(Observation(), "modality", "conference"));
}

TEST_CASE("references to other ops must be op ids", "[agent]") {
  std::string target = OpId{testing::TestOrigin(9), 4}.ToString();
  Accepts("retract", {{"target", target}});
  Accepts("attempt", With(Attempt(), "supersedes", target));
  CHECK_THAT(Rejection("retract", {{"target", "yesterday's attempt"}}),
             Catch::Contains("retract.target"));
  CHECK_THAT(Rejection("retract", {{"target", 4}}), Catch::Contains("retract.target"));
  CHECK_THAT(Rejection("attempt", With(Attempt(), "supersedes", target.substr(0, 33) + "0")),
             Catch::Contains("attempt.supersedes") && Catch::Contains("seq"));
  CHECK(Rejection("retract", {{"reason", "typo"}}) == "retract.target: required");
}

TEST_CASE("item content must be an object", "[agent]") {
  json item = {{"item", "i-1"}, {"type", "choice"}};
  Accepts("item", With(item, "content", {{"prompt", "2+2?"}}));
  CHECK_THAT(Rejection("item", With(item, "content", "2+2?")),
             Catch::Contains("item.content: expected an object"));
}

TEST_CASE("item content must be valid UTF-8 all the way down", "[agent]") {
  json item = {{"item", "i-1"}, {"type", "choice"}};
  CHECK_THAT(Rejection("item", With(item, "content", {{"prompt", "caf\xe9"}})),
             Catch::Contains("item.content") && Catch::Contains("UTF-8"));
  CHECK_THAT(Rejection("item", With(item, "content", {{"choices", {"ok", {{"x", "\xff"}}}}})),
             Catch::Contains("item.content"));
  CHECK_THAT(Rejection("item", With(item, "content", {{"\xff", 1}})),
             Catch::Contains("item.content"));
  Accepts("item", With(item, "content", {{"prompt", "café ✓"}, {"choices", {"½", "¼"}}}));
}

// Network and CLI input can hold any bytes: describing a bad value must neither
// throw nor produce an error message that is itself not UTF-8.
TEST_CASE("a bad value that is not UTF-8 is described in the error and not thrown", "[agent]") {
  std::string long_accented = "x";  // so a cut at 57 bytes falls inside a character
  for (int i = 0; i < 40; ++i) long_accented += "ñ";
  for (const json& bad : {json("\xff\xfe"), json("ok\xc3"), json(long_accented), json({"\xff"}),
                          json({{"k", "\xff"}})}) {
    for (const char* kind_field :
         {"observation.modality", "observation.level", "attempt.correct", "attempt.score",
          "item.content", "profile.interests", "observation.learners"}) {
      std::string_view kf(kind_field);
      std::string kind(kf.substr(0, kf.find('.'))), field(kf.substr(kf.find('.') + 1));
      json body = kind == "observation" ? Observation()
                  : kind == "attempt"   ? Attempt()
                  : kind == "item"      ? json{{"item", "i"}, {"type", "text"}}
                                        : json{{"learner", "l"}};
      body[field] = bad;
      INFO(kind_field);
      Status s;
      REQUIRE_NOTHROW(s = ValidateBody(Kind(kind), body));
      REQUIRE_FALSE(s.ok());
      CHECK_THAT(s.message(), Catch::Contains(kind_field));
      CHECK_NOTHROW(json(s.message()).dump());
    }
  }
}

}  // namespace
}  // namespace cairn
