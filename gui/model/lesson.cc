#include "cairn/gui/lesson.h"

#include <set>

#include "cairn/agent/answer.h"
#include "cairn/agent/learning.h"

namespace cairn::gui {
namespace {

using nlohmann::json;

std::vector<std::string> Strings(const json& j, std::string_view key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array()) {
    for (const json& v : *it) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

int64_t MillisSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t)
      .count();
}

Result<LessonItem> ReadItem(const Store& store, const std::string& id) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> entity, store.Entity("item", id));
  if (!entity) return Status::NotFound("the lesson names item '" + id + "', which is not here");
  LessonItem item;
  item.id = id;
  item.entity = *entity;
  std::string type = entity->value("type", "text");
  item.type = type == "choice"    ? ItemType::kChoice
              : type == "numeric" ? ItemType::kNumeric
                                  : ItemType::kText;
  json content = entity->value("content", json::object());
  item.prompt = content.value("prompt", "");
  item.choices = Strings(content, "choices");
  item.hints = Strings(content, "hints");
  item.unit = content.value("unit", "");
  item.multiple =
      content.contains("answer") && content["answer"].is_array() && content["answer"].size() > 1;
  return item;
}

}  // namespace

Result<std::vector<MasteryEstimate>> CurrentMastery(const Store& store, std::string_view learner,
                                                    const std::vector<std::string>& competencies) {
  CAIRN_ASSIGN_OR_RETURN(LearnerData data,
                         LoadLearnerData(store, MasteryOptions{}, {std::string(learner)}));
  std::vector<MasteryEstimate> out;
  for (const std::string& c : competencies) out.push_back(data.model.Estimate(learner, c));
  return out;
}

Result<LessonSession> LessonSession::Open(Store& store, std::string_view learner,
                                          std::string_view lesson) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> entity, store.Entity("lesson", lesson));
  if (!entity) return Status::NotFound("no lesson '" + std::string(lesson) + "' on this device");
  LessonSession s;
  s.store_ = &store;
  s.learner_ = std::string(learner);
  s.lesson_ = std::string(lesson);
  s.title_ = entity->value("title", s.lesson_);
  s.passage_ = entity->value("passage", "");
  s.competencies_ = Strings(*entity, "competencies");
  if (entity->contains("pack")) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<json> pack,
                           store.Entity("pack", entity->at("pack").get<std::string>()));
    if (pack) s.language_ = pack->value("language", "en");
  }
  for (const std::string& id : Strings(*entity, "items")) {
    CAIRN_ASSIGN_OR_RETURN(LessonItem item, ReadItem(store, id));
    if (item.entity.value("retired", false)) continue;
    s.items_.push_back(std::move(item));
  }
  if (s.items_.empty()) {
    return Status::FailedPrecondition("the lesson '" + s.title_ + "' has no items");
  }

  // Where the learner left off: items answered since the lesson last completed.
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, store.EvidenceFor(learner));
  Hlc completed = 0;
  for (const Evidence& e : evidence) {
    if (!e.retracted && e.op.kind == "activity" && e.op.body.value("lesson", "") == s.lesson_ &&
        e.op.body.value("event", "") == "completed") {
      completed = std::max(completed, e.op.hlc);
    }
  }
  std::set<std::string, std::less<>> answered;
  for (const Evidence& e : evidence) {
    if (!e.retracted && e.op.kind == "attempt" && e.op.hlc > completed &&
        e.op.body.value("lesson", s.lesson_) == s.lesson_) {
      // Evidence comes in fold order: the first attempt on an item is its first try.
      if (answered.insert(e.op.body.value("item", "")).second &&
          e.op.body.value("correct", false)) {
        ++s.correct_first_time_;
      }
    }
  }
  while (s.position_ < s.items_.size() && answered.contains(s.items_[s.position_].id)) {
    ++s.position_;
  }
  // Everything answered but "completed" never recorded (closed on the last
  // item): that run is over, start again from the beginning.
  if (s.position_ == s.items_.size()) {
    s.position_ = 0;
    s.correct_first_time_ = 0;
  }
  s.resumed_at_ = s.position_;

  CAIRN_ASSIGN_OR_RETURN(s.before_, CurrentMastery(store, learner, s.competencies_));
  s.opened_ = s.item_shown_ = std::chrono::steady_clock::now();
  return s;
}

bool LessonSession::ShowHint() {
  if (finished() || hints_shown_ >= current().hints.size()) return false;
  ++hints_shown_;
  return true;
}

Result<AnswerResult> LessonSession::Answer(std::string_view response) {
  if (finished()) return Status::FailedPrecondition("the lesson is finished");
  if (answer_) return Status::FailedPrecondition("this item is already answered");
  const LessonItem& item = current();
  JudgeOptions options;
  options.language = language_;
  CAIRN_ASSIGN_OR_RETURN(Judgement judgement, JudgeResponse(item.entity, response, options));
  json body = {{"learner", learner_},
               {"item", item.id},
               {"lesson", lesson_},
               {"response", std::string(response)},
               {"correct", judgement.correct},
               {"duration_ms", std::min<int64_t>(MillisSince(item_shown_), 86'400'000)},
               {"hints", static_cast<int>(std::min<size_t>(hints_shown_, 100))}};
  CAIRN_RETURN_IF_ERROR(store_->Append("attempt", body).status());
  if (judgement.correct && tries_ == 0) ++correct_first_time_;
  ++tries_;
  answer_ = AnswerResult{judgement.correct, judgement.feedback};
  return *answer_;
}

Result<AnswerResult> LessonSession::AnswerChoices(const std::vector<size_t>& selected) {
  if (finished()) return Status::FailedPrecondition("the lesson is finished");
  return Answer(ChoiceResponse(current().entity.value("content", json::object()), selected));
}

void LessonSession::TryAgain() {
  answer_.reset();
  item_shown_ = std::chrono::steady_clock::now();
}

Status LessonSession::Next() {
  if (finished()) return Status::Ok();
  answer_.reset();
  hints_shown_ = 0;
  tries_ = 0;
  ++position_;
  item_shown_ = std::chrono::steady_clock::now();
  if (finished()) return Record("completed");
  return Status::Ok();
}

Status LessonSession::Record(std::string_view event) {
  return store_
      ->Append("activity",
               {{"learner", learner_},
                {"lesson", lesson_},
                {"event", std::string(event)},
                {"time_on_task_ms", std::min<int64_t>(MillisSince(opened_), 86'400'000)}})
      .status();
}

Result<std::vector<MasteryChange>> LessonSession::Changes() const {
  CAIRN_ASSIGN_OR_RETURN(std::vector<MasteryEstimate> now,
                         CurrentMastery(*store_, learner_, competencies_));
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(*store_));
  std::vector<MasteryChange> out;
  for (size_t i = 0; i < now.size() && i < before_.size(); ++i) {
    out.push_back({now[i].competency, curriculum.TitleOf(now[i].competency), before_[i].state,
                   now[i].state, before_[i].p_mastered, now[i].p_mastered});
  }
  return out;
}

}  // namespace cairn::gui
