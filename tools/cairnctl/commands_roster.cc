// The roster of a standalone classroom: classes, learners, teachers, enrollments.
#include <iostream>
#include <map>

#include "cairn/agent/teacher_pin.h"
#include "commands.h"
#include "human.h"
#include "ids.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

// The school new records belong to: --school, or the store's only school.
Result<std::string> SchoolFor(const Store& store, const Args& args) {
  if (args.Has("school")) return ResolveId(store, "school", args.Get("school"));
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> schools, store.Entities("school"));
  if (schools.size() == 1) return schools.front().at("school").get<std::string>();
  if (schools.empty()) {
    return Status::FailedPrecondition("this store has no school; run `cairnctl init`");
  }
  return Status::FailedPrecondition("this store has several schools; pick one with --school");
}

// Prints what was added, and the id to use later.
void Added(std::string_view kind, std::string_view name, std::string_view id) {
  std::cout << "Added " << kind << " " << name << " (id " << id << ")\n";
}

Status AddClass(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(store, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(store, "class", args.Get("id"), name));
  json body = {{"class", id}, {"school", school}, {"name", name}};
  if (args.Has("grade")) body["grade"] = args.Get("grade");
  std::vector<std::pair<std::string, json>> ops = {{"class", body}};
  std::string teacher_name;
  if (args.Has("teacher")) {
    CAIRN_ASSIGN_OR_RETURN(json teacher, Resolve(store, "teacher", args.Get("teacher")));
    teacher_name = DisplayName("teacher", teacher);
    ops.push_back(
        {"class_teacher", {{"class", id}, {"teacher", teacher.at("teacher")}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(store.AppendAll(ops).status());
  Added("class", name, id);
  if (!teacher_name.empty()) std::cout << "  taught by " << teacher_name << "\n";
  return Status::Ok();
}

Status AddLearner(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(store, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(store, "learner", args.Get("id"), name));
  json body = {{"learner", id}, {"school", school}, {"display_name", name}};
  if (args.Has("given")) body["given_name"] = args.Get("given");
  if (args.Has("family")) body["family_name"] = args.Get("family");
  if (args.Has("picture")) body["picture"] = args.Get("picture");
  std::vector<std::pair<std::string, json>> ops = {{"learner", body}};
  std::vector<std::string> classes;
  for (const std::string& c : args.List("class")) {
    CAIRN_ASSIGN_OR_RETURN(json klass, Resolve(store, "class", c));
    classes.push_back(DisplayName("class", klass));
    ops.push_back(
        {"enrollment", {{"class", klass.at("class")}, {"learner", id}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(store.AppendAll(ops).status());
  Added("learner", name, id);
  for (const std::string& c : classes) std::cout << "  enrolled in " << c << "\n";
  return Status::Ok();
}

Status AddTeacher(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(std::string name, args.Name("name"));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string school, SchoolFor(store, args));
  CAIRN_ASSIGN_OR_RETURN(std::string id, NewId(store, "teacher", args.Get("id"), name));
  std::vector<std::pair<std::string, json>> ops = {
      {"teacher", {{"teacher", id}, {"school", school}, {"name", name}}}};
  std::vector<std::string> classes;
  for (const std::string& c : args.List("class")) {
    CAIRN_ASSIGN_OR_RETURN(json klass, Resolve(store, "class", c));
    classes.push_back(DisplayName("class", klass));
    ops.push_back(
        {"class_teacher", {{"class", klass.at("class")}, {"teacher", id}, {"active", true}}});
  }
  CAIRN_RETURN_IF_ERROR(store.AppendAll(ops).status());
  Added("teacher", name, id);
  for (const std::string& c : classes) std::cout << "  teaches " << c << "\n";
  return Status::Ok();
}

// The PIN comes on stdin, so it shows in no process list or shell history.
Status SetTeacherPin(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  CAIRN_ASSIGN_OR_RETURN(json teacher, Resolve(*session.store, "teacher", args.Get1("teacher")));
  std::string pin;
  std::getline(std::cin, pin);
  while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
  if (Status s = TeacherPins::CheckForm(pin); !s.ok()) {
    return UsageError(s.message() + " (give it on standard input: echo 2468 | cairnctl teacher pin ...)");
  }
  CAIRN_ASSIGN_OR_RETURN(TeacherPins pins, TeacherPins::Load(TeacherPins::FileIn(session.paths.data)));
  CAIRN_RETURN_IF_ERROR(pins.Set(teacher.at("teacher").get<std::string>(), pin));
  std::cout << "PIN set for " << DisplayName("teacher", teacher) << " on this device\n";
  return Status::Ok();
}

}  // namespace

Status EnrollLearners(const std::vector<std::string>& learners, const std::string& class_ref,
                      bool remove) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json klass, Resolve(store, "class", class_ref));
  bool active = !remove;
  std::vector<std::pair<std::string, json>> ops;
  std::vector<std::string> names;
  for (const std::string& ref : learners) {
    CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", ref));
    names.push_back(DisplayName("learner", learner));
    ops.push_back(
        {"enrollment",
         {{"class", klass.at("class")}, {"learner", learner.at("learner")}, {"active", active}}});
  }
  CAIRN_RETURN_IF_ERROR(store.AppendAll(ops).status());
  for (const std::string& n : names) {
    std::cout << (active ? "Enrolled " : "Removed ") << n << (active ? " in " : " from ")
              << DisplayName("class", klass) << "\n";
  }
  return Status::Ok();
}

namespace {

// Active members of every class: class id -> names.
Result<std::map<std::string, std::vector<std::string>>> Members(const Store& store,
                                                                std::string_view link,
                                                                std::string_view member) {
  std::map<std::string, std::vector<std::string>> out;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> links, store.Entities(link));
  for (const json& l : links) {
    if (!l.value("active", true)) continue;
    std::string id = l.at(std::string(member)).get<std::string>();
    CAIRN_ASSIGN_OR_RETURN(std::optional<json> record, store.Entity(member, id));
    out[l.at("class").get<std::string>()].push_back(record ? DisplayName(member, *record) : id);
  }
  return out;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Status ListClasses(const Args&) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> classes, store.Entities("class"));
  CAIRN_ASSIGN_OR_RETURN(auto learners, Members(store, "enrollment", "learner"));
  CAIRN_ASSIGN_OR_RETURN(auto teachers, Members(store, "class_teacher", "teacher"));
  if (classes.empty()) {
    std::cout << "No classes yet; add one with `cairnctl class add NAME`.\n";
    return Status::Ok();
  }
  Table t;
  t.Add({"ID", "NAME", "GRADE", "LEARNERS", "TEACHERS"});
  for (const json& c : classes) {
    std::string id = c.at("class").get<std::string>();
    t.Add({id, DisplayName("class", c), c.value("grade", ""), std::to_string(learners[id].size()),
           Join(teachers[id])});
  }
  std::cout << t.Render();
  return Status::Ok();
}

Status ListLearners(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  std::optional<std::string> only;
  if (args.Has("class")) {
    CAIRN_ASSIGN_OR_RETURN(only, ResolveId(store, "class", args.Get("class")));
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> learners, store.Entities("learner"));
  Table t;
  t.Add({"ID", "NAME", "CLASSES"});
  for (const json& l : learners) {
    std::string id = l.at("learner").get<std::string>();
    CAIRN_ASSIGN_OR_RETURN(std::vector<json> links,
                           store.EntitiesWhere("enrollment", "learner", id));
    std::vector<std::string> classes;
    bool in_only = !only;
    for (const json& e : links) {
      if (!e.value("active", true)) continue;
      std::string class_id = e.at("class").get<std::string>();
      in_only |= only && class_id == *only;
      CAIRN_ASSIGN_OR_RETURN(std::optional<json> c, store.Entity("class", class_id));
      classes.push_back(c ? DisplayName("class", *c) : class_id);
    }
    if (in_only && !l.value("archived", false)) {
      t.Add({id, DisplayName("learner", l), Join(classes)});
    }
  }
  std::cout << t.Render();
  return Status::Ok();
}

Status ListTeachers(const Args&) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> teachers, store.Entities("teacher"));
  Table t;
  t.Add({"ID", "NAME"});
  for (const json& x : teachers)
    t.Add({x.at("teacher").get<std::string>(), DisplayName("teacher", x)});
  std::cout << t.Render();
  return Status::Ok();
}

constexpr std::string_view kIdHelp = "the id to use (default: made from the name)";
constexpr std::string_view kSchoolHelp = "school id or name (default: the store's only school)";

}  // namespace

void AddRosterCommands(std::vector<Command>& out) {
  out.push_back({"class add",
                 "add a class",
                 {{"name", "the class's display name, e.g. \"Room 12\""}},
                 {{"id", "ID", kIdHelp},
                  {"grade", "GRADE", "grade or year level, free text"},
                  {"teacher", "TEACHER", "teacher id or name who teaches it"},
                  {"school", "SCHOOL", kSchoolHelp}},
                 "Example:\n  cairnctl class add \"Room 12\" --grade 4 --teacher \"Ms Rivera\"",
                 AddClass});
  out.push_back({"class list",
                 "list classes with their learner counts and teachers",
                 {},
                 {},
                 "",
                 ListClasses});
  out.push_back({"learner add",
                 "add a learner",
                 {{"name", "the name shown on their sign-in tile"}},
                 {{"id", "ID", kIdHelp},
                  {"given", "NAME", "given name"},
                  {"family", "NAME", "family name"},
                  {"picture", "KEY", "picture or colour key for the sign-in tile"},
                  {"class", "CLASSES", "enroll in these classes (ids or names, comma-separated)"},
                  {"school", "SCHOOL", kSchoolHelp}},
                 "Example:\n  cairnctl learner add \"Ada\" --given Ada --family Okafor --class "
                 "\"Room 12\"",
                 AddLearner});
  out.push_back({"learner list",
                 "list learners and their classes",
                 {},
                 {{"class", "CLASS", "only the learners of this class"}},
                 "",
                 ListLearners});
  out.push_back({"teacher add",
                 "add a teacher",
                 {{"name", "the teacher's display name"}},
                 {{"id", "ID", kIdHelp},
                  {"class", "CLASSES", "classes they teach (ids or names, comma-separated)"},
                  {"school", "SCHOOL", kSchoolHelp}},
                 "Example:\n  cairnctl teacher add \"Ms Rivera\"",
                 AddTeacher});
  out.push_back({"teacher list", "list teachers", {}, {}, "", ListTeachers});
  out.push_back({"teacher pin",
                 "set the PIN a teacher signs in to the desktop client with (read from stdin)",
                 {{"teacher", "teacher id or name"}},
                 {},
                 "The PIN is 4 to 8 digits, kept on this device only as a salted hash.\n"
                 "Example:\n  echo 2468 | cairnctl teacher pin \"Ms Rivera\"",
                 SetTeacherPin});
}

}  // namespace cairn::cli
