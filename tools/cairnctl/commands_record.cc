// Evidence: attempts, teacher observations, and retracting a mistaken record.
#include <iostream>

#include "cairn/agent/answer.h"
#include "cairn/agent/artifact.h"
#include "commands.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

std::vector<std::string_view> EnumValues(std::string_view kind, std::string_view field) {
  const KindSpec* spec = FindKind(kind);
  return spec->fields[static_cast<size_t>(FieldIndex(*spec, field))].values;
}

Status RecordAttempt(const Args& args) {
  if (args.Has("correct") && args.Has("wrong")) {
    return UsageError("pass --correct or --wrong, not both");
  }
  bool judge = !args.Has("correct") && !args.Has("wrong");
  if (judge && !args.Has("response")) {
    return UsageError(
        "say how it went: pass --correct or --wrong, or the answer given with --response "
        "to have it judged against the item");
  }
  json body;
  if (args.Has("score")) {
    CAIRN_ASSIGN_OR_RETURN(body["score"], args.Real("score", 0, 1));
  }
  if (args.Has("seconds")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t s, args.Int("seconds", 0, 86'400));
    body["duration_ms"] = s * 1000;
  }
  if (args.Has("hints")) {
    CAIRN_ASSIGN_OR_RETURN(body["hints"], args.Int("hints", 0, 100));
  }
  if (args.Has("response")) body["response"] = args.Get("response");

  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", args.Get1("learner")));
  CAIRN_ASSIGN_OR_RETURN(json item, Resolve(store, "item", args.Get1("item")));
  body["learner"] = learner.at("learner");
  body["item"] = item.at("item");
  std::string judged;
  if (judge) {
    // The item's pack language decides how numbers are read ("0,5" in Spanish).
    JudgeOptions options;
    std::string language = "en";
    if (item.contains("pack")) {
      CAIRN_ASSIGN_OR_RETURN(std::optional<json> pack,
                             store.Entity("pack", item.at("pack").get<std::string>()));
      if (pack) language = pack->value("language", "en");
    }
    options.language = language;
    Result<Judgement> judgement = JudgeResponse(item, args.Get("response"), options);
    if (!judgement.ok()) {
      return Status::FailedPrecondition(
          "cannot judge the response: " + judgement.status().message() +
          "; pass --correct or --wrong");
    }
    body["correct"] = judgement->correct;
    judged = judgement->correct ? ", judged correct" : ", judged wrong";
    if (!judgement->feedback.empty()) judged += " (feedback: " + judgement->feedback + ")";
  } else {
    body["correct"] = args.Has("correct");
  }
  if (args.Has("lesson")) {
    CAIRN_ASSIGN_OR_RETURN(body["lesson"], ResolveId(store, "lesson", args.Get("lesson")));
  } else if (item.contains("lesson")) {
    body["lesson"] = item.at("lesson");
  }
  CAIRN_ASSIGN_OR_RETURN(OpId id, store.Append("attempt", body));
  std::cout << "Recorded: " << DisplayName("learner", learner) << " answered "
            << body["item"].get<std::string>()
            << (judge ? judged : (body["correct"].get<bool>() ? ", correct" : ", wrong")) << " (op "
            << id.ToString() << ")\n";
  return Status::Ok();
}

Status RecordObservation(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(int64_t level, args.Int("level", 1, 4));
  CAIRN_ASSIGN_OR_RETURN(std::string modality,
                         args.OneOf("modality", EnumValues("observation", "modality")));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json teacher, Resolve(store, "teacher", args.Get("teacher")));
  CAIRN_ASSIGN_OR_RETURN(json competency, Resolve(store, "competency", args.Get("competency")));
  json learners = json::array();
  std::string names;
  for (const std::string& ref : args.All("learner")) {
    CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", ref));
    learners.push_back(learner.at("learner"));
    names += (names.empty() ? "" : ", ") + DisplayName("learner", learner);
  }
  json body = {{"teacher", teacher.at("teacher")},
               {"learners", learners},
               {"competency", competency.at("competency")},
               {"level", level},
               {"modality", modality}};
  if (args.Has("note")) body["note"] = args.Get("note");
  std::vector<std::string> artifacts = args.List("artifact");
  if (!artifacts.empty()) body["artifacts"] = artifacts;
  OpId id;
  if (args.Has("file")) {
    BlobStore blobs(BlobStoreDir(session.paths.data));
    CAIRN_ASSIGN_OR_RETURN(id, AppendObservationWithFile(store, blobs, body, args.Get("file")));
  } else {
    CAIRN_ASSIGN_OR_RETURN(id, store.Append("observation", body));
  }
  std::cout << "Recorded: " << DisplayName("teacher", teacher) << " observed " << names << " on "
            << DisplayName("competency", competency) << ", level " << level << " (op "
            << id.ToString() << ")\n";
  return Status::Ok();
}

// The op with `id`, or nullopt. Our own ops are found by seq; others by a scan.
Result<std::optional<Op>> FindOp(const Store& store, const OpId& id) {
  if (id.origin == store.self()) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<Op> ops, store.OwnOpsAfter(id.seq - 1, 1));
    if (!ops.empty() && ops.front().seq == id.seq) return std::optional<Op>(ops.front());
    return std::optional<Op>();
  }
  uint64_t cursor = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(OpsPage page, store.OpsSince(cursor, 1000));
    for (Op& op : page.ops) {
      if (op.id() == id) return std::optional<Op>(std::move(op));
    }
    if (!page.more) return std::optional<Op>();
    cursor = page.next_cursor;
  }
}

Result<bool> AlreadyRetracted(const Store& store, const Op& target) {
  std::string learner;
  if (target.body.contains("learner")) {
    learner = target.body["learner"].get<std::string>();
  } else if (target.body.contains("learners") && !target.body["learners"].empty()) {
    learner = target.body["learners"][0].get<std::string>();
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, store.EvidenceFor(learner));
  for (const Evidence& e : evidence) {
    if (e.op.id() == target.id()) return e.retracted;
  }
  return false;
}

Status RecordRetract(const Args& args) {
  Result<OpId> id = OpId::Parse(args.Get1("op"));
  if (!id.ok()) {
    return UsageError(id.status().message() +
                      " (`cairnctl ops` shows op ids, and each `record` command prints one)");
  }
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::optional<Op> target, FindOp(store, *id));
  if (!target) return Status::NotFound("no op " + id->ToString() + " in this store");
  const KindSpec* kind = FindKind(target->kind);
  if (kind->merge != MergeRule::kGrowOnly || target->kind == "retract") {
    return UsageError("op " + id->ToString() + " is a " + target->kind +
                      " record, not evidence; only attempts, activities, observations, goal "
                      "check-ins and sign-ins can be retracted (change other records by "
                      "setting them again)");
  }
  CAIRN_ASSIGN_OR_RETURN(bool retracted, AlreadyRetracted(store, *target));
  if (retracted) {
    std::cout << "Op " << id->ToString() << " was already retracted; nothing to do.\n";
    return Status::Ok();
  }
  json body = {{"target", id->ToString()}};
  if (args.Has("reason")) body["reason"] = args.Get("reason");
  CAIRN_ASSIGN_OR_RETURN(OpId rid, store.Append("retract", body));
  std::cout << "Retracted the " << target->kind << " " << id->ToString()
            << "; it no longer counts (op " << rid.ToString() << ")\n";
  return Status::Ok();
}

}  // namespace

void AddRecordCommands(std::vector<Command>& out) {
  out.push_back({"record attempt",
                 "record a learner's answer to an item",
                 {{"learner", "learner id or name"}, {"item", "item id (from a content pack)"}},
                 {{"correct", "", "the answer was right"},
                  {"wrong", "", "the answer was wrong"},
                  {"response", "TEXT",
                   "the answer as given; without --correct or --wrong it is judged against "
                   "the item"},
                  {"score", "X", "partial credit from 0 to 1"},
                  {"seconds", "N", "time taken to answer"},
                  {"hints", "N", "hints used"},
                  {"lesson", "LESSON", "the lesson it was part of (default: the item's)"}},
                 "Prints the new op's id (for `cairnctl record retract`).\n\n"
                 "A response is judged as the lesson player judges it: a choice by its text\n"
                 "(or 0-based index), a number within the item's tolerance (\"3/4\", \"12 cm\"),\n"
                 "a text against the accepted answers, ignoring case and extra spaces.\n\n"
                 "Examples:\n  cairnctl record attempt Ada frac.parts.1 --response 1/4\n"
                 "  cairnctl record attempt Ada frac.parts.3 --wrong --response 8/3",
                 RecordAttempt});
  out.push_back(
      {"record observation",
       "record a teacher's observation of one or more learners",
       {{"learner", "learner ids or names", true, true}},
       {{"teacher", "TEACHER", "teacher id or name", true},
        {"competency", "COMPETENCY", "competency id or title", true},
        {"level", "N", "rubric level: 1 beginning, 2 developing, 3 proficient, 4 advanced", true},
        {"modality", "SETTING",
         "small_group, whole_class, individual, project, conference, field or other", true},
        {"note", "TEXT", "what the teacher saw"},
        {"artifact", "SHA256", "attached photos or files (SHA-256 hex, comma-separated)"},
        {"file", "PATH", "a photo or file to attach: kept on this device, synced to the school"}},
       "Example:\n  cairnctl record observation Ada Ben --teacher \"Ms Rivera\" \\\n"
       "      --competency frac.equivalent --level 3 --modality small_group \\\n"
       "      --note \"Folded paper strips to show 1/2 = 2/4\" --file strips.jpg",
       RecordObservation});
  out.push_back({"record retract",
                 "withdraw evidence recorded by mistake (it stays in the log, no longer counts)",
                 {{"op", "the op id of the evidence, as printed when it was recorded"}},
                 {{"reason", "TEXT", "why, e.g. \"wrong learner\""}},
                 "Example:\n  cairnctl record retract 9f3c…e1:17 --reason \"wrong learner\"",
                 RecordRetract});
}

}  // namespace cairn::cli
