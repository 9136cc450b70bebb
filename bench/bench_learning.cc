// learning: the learning views on a class of 35 learners working on 40
// competencies (a prerequisite chain) for a school year (180 days, about 10
// answers a day each, weekly small-group observations, goals and check-ins,
// a few teacher assignments).
//
// - a learner profile and a learning path, each from the store (what `cairnctl
//   profile` and `cairnctl next` compute), median over the class;
// - the class report (grid, flags) and grouping suggestions from the store;
// - the commands end to end (`cairnctl profile`, `next`, `class-report`: process
//   start, store open, compute, print), when the binary is there.
// Target: 100 ms each.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>

#include "bench_common.h"
#include "cairn/agent/class_report.h"
#include "cairn/agent/path.h"
#include "cairn/agent/profile.h"

namespace cairn::bench {
namespace {

constexpr int kLearners = 35;
constexpr int kCompetencies = 40;
constexpr int kItemsPerCompetency = 10;
constexpr int kDays = 180;
constexpr int kAnswersPerDay = 10;
constexpr int64_t kDayMillis = 86'400'000;

using Ops = std::vector<std::pair<std::string, nlohmann::json>>;

std::string LearnerId(int i) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "5f0c2d7e-41a9-4b3c-9e1d-%012d", i);
  return buf;
}
std::string CompetencyId(int c) { return "math.g4.c" + std::to_string(c); }
std::string ItemId(int c, int i) { return CompetencyId(c) + ".item" + std::to_string(i); }

Ops Content() {
  Ops ops;
  ops.emplace_back("school", nlohmann::json{{"school", "s1"}, {"name", "School"}});
  ops.emplace_back("class", nlohmann::json{{"class", "room12"}, {"name", "Room 12"}});
  ops.emplace_back("teacher", nlohmann::json{{"teacher", "t1"}, {"name", "Ms Rivera"}});
  for (int l = 0; l < kLearners; ++l) {
    ops.emplace_back("learner", nlohmann::json{{"learner", LearnerId(l)},
                                               {"school", "s1"},
                                               {"display_name", "Learner " + std::to_string(l)}});
    ops.emplace_back(
        "enrollment",
        nlohmann::json{{"class", "room12"}, {"learner", LearnerId(l)}, {"active", true}});
    ops.emplace_back("profile", nlohmann::json{{"learner", LearnerId(l)},
                                               {"interests", {"football", "drawing"}}});
  }
  for (int c = 0; c < kCompetencies; ++c) {
    nlohmann::json pre = nlohmann::json::array();
    if (c > 0) pre.push_back(CompetencyId(c - 1));
    if (c > 4) pre.push_back(CompetencyId(c - 5));
    ops.emplace_back("competency", nlohmann::json{{"competency", CompetencyId(c)},
                                                  {"title", "Competency " + std::to_string(c)},
                                                  {"prerequisites", pre}});
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < kItemsPerCompetency; ++i) items.push_back(ItemId(c, i));
    ops.emplace_back("lesson", nlohmann::json{{"lesson", CompetencyId(c) + ".lesson"},
                                              {"title", "Lesson " + std::to_string(c)},
                                              {"competencies", {CompetencyId(c)}},
                                              {"items", items},
                                              {"minutes", 20}});
    for (int i = 0; i < kItemsPerCompetency; ++i) {
      ops.emplace_back("item", nlohmann::json{{"item", ItemId(c, i)},
                                              {"lesson", CompetencyId(c) + ".lesson"},
                                              {"type", "choice"}});
    }
  }
  ops.emplace_back("group",
                   nlohmann::json{{"group", "g1"},
                                  {"class", "room12"},
                                  {"members", {LearnerId(0), LearnerId(1), LearnerId(2)}}});
  for (int a = 0; a < 6; ++a) {
    ops.emplace_back("assignment", nlohmann::json{{"assignment", "a" + std::to_string(a)},
                                                  {"teacher", "t1"},
                                                  {"lesson", CompetencyId(30 + a) + ".lesson"},
                                                  {"learners", {LearnerId(a), LearnerId(a + 10)}},
                                                  {"active", true}});
  }
  return ops;
}

// A year of evidence, as in bench_mastery, plus goals and weekly check-ins.
Ops Year(std::mt19937& rng) {
  Ops ops;
  std::uniform_real_distribution<double> u(0, 1);
  for (int l = 0; l < kLearners; ++l) {
    ops.emplace_back("goal", nlohmann::json{{"goal", "goal" + std::to_string(l)},
                                            {"learner", LearnerId(l)},
                                            {"text", "Master fractions"},
                                            {"competencies", {CompetencyId(10), CompetencyId(11)}},
                                            {"status", "active"}});
  }
  for (int day = 0; day < kDays; ++day) {
    int competency = day * kCompetencies / kDays;
    for (int l = 0; l < kLearners; ++l) {
      // Some learners fall behind and struggle.
      int own = std::max(0, competency - (l % 7 == 0 ? 3 : 0));
      for (int a = 0; a < kAnswersPerDay; ++a) {
        int c = (a == 0 && own > 0) ? static_cast<int>(rng() % own) : own;
        double skill = (l % 7 == 0 ? 0.2 : 0.4) +
                       0.5 * (day % (kDays / kCompetencies) + 1) / (kDays / kCompetencies);
        ops.emplace_back(
            "attempt",
            nlohmann::json{{"learner", LearnerId(l)},
                           {"item", ItemId(c, static_cast<int>(rng() % kItemsPerCompetency))},
                           {"correct", u(rng) < skill},
                           {"duration_ms", 5000 + rng() % 60000}});
      }
      if (day % 7 == 0) {
        ops.emplace_back("goal_checkin", nlohmann::json{{"learner", LearnerId(l)},
                                                        {"goal", "goal" + std::to_string(l)},
                                                        {"rating", 1 + static_cast<int>(rng() % 5)},
                                                        {"progress", day * 100 / kDays}});
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
                                                       {"modality", "small_group"},
                                                       {"note", "worked with strips"}});
      }
    }
  }
  return ops;
}

template <typename F>
double TimeMs(F&& f) {
  double start = NowMicros();
  f();
  return (NowMicros() - start) / 1000;
}

// Runs a command with CAIRN_HOME set, output discarded; its wall time in ms.
double RunMs(const std::string& home, const std::string& command) {
  std::string line = "CAIRN_HOME='" + home + "' " + command + " >/dev/null";
  double start = NowMicros();
  int status = std::system(line.c_str());
  double ms = (NowMicros() - start) / 1000;
  if (status != 0) Die("failed: " + line);
  return ms;
}

void Run() {
  ScratchDir dir("learning");
  std::filesystem::path data = dir.path() / "data";
  std::filesystem::create_directories(data);
  size_t evidence_ops = 0;
  {
    std::unique_ptr<Store> store = OpenStore(data / "cairn.db", /*synchronous_full=*/false);
    if (Result<std::vector<OpId>> r = store->AppendAll(Content()); !r.ok()) {
      Die(r.status().ToString());
    }
    std::mt19937 rng(42);
    Ops year = Year(rng);
    evidence_ops = year.size();
    for (size_t at = 0; at < year.size(); at += 2000) {
      Ops batch(year.begin() + static_cast<std::ptrdiff_t>(at),
                year.begin() + static_cast<std::ptrdiff_t>(std::min(at + 2000, year.size())));
      if (Result<std::vector<OpId>> r = store->AppendAll(batch); !r.ok()) {
        Die(r.status().ToString());
      }
    }
  }
  std::printf("a class of %d learners x %d competencies, %zu evidence ops over %d days\n",
              kLearners, kCompetencies, evidence_ops, kDays);

  StoreOptions options;
  options.path = data / "cairn.db";
  options.create_if_missing = false;
  Result<std::unique_ptr<Store>> opened = Store::Open(options);
  if (!opened.ok()) Die(opened.status().ToString());
  const Store& store = **opened;

  std::vector<double> profile_ms, path_ms;
  size_t needs = 0, ready = 0;
  for (int l = 0; l < kLearners; ++l) {
    profile_ms.push_back(TimeMs([&] {
      Result<LearnerProfile> p = BuildLearnerProfile(store, LearnerId(l));
      if (!p.ok()) Die(p.status().ToString());
      needs += p->needs.size();
      (void)ProfileToJson(*p).dump();
    }));
    path_ms.push_back(TimeMs([&] {
      Result<LearningPath> p = BuildLearningPath(store, LearnerId(l));
      if (!p.ok()) Die(p.status().ToString());
      ready += p->ready.size();
    }));
  }
  // The floor under the class report: reading the class's evidence, nothing else.
  std::vector<double> read_ms;
  for (int run = 0; run < 7; ++run) {
    read_ms.push_back(TimeMs([&] {
      for (int l = 0; l < kLearners; ++l) {
        if (!store.EvidenceFor(LearnerId(l)).ok()) Die("evidence read failed");
      }
    }));
  }
  std::vector<double> report_ms, group_ms;
  size_t groups = 0;
  for (int run = 0; run < 7; ++run) {
    ClassReportOptions report_options;
    report_options.now_millis = 1'800'000'000'000;
    report_options.all_competencies = true;
    std::optional<ClassReport> report;
    report_ms.push_back(TimeMs([&] {
      Result<ClassReport> r = BuildClassReport(store, "room12", report_options);
      if (!r.ok()) Die(r.status().ToString());
      report = std::move(r).value();
      (void)ClassReportToJson(*report, report_options.stuck).dump();
    }));
    group_ms.push_back(TimeMs([&] {
      Result<Grouping> g = SuggestGroups(*report, {CompetencyId(38), CompetencyId(39)},
                                         report_options.stuck, {2, 5});
      if (!g.ok()) Die(g.status().ToString());
      groups = g->groups.size();
    }));
  }
  std::printf("needs per learner %.1f, ready competencies per learner %.1f, %zu groups\n",
              static_cast<double>(needs) / kLearners, static_cast<double>(ready) / kLearners,
              groups);
  Metric("learning_profile", Median(profile_ms), "ms");
  Metric("learning_path", Median(path_ms), "ms");
  Metric("learning_class_report", Median(report_ms), "ms");
  Metric("learning_grouping", Median(group_ms), "ms");
  Metric("learning_target", 100, "ms");
  Metric("learning_class_evidence_read_as_json", Median(read_ms), "ms");
  std::vector<double> bare_ms;
  for (int run = 0; run < 7; ++run) bare_ms.push_back(BareEvidenceScanMs(data / "cairn.db"));
  Metric("baseline_bare_sqlite_evidence_scan", Median(bare_ms), "ms");
  Metric("learning_class_report_vs_bare_scan", Median(report_ms) / Median(bare_ms), "x");
  opened->reset();

#ifdef CAIRNCTL_PATH
  if (std::filesystem::exists(CAIRNCTL_PATH)) {
    std::string bin = CAIRNCTL_PATH, home = dir.path().string();
    std::vector<double> profile_cli, next_cli, report_cli, baseline_cli;
    for (int run = 0; run < 5; ++run) {
      baseline_cli.push_back(RunMs(home, bin + " status"));
      profile_cli.push_back(RunMs(home, bin + " profile " + LearnerId(run)));
      next_cli.push_back(RunMs(home, bin + " next " + LearnerId(run)));
      report_cli.push_back(RunMs(home, bin + " class-report room12 --all --group " +
                                           CompetencyId(38) + "," + CompetencyId(39)));
    }
    Metric("cairnctl_profile_wall", Median(profile_cli), "ms");
    Metric("cairnctl_next_wall", Median(next_cli), "ms");
    Metric("cairnctl_class_report_wall", Median(report_cli), "ms");
    Metric("baseline_cairnctl_status_wall", Median(baseline_cli), "ms");
  }
#endif
}

}  // namespace
}  // namespace cairn::bench

int main() {
  cairn::bench::Run();
  return 0;
}
