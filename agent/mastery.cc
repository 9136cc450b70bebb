#include "cairn/agent/mastery.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <tuple>

#include "cairn/agent/kinds.h"
#include "mastery_explain.h"

namespace cairn {
namespace {

constexpr uint8_t kAttempt = 0;
constexpr uint8_t kObservation = 1;
constexpr int kRecentWindow = 5;
constexpr double kDifficultyStep = 0.5;  // logits per step of an item's difficulty

double Clamp01(double p) { return std::clamp(p, 1e-6, 1 - 1e-6); }

double Logit(double p) {
  p = Clamp01(p);
  return std::log(p / (1 - p));
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

// The modality's index among the observation kind's enum values (0 when unknown).
uint8_t ModalityIndex(std::string_view modality) {
  static const std::vector<std::string_view> values = [] {
    const KindSpec* kind = FindKind("observation");
    return kind->fields[static_cast<size_t>(FieldIndex(*kind, "modality"))].values;
  }();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == modality) return static_cast<uint8_t>(i);
  }
  return static_cast<uint8_t>(values.size() - 1);  // "other"
}

std::optional<OpId> Supersedes(const nlohmann::json& body) {
  auto it = body.find("supersedes");
  if (it == body.end() || !it->is_string()) return std::nullopt;
  Result<OpId> id = OpId::Parse(it->get_ref<const std::string&>());
  if (!id.ok()) return std::nullopt;
  return *id;
}

}  // namespace

std::string_view ResponseFeatureName(int feature) {
  static constexpr std::string_view kNames[] = {"skill_correct", "skill_wrong", "total_correct",
                                                "total_wrong",   "knowledge",   "last_answer",
                                                "recent"};
  static_assert(std::size(kNames) == kResponseFeatures);
  return feature >= 0 && feature < kResponseFeatures ? kNames[feature] : "?";
}

std::string_view MasteryStateName(MasteryState state) {
  switch (state) {
    case MasteryState::kNotStarted:
      return "not started";
    case MasteryState::kNotEnoughEvidence:
      return "not enough evidence";
    case MasteryState::kInProgress:
      return "in progress";
    case MasteryState::kMastered:
      return "mastered";
  }
  return "?";
}

double BktPosteriorAfterAnswer(const BktParams& p, double p_mastered, bool correct) {
  double if_mastered = correct ? 1 - p.slip : p.slip;
  double if_not = correct ? p.guess : 1 - p.guess;
  double num = p_mastered * if_mastered;
  double den = num + (1 - p_mastered) * if_not;
  return den > 0 ? num / den : p_mastered;
}

double BktPosteriorAfterObservation(const BktParams& p, double p_mastered, int level) {
  if (level < 1 || level > kRubricLevels) return p_mastered;
  double num = p_mastered * p.level_if_mastered[static_cast<size_t>(level - 1)];
  double den = num + (1 - p_mastered) * p.level_if_not[static_cast<size_t>(level - 1)];
  return den > 0 ? num / den : p_mastered;
}

double BktTransition(const BktParams& p, double p_mastered) {
  return p_mastered * (1 - p.forget) + (1 - p_mastered) * p.learn;
}

double BktPredictCorrect(const BktParams& p, double p_mastered) {
  return p_mastered * (1 - p.slip) + (1 - p_mastered) * p.guess;
}

double PredictResponse(const BktParams& bkt, const ResponseModel& model, double easiness,
                       const std::array<double, kResponseFeatures>& features, double p_mastered) {
  if (!model.fitted) return BktPredictCorrect(bkt, p_mastered);
  double z = model.bias + easiness;
  for (int f = 0; f < kResponseFeatures; ++f) z += model.weights[f] * features[f];
  return Sigmoid(z);
}

// --- The model's state ---------------------------------------------------------

struct MasteryModel::Event {
  Hlc hlc = 0;
  uint64_t seq = 0;
  Origin origin;
  uint32_t item = 0;  // attempts: the item's index
  uint8_t type = kAttempt;
  uint8_t value = 0;     // attempts: 1 correct; observations: the level 1–4
  uint8_t modality = 0;  // observations
  bool retracted = false;

  // Fold order: (hlc, origin, seq), as Store::EvidenceFor.
  bool operator<(const Event& o) const {
    return std::tie(hlc, origin.bytes, seq) < std::tie(o.hlc, o.origin.bytes, o.seq);
  }
  OpId id() const { return {origin, seq}; }
};

struct MasteryModel::Track {
  std::vector<Event> events;  // in fold order, withdrawn ones included
  // The fold of `events`:
  double p_next = 0;  // P(mastered) at the next opportunity
  double p_post = 0;  // P(mastered) after the latest counted evidence
  int attempts = 0, correct = 0, observations = 0, withdrawn = 0;
  uint32_t recent = 0;  // the latest answers, newest in bit 0 (1 = correct)
  int recent_n = 0;     // how many bits of `recent` are answers (at most 32)
  Hlc last_hlc = 0;
  Hlc observed_hlc = 0;    // the latest counted observation
  Hlc first_mastered = 0;  // the evidence with which the fold first read as mastered
  uint8_t observed_level = 0, observed_modality = 0;
};

struct MasteryModel::Learner {
  int correct = 0, wrong = 0;                  // counted attempts on known items, all competencies
  std::vector<uint32_t> competencies;          // with a track
  std::unordered_map<uint32_t, Track> tracks;  // by competency index
};

size_t MasteryModel::OpIdHash::operator()(const OpId& id) const {
  uint64_t h = id.seq * 0x9e3779b97f4a7c15ULL;
  for (uint8_t b : id.origin.bytes) h = (h ^ b) * 0x100000001b3ULL;
  return static_cast<size_t>(h);
}

MasteryModel::MasteryModel(MasteryOptions options) : options_(options) {}
MasteryModel::~MasteryModel() = default;
MasteryModel::MasteryModel(MasteryModel&&) noexcept = default;
MasteryModel& MasteryModel::operator=(MasteryModel&&) noexcept = default;

uint32_t MasteryModel::LearnerIndex(std::string_view learner) {
  if (auto found = learner_ids_.find(learner); found != learner_ids_.end()) return found->second;
  auto [it, added] =
      learner_ids_.try_emplace(std::string(learner), static_cast<uint32_t>(learners_.size()));
  if (added) {
    learner_names_.emplace_back(learner);
    learners_.emplace_back();
  }
  return it->second;
}

uint32_t MasteryModel::CompetencyIndex(std::string_view competency) {
  if (auto found = competency_ids_.find(competency); found != competency_ids_.end()) {
    return found->second;
  }
  auto [it, added] = competency_ids_.try_emplace(std::string(competency),
                                                 static_cast<uint32_t>(competency_names_.size()));
  if (added) {
    competency_names_.emplace_back(competency);
    params_.emplace_back();
  }
  return it->second;
}

void MasteryModel::SetItem(std::string_view item, const std::vector<std::string>& competencies) {
  auto [it, added] =
      item_ids_.try_emplace(std::string(item), static_cast<uint32_t>(item_competencies_.size()));
  if (added) {
    item_competencies_.emplace_back();
    item_prior_easiness_.push_back(0);
  }
  std::vector<uint32_t> list;
  for (const std::string& c : competencies) {
    uint32_t index = CompetencyIndex(c);
    if (std::find(list.begin(), list.end(), index) == list.end()) list.push_back(index);
  }
  item_competencies_[it->second] = std::move(list);
}

void MasteryModel::SetItemDifficulty(std::string_view item, int difficulty) {
  auto it = item_ids_.find(item);
  if (it == item_ids_.end() || difficulty < 1 || difficulty > 5) return;
  item_prior_easiness_[it->second] = kDifficultyStep * (3 - difficulty);
}

void MasteryModel::SetParams(std::string_view competency, CompetencyParams params) {
  uint32_t c = CompetencyIndex(competency);
  params_[c] = std::move(params);
  for (uint32_t l = 0; l < learners_.size(); ++l) {
    auto it = learners_[l].tracks.find(c);
    if (it != learners_[l].tracks.end()) Refold(l, c, it->second);
  }
}

void MasteryModel::SetDefaultParams(CompetencyParams params) {
  default_params_ = std::move(params);
  RecomputeAll();
}

void MasteryModel::RecomputeAll() {
  for (uint32_t l = 0; l < learners_.size(); ++l) {
    for (auto& [c, track] : learners_[l].tracks) Refold(l, c, track);
  }
}

const CompetencyParams& MasteryModel::ParamsFor(std::string_view competency) const {
  auto it = competency_ids_.find(competency);
  if (it == competency_ids_.end() || !params_[it->second]) return default_params_;
  return *params_[it->second];
}

MasteryModel::Track& MasteryModel::TrackFor(uint32_t learner, uint32_t competency) {
  Learner& l = learners_[learner];
  auto [it, added] = l.tracks.try_emplace(competency);
  if (added) {
    l.competencies.push_back(competency);
    const CompetencyParams& params = params_[competency] ? *params_[competency] : default_params_;
    it->second.p_next = it->second.p_post = params.bkt.prior;
  }
  return it->second;
}

const MasteryModel::Track* MasteryModel::FindTrack(uint32_t learner, uint32_t competency) const {
  const Learner& l = learners_[learner];
  auto it = l.tracks.find(competency);
  return it == l.tracks.end() ? nullptr : &it->second;
}

void MasteryModel::Step(const CompetencyParams& params, Track& t, const Event& e) const {
  t.last_hlc = std::max(t.last_hlc, e.hlc);
  if (e.retracted) {
    ++t.withdrawn;
    return;
  }
  if (e.type == kAttempt) {
    bool correct = e.value != 0;
    t.p_post = BktPosteriorAfterAnswer(params.bkt, t.p_next, correct);
    t.p_next = BktTransition(params.bkt, t.p_post);
    ++t.attempts;
    t.correct += correct ? 1 : 0;
    t.recent = (t.recent << 1) | (correct ? 1u : 0u);
    t.recent_n = std::min(t.recent_n + 1, 32);
  } else {
    // An observation assesses; it is not practice, so no learning step follows.
    t.p_post = BktPosteriorAfterObservation(params.bkt, t.p_next, e.value);
    t.p_next = t.p_post;
    ++t.observations;
    t.observed_hlc = e.hlc;
    t.observed_level = e.value;
    t.observed_modality = e.modality;
  }
  if (t.first_mastered == 0 && t.attempts + t.observations >= options_.min_evidence &&
      t.p_post >= options_.threshold) {
    t.first_mastered = e.hlc;
  }
}

void MasteryModel::Refold(uint32_t /*learner*/, uint32_t competency, Track& t) {
  const CompetencyParams& params = params_[competency] ? *params_[competency] : default_params_;
  std::vector<Event> events = std::move(t.events);
  t = Track();
  t.p_next = t.p_post = params.bkt.prior;
  for (const Event& e : events) Step(params, t, e);
  t.events = std::move(events);
  ++recomputations_;
}

bool MasteryModel::Insert(uint32_t learner, uint32_t competency, const Event& event) {
  Track& t = TrackFor(learner, competency);
  if (t.events.empty() || t.events.back() < event) {
    t.events.push_back(event);
    Step(params_[competency] ? *params_[competency] : default_params_, t, event);
    return true;
  }
  auto at = std::upper_bound(t.events.begin(), t.events.end(), event);
  // An op's id fixes its place in fold order: one already there sits just before.
  if (at != t.events.begin() && std::prev(at)->origin == event.origin &&
      std::prev(at)->seq == event.seq) {
    return false;
  }
  t.events.insert(at, event);
  Refold(learner, competency, t);
  return true;
}

void MasteryModel::Retract(const OpId& target) {
  bool found = false;
  for (uint32_t l = 0; l < learners_.size(); ++l) {
    Learner& learner = learners_[l];
    bool uncounted = false;  // an attempt counts once per learner, in its first track
    for (auto& [c, t] : learner.tracks) {
      auto e = std::find_if(t.events.begin(), t.events.end(), [&](const Event& x) {
        return x.seq == target.seq && x.origin == target.origin;
      });
      if (e == t.events.end()) continue;
      found = true;
      if (e->retracted) continue;  // already withdrawn: nothing changes
      e->retracted = true;
      if (e->type == kAttempt && !uncounted) {
        (e->value ? learner.correct : learner.wrong)--;
        uncounted = true;
      }
      Refold(l, c, t);
    }
  }
  if (!found) retracted_early_.insert(target);
}

void MasteryModel::AddEvidence(const EvidenceRow& row) {
  Event e;
  e.hlc = row.hlc;
  e.origin = row.id.origin;
  e.seq = row.id.seq;
  e.retracted = row.retracted || (!retracted_early_.empty() && retracted_early_.count(row.id));
  if (row.type == EvidenceType::kAttempt) {
    auto known = item_ids_.find(row.item);
    if (known == item_ids_.end()) return;  // attempts on unknown items do not count
    e.type = kAttempt;
    e.item = known->second;
    e.value = row.correct ? 1 : 0;
    uint32_t l = LearnerIndex(row.learner);
    bool added = false;
    for (uint32_t c : item_competencies_[known->second]) added = Insert(l, c, e) || added;
    if (added && !e.retracted) (e.value ? learners_[l].correct : learners_[l].wrong)++;
  } else if (row.type == EvidenceType::kObservation) {
    if (row.level < 1 || row.level > kRubricLevels) return;
    e.type = kObservation;
    e.value = static_cast<uint8_t>(row.level);
    e.modality = ModalityIndex(row.modality);
    Insert(LearnerIndex(row.learner), CompetencyIndex(row.competency), e);
  }
}

void MasteryModel::Add(const Op& op, bool retracted) {
  const nlohmann::json& body = op.body;
  if (op.kind == "retract") {
    auto target = body.find("target");
    if (target == body.end() || !target->is_string()) return;
    Result<OpId> t = OpId::Parse(target->get_ref<const std::string&>());
    if (t.ok()) Retract(*t);
    return;
  }
  EvidenceRow row;
  row.id = op.id();
  row.hlc = op.hlc;
  // Decided once for the op: adding it to several learners must not consume it.
  row.retracted = retracted || retracted_early_.erase(row.id) > 0;
  if (op.kind == "attempt") {
    auto learner = body.find("learner"), item = body.find("item"), correct = body.find("correct");
    if (learner == body.end() || item == body.end() || correct == body.end() ||
        !learner->is_string() || !item->is_string() || !correct->is_boolean()) {
      return;
    }
    row.type = EvidenceType::kAttempt;
    row.learner = learner->get_ref<const std::string&>();
    row.item = item->get_ref<const std::string&>();
    row.correct = correct->get<bool>();
    AddEvidence(row);
  } else if (op.kind == "observation") {
    auto learners = body.find("learners"), competency = body.find("competency"),
         level = body.find("level"), modality = body.find("modality");
    if (learners == body.end() || competency == body.end() || level == body.end() ||
        !learners->is_array() || !competency->is_string() || !level->is_number_integer()) {
      return;
    }
    row.type = EvidenceType::kObservation;
    row.competency = competency->get_ref<const std::string&>();
    row.level = level->get<int>();
    row.modality = modality != body.end() && modality->is_string()
                       ? std::string_view(modality->get_ref<const std::string&>())
                       : std::string_view("other");
    for (const nlohmann::json& who : *learners) {
      if (!who.is_string()) continue;
      row.learner = who.get_ref<const std::string&>();
      AddEvidence(row);
    }
  } else {
    return;
  }
  if (std::optional<OpId> target = Supersedes(body)) Retract(*target);
}

std::array<double, kResponseFeatures> MasteryModel::Features(const Learner& learner,
                                                             const Track* track,
                                                             const CompetencyParams& params) const {
  std::array<double, kResponseFeatures> f{};
  f[kTotalCorrect] = std::log1p(learner.correct);
  f[kTotalWrong] = std::log1p(learner.wrong);
  double p_next = params.bkt.prior;
  if (track) {
    f[kSkillCorrect] = std::log1p(track->correct);
    f[kSkillWrong] = std::log1p(track->attempts - track->correct);
    p_next = track->p_next;
    if (track->recent_n > 0) f[kLastAnswer] = (track->recent & 1) ? 1 : -1;
    int n = std::min(track->recent_n, kRecentWindow);
    int right = std::popcount(track->recent & ((1u << n) - 1));
    f[kRecent] = static_cast<double>(2 * right - n) / kRecentWindow;
  }
  f[kKnowledge] = Logit(std::clamp(p_next, 0.001, 0.999));
  return f;
}

std::vector<MasteryModel::ResponseContext> MasteryModel::ResponseContexts(
    std::string_view learner, std::string_view item) const {
  std::vector<ResponseContext> out;
  auto it = item_ids_.find(item);
  if (it == item_ids_.end()) return out;
  static const Learner kNobody;
  auto l = learner_ids_.find(learner);
  const Learner& who = l == learner_ids_.end() ? kNobody : learners_[l->second];
  for (uint32_t c : item_competencies_[it->second]) {
    const CompetencyParams& params = params_[c] ? *params_[c] : default_params_;
    const Track* track = l == learner_ids_.end() ? nullptr : FindTrack(l->second, c);
    out.push_back({competency_names_[c], Features(who, track, params),
                   track ? track->p_next : params.bkt.prior});
  }
  return out;
}

std::optional<double> MasteryModel::PredictCorrect(std::string_view learner,
                                                   std::string_view item) const {
  std::vector<ResponseContext> contexts = ResponseContexts(learner, item);
  if (contexts.empty()) return std::nullopt;
  double sum = 0;
  for (const ResponseContext& c : contexts) {
    const CompetencyParams& params = ParamsFor(c.competency);
    auto easy = params.response.item_easiness.find(item);
    double prior = item_prior_easiness_[item_ids_.find(item)->second];
    double easiness = easy == params.response.item_easiness.end() ? prior : easy->second;
    double p = PredictResponse(params.bkt, params.response, easiness, c.features, c.p_mastered);
    // BKT alone knows no items: the author's difficulty shifts its answer.
    sum += params.response.fitted ? p : Sigmoid(Logit(p) + prior);
  }
  return sum / static_cast<double>(contexts.size());
}

MasteryEstimate MasteryModel::Describe(uint32_t learner, uint32_t competency,
                                       const Track* t) const {
  const CompetencyParams& params = params_[competency] ? *params_[competency] : default_params_;
  MasteryEstimate m;
  m.learner = learner_names_[learner];
  m.competency = competency_names_[competency];
  m.p_mastered = t ? t->p_post : params.bkt.prior;
  if (t) {
    m.attempts = t->attempts;
    m.correct = t->correct;
    m.observations = t->observations;
    m.withdrawn = t->withdrawn;
    m.last_evidence = t->last_hlc;
    m.first_mastered = t->first_mastered;
  }
  int evidence = m.attempts + m.observations;
  if (evidence == 0) {
    m.state = MasteryState::kNotStarted;
  } else if (evidence < options_.min_evidence) {
    m.state = MasteryState::kNotEnoughEvidence;
  } else if (m.p_mastered >= options_.threshold) {
    m.state = MasteryState::kMastered;
  } else {
    m.state = MasteryState::kInProgress;
  }
  ExplainFacts facts;
  facts.state = m.state;
  facts.p_mastered = m.p_mastered;
  facts.threshold = options_.threshold;
  facts.min_evidence = options_.min_evidence;
  facts.attempts = m.attempts;
  facts.withdrawn = m.withdrawn;
  facts.observations = m.observations;
  if (t) {
    int n = std::min(t->recent_n, kRecentWindow);
    facts.recent_n = n;
    facts.recent_correct = std::popcount(t->recent & ((1u << n) - 1));
    facts.correct = t->correct;
    facts.observed_millis = HlcMillis(t->observed_hlc);
    facts.observed_level = t->observed_level;
    facts.observed_modality = t->observed_modality;
  }
  m.explanation = Explain(facts);
  return m;
}

MasteryEstimate MasteryModel::Estimate(std::string_view learner,
                                       std::string_view competency) const {
  auto l = learner_ids_.find(learner);
  auto c = competency_ids_.find(competency);
  if (l == learner_ids_.end() || c == competency_ids_.end()) {
    MasteryEstimate m;
    m.learner = learner;
    m.competency = competency;
    m.p_mastered = (c == competency_ids_.end() ? default_params_ : ParamsFor(competency)).bkt.prior;
    ExplainFacts facts;
    facts.min_evidence = options_.min_evidence;
    facts.threshold = options_.threshold;
    m.explanation = Explain(facts);
    return m;
  }
  return Describe(l->second, c->second, FindTrack(l->second, c->second));
}

std::vector<MasteryEstimate> MasteryModel::EstimatesFor(std::string_view learner) const {
  std::vector<MasteryEstimate> out;
  auto l = learner_ids_.find(learner);
  if (l == learner_ids_.end()) return out;
  for (uint32_t c : learners_[l->second].competencies) {
    out.push_back(Describe(l->second, c, FindTrack(l->second, c)));
  }
  std::sort(out.begin(), out.end(), [](const MasteryEstimate& a, const MasteryEstimate& b) {
    return a.competency < b.competency;
  });
  return out;
}

std::vector<std::string> MasteryModel::Learners() const {
  std::vector<std::string> out = learner_names_;
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace cairn
