// The mastery model's arithmetic, states, explanations, corrections and
// incremental updates, on ops built by hand.
#include "cairn/agent/mastery.h"

#include <algorithm>
#include <catch2/catch.hpp>

#include "mastery/mastery_testing.h"
#include "mastery_explain.h"

namespace cairn::testing {
namespace {

constexpr int64_t kDay = 86'400'000;

// One item per competency: "q.add" -> "add", "q.sub" -> "sub"; a shared item
// "q.both" gives evidence of both.
MasteryModel SmallModel(MasteryOptions options = {}) {
  MasteryModel model(options);
  model.SetItem("q.add", {"add"});
  model.SetItem("q.add2", {"add"});
  model.SetItem("q.sub", {"sub"});
  model.SetItem("q.both", {"add", "sub"});
  return model;
}

TEST_CASE("a correct answer raises P(mastered) by Bayes' rule, then learning and forgetting",
          "[mastery]") {
  BktParams p;  // prior 0.2, learn 0.15, forget 0.01, guess 0.2, slip 0.1
  // 0.2 * 0.9 / (0.2 * 0.9 + 0.8 * 0.2) = 0.18 / 0.34
  CHECK(BktPosteriorAfterAnswer(p, 0.2, true) == Approx(0.5294117647).epsilon(1e-9));
  // 0.5294 * 0.99 + 0.4706 * 0.15
  CHECK(BktTransition(p, 0.5294117647058822) == Approx(0.5947058824).epsilon(1e-9));
  // A wrong answer from 0.5: 0.5 * 0.1 / (0.5 * 0.1 + 0.5 * 0.8) = 1/9
  CHECK(BktPosteriorAfterAnswer(p, 0.5, false) == Approx(1.0 / 9).epsilon(1e-9));
  // P(correct next) from 0.5: 0.5 * 0.9 + 0.5 * 0.2
  CHECK(BktPredictCorrect(p, 0.5) == Approx(0.55));
}

TEST_CASE("the model's estimate after two correct answers is the hand-computed posterior",
          "[mastery]") {
  MasteryModel model = SmallModel();
  Origin o = MasteryOrigin(1);
  model.Add(Attempt(o, 1, kNov20, "ada", "q.add", true));
  CHECK(model.Estimate("ada", "add").p_mastered == Approx(0.5294117647).epsilon(1e-9));
  model.Add(Attempt(o, 2, kNov20 + 1000, "ada", "q.add", true));
  // From 0.5947: 0.5947 * 0.9 / (0.5947 * 0.9 + 0.4053 * 0.2)
  CHECK(model.Estimate("ada", "add").p_mastered == Approx(0.8684737998).epsilon(1e-9));
  CHECK(model.Estimate("ada", "sub").state == MasteryState::kNotStarted);
}

TEST_CASE("a teacher observation moves the estimate by its rubric level", "[mastery]") {
  BktParams p;
  // Proficient (3): 0.2 * 0.55 / (0.2 * 0.55 + 0.8 * 0.13)
  CHECK(BktPosteriorAfterObservation(p, 0.2, 3) == Approx(0.5140186916).epsilon(1e-9));
  // Beginning (1): 0.2 * 0.02 / (0.2 * 0.02 + 0.8 * 0.40)
  CHECK(BktPosteriorAfterObservation(p, 0.2, 1) == Approx(0.0123456790).epsilon(1e-9));

  MasteryModel model = SmallModel();
  Origin o = MasteryOrigin(1);
  for (uint64_t i = 1; i <= 3; ++i) {
    model.Add(Attempt(o, i, kNov20 + static_cast<int64_t>(i), "ada", "q.add", true));
    model.Add(Attempt(o, 10 + i, kNov20 + static_cast<int64_t>(i), "bo", "q.add", true));
  }
  double before = model.Estimate("ada", "add").p_mastered;
  REQUIRE(before == model.Estimate("bo", "add").p_mastered);
  model.Add(Observation(o, 20, kNov20 + kDay, {"ada", "bo"}, "add", 4));
  model.Add(Observation(o, 21, kNov20 + kDay, {"cy"}, "add", 1));
  SECTION("an advanced observation raises it for every learner it names") {
    CHECK(model.Estimate("ada", "add").p_mastered > before);
    CHECK(model.Estimate("bo", "add").p_mastered == model.Estimate("ada", "add").p_mastered);
    CHECK(model.Estimate("ada", "add").observations == 1);
  }
  SECTION("a beginning observation alone lowers it below the prior") {
    CHECK(model.Estimate("cy", "add").p_mastered < BktParams().prior);
    CHECK(model.Estimate("cy", "add").attempts == 0);
  }
  SECTION("a later weak observation pulls a mastered learner back") {
    model.Add(Observation(o, 22, kNov20 + 2 * kDay, {"ada"}, "add", 1));
    CHECK(model.Estimate("ada", "add").p_mastered < before);
  }
}

TEST_CASE("an item without its own competencies gives evidence of each competency given",
          "[mastery]") {
  MasteryModel model = SmallModel();
  model.Add(Attempt(MasteryOrigin(1), 1, kNov20, "ada", "q.both", true));
  CHECK(model.Estimate("ada", "add").attempts == 1);
  CHECK(model.Estimate("ada", "sub").attempts == 1);
  SECTION("and an attempt on an item the model does not know is not counted") {
    model.Add(Attempt(MasteryOrigin(1), 2, kNov20 + 1, "ada", "q.unknown", true));
    CHECK(model.Estimate("ada", "add").attempts == 1);
    CHECK_FALSE(model.PredictCorrect("ada", "q.unknown").has_value());
  }
}

TEST_CASE("a retracted attempt no longer counts toward mastery", "[mastery]") {
  Origin o = MasteryOrigin(1);
  Op right1 = Attempt(o, 1, kNov20, "ada", "q.add", true);
  Op wrong = Attempt(o, 2, kNov20 + 1000, "ada", "q.add", false);
  Op right2 = Attempt(o, 3, kNov20 + 2000, "ada", "q.add", true);
  Op retract = Retract(o, 4, kNov20 + 3000, wrong);

  MasteryModel clean = SmallModel();
  clean.Add(right1);
  clean.Add(right2);
  MasteryEstimate expected = clean.Estimate("ada", "add");

  SECTION("retracted after it was counted") {
    MasteryModel model = SmallModel();
    for (const Op& op : {right1, wrong, right2}) model.Add(op);
    CHECK(model.Estimate("ada", "add").p_mastered < expected.p_mastered);
    model.Add(retract);
    MasteryEstimate now = model.Estimate("ada", "add");
    CHECK(now.p_mastered == expected.p_mastered);
    CHECK(now.attempts == 2);
    CHECK(now.withdrawn == 1);
    CHECK(now.explanation ==
          "2 of 2 answers correct; 1 withdrawn record not counted; too little "
          "evidence to judge yet (2 of the 3 pieces needed)");
  }
  SECTION("the retraction arrives before the attempt it retracts") {
    MasteryModel model = SmallModel();
    for (const Op& op : {retract, right2, wrong, right1}) model.Add(op);
    CHECK(model.Estimate("ada", "add").p_mastered == expected.p_mastered);
  }
  SECTION("a correction supersedes it: the new answer counts, the old one does not") {
    MasteryModel model = SmallModel();
    Op fixed = Attempt(o, 5, kNov20 + 1500, "ada", "q.add", true);
    fixed.body["supersedes"] = wrong.id().ToString();
    for (const Op& op : {right1, wrong, right2, fixed}) model.Add(op);
    MasteryEstimate now = model.Estimate("ada", "add");
    CHECK(now.attempts == 3);
    CHECK(now.correct == 3);
    CHECK(now.withdrawn == 1);
  }
  SECTION("the store's retracted flag is honoured, and adding an op twice changes nothing") {
    MasteryModel model = SmallModel();
    model.Add(right1);
    model.Add(wrong, /*retracted=*/true);
    model.Add(right2);
    model.Add(right2);
    CHECK(model.Estimate("ada", "add").p_mastered == expected.p_mastered);
    CHECK(model.Estimate("ada", "add").attempts == 2);
  }
}

TEST_CASE("a badge keeps the moment mastery was first shown, not the latest answer", "[mastery]") {
  Origin o = MasteryOrigin(1);
  std::vector<Op> ops;
  for (uint64_t i = 1; i <= 12; ++i) {
    ops.push_back(Attempt(o, i, kNov20 + static_cast<int64_t>(i) * 60'000, "ada", "q.add", true));
  }
  MasteryModel model = SmallModel();
  Hlc first = 0;
  for (const Op& op : ops) {
    model.Add(op);
    MasteryEstimate e = model.Estimate("ada", "add");
    if (first == 0 && e.state == MasteryState::kMastered) first = op.hlc;
  }
  REQUIRE(first != 0);
  REQUIRE(first != ops.back().hlc);  // mastered before the last answer
  MasteryEstimate now = model.Estimate("ada", "add");
  CHECK(now.first_mastered == first);
  CHECK(now.last_evidence == ops.back().hlc);

  SECTION("it stays when later answers slip") {
    for (uint64_t i = 13; i <= 20; ++i) {
      model.Add(Attempt(o, i, kNov20 + static_cast<int64_t>(i) * 60'000, "ada", "q.add", false));
    }
    CHECK(model.Estimate("ada", "add").state != MasteryState::kMastered);
    CHECK(model.Estimate("ada", "add").first_mastered == first);
  }
  SECTION("withdrawing the answer that earned it moves it to the answer that does") {
    auto earned =
        std::find_if(ops.begin(), ops.end(), [&](const Op& op) { return op.hlc == first; });
    model.Add(Retract(o, 99, kNov20 + 3'600'000, *earned));
    Hlc moved = model.Estimate("ada", "add").first_mastered;
    CHECK(moved == std::next(earned)->hlc);
  }
}

TEST_CASE("before any fit, an item the author marked easy is predicted more likely right",
          "[mastery]") {
  MasteryModel model = SmallModel();
  model.SetItem("q.hard", {"add"});
  model.SetItemDifficulty("q.add", 1);
  model.SetItemDifficulty("q.add2", 3);
  model.SetItemDifficulty("q.hard", 5);
  model.SetItemDifficulty("q.unknown", 1);  // not an item: ignored
  model.Add(Attempt(MasteryOrigin(1), 1, kNov20, "ada", "q.add2", true));
  double easy = *model.PredictCorrect("ada", "q.add");
  double middle = *model.PredictCorrect("ada", "q.add2");
  double hard = *model.PredictCorrect("ada", "q.hard");
  CHECK(easy > middle);
  CHECK(middle > hard);
  // Difficulty 3 is BKT's own prediction; mastery itself does not move.
  const BktParams& p = model.ParamsFor("add").bkt;
  MasteryEstimate e = model.Estimate("ada", "add");
  CHECK(middle == Approx(BktPredictCorrect(p, BktTransition(p, e.p_mastered))));
  CHECK_FALSE(model.PredictCorrect("ada", "q.unknown"));
}

TEST_CASE("a late op recomputes only its learner's competency, as if folded from scratch",
          "[mastery]") {
  Origin a = MasteryOrigin(1), b = MasteryOrigin(2);
  std::vector<Op> ops;
  for (uint64_t i = 1; i <= 20; ++i) {
    ops.push_back(Attempt(a, i, kNov20 + static_cast<int64_t>(i) * 1000, "ada",
                          i % 3 == 0 ? "q.sub" : "q.add", i % 4 != 0));
  }
  Op late = Attempt(b, 1, kNov20 + 5500, "ada", "q.add", false);  // between ops 5 and 6

  MasteryModel incremental = SmallModel();
  for (const Op& op : ops) incremental.Add(op);
  CHECK(incremental.recomputations() == 0);  // all in order: O(1) each
  MasteryEstimate sub_before = incremental.Estimate("ada", "sub");
  incremental.Add(late);
  CHECK(incremental.recomputations() == 1);  // only (ada, add)

  MasteryModel scratch = SmallModel();
  std::vector<Op> all = ops;
  all.insert(all.begin() + 5, late);
  for (const Op& op : all) scratch.Add(op);
  CHECK(scratch.recomputations() == 0);
  CHECK(SameEstimate(incremental.Estimate("ada", "add"), scratch.Estimate("ada", "add")));
  CHECK(SameEstimate(incremental.Estimate("ada", "sub"), sub_before));
  CHECK(incremental.PredictCorrect("ada", "q.add") == scratch.PredictCorrect("ada", "q.add"));
}

TEST_CASE("states follow the evidence count and the threshold", "[mastery]") {
  Origin o = MasteryOrigin(1);
  SECTION("defaults: not started, not enough evidence, in progress, mastered") {
    MasteryModel model = SmallModel();
    CHECK(model.Estimate("ada", "add").state == MasteryState::kNotStarted);
    CHECK(model.Estimate("ada", "add").explanation == "no evidence yet");
    model.Add(Attempt(o, 1, kNov20, "ada", "q.add", true));
    model.Add(Attempt(o, 2, kNov20 + 1, "ada", "q.add", true));
    // 87% after two correct answers, but two pieces of evidence are too few.
    CHECK(model.Estimate("ada", "add").state == MasteryState::kNotEnoughEvidence);
    model.Add(Attempt(o, 3, kNov20 + 2, "ada", "q.add", false));
    CHECK(model.Estimate("ada", "add").state == MasteryState::kInProgress);
    uint64_t seq = 4;
    while (model.Estimate("ada", "add").p_mastered < 0.95) {
      REQUIRE(seq < 20);
      CHECK(model.Estimate("ada", "add").state == MasteryState::kInProgress);
      model.Add(Attempt(o, seq, kNov20 + static_cast<int64_t>(seq), "ada", "q.add", true));
      ++seq;
    }
    CHECK(model.Estimate("ada", "add").state == MasteryState::kMastered);
  }
  SECTION("the threshold and the minimum evidence are configurable") {
    MasteryModel model = SmallModel({/*threshold=*/0.5, /*min_evidence=*/1});
    model.Add(Attempt(o, 1, kNov20, "ada", "q.add", true));  // 0.53
    CHECK(model.Estimate("ada", "add").state == MasteryState::kMastered);
    model.Add(Attempt(o, 2, kNov20 + 1, "ada", "q.sub", false));
    CHECK(model.Estimate("ada", "sub").state == MasteryState::kInProgress);
  }
  SECTION("a probability exactly at the threshold is mastered") {
    MasteryModel model = SmallModel({/*threshold=*/0.5294117647058822, /*min_evidence=*/1});
    model.Add(Attempt(o, 1, kNov20, "ada", "q.add", true));
    CHECK(model.Estimate("ada", "add").state == MasteryState::kMastered);
  }
}

TEST_CASE("explanations say what the evidence was, in words a teacher reads", "[mastery]") {
  Origin o = MasteryOrigin(1);
  MasteryModel model = SmallModel();
  bool answers[] = {false, true, true, false, true, true};
  for (uint64_t i = 0; i < 6; ++i) {
    model.Add(
        Attempt(o, i + 1, kNov20 - kDay + static_cast<int64_t>(i), "ada", "q.add", answers[i]));
  }
  model.Add(Observation(o, 7, kNov20, {"ada"}, "add", 3, "small_group"));
  MasteryEstimate e = model.Estimate("ada", "add");
  CHECK(e.explanation.starts_with(
      "4 of the last 5 correct (6 answers in all); observed Proficient on 20 Nov 2026 in a "
      "small group; "));
  CHECK(e.explanation.ends_with("% likely mastered (mastered from 95%)"));

  SECTION("a few answers are counted whole, and several observations are numbered") {
    MasteryModel m = SmallModel();
    m.Add(Attempt(o, 1, kNov20, "bo", "q.sub", true));
    m.Add(Observation(o, 2, kNov20 + kDay, {"bo"}, "sub", 2, "field"));
    m.Add(Observation(o, 3, kNov20 + 2 * kDay, {"bo"}, "sub", 4, "conference"));
    CHECK(m.Estimate("bo", "sub")
              .explanation.starts_with(
                  "1 of 1 answer correct; observed Advanced on 22 Nov 2026 in a conference (2 "
                  "observations); "));
  }
  SECTION("the percentage is rounded down, so it never reads as mastered when it is not") {
    ExplainFacts f;
    f.state = MasteryState::kInProgress;
    f.attempts = f.correct = f.recent_n = f.recent_correct = 3;
    f.p_mastered = 0.9499;
    CHECK(Explain(f) == "3 of 3 answers correct; 94% likely mastered (mastered from 95%)");
  }
  SECTION("dates are civil dates in UTC") {
    CHECK(FormatDayMonth(0) == "1 Jan 1970");
    CHECK(FormatDayMonth(kNov20) == "20 Nov 2026");
    CHECK(FormatDayMonth(951'782'400'000) == "29 Feb 2000");
  }
}

TEST_CASE("the response model predicts from item easiness and earlier answers", "[mastery]") {
  MasteryModel model = SmallModel();
  CompetencyParams params;
  params.response.fitted = true;
  params.response.bias = 0.5;
  params.response.weights[kSkillCorrect] = 1.0;
  params.response.item_easiness["q.add2"] = -2.0;
  model.SetParams("add", params);
  // No answers yet: sigmoid(0.5) for q.add; sigmoid(0.5 - 2) for the harder q.add2.
  CHECK(*model.PredictCorrect("ada", "q.add") == Approx(1 / (1 + std::exp(-0.5))));
  CHECK(*model.PredictCorrect("ada", "q.add2") == Approx(1 / (1 + std::exp(1.5))));
  model.Add(Attempt(MasteryOrigin(1), 1, kNov20, "ada", "q.add", true));
  // One correct answer: + 1.0 * log(2).
  CHECK(*model.PredictCorrect("ada", "q.add") ==
        Approx(1 / (1 + std::exp(-(0.5 + std::log(2.0))))));
  SECTION("without a fitted response model, BKT predicts") {
    CHECK(*model.PredictCorrect("ada", "q.sub") == Approx(BktPredictCorrect(BktParams(), 0.2)));
  }
}

TEST_CASE("new parameters recompute the folds, as if they had been there from the start",
          "[mastery]") {
  Origin o = MasteryOrigin(1);
  std::vector<Op> ops;
  for (uint64_t i = 1; i <= 12; ++i) {
    ops.push_back(Attempt(o, i, kNov20 + static_cast<int64_t>(i), i % 2 ? "ada" : "bo",
                          i % 3 ? "q.add" : "q.sub", i % 5 != 0));
  }
  CompetencyParams strict;
  strict.bkt.guess = 0.35;
  strict.bkt.learn = 0.05;

  MasteryModel before = SmallModel();
  before.SetParams("add", strict);
  for (const Op& op : ops) before.Add(op);

  MasteryModel after = SmallModel();
  for (const Op& op : ops) after.Add(op);
  after.SetParams("add", strict);
  for (const char* learner : {"ada", "bo"}) {
    for (const char* competency : {"add", "sub"}) {
      CHECK(
          SameEstimate(after.Estimate(learner, competency), before.Estimate(learner, competency)));
    }
  }
  SECTION("and a full recompute changes nothing") {
    MasteryEstimate e = after.Estimate("ada", "add");
    after.RecomputeAll();
    CHECK(SameEstimate(after.Estimate("ada", "add"), e));
  }
}

}  // namespace
}  // namespace cairn::testing
