#include "cairn/agent/path.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

namespace cairn {

using nlohmann::json;

namespace {

// The longest chain of prerequisites below each competency (cycles, which a pack
// import refuses, count as depth 0 where they close).
class Depths {
 public:
  explicit Depths(const Curriculum& c) : c_(c) {}
  int Of(const std::string& id) {
    auto it = depth_.find(id);
    if (it != depth_.end()) return it->second;
    depth_[id] = 0;
    int d = 0;
    auto info = c_.competencies.find(id);
    if (info != c_.competencies.end()) {
      for (const std::string& pre : info->second.prerequisites) d = std::max(d, Of(pre) + 1);
    }
    return depth_[id] = d;
  }

 private:
  const Curriculum& c_;
  std::map<std::string, int> depth_;
};

PathLesson Offer(const std::string& learner, const LessonInfo& lesson, const MasteryModel& model,
                 const PathOptions& options, const std::set<std::string>& started) {
  PathLesson out;
  out.lesson = lesson.id;
  out.title = lesson.title;
  out.minutes = lesson.minutes;
  out.started = started.count(lesson.id) > 0;
  double sum = 0;
  int n = 0;
  for (const std::string& item : lesson.items) {
    if (std::optional<double> p = model.PredictCorrect(learner, item)) {
      sum += *p;
      ++n;
    }
  }
  out.predicted = n > 0 ? sum / n : -1;
  out.fit = n == 0                             ? "no items to predict from"
            : out.predicted < options.fit_low  ? "a stretch"
            : out.predicted > options.fit_high ? "easy"
                                               : "a good fit";
  return out;
}

// How far a prediction is from the band of fitting difficulty (0 inside it).
double Misfit(const PathLesson& l, const PathOptions& options) {
  if (l.predicted < 0) return 1;
  if (l.predicted < options.fit_low) return options.fit_low - l.predicted;
  if (l.predicted > options.fit_high) return l.predicted - options.fit_high;
  return 0;
}

}  // namespace

LearningPath AssembleLearningPath(std::string_view learner,
                                  const std::vector<AssignmentInfo>& assignments,
                                  const Curriculum& curriculum, const LearnerData& data,
                                  const PathOptions& options) {
  LearningPath path;
  path.learner = std::string(learner);
  const MasteryModel& model = data.model;
  std::string who(learner);

  // Lessons the learner started (or chose) and has not completed since.
  std::set<std::string> started;
  if (auto ev = data.evidence.find(learner); ev != data.evidence.end()) {
    for (const Evidence& e : ev->second) {
      if (e.retracted || e.op.kind != "activity") continue;
      std::string lesson = e.op.body.value("lesson", ""), event = e.op.body.value("event", "");
      if (event == "completed") {
        started.erase(lesson);
      } else if (event == "started" || event == "resumed") {
        started.insert(lesson);
      }
    }
  }

  int option = 0;
  for (const AssignmentInfo& a : assignments) {
    auto lesson = curriculum.lessons.find(a.lesson);
    PathLesson offer;
    if (lesson != curriculum.lessons.end()) {
      offer = Offer(who, lesson->second, model, options, started);
    } else {
      offer.lesson = offer.title = a.lesson;
    }
    offer.fit = "assigned";
    offer.option = ++option;
    path.assignments.push_back({a, std::move(offer)});
  }

  std::set<std::string> mastered;
  for (const MasteryEstimate& e : model.EstimatesFor(learner)) {
    if (e.state == MasteryState::kMastered) mastered.insert(e.competency);
  }
  Depths depths(curriculum);
  std::vector<PathStep> ready;
  for (const auto& [id, info] : curriculum.competencies) {
    if (info.retired) continue;
    if (mastered.count(id)) {
      ++path.mastered;
      continue;
    }
    bool unlocked = std::all_of(info.prerequisites.begin(), info.prerequisites.end(),
                                [&](const std::string& pre) { return mastered.count(pre) > 0; });
    if (!unlocked) {
      ++path.locked;
      continue;
    }
    PathStep step;
    step.estimate = model.Estimate(learner, id);
    step.title = info.title;
    if (info.prerequisites.empty()) {
      step.why = "no prerequisites";
    } else {
      std::string names;
      for (const std::string& pre : info.prerequisites) {
        names += (names.empty() ? "" : ", ") + curriculum.TitleOf(pre);
      }
      step.why = "prerequisites mastered: " + names;
    }
    ready.push_back(std::move(step));
  }
  // Started work first (the learner is on their way), then the foundations.
  std::stable_sort(ready.begin(), ready.end(), [&](const PathStep& a, const PathStep& b) {
    bool a_started = a.estimate.state != MasteryState::kNotStarted;
    bool b_started = b.estimate.state != MasteryState::kNotStarted;
    if (a_started != b_started) return a_started;
    int da = depths.Of(a.estimate.competency), db = depths.Of(b.estimate.competency);
    if (da != db) return da < db;
    return a.estimate.competency < b.estimate.competency;
  });
  if (ready.size() > options.max_competencies) {
    path.more_ready = ready.size() - options.max_competencies;
    ready.resize(options.max_competencies);
  }
  for (PathStep& step : ready) {
    auto lessons = curriculum.lessons_for.find(step.estimate.competency);
    if (lessons != curriculum.lessons_for.end()) {
      for (const std::string& id : lessons->second) {
        step.lessons.push_back(Offer(who, curriculum.lessons.at(id), model, options, started));
      }
    }
    std::stable_sort(step.lessons.begin(), step.lessons.end(),
                     [&](const PathLesson& a, const PathLesson& b) {
                       double ma = Misfit(a, options), mb = Misfit(b, options);
                       if (ma != mb) return ma < mb;
                       return a.lesson < b.lesson;
                     });
    if (step.lessons.size() > options.lessons_per_competency) {
      step.lessons.resize(options.lessons_per_competency);
    }
    for (PathLesson& l : step.lessons) l.option = ++option;
  }
  path.ready = std::move(ready);
  return path;
}

Result<LearningPath> BuildLearningPath(const Store& store, std::string_view learner,
                                       const PathOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> record, store.Entity("learner", learner));
  if (!record) return Status::NotFound("no learner '" + std::string(learner) + "'");
  CAIRN_ASSIGN_OR_RETURN(std::vector<AssignmentInfo> assignments, AssignmentsFor(store, learner));
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  CAIRN_ASSIGN_OR_RETURN(LearnerData data,
                         LoadLearnerData(store, options.mastery, {std::string(learner)},
                                         /*with_ops=*/true));
  return AssembleLearningPath(learner, assignments, curriculum, data, options);
}

const PathLesson* FindChoice(const LearningPath& path, std::string_view choice) {
  int number = 0;
  bool numeric =
      !choice.empty() && choice.size() < 6 &&
      std::all_of(choice.begin(), choice.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (numeric) {
    for (char c : choice) number = number * 10 + (c - '0');
  }
  auto matches = [&](const PathLesson& l) {
    return numeric ? l.option == number : l.lesson == choice;
  };
  for (const PathAssignment& a : path.assignments) {
    if (matches(a.lesson)) return &a.lesson;
  }
  for (const PathStep& s : path.ready) {
    for (const PathLesson& l : s.lessons) {
      if (matches(l)) return &l;
    }
  }
  return nullptr;
}

Result<OpId> RecordChoice(Store& store, std::string_view learner, const PathLesson& lesson) {
  return store.Append("activity",
                      {{"learner", learner}, {"lesson", lesson.lesson}, {"event", "started"}});
}

json PathToJson(const LearningPath& path) {
  auto lesson_json = [](const PathLesson& l) {
    json j = {{"option", l.option},   {"lesson", l.lesson}, {"title", l.title},
              {"minutes", l.minutes}, {"fit", l.fit},       {"started", l.started}};
    if (l.predicted >= 0) j["predicted_correct"] = std::round(l.predicted * 1000) / 1000;
    return j;
  };
  json assignments = json::array(), ready = json::array();
  for (const PathAssignment& a : path.assignments) {
    json j = lesson_json(a.lesson);
    j["assignment"] = a.assignment.id;
    if (!a.assignment.due.empty()) j["due"] = a.assignment.due;
    if (!a.assignment.group.empty()) j["group"] = a.assignment.group;
    assignments.push_back(std::move(j));
  }
  for (const PathStep& s : path.ready) {
    json lessons = json::array();
    for (const PathLesson& l : s.lessons) lessons.push_back(lesson_json(l));
    ready.push_back({{"competency", s.estimate.competency},
                     {"title", s.title},
                     {"state", MasteryStateName(s.estimate.state)},
                     {"p_mastered", s.estimate.p_mastered},
                     {"why", s.why},
                     {"lessons", std::move(lessons)}});
  }
  return {{"learner", path.learner},   {"assignments", std::move(assignments)},
          {"ready", std::move(ready)}, {"more_ready", path.more_ready},
          {"mastered", path.mastered}, {"locked", path.locked}};
}

}  // namespace cairn
