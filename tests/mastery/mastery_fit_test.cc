// Fitting: EM finds the parameters synthetic learners were drawn from; the
// response model fits; too little evidence keeps the defaults.
#include "cairn/agent/mastery_fit.h"

#include <catch2/catch.hpp>
#include <random>

#include "mastery/mastery_testing.h"

namespace cairn::testing {
namespace {

// Sequences of learners drawn from `truth`, with a teacher observation now and then.
std::vector<BktSequence> Simulate(const BktParams& truth, int learners, int steps,
                                  double observe_chance, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  auto level = [&](const std::array<double, kRubricLevels>& probs) {
    double r = u(rng), sum = 0;
    for (int l = 0; l < kRubricLevels; ++l) {
      sum += probs[static_cast<size_t>(l)];
      if (r < sum) return l + 1;
    }
    return kRubricLevels;
  };
  std::vector<BktSequence> out;
  for (int i = 0; i < learners; ++i) {
    BktSequence seq;
    bool mastered = u(rng) < truth.prior;
    for (int t = 0; t < steps; ++t) {
      if (u(rng) < observe_chance) {
        seq.push_back({true, level(mastered ? truth.level_if_mastered : truth.level_if_not)});
        continue;
      }
      bool correct = mastered ? u(rng) >= truth.slip : u(rng) < truth.guess;
      seq.push_back({false, correct ? 1 : 0});
      mastered = mastered ? u(rng) >= truth.forget : u(rng) < truth.learn;
    }
    out.push_back(std::move(seq));
  }
  return out;
}

TEST_CASE("EM recovers known parameters from synthetic learners", "[mastery]") {
  BktParams truth;
  truth.prior = 0.3;
  truth.learn = 0.1;
  truth.forget = 0.02;
  truth.guess = 0.25;
  truth.slip = 0.08;
  truth.level_if_mastered = {0.05, 0.10, 0.45, 0.40};
  truth.level_if_not = {0.30, 0.50, 0.15, 0.05};
  std::vector<BktSequence> data = Simulate(truth, 3000, 25, 0.1, 7);
  BktFit fit = FitBkt(data);  // starts from the defaults, not from the truth
  INFO("iterations " << fit.iterations);
  CHECK(fit.params.prior == Approx(truth.prior).margin(0.03));
  CHECK(fit.params.learn == Approx(truth.learn).margin(0.02));
  CHECK(fit.params.forget == Approx(truth.forget).margin(0.015));
  CHECK(fit.params.guess == Approx(truth.guess).margin(0.02));
  CHECK(fit.params.slip == Approx(truth.slip).margin(0.02));
  for (size_t l = 0; l < kRubricLevels; ++l) {
    CHECK(fit.params.level_if_mastered[l] == Approx(truth.level_if_mastered[l]).margin(0.04));
    CHECK(fit.params.level_if_not[l] == Approx(truth.level_if_not[l]).margin(0.04));
  }
  SECTION("and the fit is deterministic") {
    BktFit again = FitBkt(data);
    CHECK(again.params.learn == fit.params.learn);
    CHECK(again.params.level_if_not == fit.params.level_if_not);
  }
  SECTION("EM never lowers the likelihood of the data") {
    BktFitOptions one;
    one.max_iterations = 1;
    BktFit first = FitBkt(data, one);
    CHECK(fit.log_likelihood >= first.log_likelihood);
  }
}

TEST_CASE("with no data EM keeps its starting parameters", "[mastery]") {
  BktFit fit = FitBkt({});
  CHECK(fit.params.prior == BktParams().prior);
  CHECK(fit.iterations == 0);
}

TEST_CASE("FitMastery fits competencies with enough evidence and leaves the rest at defaults",
          "[mastery]") {
  BktParams truth;
  truth.prior = 0.2;
  truth.learn = 0.2;
  truth.forget = 0;
  std::vector<BktSequence> data = Simulate(truth, 200, 15, 0, 11);
  MasteryTrainingSet set;
  set.item_competencies = {{"q1", {"busy"}}, {"q2", {"busy"}}, {"q3", {"quiet"}}};
  Origin o = MasteryOrigin(9);
  uint64_t seq = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    for (const BktStep& s : data[i]) {
      ++seq;
      set.evidence.push_back({Attempt(o, seq, kNov20 + static_cast<int64_t>(seq),
                                      "l" + std::to_string(i), seq % 2 ? "q1" : "q2", s.value != 0),
                              false});
    }
  }
  // Two learners, three answers: too little for "quiet".
  for (int i = 0; i < 3; ++i) {
    ++seq;
    set.evidence.push_back({Attempt(o, seq, kNov20 + static_cast<int64_t>(seq),
                                    "l" + std::to_string(i % 2), "q3", true),
                            false});
  }
  MasteryFit fit = FitMastery(set);
  REQUIRE(fit.competencies.count("busy") == 1);
  CHECK(fit.competencies.count("quiet") == 0);
  CHECK(fit.too_little_evidence == std::vector<std::string>{"quiet"});
  const CompetencyParams& busy = fit.competencies.at("busy");
  CHECK(busy.bkt.learn == Approx(truth.learn).margin(0.05));
  CHECK(busy.fitted_responses == 3000);
  CHECK(busy.response.fitted);
  CHECK(busy.response.item_easiness.count("q1") == 1);
  CHECK(fit.response_log_loss > 0);
  CHECK(fit.response_log_loss < 0.69);  // better than a coin
}

}  // namespace
}  // namespace cairn::testing
