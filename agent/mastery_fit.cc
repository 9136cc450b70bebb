#include "cairn/agent/mastery_fit.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "lbfgs.h"

namespace cairn {
namespace {

// Bounds that keep BKT identifiable: a "mastered" learner must answer correctly
// more often than one who has not mastered (guess + slip < 1, with room).
constexpr double kMinProb = 0.001;
constexpr double kMaxGuess = 0.45, kMaxSlip = 0.45, kMaxForget = 0.2, kMaxLearn = 0.6;

// A pseudo-count estimate of a probability, kept within [lo, hi].
double Estimate(double num, double den, double start, double pseudo, double lo, double hi) {
  double p = (num + pseudo * start) / (den + pseudo);
  return std::clamp(p, lo, hi);
}

double EmissionOf(const BktParams& p, const BktStep& s, int state) {
  if (s.observation) {
    size_t l = static_cast<size_t>(std::clamp(s.value, 1, kRubricLevels) - 1);
    return state == 1 ? p.level_if_mastered[l] : p.level_if_not[l];
  }
  bool correct = s.value != 0;
  if (state == 1) return correct ? 1 - p.slip : p.slip;
  return correct ? p.guess : 1 - p.guess;
}

// Expected counts of one EM pass.
struct Counts {
  double first_mastered = 0, sequences = 0;
  double learned = 0, unmastered_before = 0;  // transitions after attempts
  double forgot = 0, mastered_before = 0;
  double guessed = 0, unmastered_attempts = 0;
  double slipped = 0, mastered_attempts = 0;
  std::array<double, kRubricLevels> level_m{}, level_n{};
  double obs_m = 0, obs_n = 0;
  double log_likelihood = 0;
};

// Forward-backward over one sequence, adding its expected counts.
void Accumulate(const BktParams& p, const BktSequence& seq, Counts& c,
                std::vector<std::array<double, 2>>& alpha, std::vector<double>& scale) {
  size_t n = seq.size();
  if (n == 0) return;
  alpha.resize(n);
  scale.resize(n);
  auto transition = [&](size_t t, int from, int to) {
    if (seq[t].observation) return from == to ? 1.0 : 0.0;  // no practice, no change
    if (from == 0) return to == 1 ? p.learn : 1 - p.learn;
    return to == 0 ? p.forget : 1 - p.forget;
  };
  for (size_t t = 0; t < n; ++t) {
    for (int j = 0; j < 2; ++j) {
      double in = t == 0 ? (j == 1 ? p.prior : 1 - p.prior)
                         : alpha[t - 1][0] * transition(t - 1, 0, j) +
                               alpha[t - 1][1] * transition(t - 1, 1, j);
      alpha[t][static_cast<size_t>(j)] = in * EmissionOf(p, seq[t], j);
    }
    double s = alpha[t][0] + alpha[t][1];
    if (s <= 0) s = 1e-300;
    scale[t] = s;
    alpha[t][0] /= s;
    alpha[t][1] /= s;
    c.log_likelihood += std::log(s);
  }
  std::array<double, 2> beta{1, 1};
  for (size_t k = n; k-- > 0;) {
    std::array<double, 2> gamma{alpha[k][0] * beta[0], alpha[k][1] * beta[1]};
    double g = gamma[0] + gamma[1];
    if (g > 0) {
      gamma[0] /= g;
      gamma[1] /= g;
    }
    const BktStep& s = seq[k];
    if (s.observation) {
      size_t l = static_cast<size_t>(std::clamp(s.value, 1, kRubricLevels) - 1);
      c.level_m[l] += gamma[1];
      c.level_n[l] += gamma[0];
      c.obs_m += gamma[1];
      c.obs_n += gamma[0];
    } else {
      c.mastered_attempts += gamma[1];
      c.unmastered_attempts += gamma[0];
      if (s.value != 0) {
        c.guessed += gamma[0];
      } else {
        c.slipped += gamma[1];
      }
    }
    if (k == 0) {
      c.first_mastered += gamma[1];
      c.sequences += 1;
    }
    // The transition from step k - 1 to k (ξ), and the beta of step k - 1.
    if (k > 0) {
      std::array<double, 2> prev{};
      for (int i = 0; i < 2; ++i) {
        double sum = 0;
        for (int j = 0; j < 2; ++j) {
          sum += transition(k - 1, i, j) * EmissionOf(p, s, j) * beta[static_cast<size_t>(j)];
        }
        prev[static_cast<size_t>(i)] = sum / scale[k];
      }
      if (!seq[k - 1].observation) {
        const std::array<double, 2>& a = alpha[k - 1];
        double e0 = EmissionOf(p, s, 0) * beta[0] / scale[k];
        double e1 = EmissionOf(p, s, 1) * beta[1] / scale[k];
        c.learned += a[0] * p.learn * e1;
        c.unmastered_before += a[0] * ((1 - p.learn) * e0 + p.learn * e1);
        c.forgot += a[1] * p.forget * e0;
        c.mastered_before += a[1] * (p.forget * e0 + (1 - p.forget) * e1);
      }
      beta = prev;
    }
  }
}

}  // namespace

BktFit FitBkt(const std::vector<BktSequence>& sequences, const BktFitOptions& options) {
  BktFit fit;
  fit.params = options.start;
  for (const BktSequence& s : sequences) {
    for (const BktStep& step : s) (step.observation ? fit.observations : fit.attempts)++;
  }
  if (fit.attempts + fit.observations == 0) return fit;
  const BktParams& start = options.start;
  const double a = options.pseudo_count;
  std::vector<std::array<double, 2>> alpha;
  std::vector<double> scale;
  BktParams p = start;
  for (int it = 0; it < options.max_iterations; ++it) {
    Counts c;
    for (const BktSequence& s : sequences) Accumulate(p, s, c, alpha, scale);
    fit.log_likelihood = c.log_likelihood;
    BktParams next = p;
    next.prior = Estimate(c.first_mastered, c.sequences, start.prior, a, 0.01, 0.99);
    next.learn = Estimate(c.learned, c.unmastered_before, start.learn, a, kMinProb, kMaxLearn);
    next.forget = Estimate(c.forgot, c.mastered_before, start.forget, a, 0, kMaxForget);
    next.guess = Estimate(c.guessed, c.unmastered_attempts, start.guess, a, kMinProb, kMaxGuess);
    next.slip = Estimate(c.slipped, c.mastered_attempts, start.slip, a, kMinProb, kMaxSlip);
    for (size_t l = 0; l < kRubricLevels; ++l) {
      next.level_if_mastered[l] = (c.level_m[l] + a * start.level_if_mastered[l]) / (c.obs_m + a);
      next.level_if_not[l] = (c.level_n[l] + a * start.level_if_not[l]) / (c.obs_n + a);
    }
    double moved = 0;
    auto track = [&moved](double x, double y) { moved = std::max(moved, std::abs(x - y)); };
    track(p.prior, next.prior);
    track(p.learn, next.learn);
    track(p.forget, next.forget);
    track(p.guess, next.guess);
    track(p.slip, next.slip);
    for (size_t l = 0; l < kRubricLevels; ++l) {
      track(p.level_if_mastered[l], next.level_if_mastered[l]);
      track(p.level_if_not[l], next.level_if_not[l]);
    }
    p = next;
    fit.iterations = it + 1;
    if (moved < options.tolerance) break;
  }
  fit.params = p;
  return fit;
}

}  // namespace cairn

namespace cairn {
namespace {

struct Row {
  uint32_t competency;
  uint32_t item;  // index of the (competency, item) easiness
  std::array<double, kResponseFeatures> features;
  bool correct;
};

bool FoldOrder(const Evidence* a, const Evidence* b) {
  return std::tie(a->op.hlc, a->op.origin.bytes, a->op.seq) <
         std::tie(b->op.hlc, b->op.origin.bytes, b->op.seq);
}

// The evidence once each, in fold order.
std::vector<const Evidence*> Folded(const std::vector<Evidence>& evidence) {
  std::vector<const Evidence*> out;
  out.reserve(evidence.size());
  for (const Evidence& e : evidence) out.push_back(&e);
  std::sort(out.begin(), out.end(), FoldOrder);
  out.erase(std::unique(out.begin(), out.end(),
                        [](const Evidence* a, const Evidence* b) {
                          return a->op.origin == b->op.origin && a->op.seq == b->op.seq;
                        }),
            out.end());
  return out;
}

// Parameter layout of the response model: shared weights, then per competency its
// bias and its weights' offsets, then one easiness per (competency, item).
struct Layout {
  size_t competencies = 0, items = 0;
  static constexpr size_t kK = kResponseFeatures;
  size_t Shared(size_t f) const { return f; }
  size_t Bias(size_t c) const { return kK + c * (kK + 1); }
  size_t Delta(size_t c, size_t f) const { return kK + c * (kK + 1) + 1 + f; }
  size_t Item(size_t i) const { return kK + competencies * (kK + 1) + i; }
  size_t size() const { return Item(items); }
};

double LogLoss(const std::vector<Row>& rows, const Layout& layout, const ResponseFitOptions& o,
               const std::vector<double>& x, std::vector<double>& g) {
  std::fill(g.begin(), g.end(), 0.0);
  double loss = 0;
  constexpr size_t kK = Layout::kK;
  for (const Row& r : rows) {
    double z = x[layout.Bias(r.competency)] + x[layout.Item(r.item)];
    for (size_t f = 0; f < kK; ++f) {
      z += (x[layout.Shared(f)] + x[layout.Delta(r.competency, f)]) * r.features[f];
    }
    // log(1 + e^-z) for a correct answer, log(1 + e^z) for a wrong one, stably.
    double m = r.correct ? -z : z;
    loss += m > 0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m));
    double p = 1 / (1 + std::exp(-z));
    double d = p - (r.correct ? 1.0 : 0.0);
    g[layout.Bias(r.competency)] += d;
    g[layout.Item(r.item)] += d;
    for (size_t f = 0; f < kK; ++f) {
      g[layout.Shared(f)] += d * r.features[f];
      g[layout.Delta(r.competency, f)] += d * r.features[f];
    }
  }
  auto l2 = [&](size_t i, double lambda) {
    loss += 0.5 * lambda * x[i] * x[i];
    g[i] += lambda * x[i];
  };
  for (size_t f = 0; f < kK; ++f) l2(layout.Shared(f), o.weight_l2);
  for (size_t c = 0; c < layout.competencies; ++c) {
    l2(layout.Bias(c), o.bias_l2);
    for (size_t f = 0; f < kK; ++f) l2(layout.Delta(c, f), o.delta_l2);
  }
  for (size_t i = 0; i < layout.items; ++i) l2(layout.Item(i), o.item_l2);
  return loss;
}

}  // namespace

MasteryFit FitMastery(const MasteryTrainingSet& data, const BktFitOptions& bkt_options,
                      const ResponseFitOptions& response_options, bool fit_response) {
  MasteryFit fit;
  std::vector<const Evidence*> folded = Folded(data.evidence);

  // BKT: one sequence per (learner, competency), pooled per competency.
  std::map<std::string, std::map<std::string, BktSequence>, std::less<>> sequences;
  std::map<std::string, bool, std::less<>> learners;
  for (const Evidence* e : folded) {
    if (e->retracted) continue;
    const nlohmann::json& b = e->op.body;
    if (e->op.kind == "attempt") {
      auto item = data.item_competencies.find(b.value("item", ""));
      if (item == data.item_competencies.end()) continue;
      std::string learner = b.value("learner", "");
      learners[learner] = true;
      ++fit.attempts;
      for (const std::string& c : item->second) {
        sequences[c][learner].push_back({false, b.value("correct", false) ? 1 : 0});
      }
    } else if (e->op.kind == "observation" && b.contains("learners") && b["learners"].is_array()) {
      int level = b.value("level", 0);
      if (level < 1 || level > kRubricLevels) continue;
      ++fit.observations;
      for (const nlohmann::json& who : b["learners"]) {
        if (!who.is_string()) continue;
        learners[who.get<std::string>()] = true;
        sequences[b.value("competency", "")][who.get<std::string>()].push_back({true, level});
      }
    }
  }
  fit.learners = static_cast<int64_t>(learners.size());
  MasteryModel replay;
  for (auto& [competency, by_learner] : sequences) {
    std::vector<BktSequence> pooled;
    pooled.reserve(by_learner.size());
    int64_t steps = 0;
    for (auto& [learner, seq] : by_learner) {
      steps += static_cast<int64_t>(seq.size());
      pooled.push_back(std::move(seq));
    }
    if (steps < bkt_options.min_evidence ||
        static_cast<int64_t>(pooled.size()) < bkt_options.min_learners) {
      fit.too_little_evidence.push_back(competency);
      continue;
    }
    BktFit b = FitBkt(pooled, bkt_options);
    CompetencyParams& params = fit.competencies[competency];
    params.bkt = b.params;
    params.fitted_responses = b.attempts;
    replay.SetParams(competency, params);
  }
  if (!fit_response) return fit;

  // The response model: replay every answer through the fitted BKT, then fit.
  for (const auto& [item, competencies] : data.item_competencies)
    replay.SetItem(item, competencies);
  std::map<std::string, uint32_t, std::less<>> competency_index;
  for (const auto& [competency, params] : fit.competencies) {
    competency_index.emplace(competency, static_cast<uint32_t>(competency_index.size()));
  }
  std::map<std::pair<uint32_t, std::string>, uint32_t> item_index;
  std::vector<Row> rows;
  for (const Evidence* e : folded) {
    if (e->op.kind == "attempt" && !e->retracted) {
      const nlohmann::json& b = e->op.body;
      std::string item = b.value("item", "");
      for (const MasteryModel::ResponseContext& c :
           replay.ResponseContexts(b.value("learner", ""), item)) {
        auto known = competency_index.find(c.competency);
        if (known == competency_index.end()) continue;  // at the defaults
        uint32_t ci = known->second;
        auto [it, added] =
            item_index.try_emplace({ci, item}, static_cast<uint32_t>(item_index.size()));
        rows.push_back({ci, it->second, c.features, b.value("correct", false)});
      }
    }
    replay.Add(e->op, e->retracted);
  }
  if (rows.size() < static_cast<size_t>(std::max<int64_t>(1, response_options.min_answers))) {
    return fit;
  }
  Layout layout;
  layout.competencies = competency_index.size();
  layout.items = item_index.size();
  std::vector<double> x(layout.size(), 0.0);
  Objective objective = [&](const std::vector<double>& at, std::vector<double>& grad) {
    return LogLoss(rows, layout, response_options, at, grad);
  };
  LbfgsResult solved = MinimizeLbfgs(x, objective, response_options.max_iterations);
  fit.response_iterations = solved.iterations;
  std::vector<double> unused(layout.size());
  double data_loss = 0;
  {
    ResponseFitOptions none = response_options;
    none.item_l2 = none.bias_l2 = none.delta_l2 = none.weight_l2 = 0;
    data_loss = LogLoss(rows, layout, none, x, unused);
  }
  fit.response_log_loss = data_loss / static_cast<double>(rows.size());
  for (const auto& [competency, ci] : competency_index) {
    ResponseModel& m = fit.competencies[competency].response;
    m.fitted = true;
    m.bias = x[layout.Bias(ci)];
    for (size_t f = 0; f < Layout::kK; ++f) {
      m.weights[f] = x[layout.Shared(f)] + x[layout.Delta(ci, f)];
    }
  }
  std::vector<const std::string*> names(competency_index.size());
  for (const auto& [name, ci] : competency_index) names[ci] = &name;
  for (const auto& [key, index] : item_index) {
    fit.competencies[*names[key.first]].response.item_easiness[key.second] = x[layout.Item(index)];
  }
  return fit;
}

}  // namespace cairn
