// The parts of a learner profile people edit: interests and the like, and goals
// with their check-ins.
#include <iostream>

#include "commands.h"
#include "ids.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

// Profile fields and the flags that set them (comma-separated lists, or text).
struct ProfileFlag {
  std::string_view flag;
  std::string_view field;
  bool list;
};
constexpr ProfileFlag kProfileFlags[] = {{"interests", "interests", true},
                                         {"motivations", "motivations", true},
                                         {"preferences", "learning_preferences", true},
                                         {"languages", "languages", true},
                                         {"about", "about", false}};

Status SetProfile(const Args& args) {
  json body = json::object();
  for (const ProfileFlag& f : kProfileFlags) {
    if (!args.Has(f.flag)) continue;
    body[std::string(f.field)] = f.list ? json(args.List(f.flag)) : json(args.Get(f.flag));
  }
  if (body.empty()) {
    return UsageError(
        "nothing to set: pass --interests, --motivations, --preferences, --languages or "
        "--about");
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", args.Get1("learner")));
  body["learner"] = learner.at("learner");
  CAIRN_RETURN_IF_ERROR(store.Append("profile", body).status());
  std::cout << "Updated the profile of " << DisplayName("learner", learner) << ":";
  for (const auto& [field, value] : body.items()) {
    if (field == "learner") continue;
    std::string shown = value.is_string() ? value.get<std::string>() : "";
    if (value.is_array()) {
      for (const json& v : value) shown += (shown.empty() ? "" : ", ") + v.get<std::string>();
    }
    std::cout << "\n  " << field << ": " << (shown.empty() ? "(none)" : shown);
  }
  std::cout << "\n";
  return Status::Ok();
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  int month = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

Status SetGoal(const Args& args) {
  std::string text = args.Get1("text");
  if (!args.Has("goal") && text.empty()) {
    return UsageError("a new goal needs its TEXT (or pass --goal ID to change an existing one)");
  }
  if (args.Has("target-date") && !IsDate(args.Get("target-date"))) {
    return UsageError("--target-date must be a date like 2026-12-18, got '" +
                      args.Get("target-date") + "'");
  }
  std::string status;
  if (args.Has("status")) {
    CAIRN_ASSIGN_OR_RETURN(status, args.OneOf("status", {"active", "achieved", "dropped"}));
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", args.Get1("learner")));
  std::string learner_id = learner.at("learner");
  json body = json::object();
  std::string goal_id;
  if (args.Has("goal")) {
    CAIRN_ASSIGN_OR_RETURN(json goal, Resolve(store, "goal", args.Get("goal")));
    goal_id = goal.at("goal");
    if (goal.value("learner", "") != learner_id) {
      return Status::FailedPrecondition("goal " + goal_id + " belongs to another learner");
    }
  } else {
    CAIRN_ASSIGN_OR_RETURN(goal_id, NewId(store, "goal", "", "goal"));
    body["learner"] = learner_id;
    body["status"] = "active";
  }
  body["goal"] = goal_id;
  if (!text.empty()) body["text"] = text;
  if (!status.empty()) body["status"] = status;
  if (args.Has("target-date")) body["target_date"] = args.Get("target-date");
  if (args.Has("competencies")) {
    json ids = json::array();
    for (const std::string& c : args.List("competencies")) {
      CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "competency", c));
      ids.push_back(id);
    }
    body["competencies"] = ids;
  }
  if (body.size() == 1) {
    return UsageError("nothing to change: pass TEXT, --status, --target-date or --competencies");
  }
  CAIRN_RETURN_IF_ERROR(store.Append("goal", body).status());
  std::cout << (args.Has("goal") ? "Updated goal " : "Set goal ") << goal_id << " for "
            << DisplayName("learner", learner);
  if (!text.empty()) std::cout << ": \"" << text << "\"";
  std::cout << "\n";
  return Status::Ok();
}

Status CheckIn(const Args& args) {
  json body = json::object();
  if (args.Has("rating")) {
    CAIRN_ASSIGN_OR_RETURN(body["rating"], args.Int("rating", 1, 5));
  }
  if (args.Has("progress")) {
    CAIRN_ASSIGN_OR_RETURN(body["progress"], args.Int("progress", 0, 100));
  }
  if (args.Has("reflection")) body["reflection"] = args.Get("reflection");
  if (body.empty()) {
    return UsageError("a check-in says something: pass --rating, --progress or --reflection");
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json goal, Resolve(store, "goal", args.Get1("goal")));
  if (!goal.contains("learner")) {
    return Status::FailedPrecondition("goal " + goal.at("goal").get<std::string>() +
                                      " names no learner");
  }
  body["goal"] = goal.at("goal");
  body["learner"] = goal.at("learner");
  CAIRN_ASSIGN_OR_RETURN(OpId id, store.Append("goal_checkin", body));
  std::cout << "Checked in on goal " << goal.at("goal").get<std::string>() << " (op "
            << id.ToString() << ")\n";
  return Status::Ok();
}

}  // namespace

void AddProfileCommands(std::vector<Command>& out) {
  out.push_back({"profile set",
                 "set the editable parts of a learner's profile",
                 {{"learner", "learner id or name"}},
                 {{"interests", "LIST", "what the learner likes (comma-separated)"},
                  {"motivations", "LIST", "what keeps them going (comma-separated)"},
                  {"preferences", "LIST", "preferred ways to learn (comma-separated)"},
                  {"languages", "LIST", "languages they speak or learn in (comma-separated)"},
                  {"about", "TEXT", "a few words in their own voice"}},
                 "Each field given replaces the stored one; an empty value clears it.\n\n"
                 "Example:\n  cairnctl profile set Ada --interests \"football,drawing\" "
                 "--languages \"en,yo\"",
                 SetProfile});
  out.push_back(
      {"goal set",
       "set a new goal for a learner, or change one with --goal",
       {{"learner", "learner id or name"}, {"text", "the goal in the learner's words", false}},
       {{"goal", "GOAL", "change this goal (id or exact text) instead of adding one"},
        {"status", "STATUS", "active, achieved or dropped"},
        {"target-date", "DATE", "when, as YYYY-MM-DD"},
        {"competencies", "LIST", "competencies it is tied to (ids or titles)"}},
       "Examples:\n  cairnctl goal set Ada \"Compare fractions by myself\" "
       "--target-date 2026-12-18\n"
       "  cairnctl goal set Ada --goal goal-7f3k --status achieved",
       SetGoal});
  out.push_back({"goal checkin",
                 "record a learner checking in on a goal",
                 {{"goal", "goal id (or its exact text)"}},
                 {{"rating", "N", "how it is going, 1 to 5"},
                  {"progress", "PERCENT", "how far along, 0 to 100"},
                  {"reflection", "TEXT", "the learner's reflection"}},
                 "Example:\n  cairnctl goal checkin goal-7f3k --rating 4 --progress 50 \\\n"
                 "      --reflection \"I can do halves and quarters now\"",
                 CheckIn});
}

}  // namespace cairn::cli
