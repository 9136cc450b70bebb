// mastery_eval: how well the mastery model predicts learners' answers, on public
// data with a published table to compare against, and how well it declares
// mastery on synthetic learners whose true state is known.
//
// 1. ASSISTments 2009–10 (../shared/data/assistments09 beside the repository; its
//    README gives the protocol): fit on train.tsv; for every test student, predict
//    each answer from that student's earlier answers only, before updating on it.
//    AUC, RMSE and log-loss, beside the published AUCs on the same split.
// 2. Synthetic learners drawn from known BKT parameters, with a known moment of
//    mastery: how often "mastered" is declared before the learner has mastered,
//    and how many answers after true mastery it takes to declare it.
//
// Usage: mastery_eval [--data DIR] [--synthetic-only]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_common.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/mastery_fit.h"

namespace cairn::bench {
namespace {

using ItemMap = std::map<std::string, std::vector<std::string>, std::less<>>;

struct Row {
  std::string user, item, skill;
  bool correct = false;
};

// Reads one of the data set's TSV files. A missing file or a malformed line is an
// error naming the file and line.
Result<std::vector<Row>> ReadTsv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return Status::NotFound("cannot open " + file.string());
  std::vector<Row> rows;
  std::string line;
  size_t number = 0;
  auto where = [&] { return file.string() + ":" + std::to_string(number) + ": "; };
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1) {
      if (line != "user_id\titem_id\ttimestamp\tcorrect\tskill_id") {
        return Status::InvalidArgument(
            where() + "expected the header user_id, item_id, timestamp, correct, skill_id");
      }
      continue;
    }
    if (line.empty()) continue;
    std::vector<std::string> cells;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      cells.push_back(line.substr(start, tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (cells.size() != 5) {
      return Status::InvalidArgument(where() + "expected 5 tab-separated columns, found " +
                                     std::to_string(cells.size()));
    }
    for (size_t c : {0, 1, 4}) {
      if (cells[c].empty() || cells[c].find_first_not_of("0123456789") != std::string::npos) {
        return Status::InvalidArgument(where() + "column " + std::to_string(c + 1) +
                                       " is not a whole number: '" + cells[c] + "'");
      }
    }
    if (cells[3] != "0" && cells[3] != "1") {
      return Status::InvalidArgument(where() + "correct must be 0 or 1, got '" + cells[3] + "'");
    }
    rows.push_back({"u" + cells[0], "i" + cells[1], "s" + cells[4], cells[3] == "1"});
  }
  if (rows.empty()) return Status::InvalidArgument(file.string() + ": no responses");
  return rows;
}

Op AttemptOp(const Origin& origin, uint64_t seq, const std::string& learner,
             const std::string& item, bool correct) {
  return Op{origin, seq, MakeHlc(1'700'000'000'000, 0) + seq, "attempt",
            nlohmann::json{{"learner", learner}, {"item", item}, {"correct", correct}}};
}

struct Scores {
  double auc = 0, rmse = 0, log_loss = 0;
  size_t n = 0;
};

// AUC by ranks (ties share their mean rank), RMSE and log-loss.
Scores Score(const std::vector<double>& p, const std::vector<bool>& y) {
  Scores s;
  s.n = p.size();
  std::vector<size_t> order(p.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] < p[b]; });
  double rank_sum = 0, positives = 0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j < order.size() && p[order[j]] == p[order[i]]) ++j;
    double mean_rank = (static_cast<double>(i + j - 1)) / 2 + 1;
    for (size_t k = i; k < j; ++k) {
      if (y[order[k]]) {
        rank_sum += mean_rank;
        positives += 1;
      }
    }
    i = j;
  }
  double negatives = static_cast<double>(p.size()) - positives;
  s.auc = (rank_sum - positives * (positives + 1) / 2) / (positives * negatives);
  double se = 0, ll = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    double q = std::clamp(p[i], 1e-9, 1 - 1e-9);
    double t = y[i] ? 1 : 0;
    se += (q - t) * (q - t);
    ll -= y[i] ? std::log(q) : std::log(1 - q);
  }
  s.rmse = std::sqrt(se / static_cast<double>(p.size()));
  s.log_loss = ll / static_cast<double>(p.size());
  return s;
}

// Predicts every test answer before adding it, as the README's protocol says.
Scores EvaluateOnline(const MasteryFit& fit, const ItemMap& items, const std::vector<Row>& test,
                      double* micros_per_answer) {
  MasteryModel model;
  for (const auto& [competency, params] : fit.competencies) model.SetParams(competency, params);
  for (const auto& [item, competencies] : items) model.SetItem(item, competencies);
  Origin origin = Origin::Random();
  std::vector<double> p;
  std::vector<bool> y;
  p.reserve(test.size());
  y.reserve(test.size());
  std::vector<Op> ops;
  ops.reserve(test.size());
  for (size_t i = 0; i < test.size(); ++i) {
    ops.push_back(AttemptOp(origin, i + 1, test[i].user, test[i].item, test[i].correct));
  }
  double t0 = NowMicros();
  for (size_t i = 0; i < test.size(); ++i) {
    std::optional<double> predicted = model.PredictCorrect(test[i].user, test[i].item);
    p.push_back(predicted.value_or(0.5));
    y.push_back(test[i].correct);
    model.Add(ops[i]);
  }
  *micros_per_answer = (NowMicros() - t0) / static_cast<double>(test.size());
  return Score(p, y);
}

bool RunAssistments(const std::filesystem::path& dir) {
  std::cout << "== ASSISTments 2009-10 skill builder (" << dir.string() << ")\n";
  if (!std::filesystem::exists(dir / "train.tsv") || !std::filesystem::exists(dir / "test.tsv")) {
    std::cout << "DATA MISSING: no train.tsv and test.tsv in " << dir.string()
              << "\n  The evaluation needs the public ASSISTments 2009-10 split in "
                 "../shared/data/assistments09\n  beside the repository (or pass --data DIR). "
                 "No AUC was measured.\n";
    std::cerr << "mastery_eval: ASSISTments data missing in " << dir.string() << "\n";
    return false;
  }
  Result<std::vector<Row>> train = ReadTsv(dir / "train.tsv");
  if (!train.ok()) Die(train.status().message());
  Result<std::vector<Row>> test = ReadTsv(dir / "test.tsv");
  if (!test.ok()) Die(test.status().message());
  // Content: every item's skill (from both files: it is the content pack, not an answer).
  ItemMap items;
  for (const std::vector<Row>* rows : {&*train, &*test}) {
    for (const Row& r : *rows) items[r.item] = {r.skill};
  }
  MasteryTrainingSet set;
  set.item_competencies = items;
  Origin origin = Origin::Random();
  for (size_t i = 0; i < train->size(); ++i) {
    const Row& r = (*train)[i];
    set.evidence.push_back({AttemptOp(origin, i + 1, r.user, r.item, r.correct), false});
  }
  std::cout << "train: " << train->size() << " answers; test: " << test->size() << " answers\n";

  double t0 = NowMicros();
  MasteryFit bkt = FitMastery(set, {}, {}, /*fit_response=*/false);
  double bkt_fit_s = (NowMicros() - t0) / 1e6;
  t0 = NowMicros();
  MasteryFit full = FitMastery(set);
  double full_fit_s = (NowMicros() - t0) / 1e6;

  double bkt_us = 0, full_us = 0;
  Scores b = EvaluateOnline(bkt, items, *test, &bkt_us);
  Scores f = EvaluateOnline(full, items, *test, &full_us);

  std::printf("\n| model                          | AUC   | RMSE  | log-loss |\n");
  std::printf("|--------------------------------|-------|-------|----------|\n");
  for (auto [name, auc] : {std::pair{"IRT (published)", 0.69},
                           {"PFA (published)", 0.72},
                           {"DKT (published)", 0.75},
                           {"SAKT (published)", 0.75},
                           {"Best-LR (published)", 0.77}}) {
    std::printf("| %-30s | %.2f  |       |          |\n", name, auc);
  }
  std::printf("| %-30s | %.4f| %.4f| %.4f   |\n", "Cairn BKT (EM, forgetting)", b.auc, b.rmse,
              b.log_loss);
  std::printf("| %-30s | %.4f| %.4f| %.4f   |\n", "Cairn response model", f.auc, f.rmse,
              f.log_loss);
  std::printf("\nfit: BKT %.1f s, BKT + response model %.1f s (%d L-BFGS iterations)\n\n",
              bkt_fit_s, full_fit_s, full.response_iterations);
  Metric("assist09_published_auc_irt", 0.69, "auc");
  Metric("assist09_published_auc_pfa", 0.72, "auc");
  Metric("assist09_published_auc_dkt", 0.75, "auc");
  Metric("assist09_published_auc_sakt", 0.75, "auc");
  Metric("assist09_published_auc_best_lr", 0.77, "auc");
  Metric("assist09_bkt_auc", b.auc, "auc");
  Metric("assist09_bkt_rmse", b.rmse, "rmse");
  Metric("assist09_bkt_log_loss", b.log_loss, "nats");
  Metric("assist09_cairn_auc", f.auc, "auc");
  Metric("assist09_cairn_rmse", f.rmse, "rmse");
  Metric("assist09_cairn_log_loss", f.log_loss, "nats");
  Metric("assist09_cairn_predict_and_update", full_us, "us");
  Metric("assist09_fit_seconds", full_fit_s, "s");
  return true;
}

// --- Synthetic learners with known truth ----------------------------------------

struct Truth {
  BktParams params;
  int answers = 30;
};

struct Learner {
  std::vector<bool> correct;
  int mastered_at = -1;  // index of the first answer given in the mastered state; -1 never
};

std::vector<Learner> Simulate(const Truth& truth, int learners, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<Learner> out(static_cast<size_t>(learners));
  for (Learner& l : out) {
    bool mastered = u(rng) < truth.params.prior;
    for (int t = 0; t < truth.answers; ++t) {
      if (mastered && l.mastered_at < 0) l.mastered_at = t;
      l.correct.push_back(mastered ? u(rng) >= truth.params.slip : u(rng) < truth.params.guess);
      if (!mastered && u(rng) < truth.params.learn)
        mastered = true;  // no forgetting: a known moment
    }
  }
  return out;
}

void RunSynthetic() {
  std::cout << "== Synthetic learners with known BKT parameters\n";
  Truth truth;
  truth.params.prior = 0.1;
  truth.params.learn = 0.12;
  truth.params.forget = 0;
  truth.params.guess = 0.2;
  truth.params.slip = 0.1;
  std::mt19937_64 rng(20261123);
  std::vector<Learner> train = Simulate(truth, 1000, rng);
  std::vector<Learner> test = Simulate(truth, 2000, rng);
  ItemMap items{{"q", {"skill"}}};
  MasteryTrainingSet set;
  set.item_competencies = items;
  Origin origin = Origin::Random();
  uint64_t seq = 0;
  for (size_t i = 0; i < train.size(); ++i) {
    for (bool c : train[i].correct) {
      ++seq;
      set.evidence.push_back({AttemptOp(origin, seq, "t" + std::to_string(i), "q", c), false});
    }
  }
  MasteryFit fit = FitMastery(set, {}, {}, /*fit_response=*/false);
  const BktParams& p = fit.competencies.at("skill").bkt;
  std::printf("true:   prior %.3f learn %.3f forget %.3f guess %.3f slip %.3f\n",
              truth.params.prior, truth.params.learn, truth.params.forget, truth.params.guess,
              truth.params.slip);
  std::printf("fitted: prior %.3f learn %.3f forget %.3f guess %.3f slip %.3f\n", p.prior, p.learn,
              p.forget, p.guess, p.slip);

  MasteryModel model;  // default options: threshold 0.95, at least 3 pieces of evidence
  model.SetItem("q", {"skill"});
  model.SetParams("skill", fit.competencies.at("skill"));
  int declared = 0, premature = 0, mastered = 0, never_declared = 0;
  int64_t unmastered_answers = 0, shown_mastered_unmastered = 0;
  std::vector<double> delays;
  for (size_t i = 0; i < test.size(); ++i) {
    const Learner& l = test[i];
    std::string id = "s" + std::to_string(i);
    int declared_at = -1;
    for (size_t t = 0; t < l.correct.size(); ++t) {
      ++seq;
      model.Add(AttemptOp(origin, seq, id, "q", l.correct[t]));
      bool truly = l.mastered_at >= 0 && static_cast<int>(t) >= l.mastered_at;
      bool shown = model.Estimate(id, "skill").state == MasteryState::kMastered;
      if (!truly) {
        ++unmastered_answers;
        shown_mastered_unmastered += shown ? 1 : 0;
      }
      if (shown && declared_at < 0) declared_at = static_cast<int>(t);
    }
    if (l.mastered_at >= 0) ++mastered;
    if (declared_at >= 0) {
      ++declared;
      if (l.mastered_at < 0 || declared_at < l.mastered_at) {
        ++premature;
      } else {
        delays.push_back(declared_at - l.mastered_at + 1);
      }
    } else if (l.mastered_at >= 0 && l.mastered_at + 10 <= static_cast<int>(l.correct.size())) {
      ++never_declared;
    }
  }
  std::sort(delays.begin(), delays.end());
  double mean = 0;
  for (double d : delays) mean += d;
  mean /= std::max<size_t>(1, delays.size());
  double false_rate = declared ? static_cast<double>(premature) / declared : 0;
  std::printf(
      "%zu test learners, %d answers each: %d truly mastered at some point, %d declared "
      "mastered, %d of them before true mastery\n",
      test.size(), truth.answers, mastered, declared, premature);
  Metric("synthetic_false_mastery_rate", false_rate, "fraction");
  Metric("synthetic_false_mastery_target", 0.05, "fraction");
  Metric("synthetic_shown_mastered_while_not",
         static_cast<double>(shown_mastered_unmastered) / std::max<int64_t>(1, unmastered_answers),
         "fraction");
  Metric("synthetic_answers_to_declare_median", Median(delays), "answers");
  Metric("synthetic_answers_to_declare_mean", mean, "answers");
  Metric("synthetic_answers_to_declare_p90",
         delays.empty() ? 0 : delays[static_cast<size_t>(0.9 * (delays.size() - 1))], "answers");
  Metric("synthetic_mastered_10_answers_but_undeclared",
         mastered ? static_cast<double>(never_declared) / mastered : 0, "fraction");
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  std::filesystem::path data =
      std::filesystem::path(CAIRN_SOURCE_DIR) / ".." / "shared" / "data" / "assistments09";
  bool synthetic_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--synthetic-only") {
      synthetic_only = true;
    } else {
      std::cerr << "usage: mastery_eval [--data DIR] [--synthetic-only]\n";
      return 2;
    }
  }
  cairn::bench::RunSynthetic();
  if (synthetic_only) return 0;
  return cairn::bench::RunAssistments(data.lexically_normal()) ? 0 : 1;
}
