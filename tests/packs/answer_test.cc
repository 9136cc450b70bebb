// Judging responses to choice, numeric and text items (cairn/agent/answer.h).
#include "cairn/agent/answer.h"

#include <catch2/catch.hpp>

namespace cairn {
namespace {

using nlohmann::json;

bool Judge(const json& item, std::string_view response, std::string_view language = "en") {
  JudgeOptions options;
  options.language = language;
  Result<Judgement> j = JudgeResponse(item, response, options);
  INFO(j.status().message());
  REQUIRE(j.ok());
  return j->correct;
}

std::string FeedbackFor(const json& item, std::string_view response) {
  Result<Judgement> j = JudgeResponse(item, response);
  REQUIRE(j.ok());
  return j->feedback;
}

json Choice() {
  return {{"type", "choice"},
          {"content",
           {{"prompt", "A pizza in 4 slices: one slice is?"},
            {"choices", {"1/2", "1/4", "4/1"}},
            {"choice_feedback", {"", "", "4/1 would be four whole pizzas."}},
            {"answer", 1},
            {"feedback", {{"correct", "Yes!"}, {"incorrect", "One of 4 parts is 1/4."}}}}}};
}

TEST_CASE("a choice response is read by the choice's text or its index", "[packs][answer]") {
  json item = Choice();
  CHECK(Judge(item, "1/4"));
  CHECK(Judge(item, " 1 / 4 "));
  CHECK(Judge(item, "1"));
  CHECK_FALSE(Judge(item, "1/2"));
  CHECK_FALSE(Judge(item, "0"));
  CHECK_FALSE(Judge(item, "3"));  // no such choice
  CHECK_FALSE(Judge(item, "a quarter"));
  CHECK_FALSE(Judge(item, ""));
}

TEST_CASE("a choice's text wins over an index that looks the same", "[packs][answer]") {
  json item = {{"type", "choice"},
               {"content", {{"prompt", "?"}, {"choices", {"2", "1", "0"}}, {"answer", 2}}}};
  CHECK(Judge(item, "0"));  // the text "0", which is choice 2
  CHECK_FALSE(Judge(item, "2"));
  CHECK(Judge(item, ChoiceResponse(item["content"], {2})));
}

TEST_CASE("a choice item with several right choices needs exactly those", "[packs][answer]") {
  json item = {{"type", "choice"},
               {"content",
                {{"prompt", "Which are equal to 1/2?"},
                 {"choices", {"2/4", "1/3", "3/6", "2/3"}},
                 {"answer", {0, 2}}}}};
  CHECK(Judge(item, "2/4[,]3/6"));
  CHECK(Judge(item, "3/6[,]2/4"));
  CHECK(Judge(item, "0[,]2"));
  CHECK_FALSE(Judge(item, "2/4"));
  CHECK_FALSE(Judge(item, "2/4[,]3/6[,]1/3"));
  CHECK(ChoiceResponse(item["content"], {2, 0, 2, 9}) == "2/4[,]3/6");
}

TEST_CASE("a wrong choice with its own feedback shows it", "[packs][answer]") {
  json item = Choice();
  CHECK(FeedbackFor(item, "4/1") == "4/1 would be four whole pizzas.");
  CHECK(FeedbackFor(item, "1/2") == "One of 4 parts is 1/4.");
  CHECK(FeedbackFor(item, "1/4") == "Yes!");
}

json Numeric(double answer, double tolerance = 0) {
  json item = {{"type", "numeric"}, {"content", {{"prompt", "?"}, {"answer", answer}}}};
  if (tolerance > 0) item["content"]["tolerance"] = tolerance;
  return item;
}

TEST_CASE("a numeric response is judged within the item's tolerance", "[packs][answer]") {
  CHECK(Judge(Numeric(6), "6"));
  CHECK(Judge(Numeric(6), " 6 "));
  CHECK(Judge(Numeric(6), "6.0"));
  CHECK(Judge(Numeric(6), "+6"));
  CHECK_FALSE(Judge(Numeric(6), "6.01"));
  CHECK_FALSE(Judge(Numeric(6), "six"));
  CHECK_FALSE(Judge(Numeric(6), ""));
  CHECK(Judge(Numeric(3.14, 0.01), "3.15"));
  CHECK_FALSE(Judge(Numeric(3.14, 0.01), "3.16"));
  CHECK(Judge(Numeric(-2), "-2"));
  CHECK(Judge(Numeric(-2), "\u22122"));  // the minus sign
}

TEST_CASE("a numeric response may be a fraction or a mixed number", "[packs][answer]") {
  CHECK(Judge(Numeric(0.75), "3/4"));
  CHECK(Judge(Numeric(0.75), "6/8"));
  CHECK(Judge(Numeric(0.75), "3 / 4"));
  CHECK(Judge(Numeric(2.25), "2 1/4"));
  CHECK(Judge(Numeric(2.25), "9/4"));
  CHECK(Judge(Numeric(1.0 / 3), "1/3"));
  CHECK(Judge(Numeric(0.333333333333), "1/3"));  // within the rounding margin
  CHECK_FALSE(Judge(Numeric(0.75), "3/0"));
  CHECK_FALSE(Judge(Numeric(2.25), "21/4"));
}

TEST_CASE("numbers are read with the pack language's decimal mark", "[packs][answer]") {
  CHECK(Judge(Numeric(4352), "4,352", "en"));
  CHECK(Judge(Numeric(4352), "4352", "en"));
  CHECK(Judge(Numeric(4352), "4.352", "es"));
  CHECK(Judge(Numeric(4352), "4 352", "es"));
  CHECK(Judge(Numeric(10000), "10\u00a0000", "es"));  // a no-break space
  CHECK(Judge(Numeric(4.352), "4,352", "es"));
  CHECK(Judge(Numeric(0.75), "0,75", "es"));
  CHECK(Judge(Numeric(0.75), "0,75", "en"));  // cannot be a thousands separator
  CHECK(Judge(Numeric(2.5), "2.5", "es"));    // nor can this
  CHECK(Judge(Numeric(0.5), ".5", "en"));
  CHECK(Judge(Numeric(1234567.5), "1,234,567.5", "en"));
  CHECK_FALSE(Judge(Numeric(4352), "4,35,2", "en"));
  CHECK_FALSE(Judge(Numeric(4352), "4.352.", "en"));
  CHECK(DecimalMark("es") == ',');
  CHECK(DecimalMark("es-MX") == '.');
  CHECK(DecimalMark("pt-BR") == ',');
  CHECK(DecimalMark("en-US") == '.');
}

TEST_CASE("a numeric response may carry the item's unit or one of its aliases", "[packs][answer]") {
  json item = Numeric(12);
  item["content"]["unit"] = "cm";
  item["content"]["unit_aliases"] = {"centimeters", "centimetres"};
  CHECK(Judge(item, "12"));
  CHECK(Judge(item, "12 cm"));
  CHECK(Judge(item, "12cm"));
  CHECK(Judge(item, "12 CM"));
  CHECK(Judge(item, "12 centimetres"));
  CHECK_FALSE(Judge(item, "12 m"));
  CHECK_FALSE(Judge(item, "12 mm"));
  CHECK_FALSE(Judge(item, "cm"));
  CHECK_FALSE(Judge(Numeric(12), "12 cm"));  // the item takes no unit
}

json Text(json accepted) {
  return {{"type", "text"}, {"content", {{"prompt", "?"}, {"answer", std::move(accepted)}}}};
}

TEST_CASE("a text response is compared ignoring case and extra spaces", "[packs][answer]") {
  json item = Text({"main idea", "the main idea"});
  CHECK(Judge(item, "main idea"));
  CHECK(Judge(item, "  Main   IDEA "));
  CHECK(Judge(item, "The main\tidea"));
  CHECK_FALSE(Judge(item, "mainidea"));
  CHECK_FALSE(Judge(item, "main ideas"));
  CHECK_FALSE(Judge(item, ""));
  CHECK(Judge(Text({"3/8"}), "3 / 8"));
  CHECK(Judge(Text({"1 3/4"}), "1  3/4"));
  CHECK_FALSE(Judge(Text({"1 3/4"}), "13/4"));
  CHECK(Judge(Text({"don't"}), "DON\u2019T"));  // a curly apostrophe
}

TEST_CASE("letters beyond ASCII are compared without case", "[packs][answer]") {
  CHECK(Judge(Text({"été"}), "ÉTÉ"));
  CHECK(Judge(Text({"niño"}), "NIÑO"));
  CHECK(Judge(Text({"¿qué?"}), "¿ QUÉ ?"));
  CHECK(Judge(Text({"straße"}), "STRAẞE"));
  CHECK(Judge(Text({"łódź"}), "ŁÓDŹ"));
  CHECK(Judge(Text({"đường"}), "ĐƯỜNG"));  // Vietnamese
  CHECK(Judge(Text({"μάθημα"}), "ΜΆΘΗΜΑ"));
  CHECK(Judge(Text({"урок"}), "УРОК"));
  CHECK_FALSE(Judge(Text({"été"}), "ete"));  // accents still count
  CHECK(FoldAnswerText("  ÀÉÎÕÜ  Ç  ") == "àéîõü ç");
  CHECK(FoldAnswerText("\xff bad") == "\xef\xbf\xbd bad");  // never throws on bad bytes
}

TEST_CASE("an item that cannot be judged is an error, not a wrong answer", "[packs][answer]") {
  CHECK(JudgeResponse(json::object(), "x").status().code() == Status::Code::kInvalidArgument);
  CHECK_FALSE(JudgeResponse({{"type", "essay"}, {"content", json::object()}}, "x").ok());
  CHECK_FALSE(JudgeResponse({{"type", "numeric"}, {"content", {{"prompt", "?"}}}}, "1").ok());
  json bad = Choice();
  bad["content"]["answer"] = 7;
  CHECK_FALSE(JudgeResponse(bad, "1/4").ok());
}

}  // namespace
}  // namespace cairn
