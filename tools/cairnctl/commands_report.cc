// What the store knows about one learner: `learner show` for people, `export`
// (the record that travels with the learner) for programs.
#include <algorithm>
#include <iostream>
#include <map>

#include "commands.h"
#include "human.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

std::string JoinTexts(const json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const json& v : list) {
    if (v.is_string()) out += (out.empty() ? "" : ", ") + v.get<std::string>();
  }
  return out;
}

std::string_view LevelName(int64_t level) {
  static constexpr std::string_view kNames[] = {"?", "beginning", "developing", "proficient",
                                                "advanced"};
  return level >= 1 && level <= 4 ? kNames[level] : kNames[0];
}

// "  label         value": every line of the report lines up on one column.
void Line(std::string_view label, const std::string& value) {
  std::string left = "  " + std::string(label);
  left.resize(std::max<size_t>(left.size() + 1, 16), ' ');
  std::cout << left << value << "\n";
}

// Names of records, looked up once each.
class Names {
 public:
  explicit Names(const Store& store) : store_(store) {}
  std::string Of(std::string_view kind, const std::string& id) {
    std::string key = std::string(kind) + "/" + id;
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    Result<std::optional<json>> record = store_.Entity(kind, id);
    std::string name = record.ok() && *record ? DisplayName(kind, **record) : id;
    return cache_[key] = name;
  }
  // The competencies an item gives evidence of: its own list, else its lesson's.
  std::vector<std::string> CompetenciesOf(const std::string& item_id) {
    Result<std::optional<json>> item = store_.Entity("item", item_id);
    if (!item.ok() || !*item) return {};
    const json& i = **item;
    if (i.contains("competencies") && !i["competencies"].empty()) return i["competencies"];
    Result<std::optional<json>> lesson = store_.Entity("lesson", i.value("lesson", ""));
    if (!lesson.ok() || !*lesson) return {};
    return (**lesson).value("competencies", std::vector<std::string>());
  }

 private:
  const Store& store_;
  std::map<std::string, std::string> cache_;
};

void PrintGoals(const json& record, Names& names, const std::vector<Evidence>& evidence) {
  const json& goals = record["goals"];
  if (goals.empty()) {
    Line("goals", "(none)");
    return;
  }
  bool first = true;
  for (const json& g : goals) {
    std::string text = Quote(g.value("text", "(no text)")) + ", " + g.value("status", "active");
    if (g.contains("target_date")) text += ", by " + g["target_date"].get<std::string>();
    if (g.contains("competencies")) {
      std::string comps;
      for (const json& c : g["competencies"]) {
        comps += (comps.empty() ? "" : ", ") + names.Of("competency", c.get<std::string>());
      }
      text += " (" + comps + ")";
    }
    Line(first ? "goals" : "", text + "  [" + g["goal"].get<std::string>() + "]");
    first = false;
    for (const Evidence& e : evidence) {
      if (e.retracted || e.op.kind != "goal_checkin" || e.op.body["goal"] != g["goal"]) continue;
      const json& b = e.op.body;
      std::string checkin = "  check-in " + FormatTime(HlcMillis(e.op.hlc)).substr(0, 10) + ":";
      if (b.contains("rating"))
        checkin += " going " + std::to_string(b["rating"].get<int>()) + "/5";
      if (b.contains("progress")) {
        checkin += ", " + std::to_string(b["progress"].get<int>()) + "% of the way";
      }
      if (b.contains("reflection")) checkin += ", " + Quote(b["reflection"].get<std::string>());
      Line("", checkin);
    }
  }
}

void PrintWork(Names& names, const std::vector<Evidence>& evidence) {
  struct Tally {
    int right = 0, wrong = 0;
  };
  std::map<std::string, Tally> by_competency;  // competency title (id) -> tally
  int retracted = 0;
  for (const Evidence& e : evidence) {
    if (e.op.kind != "attempt") continue;
    if (e.retracted) {
      ++retracted;
      continue;
    }
    std::vector<std::string> comps = names.CompetenciesOf(e.op.body["item"]);
    if (comps.empty()) comps.push_back("(unknown competency)");
    for (const std::string& c : comps) {
      Tally& t = by_competency[names.Of("competency", c) + " (" + c + ")"];
      (e.op.body.value("correct", false) ? t.right : t.wrong)++;
    }
  }
  if (by_competency.empty()) {
    Line("answers", "(none yet)");
  } else {
    Table t;
    for (const auto& [name, tally] : by_competency) {
      t.Add({name, Count(static_cast<uint64_t>(tally.right), "right", "right") + ", " +
                       Count(static_cast<uint64_t>(tally.wrong), "wrong", "wrong")});
    }
    std::string rows = t.Render();
    bool first = true;
    for (size_t start = 0; start < rows.size();) {
      size_t end = rows.find('\n', start);
      Line(first ? "answers" : "", rows.substr(start, end - start));
      first = false;
      start = end + 1;
    }
  }
  if (retracted > 0) {
    Line("", "(" + Count(static_cast<uint64_t>(retracted), "retracted answer") + " not counted)");
  }
}

void PrintObservations(Names& names, const std::string& learner,
                       const std::vector<Evidence>& evidence) {
  bool any = false;
  for (const Evidence& e : evidence) {
    if (e.op.kind != "observation" || e.retracted) continue;
    const json& b = e.op.body;
    int64_t level = b.value("level", 0);
    std::string modality = b.value("modality", "");
    for (char& c : modality) c = c == '_' ? ' ' : c;
    std::string with;
    for (const json& l : b["learners"]) {
      if (l != learner) with += (with.empty() ? ", with " : " and ") + names.Of("learner", l);
    }
    Line(any ? "" : "observed", FormatTime(HlcMillis(e.op.hlc)).substr(0, 10) + " by " +
                                    names.Of("teacher", b.value("teacher", "")) + ": " +
                                    names.Of("competency", b.value("competency", "")) + ", level " +
                                    std::to_string(level) + " (" + std::string(LevelName(level)) +
                                    "), " + modality + with);
    if (b.contains("note")) Line("", "  " + Quote(b["note"].get<std::string>()));
    any = true;
  }
  if (!any) Line("observed", "(no observations yet)");
}

Status ShowLearner(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "learner", args.Get1("learner")));
  CAIRN_ASSIGN_OR_RETURN(json record, store.ExportLearner(id));
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, store.EvidenceFor(id));
  Names names(store);
  const json& profile = record["profile"];
  std::cout << DisplayName("learner", record["learner"]) << "  [" << id << "]\n";
  std::string classes;
  for (const json& e : record["enrollments"]) {
    if (!e.value("active", true)) continue;
    classes += (classes.empty() ? "" : ", ") + names.Of("class", e["class"]);
  }
  Line("classes", classes.empty() ? "(none)" : classes);
  if (!profile.contains("interests")) Line("interests", "(none yet)");
  for (auto [field, label] : {std::pair{"interests", "interests"},
                              {"motivations", "motivations"},
                              {"learning_preferences", "learns best"},
                              {"languages", "languages"}}) {
    if (profile.contains(field)) Line(label, JoinTexts(profile[field]));
  }
  if (profile.contains("about")) Line("about", Quote(profile["about"].get<std::string>()));
  PrintGoals(record, names, evidence);
  PrintWork(names, evidence);
  PrintObservations(names, id, evidence);
  return Status::Ok();
}

Status Export(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "learner", args.Get1("learner")));
  CAIRN_ASSIGN_OR_RETURN(json record, store.ExportLearner(id));
  std::cout << record.dump(args.Has("compact") ? -1 : 2, ' ', false, json::error_handler_t::replace)
            << "\n";
  return Status::Ok();
}

}  // namespace

void AddReportCommands(std::vector<Command>& out) {
  out.push_back({"learner show",
                 "a learner's profile: interests, goals, work by competency, observations",
                 {{"learner", "learner id or name"}},
                 {},
                 "Example:\n  cairnctl learner show Ada",
                 ShowLearner});
  out.push_back({"export",
                 "everything about one learner as JSON (the record that travels with them)",
                 {{"learner", "learner id or name"}},
                 {{"compact", "", "one line instead of indented"}},
                 "The JSON has the learner, profile, enrollments, goals, notes, and every\n"
                 "piece of evidence as an op (retracted ones marked \"retracted\": true).\n\n"
                 "Example:\n  cairnctl export Ada > ada.json",
                 Export});
}

}  // namespace cairn::cli
