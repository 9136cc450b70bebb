// The mastery model over a store: parameters as mastery_params records, content,
// evidence, and the same estimates whatever order replicas received the ops in.
#include "cairn/agent/mastery_store.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "agent/store_testing.h"
#include "mastery/mastery_testing.h"

namespace cairn::testing {
namespace {

const std::vector<std::pair<std::string, nlohmann::json>> kContent = {
    {"competency", {{"competency", "add"}, {"title", "Adding"}}},
    {"competency", {{"competency", "sub"}, {"title", "Subtracting"}}},
    {"lesson", {{"lesson", "l.add"}, {"title", "Adding"}, {"competencies", {"add"}}}},
    {"lesson", {{"lesson", "l.mix"}, {"title", "Mixed"}, {"competencies", {"add", "sub"}}}},
    {"item", {{"item", "q.add"}, {"lesson", "l.add"}}},
    {"item", {{"item", "q.mix"}, {"lesson", "l.mix"}}},
    {"item", {{"item", "q.sub"}, {"lesson", "l.mix"}, {"competencies", {"sub"}}}},
};

std::unique_ptr<Store> ContentStore(const Clock& clock, uint8_t id) {
  std::unique_ptr<Store> store = OpenInitialized(MemoryOptions(clock), MasteryOrigin(id));
  CAIRN_REQUIRE_OK(store->AppendAll(kContent));
  return store;
}

TEST_CASE("an item's competencies are its own, else its lesson's", "[mastery]") {
  FakeClock clock(kNov20);
  std::unique_ptr<Store> store = ContentStore(clock, 1);
  ItemCompetencyMap items = Must(ItemCompetencies(*store));
  CHECK(items.at("q.add") == std::vector<std::string>{"add"});
  CHECK(items.at("q.mix") == std::vector<std::string>{"add", "sub"});
  CHECK(items.at("q.sub") == std::vector<std::string>{"sub"});
}

TEST_CASE("fitted parameters survive the trip through a mastery_params record", "[mastery]") {
  CompetencyParams p;
  p.bkt.prior = 0.31;
  p.bkt.learn = 0.07;
  p.bkt.forget = 0.015;
  p.bkt.guess = 0.22;
  p.bkt.slip = 0.09;
  p.bkt.level_if_mastered = {0.01, 0.09, 0.5, 0.4};
  p.response.fitted = true;
  p.response.bias = 0.75;
  p.response.weights[kKnowledge] = 0.3;
  p.response.item_easiness["q.add"] = -0.4;
  p.fitted_responses = 1200;
  FakeClock clock(kNov20);
  std::unique_ptr<Store> store = ContentStore(clock, 1);
  CAIRN_REQUIRE_OK(store->Append("mastery_params", MasteryParamsBody("add", p)));
  std::optional<nlohmann::json> record = Must(store->Entity("mastery_params", "add"));
  REQUIRE(record);
  CompetencyParams back = Must(MasteryParamsFromBody(*record));
  CHECK(back.bkt.prior == p.bkt.prior);
  CHECK(back.bkt.forget == p.bkt.forget);
  CHECK(back.bkt.level_if_mastered == p.bkt.level_if_mastered);
  CHECK(back.response.fitted);
  CHECK(back.response.weights[kKnowledge] == 0.3);
  CHECK(back.response.item_easiness.at("q.add") == -0.4);
  CHECK(back.fitted_responses == 1200);

  SECTION("and the model of the store uses them") {
    MasteryModel model = Must(LoadMasteryModel(*store, {}));
    CHECK(model.ParamsFor("add").bkt.prior == 0.31);
    CHECK(model.ParamsFor("sub").bkt.prior == BktParams().prior);
  }
}

TEST_CASE("a parameters record that makes no sense is refused, naming the field", "[mastery]") {
  nlohmann::json good = MasteryParamsBody("add", CompetencyParams{});
  auto error = [](nlohmann::json body) {
    Result<CompetencyParams> r = MasteryParamsFromBody(body);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  CHECK(error(good) == "ok");
  nlohmann::json b = good;
  b["guess"] = 0.6;
  b["slip"] = 0.5;
  CHECK(error(b) ==
        "mastery_params.guess + slip must be below 1 (else a correct answer would speak against "
        "mastery)");
  b = good;
  b["levels"]["mastered"] = {0.5, 0.5, 0.5, 0.5};
  CHECK(error(b) == "mastery_params.levels.mastered: the probabilities must sum to 1");
  b = good;
  b["response"] = {{"bias", 0}, {"weights", {{"shoe_size", 1}}}};
  CHECK(error(b) == "mastery_params.response.weights: unknown feature 'shoe_size'");

  SECTION("a store holding one keeps the defaults for that competency and says why") {
    FakeClock clock(kNov20);
    std::unique_ptr<Store> store = ContentStore(clock, 1);
    b = good;
    b["guess"] = 0.7;
    b["slip"] = 0.4;
    CAIRN_REQUIRE_OK(store->Append("mastery_params", b));
    std::vector<std::string> problems;
    MasteryModel model = Must(LoadMasteryModel(*store, {}, {}, &problems));
    CHECK(model.ParamsFor("add").bkt.guess == BktParams().guess);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("'add'") != std::string::npos);
  }
}

TEST_CASE("fitting from a store records parameters only where it may", "[mastery]") {
  FakeClock clock(kNov20);
  std::unique_ptr<Store> store = ContentStore(clock, 1);
  std::vector<std::pair<std::string, nlohmann::json>> attempts;
  std::mt19937 rng(3);
  for (int l = 0; l < 8; ++l) {
    CAIRN_REQUIRE_OK(
        store->Append("learner", {{"learner", "l" + std::to_string(l)}, {"display_name", "L"}}));
    for (int i = 0; i < 10; ++i) {
      attempts.emplace_back("attempt", nlohmann::json{{"learner", "l" + std::to_string(l)},
                                                      {"item", "q.add"},
                                                      {"correct", rng() % 3 != 0}});
    }
  }
  CAIRN_REQUIRE_OK(store->AppendAll(attempts));
  MasteryTrainingSet set = Must(TrainingSetFromStore(*store));
  CHECK(set.evidence.size() == 80);
  MasteryFit fit = FitMastery(set);
  REQUIRE(fit.competencies.count("add") == 1);
  CHECK(Must(SaveMasteryParams(*store, fit)) == 1);
  CHECK(Must(store->Entity("mastery_params", "add")).has_value());

  SECTION("an enrolled device may not: the school server publishes them") {
    FakeClock device_clock(kNov20);
    std::unique_ptr<Store> device = OpenInitialized(MemoryOptions(device_clock), MasteryOrigin(2),
                                                    StoreMode::kDevice, MasteryOrigin(1));
    Result<size_t> r = SaveMasteryParams(*device, fit);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kFailedPrecondition);
  }
}

TEST_CASE("a competency with thousands of items still fits in one parameters record", "[mastery]") {
  MasteryFit fit;
  CompetencyParams& p = fit.competencies["add"];
  p.response.fitted = true;
  for (int i = 0; i < 5000; ++i) {
    p.response.item_easiness["a.rather.long.item.id." + std::to_string(i)] = (i % 100) / 10.0;
  }
  FakeClock clock(kNov20);
  std::unique_ptr<Store> store = ContentStore(clock, 1);
  CHECK(Must(SaveMasteryParams(*store, fit)) == 1);
  CompetencyParams back =
      Must(MasteryParamsFromBody(*Must(store->Entity("mastery_params", "add"))));
  CHECK(back.response.item_easiness.size() > 500);
  CHECK(back.response.item_easiness.size() < 5000);
  CHECK(back.response.item_easiness.at("a.rather.long.item.id.99") ==
        9.9);  // furthest from 0: kept
}

// Random evidence from three devices about four learners: attempts, group
// observations, retractions and corrections, with clocks that disagree.
std::vector<Op> RandomEvidence(std::mt19937_64& rng) {
  std::vector<Origin> devices = {MasteryOrigin(10), MasteryOrigin(11), MasteryOrigin(12)};
  std::vector<uint64_t> next_seq(devices.size(), 1);
  std::vector<std::string> learners = {"ada", "bo", "cy", "dee"};
  std::vector<std::string> items = {"q.add", "q.mix", "q.sub"};
  std::vector<Op> ops;
  size_t n = 30 + rng() % 60;
  for (size_t i = 0; i < n; ++i) {
    size_t d = rng() % devices.size();
    // Clocks a few seconds apart, and ties on purpose: fold order breaks them.
    int64_t millis = kNov20 + static_cast<int64_t>(i * 1000) + static_cast<int64_t>(rng() % 5000);
    Hlc hlc = MakeHlc(millis - millis % 2000, 0);
    uint64_t seq = next_seq[d]++;
    int what = static_cast<int>(rng() % 10);
    Op op;
    if (what < 6 || ops.empty()) {
      op = Attempt(devices[d], seq, 0, learners[rng() % learners.size()],
                   items[rng() % items.size()], rng() % 3 != 0);
      if (what == 5 && !ops.empty()) {
        const Op& target = ops[rng() % ops.size()];
        if (target.kind == "attempt") op.body["supersedes"] = target.id().ToString();
      }
    } else if (what < 8) {
      std::vector<std::string> who = {learners[rng() % 4], learners[rng() % 4]};
      if (who[0] == who[1]) who.pop_back();
      op = Observation(devices[d], seq, 0, who, rng() % 2 ? "add" : "sub",
                       1 + static_cast<int>(rng() % 4), rng() % 2 ? "small_group" : "individual");
    } else {
      op = Retract(devices[d], seq, 0, ops[rng() % ops.size()]);
    }
    op.hlc = hlc;
    ops.push_back(std::move(op));
  }
  return ops;
}

std::vector<MasteryEstimate> AllEstimates(const MasteryModel& model) {
  std::vector<MasteryEstimate> out;
  for (const char* learner : {"ada", "bo", "cy", "dee"}) {
    for (const char* competency : {"add", "sub"}) {
      out.push_back(model.Estimate(learner, competency));
    }
  }
  return out;
}

void RequireSame(const std::vector<MasteryEstimate>& a, const std::vector<MasteryEstimate>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO(a[i].learner << " " << a[i].competency << ": " << a[i].p_mastered << " '"
                      << a[i].explanation << "' vs " << b[i].p_mastered << " '" << b[i].explanation
                      << "'");
    REQUIRE(SameEstimate(a[i], b[i]));
  }
}

TEST_CASE("mastery is the same whatever order the evidence arrives in", "[mastery]") {
  // Property: for random evidence, (1) the model fed the ops in fold order, (2) the
  // model fed them in a random order (late ops, retractions before their target),
  // and (3) models loaded from stores that received them through ApplyRemote in
  // random batches, all give identical estimates.
  for (uint64_t seed = 1; seed <= 150; ++seed) {
    INFO("seed " << seed);
    std::mt19937_64 rng(seed);
    std::vector<Op> ops = RandomEvidence(rng);
    ItemCompetencyMap items = {{"q.add", {"add"}}, {"q.mix", {"add", "sub"}}, {"q.sub", {"sub"}}};
    auto fresh = [&] {
      MasteryModel m;
      for (const auto& [item, competencies] : items) m.SetItem(item, competencies);
      return m;
    };
    std::vector<Op> folded = ops;
    std::sort(folded.begin(), folded.end(), [](const Op& a, const Op& b) {
      return std::tie(a.hlc, a.origin.bytes, a.seq) < std::tie(b.hlc, b.origin.bytes, b.seq);
    });
    MasteryModel reference = fresh();
    for (const Op& op : folded) reference.Add(op);
    std::vector<MasteryEstimate> expected = AllEstimates(reference);

    std::vector<Op> shuffled = ops;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    MasteryModel incremental = fresh();
    for (const Op& op : shuffled) incremental.Add(op);
    RequireSame(AllEstimates(incremental), expected);

    if (seed % 5 == 0) {  // stores are slower: every fifth seed, two replicas
      for (uint8_t replica = 0; replica < 2; ++replica) {
        FakeClock clock(kNov20);
        std::unique_ptr<Store> store = ContentStore(clock, static_cast<uint8_t>(1 + replica));
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        for (size_t at = 0; at < shuffled.size();) {
          size_t take = std::min<size_t>(1 + rng() % 9, shuffled.size() - at);
          std::vector<Op> batch(shuffled.begin() + static_cast<std::ptrdiff_t>(at),
                                shuffled.begin() + static_cast<std::ptrdiff_t>(at + take));
          CAIRN_REQUIRE_OK(store->ApplyRemote(batch));
          at += take;
        }
        MasteryModel loaded = Must(LoadMasteryModel(*store, {}, {"ada", "bo", "cy", "dee"}));
        RequireSame(AllEstimates(loaded), expected);
        // One learner of a roll of twelve is read through the learner index, not the
        // whole log: the same estimates.
        for (const char* l :
             {"ada", "bo", "cy", "dee", "eve", "fin", "gus", "hal", "ivy", "jo", "kit", "lou"}) {
          CAIRN_REQUIRE_OK(store->Append("learner", {{"learner", l}, {"school", "s"}}));
        }
        MasteryModel ada = Must(LoadMasteryModel(*store, {}, {"ada"}));
        for (const char* competency : {"add", "sub"}) {
          REQUIRE(
              SameEstimate(ada.Estimate("ada", competency), reference.Estimate("ada", competency)));
        }
      }
    }
  }
}

}  // namespace
}  // namespace cairn::testing
