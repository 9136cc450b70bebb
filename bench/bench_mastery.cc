// mastery: the speed of the mastery model on a class of 35 learners working on 40
// competencies for a school year (180 days, about 10 answers a day each, and
// teacher observations of small groups every week).
//
// - update per attempt: one more attempt folded in, in order (the O(1) path), beside
//   the bare BKT arithmetic for the same attempts and the store write that records it;
// - a late attempt (from a device that was offline for weeks): one (learner,
//   competency) recomputed;
// - full recompute of the class (every fold redone from the evidence the model
//   holds, every estimate read), then the cold start: the fold of evidence just
//   read, and the whole load from the store beside reading the same evidence alone.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>

#include "bench_common.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/mastery_store.h"

namespace cairn::bench {
namespace {

constexpr int kLearners = 35;
constexpr int kCompetencies = 40;
constexpr int kItemsPerCompetency = 10;
constexpr int kDays = 180;
constexpr int kAnswersPerDay = 10;

std::string LearnerId(int i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "5f0c2d7e-41a9-4b3c-9e1d-%012d", i);
  return buf;
}
std::string CompetencyId(int c) { return "math.g4.c" + std::to_string(c); }
std::string ItemId(int c, int i) { return CompetencyId(c) + ".item" + std::to_string(i); }

// The content ops: 40 competencies, one lesson of 10 items each.
std::vector<std::pair<std::string, nlohmann::json>> Content() {
  std::vector<std::pair<std::string, nlohmann::json>> ops;
  ops.emplace_back("school", nlohmann::json{{"school", "s1"}, {"name", "School"}});
  for (int l = 0; l < kLearners; ++l) {
    ops.emplace_back("learner", nlohmann::json{{"learner", LearnerId(l)},
                                               {"school", "s1"},
                                               {"display_name", "L" + std::to_string(l)}});
  }
  for (int c = 0; c < kCompetencies; ++c) {
    ops.emplace_back("competency", nlohmann::json{{"competency", CompetencyId(c)}, {"title", "C"}});
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < kItemsPerCompetency; ++i) items.push_back(ItemId(c, i));
    ops.emplace_back("lesson", nlohmann::json{{"lesson", CompetencyId(c) + ".lesson"},
                                              {"title", "L"},
                                              {"competencies", {CompetencyId(c)}},
                                              {"items", items}});
    for (int i = 0; i < kItemsPerCompetency; ++i) {
      ops.emplace_back("item", nlohmann::json{{"item", ItemId(c, i)},
                                              {"lesson", CompetencyId(c) + ".lesson"},
                                              {"type", "choice"}});
    }
  }
  return ops;
}

// A year of evidence in time order: each learner works through the competencies
// (about 4.5 school days each), getting better as they go; every Friday the
// teacher observes a small group of four on the week's competency.
std::vector<std::pair<std::string, nlohmann::json>> Year(std::mt19937& rng) {
  std::vector<std::pair<std::string, nlohmann::json>> ops;
  std::uniform_real_distribution<double> u(0, 1);
  for (int day = 0; day < kDays; ++day) {
    int competency = day * kCompetencies / kDays;
    for (int l = 0; l < kLearners; ++l) {
      for (int a = 0; a < kAnswersPerDay; ++a) {
        // Now and then, review of an earlier competency.
        int c = (a == 0 && competency > 0) ? static_cast<int>(rng() % competency) : competency;
        double skill = 0.4 + 0.5 * (day % (kDays / kCompetencies) + 1) / (kDays / kCompetencies);
        ops.emplace_back(
            "attempt",
            nlohmann::json{{"learner", LearnerId(l)},
                           {"item", ItemId(c, static_cast<int>(rng() % kItemsPerCompetency))},
                           {"correct", u(rng) < skill},
                           {"duration_ms", 5000 + rng() % 60000}});
      }
    }
    if (day % 5 == 4) {
      for (int g = 0; g < kLearners; g += 4) {
        nlohmann::json who = nlohmann::json::array();
        for (int l = g; l < std::min(g + 4, kLearners); ++l) who.push_back(LearnerId(l));
        ops.emplace_back("observation", nlohmann::json{{"teacher", "t1"},
                                                       {"learners", who},
                                                       {"competency", CompetencyId(competency)},
                                                       {"level", 1 + static_cast<int>(rng() % 4)},
                                                       {"modality", "small_group"}});
      }
    }
  }
  return ops;
}

void AddAll(MasteryModel& model, const std::vector<std::vector<Evidence>>& evidence) {
  for (const std::vector<Evidence>& list : evidence) {
    for (const Evidence& e : list) model.Add(e.op, e.retracted);
  }
}

void Run() {
  ScratchDir dir("mastery");
  std::unique_ptr<Store> store = OpenStore(dir.path() / "store.db", /*synchronous_full=*/false);
  if (Result<std::vector<OpId>> r = store->AppendAll(Content()); !r.ok())
    Die(r.status().ToString());
  std::mt19937 rng(42);
  std::vector<std::pair<std::string, nlohmann::json>> year = Year(rng);
  for (size_t at = 0; at < year.size(); at += 2000) {
    std::vector<std::pair<std::string, nlohmann::json>> batch(
        year.begin() + static_cast<std::ptrdiff_t>(at),
        year.begin() + static_cast<std::ptrdiff_t>(std::min(at + 2000, year.size())));
    if (Result<std::vector<OpId>> r = store->AppendAll(batch); !r.ok()) {
      Die(r.status().ToString());
    }
  }
  std::printf("a class of %d learners x %d competencies, %zu evidence ops over %d days\n",
              kLearners, kCompetencies, year.size(), kDays);

  std::vector<std::string> learners;
  for (int l = 0; l < kLearners; ++l) learners.push_back(LearnerId(l));

  // --- Full recompute -----------------------------------------------------------
  std::vector<double> load_ms, read_ms, fold_ms, recompute_ms;
  std::vector<std::vector<Evidence>> evidence;
  size_t estimates = 0;
  for (int rep = 0; rep < 7; ++rep) {
    double t0 = NowMicros();
    Result<MasteryModel> loaded = LoadMasteryModel(*store, {}, learners);
    if (!loaded.ok()) Die(loaded.status().ToString());
    estimates = 0;
    for (const std::string& l : learners) estimates += loaded->EstimatesFor(l).size();
    load_ms.push_back((NowMicros() - t0) / 1000);

    t0 = NowMicros();
    evidence.clear();
    for (const std::string& l : learners) {
      Result<std::vector<Evidence>> e = store->EvidenceFor(l);
      if (!e.ok()) Die(e.status().ToString());
      evidence.push_back(std::move(e).value());
    }
    read_ms.push_back((NowMicros() - t0) / 1000);

    Result<ItemCompetencyMap> items = ItemCompetencies(*store);
    if (!items.ok()) Die(items.status().ToString());
    t0 = NowMicros();
    MasteryModel model;
    for (const auto& [item, competencies] : *items) model.SetItem(item, competencies);
    AddAll(model, evidence);
    size_t folded = 0;
    for (const std::string& l : learners) folded += model.EstimatesFor(l).size();
    fold_ms.push_back((NowMicros() - t0) / 1000);
    if (folded != estimates) Die("the fold and the load disagree");

    // The full recompute itself (new parameters, say): every fold redone from the
    // evidence the model holds, and every estimate read with its explanation.
    t0 = NowMicros();
    model.RecomputeAll();
    size_t again = 0;
    for (const std::string& l : learners) again += model.EstimatesFor(l).size();
    recompute_ms.push_back((NowMicros() - t0) / 1000);
    if (again != estimates) Die("the recompute lost estimates");
  }
  std::printf("full recompute: %zu estimates (learner x competency)\n", estimates);
  Metric("mastery_class_recompute", Median(recompute_ms), "ms");
  Metric("mastery_class_recompute_target", 50, "ms");
  Metric("mastery_class_fold_from_read_evidence", Median(fold_ms), "ms");
  Metric("mastery_class_cold_load_from_store", Median(load_ms), "ms");
  Metric("mastery_class_evidence_read_as_json", Median(read_ms), "ms");
  std::vector<double> bare_ms;
  for (int rep = 0; rep < 7; ++rep) bare_ms.push_back(BareEvidenceScanMs(dir.path() / "store.db"));
  Metric("baseline_bare_sqlite_evidence_scan", Median(bare_ms), "ms");
  Metric("mastery_cold_load_vs_bare_scan", Median(load_ms) / Median(bare_ms), "x");

  // --- Update per attempt ----------------------------------------------------------
  Result<MasteryModel> live = LoadMasteryModel(*store, {}, learners);
  if (!live.ok()) Die(live.status().ToString());
  constexpr int kUpdates = 100'000;
  Origin device = Origin::Random();
  Hlc start = store->clock() + MakeHlc(1000, 0);
  std::vector<Op> ops;
  ops.reserve(kUpdates);
  std::vector<std::pair<int, bool>> bare;  // (track, correct) for the baseline
  for (int i = 0; i < kUpdates; ++i) {
    int l = static_cast<int>(rng() % kLearners), c = static_cast<int>(rng() % kCompetencies);
    bool correct = rng() % 4 != 0;
    ops.push_back(Op{device, static_cast<uint64_t>(i + 1), start + MakeHlc(i, 0), "attempt",
                     nlohmann::json{{"learner", LearnerId(l)},
                                    {"item", ItemId(c, static_cast<int>(rng() % 10))},
                                    {"correct", correct},
                                    {"duration_ms", 12000}}});
    bare.emplace_back(l * kCompetencies + c, correct);
  }
  uint64_t before = live->recomputations();
  double t0 = NowMicros();
  for (const Op& op : ops) live->Add(op);
  double update_us = (NowMicros() - t0) / kUpdates;
  if (live->recomputations() != before) Die("in-order updates recomputed a fold");

  BktParams p;
  std::vector<double> tracks(kLearners * kCompetencies, p.prior);
  t0 = NowMicros();
  for (const auto& [track, correct] : bare) {
    double& m = tracks[static_cast<size_t>(track)];
    m = BktTransition(p, BktPosteriorAfterAnswer(p, m, correct));
  }
  double arithmetic_us = (NowMicros() - t0) / kUpdates;
  double checksum = 0;
  for (double m : tracks) checksum += m;

  // The write that goes with each attempt (the store, synchronous=NORMAL).
  std::vector<double> append_us;
  for (int i = 0; i < 2000; ++i) {
    double a0 = NowMicros();
    if (Result<OpId> r = store->Append("attempt", ops[static_cast<size_t>(i)].body); !r.ok()) {
      Die(r.status().ToString());
    }
    append_us.push_back(NowMicros() - a0);
  }

  // Reading one estimate (with its explanation), as a view does.
  t0 = NowMicros();
  size_t chars = 0;
  for (int i = 0; i < 20'000; ++i) {
    chars += live->Estimate(LearnerId(i % kLearners), CompetencyId(i % kCompetencies))
                 .explanation.size();
  }
  double estimate_us = (NowMicros() - t0) / 20'000;

  // A late attempt: recorded three months ago on a device that was offline.
  std::vector<double> late_us;
  for (int i = 0; i < 200; ++i) {
    Op late{Origin::Random(), 1, MakeHlc(HlcMillis(start) - 90LL * 86'400'000, 0), "attempt",
            nlohmann::json{{"learner", LearnerId(i % kLearners)},
                           {"item", ItemId(i % 8, 1)},
                           {"correct", i % 2 == 0}}};
    double a0 = NowMicros();
    live->Add(late);
    late_us.push_back(NowMicros() - a0);
  }
  std::printf("(checksum %.3f, %zu explanation bytes)\n", checksum, chars);
  Metric("mastery_update_per_attempt", update_us, "us");
  Metric("mastery_update_target", 5, "us");
  Metric("baseline_bkt_arithmetic_per_attempt", arithmetic_us, "us");
  Metric("baseline_store_append_attempt", Median(append_us), "us");
  Metric("mastery_estimate_with_explanation", estimate_us, "us");
  Metric("mastery_late_attempt_recompute", Median(late_us), "us");
}

}  // namespace
}  // namespace cairn::bench

int main() {
  cairn::bench::Run();
  return 0;
}
