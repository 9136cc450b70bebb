// `next LEARNER`: the learner's personal learning path — assignments first, then
// the competencies they are ready for with lessons that fit — and `--choose` to
// record the learner's pick.
#include <cstdio>
#include <iostream>

#include "cairn/agent/path.h"
#include "commands.h"
#include "human.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

std::string LessonLine(const PathLesson& l) {
  std::string text = "[" + std::to_string(l.option) + "] " + l.title + " (" + l.lesson + ")";
  if (l.minutes > 0) text += ", " + std::to_string(l.minutes) + " min";
  if (l.predicted >= 0) text += ", likely " + MasteryPercent(l.predicted) + " right";
  if (l.fit != "assigned") text += ", " + l.fit;
  if (l.started) text += ", started";
  return text;
}

void PrintPath(const std::string& name, const LearningPath& path) {
  std::cout << "Next for " << name << "  [" << path.learner
            << "]: " << Count(path.mastered, "competency", "competencies") << " mastered, "
            << path.ready.size() + path.more_ready << " ready, " << path.locked
            << " waiting on prerequisites\n";
  if (!path.assignments.empty()) {
    std::cout << "\n  Assigned by the teacher (do these first):\n";
    for (const PathAssignment& a : path.assignments) {
      std::string text = "    " + LessonLine(a.lesson);
      if (!a.assignment.due.empty()) text += ", due " + a.assignment.due;
      if (!a.assignment.group.empty()) text += ", with group " + a.assignment.group;
      std::cout << text << "\n";
    }
  }
  if (path.ready.empty()) {
    std::cout << "\n  Nothing else is ready: "
              << (path.locked > 0 ? "the rest waits on prerequisites.\n"
                                  : "everything is mastered.\n");
    return;
  }
  std::cout << "\n  Ready to learn (choose one):\n";
  for (const PathStep& s : path.ready) {
    std::cout << "    " << s.title << " (" << s.estimate.competency << "), "
              << MasteryStateName(s.estimate.state);
    if (s.estimate.state != MasteryState::kNotStarted) {
      std::cout << " " << MasteryPercent(s.estimate.p_mastered);
    }
    std::cout << "; " << s.why << "\n";
    if (s.lessons.empty()) std::cout << "      (no lesson for it yet)\n";
    for (const PathLesson& l : s.lessons) std::cout << "      " << LessonLine(l) << "\n";
  }
  if (path.more_ready > 0) {
    std::cout << "    (" << Count(path.more_ready, "more competency", "more competencies")
              << " ready; --max shows more)\n";
  }
  std::cout << "\n  Choose with: cairnctl next " << path.learner << " --choose OPTION\n";
}

Status Next(const Args& args) {
  PathOptions options;
  if (args.Has("threshold")) {
    CAIRN_ASSIGN_OR_RETURN(options.mastery.threshold, args.Real("threshold", 0.5, 1));
  }
  if (args.Has("max")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("max", 1, 1000));
    options.max_competencies = static_cast<size_t>(n);
  }
  std::string choice = args.Get("choose");
  if (args.Has("choose") && choice.empty()) return UsageError("--choose needs an option");
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", args.Get1("learner")));
  std::string id = learner.at("learner");
  CAIRN_ASSIGN_OR_RETURN(LearningPath path, BuildLearningPath(store, id, options));
  if (!choice.empty()) {
    const PathLesson* chosen = FindChoice(path, choice);
    if (!chosen) {
      return Status::FailedPrecondition("'" + choice + "' is not one of the options offered to " +
                                        DisplayName("learner", learner) + "; run `cairnctl next " +
                                        id + "` to see them");
    }
    CAIRN_ASSIGN_OR_RETURN(OpId op, RecordChoice(store, id, *chosen));
    if (args.Has("json")) {
      std::cout << json{{"learner", id}, {"lesson", chosen->lesson}, {"op", op.ToString()}}.dump(2)
                << "\n";
    } else {
      std::cout << DisplayName("learner", learner) << " chose " << chosen->title << " ("
                << chosen->lesson << "): started (op " << op.ToString() << ")\n";
    }
    return Status::Ok();
  }
  if (args.Has("json")) {
    std::cout << PathToJson(path).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return Status::Ok();
  }
  PrintPath(DisplayName("learner", learner), path);
  return Status::Ok();
}

}  // namespace

void AddPathCommands(std::vector<Command>& out) {
  out.push_back(
      {"next",
       "a learner's personal learning path: assignments, then what they are ready for",
       {{"learner", "learner id or name"}},
       {{"choose", "OPTION", "record the learner's choice (an option number or a lesson id)"},
        {"json", "", "print the path (or the recorded choice) as JSON"},
        {"max", "N", "how many ready competencies to offer (default 6)"},
        {"threshold", "P", "P(mastered) from which a competency is mastered (default 0.95)"}},
       "Teacher assignments come first. Then every competency whose prerequisites are all\n"
       "mastered and that is not mastered yet, each with up to 3 lessons, best fitting\n"
       "first: a good fit is one the model expects the learner to answer 60–85% right.\n"
       "A learner advances as soon as the evidence shows mastery. The choice is recorded\n"
       "as the lesson being started (an `activity` op).\n\n"
       "Examples:\n  cairnctl next Ada\n  cairnctl next Ada --choose 2",
       Next});
}

}  // namespace cairn::cli
