#include "cairn/agent/learning.h"

#include <algorithm>

#include "cairn/agent/mastery_store.h"

namespace cairn {

using nlohmann::json;

std::vector<std::string> StringList(const json& record, std::string_view field) {
  std::vector<std::string> out;
  auto it = record.find(field);
  if (it == record.end() || !it->is_array()) return out;
  for (const json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

std::string Curriculum::TitleOf(std::string_view id) const {
  auto it = competencies.find(id);
  return it == competencies.end() ? std::string(id) : it->second.title;
}

Result<Curriculum> LoadCurriculum(const Store& store) {
  Curriculum c;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> competencies, store.Entities("competency"));
  for (const json& r : competencies) {
    CompetencyInfo info;
    info.id = r.value("competency", "");
    info.title = r.value("title", info.id);
    info.pack = r.value("pack", "");
    info.prerequisites = StringList(r, "prerequisites");
    info.retired = r.value("retired", false);
    c.competencies.emplace(info.id, std::move(info));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> lessons, store.Entities("lesson"));
  for (const json& r : lessons) {
    LessonInfo info;
    info.id = r.value("lesson", "");
    info.title = r.value("title", info.id);
    info.pack = r.value("pack", "");
    info.competencies = StringList(r, "competencies");
    info.items = StringList(r, "items");
    info.minutes = r.value("minutes", 0);
    info.modality = r.value("modality", "");
    info.retired = r.value("retired", false);
    if (!info.retired) {
      for (const std::string& comp : info.competencies) c.lessons_for[comp].push_back(info.id);
    }
    c.lessons.emplace(info.id, std::move(info));
  }
  return c;
}

Result<LearnerData> LoadLearnerData(const Store& store, const MasteryOptions& options,
                                    const std::vector<std::string>& learners, bool with_ops) {
  // LoadMasteryModel with no learners would read everyone's evidence; read none
  // through it and fold the evidence here, so it is read only once.
  static const std::vector<std::string> kNobody = {""};
  CAIRN_ASSIGN_OR_RETURN(MasteryModel model, LoadMasteryModel(store, options, kNobody));
  LearnerData data{std::move(model), {}, {}};
  if (learners.empty()) return data;
  for (const std::string& learner : learners) data.last_evidence[learner] = 0;
  CAIRN_RETURN_IF_ERROR(store.ScanEvidence(learners, [&](const EvidenceRow& row) {
    data.model.AddEvidence(row);
    if (row.retracted) return;
    auto last = data.last_evidence.find(row.learner);
    if (last != data.last_evidence.end()) last->second = std::max(last->second, row.hlc);
  }));
  if (with_ops) {
    for (const std::string& learner : learners) {
      CAIRN_ASSIGN_OR_RETURN(data.evidence[learner], store.EvidenceFor(learner));
    }
  }
  return data;
}

std::string LearnerName(const json& learner) {
  std::string display = learner.value("display_name", "");
  if (!display.empty()) return display;
  std::string given = learner.value("given_name", ""), family = learner.value("family_name", "");
  std::string full = given + (given.empty() || family.empty() ? "" : " ") + family;
  return full.empty() ? learner.value("learner", "?") : full;
}

bool IsStuck(const MasteryEstimate& estimate, const StuckRule& rule) {
  return estimate.state != MasteryState::kMastered && estimate.attempts >= rule.min_attempts &&
         estimate.p_mastered < rule.below;
}

Result<std::vector<AssignmentInfo>> AssignmentsFor(const Store& store, std::string_view learner) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> assignments, store.Entities("assignment"));
  std::vector<AssignmentInfo> out;
  std::map<std::string, bool, std::less<>> member_of;  // group id -> learner is a member
  for (const json& a : assignments) {
    if (!a.value("active", true) || !a.contains("lesson")) continue;
    AssignmentInfo info{a.value("assignment", ""), a.value("lesson", ""), a.value("due", ""), ""};
    std::vector<std::string> named = StringList(a, "learners");
    bool reaches = std::find(named.begin(), named.end(), learner) != named.end();
    std::string group = a.value("group", "");
    if (!reaches && !group.empty()) {
      auto it = member_of.find(group);
      if (it == member_of.end()) {
        CAIRN_ASSIGN_OR_RETURN(std::optional<json> g, store.Entity("group", group));
        bool member = false;
        if (g && !g->value("archived", false)) {
          std::vector<std::string> members = StringList(*g, "members");
          member = std::find(members.begin(), members.end(), learner) != members.end();
        }
        it = member_of.emplace(group, member).first;
      }
      if (it->second) {
        reaches = true;
        info.group = group;
      }
    }
    if (reaches) out.push_back(std::move(info));
  }
  std::stable_sort(out.begin(), out.end(), [](const AssignmentInfo& a, const AssignmentInfo& b) {
    bool a_dated = !a.due.empty(), b_dated = !b.due.empty();
    if (a_dated != b_dated) return a_dated;
    if (a.due != b.due) return a.due < b.due;
    return a.id < b.id;
  });
  return out;
}

}  // namespace cairn
