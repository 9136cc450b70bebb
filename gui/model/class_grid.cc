#include "cairn/gui/class_grid.h"

#include <algorithm>
#include <functional>
#include <set>
#include <map>
#include <optional>

#include "cairn/agent/learning.h"

namespace cairn::gui {
namespace {

using nlohmann::json;

}  // namespace

std::vector<std::string> TeachingOrder(const Curriculum& curriculum) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    auto it = curriculum.competencies.find(id);
    if (it == curriculum.competencies.end() || it->second.retired || !seen.insert(id).second) {
      return;
    }
    for (const std::string& pre : it->second.prerequisites) visit(pre);
    out.push_back(id);
  };
  for (const auto& [id, info] : curriculum.competencies) visit(id);
  return out;
}

Result<std::vector<TeacherTile>> ListTeachers(const Store& store, const TeacherPins& pins) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> teachers, store.Entities("teacher"));
  std::vector<TeacherTile> out;
  for (const json& t : teachers) {
    if (t.value("archived", false)) continue;
    std::string id = t.at("teacher").get<std::string>();
    out.push_back({id, t.value("name", id), pins.Has(id)});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TeacherTile& a, const TeacherTile& b) { return a.name < b.name; });
  return out;
}

std::string ChooseFirstPin(TeacherPins& pins, std::string_view teacher, std::string_view pin,
                           std::string_view again, std::string_view colleague_pin) {
  if (pins.Has(teacher)) return "teacher.has_pin";
  if (!TeacherPins::CheckForm(pin).ok()) return "teacher.pin_form";
  if (pin != again) return "teacher.pins_differ";
  if (!pins.empty() && !pins.VerifyAny(colleague_pin)) return "teacher.colleague_wrong";
  if (!pins.Set(teacher, pin).ok()) return "teacher.pin_not_saved";
  return "";
}

Result<std::vector<ClassTile>> ClassesOf(const Store& store, std::string_view teacher) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<ClassTile> all, ListClasses(store));
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> links,
                         store.EntitiesWhere("class_teacher", "teacher", teacher));
  std::vector<ClassTile> out;
  for (const ClassTile& c : all) {
    for (const json& link : links) {
      if (link.value("active", true) && link.value("class", "") == c.id) {
        out.push_back(c);
        break;
      }
    }
  }
  return links.empty() ? all : out;
}

CellMark MarkOf(const MasteryEstimate& estimate, const StuckRule& stuck) {
  switch (estimate.state) {
    case MasteryState::kNotStarted:
      return CellMark::kNotStarted;
    case MasteryState::kNotEnoughEvidence:
      return CellMark::kNotEnoughEvidence;
    case MasteryState::kMastered:
      return CellMark::kMastered;
    case MasteryState::kInProgress:
      return IsStuck(estimate, stuck) ? CellMark::kStuck : CellMark::kInProgress;
  }
  return CellMark::kNotStarted;
}

Result<ClassGrid> LoadClassGrid(const Store& store, std::string_view class_id) {
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  ClassReportOptions options;
  // Retired competencies' evidence still counts, but they are no longer taught:
  // the grid leaves them out.
  options.competencies = TeachingOrder(curriculum);
  CAIRN_ASSIGN_OR_RETURN(ClassReport report, BuildClassReport(store, class_id, options));
  ClassGrid grid;
  grid.class_id = report.class_id;
  grid.class_name = report.class_name;
  grid.competencies = report.competencies;
  grid.titles = report.titles;
  grid.cells.reserve(report.students.size() * grid.competencies.size());
  for (const ClassStudent& s : report.students) {
    grid.learners.push_back(s.learner);
    grid.names.push_back(s.name);
    for (size_t c = 0; c < grid.competencies.size(); ++c) {
      const MasteryEstimate& e = s.cells[c];
      grid.cells.push_back({MarkOf(e, options.stuck), static_cast<float>(e.p_mastered),
                            static_cast<uint16_t>(std::min(e.attempts + e.observations, 65535))});
    }
  }
  return grid;
}

Result<CellDetail> LoadCellDetail(const Store& store, std::string_view learner,
                                  std::string_view competency) {
  CAIRN_ASSIGN_OR_RETURN(std::optional<json> record, store.Entity("learner", learner));
  if (!record) return Status::NotFound("no learner '" + std::string(learner) + "' on this device");
  CAIRN_ASSIGN_OR_RETURN(Curriculum curriculum, LoadCurriculum(store));
  CellDetail d;
  d.learner = std::string(learner);
  d.name = LearnerName(*record);
  d.competency = std::string(competency);
  d.title = curriculum.TitleOf(competency);
  CAIRN_ASSIGN_OR_RETURN(LearnerData data, LoadLearnerData(store, MasteryOptions{}, {d.learner}));
  d.estimate = data.model.Estimate(learner, competency);

  // Which competencies an item gives evidence of: its own, else its lesson's
  // (as the mastery model places it); each item read once.
  struct ItemInfo {
    bool counts = false;
    std::string prompt;
  };
  std::map<std::string, ItemInfo, std::less<>> items;
  std::map<std::string, std::string, std::less<>> teachers;
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, store.EvidenceFor(learner));
  for (const Evidence& e : evidence) {
    const json& b = e.op.body;
    TimelineEntry t;
    t.when = e.op.hlc;
    t.withdrawn = e.retracted;
    if (e.op.kind == "attempt") {
      std::string item = b.value("item", "");
      auto it = items.find(item);
      if (it == items.end()) {
        ItemInfo info;
        CAIRN_ASSIGN_OR_RETURN(std::optional<json> entity, store.Entity("item", item));
        if (entity) {
          std::vector<std::string> comps = StringList(*entity, "competencies");
          if (comps.empty()) {
            auto lesson = curriculum.lessons.find(entity->value("lesson", ""));
            if (lesson != curriculum.lessons.end()) comps = lesson->second.competencies;
          }
          info.counts = std::find(comps.begin(), comps.end(), competency) != comps.end();
          info.prompt = entity->value("content", json::object()).value("prompt", item);
        }
        it = items.emplace(item, std::move(info)).first;
      }
      if (!it->second.counts) continue;
      t.correct = b.value("correct", false);
      t.what = it->second.prompt;
      t.response = b.value("response", "");
    } else if (e.op.kind == "observation") {
      if (b.value("competency", "") != competency) continue;
      t.observation = true;
      t.level = b.value("level", 0);
      t.what = b.value("note", "");
      t.modality = b.value("modality", "");
      std::string teacher = b.value("teacher", "");
      auto it = teachers.find(teacher);
      if (it == teachers.end()) {
        CAIRN_ASSIGN_OR_RETURN(std::optional<json> tr, store.Entity("teacher", teacher));
        it = teachers.emplace(teacher, tr ? tr->value("name", teacher) : teacher).first;
      }
      t.teacher = it->second;
    } else {
      continue;
    }
    d.timeline.push_back(std::move(t));
  }
  std::reverse(d.timeline.begin(), d.timeline.end());
  return d;
}

}  // namespace cairn::gui
