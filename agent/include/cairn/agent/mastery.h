// Mastery estimation: for every (learner, competency), the probability that the
// learner has mastered it, from all of their evidence (DESIGN.md: derived data,
// never synced).
//
// Knowledge is Bayesian Knowledge Tracing with forgetting: a hidden mastered /
// not-mastered state per (learner, competency), updated by each item attempt
// (guess and slip) and each teacher observation (a rubric level 1–4 with its own
// emission probabilities), learning and forgetting between attempts. The estimate
// is a deterministic function of the evidence set, folded in (hlc, origin, seq)
// order; retracted or superseded evidence does not count.
//
// Beside it, a response model predicts a learner's next answer to a given item (a
// logistic model over item easiness, the competency, the BKT estimate and counts of
// earlier answers; mastery_fit.h fits it). It serves lesson difficulty and the
// model's evaluation; the mastery shown to teachers is always the BKT probability.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "cairn/agent/evidence.h"
#include "cairn/agent/hlc.h"
#include "cairn/agent/op.h"

namespace cairn {

// Rubric levels of teacher observations: 1 beginning … 4 advanced.
constexpr int kRubricLevels = 4;

// The knowledge-tracing parameters of one competency.
struct BktParams {
  double prior = 0.2;    // P(mastered) before any evidence
  double learn = 0.15;   // P(not mastered -> mastered) after an attempt
  double forget = 0.01;  // P(mastered -> not mastered) after an attempt
  double guess = 0.2;    // P(correct | not mastered)
  double slip = 0.1;     // P(wrong | mastered)
  // P(observed at level l+1 | mastered) and (| not mastered); each sums to 1.
  std::array<double, kRubricLevels> level_if_mastered{0.02, 0.08, 0.55, 0.35};
  std::array<double, kRubricLevels> level_if_not{0.40, 0.45, 0.13, 0.02};
};

// The response model's features, known before a response (see mastery.cc).
enum ResponseFeature {
  kSkillCorrect,  // log(1 + earlier correct answers in this competency)
  kSkillWrong,    // log(1 + earlier wrong answers in this competency)
  kTotalCorrect,  // log(1 + earlier correct answers in every competency)
  kTotalWrong,    // log(1 + earlier wrong answers in every competency)
  kKnowledge,     // logit of the BKT probability of mastery before the response
  kLastAnswer,    // +1 last answer in this competency correct, -1 wrong, 0 none
  kRecent,        // (correct - wrong) among the last 5 answers in this competency, / 5
  kResponseFeatures,
};
// The feature's name in stored parameters ("skill_correct", ...).
std::string_view ResponseFeatureName(int feature);

// P(correct) = sigmoid(bias + easiness[item] + weights · features).
struct ResponseModel {
  bool fitted = false;  // false: predict from BKT alone (guess and slip)
  double bias = 0;
  std::array<double, kResponseFeatures> weights{};
  std::map<std::string, double, std::less<>> item_easiness;  // unknown items: 0
};

struct CompetencyParams {
  BktParams bkt;
  ResponseModel response;
  int64_t fitted_responses = 0;  // how many attempts the fit saw (0: defaults)
};

enum class MasteryState {
  kNotStarted,         // no evidence that counts
  kNotEnoughEvidence,  // fewer pieces of evidence than MasteryOptions::min_evidence
  kInProgress,
  kMastered,  // P(mastered) >= threshold with enough evidence
};
// "not started", "not enough evidence", "in progress", "mastered".
std::string_view MasteryStateName(MasteryState state);

struct MasteryOptions {
  double threshold = 0.95;  // P(mastered) at or above which a competency is mastered
  int min_evidence = 3;     // attempts + observations needed before any verdict
};

struct MasteryEstimate {
  std::string learner;
  std::string competency;
  MasteryState state = MasteryState::kNotStarted;
  double p_mastered = 0;  // after the latest evidence (the prior when there is none)
  int attempts = 0;       // counted (not retracted) attempts
  int correct = 0;
  int observations = 0;  // counted teacher observations
  int withdrawn = 0;     // retracted or superseded evidence, not counted
  Hlc last_evidence = 0;
  // The evidence with which it first read as mastered (0: never), even if it has
  // slipped since: when the badge was earned.
  Hlc first_mastered = 0;
  // For teachers: "4 of the last 5 correct; observed proficient on 20 Nov in a
  // small group; 97% likely mastered (mastered at 95%)". Dates are UTC.
  std::string explanation;
};

// One learner's answer as the model sees it (bench and fitting: no op needed).
struct Response {
  bool correct = false;
  std::array<double, kResponseFeatures> features{};
};

// A probability as a whole percent rounded down ("97%"), so that a shown 95% is
// never below the mastery threshold. Every view shows P(mastered) this way.
std::string MasteryPercent(double p);

// BKT's pure steps, exposed for tests and fitting.
// P(mastered | answer), given P(mastered) before it.
double BktPosteriorAfterAnswer(const BktParams& p, double p_mastered, bool correct);
// P(mastered | observed at `level` 1–4).
double BktPosteriorAfterObservation(const BktParams& p, double p_mastered, int level);
// P(mastered) at the next opportunity: learning and forgetting.
double BktTransition(const BktParams& p, double p_mastered);
// P(correct) on the next attempt.
double BktPredictCorrect(const BktParams& p, double p_mastered);
// P(correct) from the response model given features (BKT alone when not fitted;
// then `p_mastered` is used).
double PredictResponse(const BktParams& bkt, const ResponseModel& model, double easiness,
                       const std::array<double, kResponseFeatures>& features, double p_mastered);

// The mastery of every (learner, competency) of the evidence added to it.
//
// Give it the content (which competencies each item gives evidence of) first: an
// attempt is placed when it is added, so when items change (a pack import), build
// a new model. Then add evidence ops in any order: an op that comes after
// everything already added for its (learner, competency) in fold order is an O(1)
// update; one that comes earlier (a late op from another device), a retraction,
// or a correction recomputes only the (learner, competency) it touches, with the
// same result as folding from scratch. New parameters may come at any time: the
// competency's folds are recomputed from the evidence held in memory.
// Not thread-safe.
class MasteryModel {
 public:
  explicit MasteryModel(MasteryOptions options = {});
  ~MasteryModel();
  MasteryModel(MasteryModel&&) noexcept;
  MasteryModel& operator=(MasteryModel&&) noexcept;

  const MasteryOptions& options() const { return options_; }

  // The competencies `item` gives evidence of (the item's own, else its lesson's).
  // Attempts on an item the model does not know are not counted.
  void SetItem(std::string_view item, const std::vector<std::string>& competencies);
  // The author's difficulty of a known item, 1 (easiest) to 5 (hardest): before the
  // school's data has fitted the item's easiness, predictions lean on it (half a
  // logit per step from 3). It does not move P(mastered), only P(correct).
  void SetItemDifficulty(std::string_view item, int difficulty);
  // Parameters of one competency; competencies without any use the defaults.
  // Recomputes the competency's folds that exist.
  void SetParams(std::string_view competency, CompetencyParams params);
  void SetDefaultParams(CompetencyParams params);  // then recomputes every fold
  // Refolds every (learner, competency) from the evidence held in memory: what a
  // full recompute costs once the evidence is read.
  void RecomputeAll();
  const CompetencyParams& ParamsFor(std::string_view competency) const;

  // Folds one op in. Attempts, observations, retractions and corrections count;
  // other kinds are ignored, and so is an op already added. `retracted` marks
  // evidence already known to be withdrawn (Store::EvidenceFor says so).
  void Add(const Op& op, bool retracted = false);
  // The same for a row of Store::ScanEvidence, the bulk path: the row says whether
  // it is withdrawn, so retract ops need not be read. Adding a row already added
  // changes nothing.
  void AddEvidence(const EvidenceRow& row);

  // The estimate for one (learner, competency): kNotStarted when there is no
  // evidence.
  MasteryEstimate Estimate(std::string_view learner, std::string_view competency) const;
  // Every competency the learner has evidence of (counted or withdrawn), by id.
  std::vector<MasteryEstimate> EstimatesFor(std::string_view learner) const;
  // Learners with any evidence, by id.
  std::vector<std::string> Learners() const;

  // P(the learner answers `item` correctly next), from the response model (the
  // mean over the item's competencies); nullopt for an unknown item.
  std::optional<double> PredictCorrect(std::string_view learner, std::string_view item) const;

  // The response model's view of the learner's next answer to `item`: for each of
  // the item's competencies, the features and P(mastered) before answering. Empty
  // for an unknown item. Fitting replays answers through this.
  struct ResponseContext {
    std::string_view competency;
    std::array<double, kResponseFeatures> features{};
    double p_mastered = 0;
  };
  std::vector<ResponseContext> ResponseContexts(std::string_view learner,
                                                std::string_view item) const;

  // How many (learner, competency) folds were recomputed from their start (late
  // ops, retractions): for tests and benchmarks.
  uint64_t recomputations() const { return recomputations_; }

 private:
  struct Event;
  struct Track;
  struct Learner;
  struct OpIdHash {
    size_t operator()(const OpId& id) const;
  };
  // Lets the id maps be searched with a string_view, without building a string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using NameMap = std::unordered_map<std::string, uint32_t, NameHash, std::equal_to<>>;

  uint32_t LearnerIndex(std::string_view learner);
  uint32_t CompetencyIndex(std::string_view competency);
  Track& TrackFor(uint32_t learner, uint32_t competency);
  const Track* FindTrack(uint32_t learner, uint32_t competency) const;
  // Places the event in its track; false when it was there already.
  bool Insert(uint32_t learner, uint32_t competency, const Event& event);
  // Withdraws the op wherever it was placed: a scan of every track, which is
  // rare (a teacher's correction) and keeps the common path free of a per-op map.
  void Retract(const OpId& target);
  void Refold(uint32_t learner, uint32_t competency, Track& track);
  void Step(const CompetencyParams& params, Track& track, const Event& event) const;
  std::array<double, kResponseFeatures> Features(const Learner& learner, const Track* track,
                                                 const CompetencyParams& params) const;
  MasteryEstimate Describe(uint32_t learner, uint32_t competency, const Track* track) const;

  MasteryOptions options_;
  CompetencyParams default_params_;
  NameMap learner_ids_, competency_ids_, item_ids_;
  std::vector<std::string> learner_names_, competency_names_;
  std::vector<std::vector<uint32_t>> item_competencies_;  // by item index
  std::vector<double> item_prior_easiness_;               // by item index, from difficulty
  std::vector<std::optional<CompetencyParams>> params_;   // by competency index
  std::vector<Learner> learners_;
  std::unordered_set<OpId, OpIdHash> retracted_early_;  // retractions seen before their target
  uint64_t recomputations_ = 0;
};

}  // namespace cairn
