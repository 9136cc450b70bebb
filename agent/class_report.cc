#include "cairn/agent/class_report.h"

#include <algorithm>
#include <set>

namespace cairn {

using nlohmann::json;

namespace {

constexpr int64_t kDayMillis = 86'400'000;

}  // namespace

char GridSymbol(const MasteryEstimate& e, const StuckRule& stuck) {
  if (IsStuck(e, stuck)) return '!';
  switch (e.state) {
    case MasteryState::kNotStarted:
      return '.';
    case MasteryState::kNotEnoughEvidence:
      return '?';
    case MasteryState::kInProgress:
      return 'o';
    case MasteryState::kMastered:
      return '#';
  }
  return ' ';
}

Result<ClassReport> BuildClassReport(const Store& store, std::string_view class_id,
                                     const ClassReportOptions& options) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> klass, store.Entity("class", class_id));
  if (!klass) return Status::NotFound("no class '" + std::string(class_id) + "'");
  ClassReport report;
  report.class_id = std::string(class_id);
  report.class_name = klass->value("name", report.class_id);
  report.quiet_days = options.quiet_days;
  report.now_millis = options.now_millis;

  CAIRN_ASSIGN_OR_RETURN(std::vector<json> enrollments,
                         store.EntitiesWhere("enrollment", "class", class_id));
  std::vector<std::string> ids;
  for (const json& e : enrollments) {
    if (!e.value("active", true)) continue;
    std::string id = e.value("learner", "");
    CAIRN_ASSIGN_OR_RETURN(std::optional<json> learner, store.Entity("learner", id));
    if (learner && learner->value("archived", false)) continue;
    ClassStudent s;
    s.learner = id;
    s.name = learner ? LearnerName(*learner) : id;
    report.students.push_back(std::move(s));
    ids.push_back(id);
  }
  std::sort(report.students.begin(), report.students.end(),
            [](const ClassStudent& a, const ClassStudent& b) {
              return a.name != b.name ? a.name < b.name : a.learner < b.learner;
            });

  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  CAIRN_ASSIGN_OR_RETURN(LearnerData data, LoadLearnerData(store, options.mastery, ids));
  std::set<std::string> touched;
  for (ClassStudent& s : report.students) {
    for (MasteryEstimate& e : data.model.EstimatesFor(s.learner)) {
      if (IsStuck(e, options.stuck)) s.stuck_on.push_back(e.competency);
      touched.insert(e.competency);
      s.estimates.emplace(e.competency, std::move(e));
    }
    if (auto last = data.last_evidence.find(s.learner); last != data.last_evidence.end()) {
      s.last_evidence = last->second;
    }
    s.quiet = s.last_evidence == 0 ||
              options.now_millis - HlcMillis(s.last_evidence) > options.quiet_days * kDayMillis;
  }

  if (!options.competencies.empty()) {
    report.competencies = options.competencies;
  } else if (options.all_competencies) {
    for (const auto& [id, info] : curriculum.competencies) {
      if (!info.retired || touched.count(id)) report.competencies.push_back(id);
    }
  } else {
    report.competencies.assign(touched.begin(), touched.end());
  }
  for (const std::string& c : report.competencies) report.titles.push_back(curriculum.TitleOf(c));
  for (ClassStudent& s : report.students) {
    for (const std::string& c : report.competencies) {
      auto it = s.estimates.find(c);
      s.cells.push_back(it != s.estimates.end() ? it->second : data.model.Estimate(s.learner, c));
    }
  }
  return report;
}

json ClassReportToJson(const ClassReport& report, const StuckRule& stuck) {
  json columns = json::array(), students = json::array();
  for (size_t i = 0; i < report.competencies.size(); ++i) {
    columns.push_back({{"competency", report.competencies[i]}, {"title", report.titles[i]}});
  }
  for (const ClassStudent& s : report.students) {
    json cells = json::array();
    for (const MasteryEstimate& e : s.cells) {
      cells.push_back({{"competency", e.competency},
                       {"state", MasteryStateName(e.state)},
                       {"p_mastered", e.p_mastered},
                       {"attempts", e.attempts},
                       {"stuck", IsStuck(e, stuck)}});
    }
    json flags = json::array();
    if (!s.stuck_on.empty()) flags.push_back("stuck");
    if (s.quiet) flags.push_back("no_recent_evidence");
    json j = {{"learner", s.learner},
              {"name", s.name},
              {"cells", std::move(cells)},
              {"stuck_on", s.stuck_on},
              {"flags", std::move(flags)}};
    if (s.last_evidence != 0) j["last_evidence_ms"] = HlcMillis(s.last_evidence);
    students.push_back(std::move(j));
  }
  return {{"class", report.class_id},
          {"name", report.class_name},
          {"quiet_days", report.quiet_days},
          {"competencies", std::move(columns)},
          {"students", std::move(students)}};
}

}  // namespace cairn
