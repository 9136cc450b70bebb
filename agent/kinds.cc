#include "cairn/agent/kinds.h"

#include <algorithm>
#include <cmath>

#include "cairn/agent/op.h"

namespace cairn {
namespace {

using FT = FieldType;

FieldSpec Key(std::string_view name, std::string_view doc) {
  return {name, FT::kId, true, 0, 0, {}, doc};
}
FieldSpec Id(std::string_view name, std::string_view doc, bool required = false) {
  return {name, FT::kId, required, 0, 0, {}, doc};
}
FieldSpec Ids(std::string_view name, std::string_view doc, bool required = false) {
  return {name, FT::kIdList, required, 0, 0, {}, doc};
}
FieldSpec Text(std::string_view name, std::string_view doc, double max = 0) {
  return {name, FT::kText, false, 0, max, {}, doc};
}
FieldSpec Texts(std::string_view name, std::string_view doc) {
  return {name, FT::kTextList, false, 0, 0, {}, doc};
}
FieldSpec Int(std::string_view name, double min, double max, std::string_view doc,
              bool required = false) {
  return {name, FT::kInt, required, min, max, {}, doc};
}
FieldSpec Bool(std::string_view name, std::string_view doc, bool required = false) {
  return {name, FT::kBool, required, 0, 0, {}, doc};
}
FieldSpec Enum(std::string_view name, std::vector<std::string_view> values,
               std::string_view doc, bool required = false) {
  return {name, FT::kEnum, required, 0, 0, std::move(values), doc};
}
FieldSpec Sha256(std::string_view name, std::string_view doc, bool required = false) {
  return {name, FT::kText, required, 0, 64, {}, doc, true};
}
FieldSpec Supersedes() {
  return {"supersedes", FT::kOpId, false, 0, 0, {},
          "a correction: the op this one replaces (which then no longer counts)"};
}

std::vector<KindSpec> BuildKinds() {
  using M = MergeRule;
  using W = Writers;
  std::vector<KindSpec> k;
  // --- Server-owned entities (authored by the school server; by the device itself
  //     in standalone mode).
  k.push_back({"school", 1, M::kLastWriterWins, W::kServer, "school", 1, 0,
               {Key("school", "school id"), Text("name", "display name", 200)},
               "A school.", ""});
  k.push_back({"class", 2, M::kLastWriterWins, W::kServer, "class", 1, 0,
               {Key("class", "class id"), Id("school", "the school it belongs to"),
                Text("name", "display name, e.g. \"Room 12\"", 200),
                Text("grade", "grade or year level, free text", 40),
                Bool("archived", "true once the class has ended")},
               "A class (a teacher's group of learners for a term).", ""});
  k.push_back({"learner", 3, M::kLastWriterWins, W::kServer, "learner", 1, 0,
               {Key("learner", "learner id (a UUID)"), Id("school", "home school"),
                Text("given_name", "given name", 100), Text("family_name", "family name", 100),
                Text("display_name", "name shown on the sign-in tile", 100),
                Text("picture", "picture or colour key for the sign-in tile", 100),
                Bool("archived", "true when the learner has left")},
               "A learner (student).", ""});
  k.push_back({"teacher", 4, M::kLastWriterWins, W::kServer, "teacher", 1, 0,
               {Key("teacher", "teacher id"), Id("school", "school"),
                Text("name", "display name", 200), Bool("archived", "true when gone")},
               "A teacher.", ""});
  k.push_back({"enrollment", 5, M::kLastWriterWins, W::kServer, "enrollment", 2, 1,
               {Key("class", "class id"), Key("learner", "learner id"),
                Bool("active", "false once the learner leaves the class")},
               "A learner's membership of a class.", ""});
  k.push_back({"class_teacher", 6, M::kLastWriterWins, W::kServer, "class_teacher", 2, 0,
               {Key("class", "class id"), Key("teacher", "teacher id"),
                Bool("active", "false once the teacher no longer teaches the class")},
               "A teacher's assignment to a class.", ""});
  k.push_back({"pack", 7, M::kLastWriterWins, W::kServer, "pack", 1, 0,
               {Key("pack", "pack id"), Text("version", "pack version", 40),
                Text("title", "title", 200), Text("language", "BCP 47 language tag", 35),
                Text("license", "licence (SPDX id or text)", 200),
                Sha256("content_hash", "SHA-256 of the pack file, hex"),
                Int("content_size", 1, 1e12,
                    "bytes of the pack file; with content_hash, devices fetch the file")},
               "A content pack (a versioned bundle of competencies, lessons, items).", ""});
  k.push_back({"competency", 8, M::kLastWriterWins, W::kServer, "competency", 1, 0,
               {Key("competency", "competency id, pack-scoped"), Id("pack", "pack id"),
                Text("title", "short title", 200), Text("description", "what mastery means"),
                Text("standard_code", "code in a published standard, e.g. CCSS 3.NF.A.1", 100),
                Ids("prerequisites", "competencies to master first"),
                Bool("retired", "true when the newest version of its pack no longer has it")},
               "A competency (skill or standard) learners master.", ""});
  k.push_back({"lesson", 9, M::kLastWriterWins, W::kServer, "lesson", 1, 0,
               {Key("lesson", "lesson id, pack-scoped"), Id("pack", "pack id"),
                Text("title", "title", 200), Ids("competencies", "competencies it works on"),
                Ids("items", "its items, in order"),
                Int("minutes", 0, 600, "estimated minutes"),
                Text("modality", "e.g. practice, reading, video, project", 40),
                Text("passage", "a text shown with every item, e.g. a reading passage", 8000),
                Bool("retired", "true when the newest version of its pack no longer has it")},
               "A lesson: an ordered set of items for some competencies.", ""});
  k.push_back({"item", 10, M::kLastWriterWins, W::kServer, "item", 1, 0,
               {Key("item", "item id, pack-scoped"), Id("pack", "pack id"),
                Id("lesson", "lesson id"),
                Enum("type", {"choice", "numeric", "text"}, "how it is answered"),
                {"content", FT::kObject, false, 0, 0, {},
                 "prompt, choices, answers, hints, feedback (agent/CONTENT.md)"},
                Ids("competencies", "competencies it gives evidence of (its lesson's if absent)"),
                Int("difficulty", 1, 5, "the author's estimate: 1 easiest to 5 hardest"),
                Bool("retired", "true when the newest version of its pack no longer has it; its "
                     "evidence still counts")},
               "An item (question) in a lesson.", ""});
  k.push_back({"mastery_params", 11, M::kLastWriterWins, W::kServer, "mastery_params", 1, 0,
               {Key("competency", "competency id"),
                {"prior", FT::kReal, false, 0, 1, {}, "P(mastered) before any evidence"},
                {"learn", FT::kReal, false, 0, 1, {}, "P(learning it) at each attempt"},
                {"forget", FT::kReal, false, 0, 1, {}, "P(forgetting it) at each attempt"},
                {"guess", FT::kReal, false, 0, 1, {}, "P(correct) without mastery"},
                {"slip", FT::kReal, false, 0, 1, {}, "P(wrong) with mastery"},
                {"levels", FT::kObject, false, 0, 0, {},
                 "P(rubric level 1–4) of an observation: {\"mastered\": [4], \"not_mastered\": [4]}"},
                {"response", FT::kObject, false, 0, 0, {},
                 "the response model: {\"bias\", \"weights\": {feature: w}, \"items\": {item: easiness}}"},
                Int("responses", 0, 1e12, "attempts the parameters were fitted from")},
               "Fitted parameters of the mastery model for one competency (`cairnctl model "
               "fit`); derived estimates are computed on each device from them.",
               ""});
  // --- Editable by devices (per-field last writer wins).
  k.push_back({"profile", 20, M::kLastWriterWins, W::kAnyDevice, "profile", 1, 0,
               {Key("learner", "learner id"), Texts("interests", "what the learner likes"),
                Texts("motivations", "what keeps them going"),
                Texts("learning_preferences", "preferred ways to learn"),
                Texts("languages", "languages they speak or learn in"),
                Text("about", "a few words in their own voice", 1000)},
               "The editable part of a learner profile.", ""});
  k.push_back({"goal", 21, M::kLastWriterWins, W::kAnyDevice, "goal", 1, 0,
               {Key("goal", "goal id (a UUID)"), Id("learner", "whose goal"),
                Text("text", "the goal in the learner's words", 1000),
                Ids("competencies", "competencies it is tied to"),
                Text("target_date", "YYYY-MM-DD", 10),
                Enum("status", {"active", "achieved", "dropped"}, "where it stands")},
               "A learner's goal.", ""});
  k.push_back({"group", 22, M::kLastWriterWins, W::kTeacherDevice, "group", 1, 0,
               {Key("group", "group id"), Id("class", "class"), Text("name", "name", 200),
                Ids("members", "learner ids"), Ids("competencies", "what the group works on"),
                Bool("archived", "true when disbanded")},
               "A flexible group for small-group instruction.", ""});
  k.push_back({"assignment", 23, M::kLastWriterWins, W::kTeacherDevice, "assignment", 1, 0,
               {Key("assignment", "assignment id"), Id("teacher", "who assigned"),
                Id("lesson", "the lesson"), Ids("learners", "assigned learners"),
                Id("group", "or an assigned group"), Text("due", "YYYY-MM-DD", 10),
                Bool("active", "false when withdrawn")},
               "A teacher's assignment of a lesson to learners or a group.", ""});
  k.push_back({"note", 24, M::kLastWriterWins, W::kTeacherDevice, "note", 1, 0,
               {Key("note", "note id"), Id("learner", "about whom"), Id("author", "teacher id"),
                Text("text", "the note"), Bool("archived", "true when deleted")},
               "A teacher's editable note about a learner.", ""});
  // --- Evidence (grow-only).
  k.push_back({"attempt", 40, M::kGrowOnly, W::kAnyDevice, "", 0, 0,
               {Id("learner", "who answered", true), Id("item", "the item", true),
                Id("lesson", "the lesson it was part of"),
                Text("response", "the answer as given", 1000),
                Bool("correct", "judged correct", true),
                {"score", FT::kReal, false, 0, 1, {}, "partial credit, 0–1"},
                Int("duration_ms", 0, 86'400'000, "time to answer"),
                Int("hints", 0, 100, "hints used"), Supersedes()},
               "A learner's answer to an item.", "http://adlnet.gov/expapi/verbs/answered"});
  k.push_back({"activity", 41, M::kGrowOnly, W::kAnyDevice, "", 0, 0,
               {Id("learner", "who", true), Id("lesson", "which lesson", true),
                Enum("event", {"started", "resumed", "completed", "left"}, "what happened", true),
                Int("time_on_task_ms", 0, 86'400'000, "active time since the last event"),
                Supersedes()},
               "A learner starting, resuming, completing or leaving a lesson.",
               "http://adlnet.gov/expapi/verbs/{launched,resumed,completed,suspended}"});
  k.push_back({"observation", 42, M::kGrowOnly, W::kTeacherDevice, "", 0, -1,
               {Id("teacher", "who observed", true), Ids("learners", "who was observed", true),
                Id("competency", "what was observed", true),
                Int("level", 1, 4, "rubric: 1 beginning, 2 developing, 3 proficient, 4 advanced",
                    true),
                Enum("modality",
                     {"small_group", "whole_class", "individual", "project", "conference",
                      "field", "other"},
                     "the setting", true),
                Text("note", "what the teacher saw"),
                Texts("artifacts", "SHA-256 hex of attached photos or files"), Supersedes()},
               "A teacher's observation of one or more learners on a competency.",
               "http://adlnet.gov/expapi/verbs/experienced"});
  k.push_back({"goal_checkin", 43, M::kGrowOnly, W::kAnyDevice, "", 0, 0,
               {Id("learner", "whose goal", true), Id("goal", "the goal", true),
                Int("rating", 1, 5, "how it is going, 1–5"),
                Int("progress", 0, 100, "percent toward the goal"),
                Text("reflection", "the learner's reflection", 2000), Supersedes()},
               "A learner checking in on a goal.", "https://w3id.org/xapi/dod-isd/verbs/reflected"});
  k.push_back({"signin", 44, M::kGrowOnly, W::kAnyDevice, "", 0, 0,
               {Id("learner", "who signed in", true),
                Enum("method", {"tile", "picture_pin", "teacher"}, "how")},
               "A learner signing in on a device.", "https://w3id.org/xapi/adl/verbs/logged-in"});
  k.push_back({"retract", 45, M::kGrowOnly, W::kAnyDevice, "", 0, -1,
               {{"target", FT::kOpId, true, 0, 0, {}, "the evidence op that no longer counts"},
                Text("reason", "why", 500)},
               "Withdraws an evidence op (entered by mistake, wrong learner).",
               "http://adlnet.gov/expapi/verbs/voided"});
  k.push_back({"artifact", 46, M::kGrowOnly, W::kAnyDevice, "", 0, -1,
               {Ids("learners", "whose work or whom it shows", true),
                Sha256("sha256", "SHA-256 of the file's bytes: the blob it travels as", true),
                Int("size", 1, 1e12, "bytes", true),
                Text("media_type", "e.g. image/jpeg, application/pdf", 100),
                Text("name", "the file's name where it was attached", 255),
                Id("teacher", "who attached it, from a teacher device"), Supersedes()},
               "A photo or file kept as evidence. Its bytes travel separately as a blob, "
               "fetched by SHA-256 (sync/PROTOCOL.md, \"Blobs\").",
               "http://adlnet.gov/expapi/verbs/shared"});
  return k;
}

std::string Describe(const nlohmann::json& v) {
  // Values come from the network and the command line, so any bytes: describe them
  // without throwing, and cut between characters so the message stays UTF-8.
  std::string s = v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (s.size() > 60) {
    size_t cut = 57;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  return s;
}

bool IsIntegral(const nlohmann::json& v) {
  return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()) &&
                                   std::floor(v.get<double>()) == v.get<double>());
}

// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xe ? 2 : (c >> 3) == 0x1e ? 3 : 9;
    if (n == 9 || i + n >= s.size()) return false;
    uint32_t cp = n == 0 ? c : c & (0x3f >> n);
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

// True when every string and key inside `v` is UTF-8 (content is served as JSON).
bool AllUtf8(const nlohmann::json& v) {
  if (v.is_string()) return IsUtf8(v.get_ref<const std::string&>());
  if (v.is_object()) {
    for (const auto& [key, e] : v.items()) {
      if (!IsUtf8(key) || !AllUtf8(e)) return false;
    }
  }
  if (v.is_array()) {
    for (const auto& e : v) {
      if (!AllUtf8(e)) return false;
    }
  }
  return true;
}

template <typename Where>
Status CheckText(const Where& where, const nlohmann::json& v, double max) {
  if (!v.is_string()) return Status::InvalidArgument(where() + ": expected text, got " + Describe(v));
  if (!IsUtf8(v.get_ref<const std::string&>())) {
    return Status::InvalidArgument(where() + ": text is not valid UTF-8");
  }
  size_t limit = max > 0 ? static_cast<size_t>(max) : 4000;
  if (v.get_ref<const std::string&>().size() > limit) {
    return Status::InvalidArgument(where() + ": text longer than " + std::to_string(limit) +
                                   " bytes");
  }
  return Status::Ok();
}

template <typename Where>
Status CheckId(std::string_view id, const Where& where) {
  Status s = ValidateId(id, "");
  return s.ok() ? s : ValidateId(id, where());
}

Status CheckField(const KindSpec& kind, const FieldSpec& f, const nlohmann::json& v) {
  // Built only when there is something to report: validation runs for every op.
  auto where = [&] { return std::string(kind.name) + "." + std::string(f.name); };
  switch (f.type) {
    case FT::kId:
      if (!v.is_string()) return Status::InvalidArgument(where() + ": expected an id, got " + Describe(v));
      return CheckId(v.get_ref<const std::string&>(), where);
    case FT::kIdList:
      if (!v.is_array()) {
        return Status::InvalidArgument(where() + ": expected a list of ids, got " + Describe(v));
      }
      if (v.size() > 1000) return Status::InvalidArgument(where() + ": more than 1000 ids");
      if (f.required && v.empty()) return Status::InvalidArgument(where() + ": must not be empty");
      for (const auto& e : v) {
        if (!e.is_string()) {
          return Status::InvalidArgument(where() + ": expected ids, got " + Describe(e));
        }
        CAIRN_RETURN_IF_ERROR(CheckId(e.get_ref<const std::string&>(), where));
      }
      return Status::Ok();
    case FT::kText:
      if (f.sha256 && !(v.is_string() && IsSha256Hex(v.get_ref<const std::string&>()))) {
        return Status::InvalidArgument(where() + ": expected a SHA-256 (64 lower-case hex digits), got " +
                                       Describe(v));
      }
      return CheckText(where, v, f.max);
    case FT::kTextList:
      if (!v.is_array()) {
        return Status::InvalidArgument(where() + ": expected a list of texts, got " + Describe(v));
      }
      if (v.size() > 100) return Status::InvalidArgument(where() + ": more than 100 entries");
      for (const auto& e : v) CAIRN_RETURN_IF_ERROR(CheckText(where, e, 200));
      return Status::Ok();
    case FT::kInt: {
      if (!IsIntegral(v)) {
        return Status::InvalidArgument(where() + ": expected a whole number, got " + Describe(v));
      }
      double d = v.get<double>();
      if ((f.min != 0 || f.max != 0) && (d < f.min || d > f.max)) {
        return Status::InvalidArgument(where() + ": " + Describe(v) + " is outside " +
                                       std::to_string(static_cast<int64_t>(f.min)) + "–" +
                                       std::to_string(static_cast<int64_t>(f.max)));
      }
      return Status::Ok();
    }
    case FT::kBool:
      if (!v.is_boolean()) {
        return Status::InvalidArgument(where() + ": expected true or false, got " + Describe(v));
      }
      return Status::Ok();
    case FT::kReal: {
      if (!v.is_number() || !std::isfinite(v.get<double>())) {
        return Status::InvalidArgument(where() + ": expected a number, got " + Describe(v));
      }
      double d = v.get<double>();
      if ((f.min != 0 || f.max != 0) && (d < f.min || d > f.max)) {
        return Status::InvalidArgument(where() + ": " + Describe(v) + " is outside " +
                                       std::to_string(f.min) + "–" + std::to_string(f.max));
      }
      return Status::Ok();
    }
    case FT::kEnum: {
      if (v.is_string()) {
        for (std::string_view allowed : f.values) {
          if (v.get_ref<const std::string&>() == allowed) return Status::Ok();
        }
      }
      std::string list;
      for (std::string_view allowed : f.values) list += (list.empty() ? "" : ", ") + std::string(allowed);
      return Status::InvalidArgument(where() + ": expected one of " + list + ", got " + Describe(v));
    }
    case FT::kOpId: {
      if (!v.is_string()) {
        return Status::InvalidArgument(where() + ": expected an op id, got " + Describe(v));
      }
      Status s = OpId::Parse(v.get_ref<const std::string&>()).status();
      return s.ok() ? s : s.WithContext(where());
    }
    case FT::kObject:
      if (!v.is_object()) {
        return Status::InvalidArgument(where() + ": expected an object, got " + Describe(v));
      }
      if (!AllUtf8(v)) {
        return Status::InvalidArgument(where() + ": text inside is not valid UTF-8");
      }
      return Status::Ok();
  }
  return Status::Ok();
}

}  // namespace

const std::vector<KindSpec>& AllKinds() {
  static const std::vector<KindSpec> kinds = BuildKinds();
  return kinds;
}

const KindSpec* FindKind(std::string_view name) {
  for (const KindSpec& k : AllKinds()) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

const KindSpec* FindKindByCode(int code) {
  static const std::vector<const KindSpec*> by_code = [] {
    std::vector<const KindSpec*> v(kKindCodeLimit, nullptr);
    for (const KindSpec& k : AllKinds()) v.at(static_cast<size_t>(k.code)) = &k;
    return v;
  }();
  if (code < 0 || static_cast<size_t>(code) >= by_code.size()) return nullptr;
  return by_code[static_cast<size_t>(code)];
}

int FieldIndex(const KindSpec& kind, std::string_view field) {
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    if (kind.fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status ValidateId(std::string_view id, std::string_view what) {
  if (id.empty()) return Status::InvalidArgument(std::string(what) + ": an id must not be empty");
  if (id.size() > 128) {
    return Status::InvalidArgument(std::string(what) + ": an id is at most 128 bytes");
  }
  if (!IsUtf8(id)) return Status::InvalidArgument(std::string(what) + ": id is not valid UTF-8");
  for (unsigned char c : id) {
    if (c <= 0x20 || c == 0x7f) {
      return Status::InvalidArgument(std::string(what) + ": id '" + std::string(id) +
                                     "' contains a space or control character");
    }
  }
  return Status::Ok();
}

Status ValidateBody(const KindSpec& kind, const nlohmann::json& body) {
  if (!body.is_object()) {
    return Status::InvalidArgument(std::string(kind.name) + ": the body must be a JSON object");
  }
  uint64_t present = 0;  // bit i: field i is in the body
  for (const auto& [name, value] : body.items()) {
    int index = FieldIndex(kind, name);
    if (index >= 0 && index < 64) present |= uint64_t{1} << index;
    if (index < 0) {
      std::string known;
      for (const FieldSpec& f : kind.fields) known += (known.empty() ? "" : ", ") + std::string(f.name);
      return Status::InvalidArgument(std::string(kind.name) + ": unknown field '" + name +
                                     "' (fields: " + known + ")");
    }
    if (value.is_null()) {
      return Status::InvalidArgument(std::string(kind.name) + "." + name +
                                     ": null is not a value; leave the field out");
    }
    CAIRN_RETURN_IF_ERROR(CheckField(kind, kind.fields[static_cast<size_t>(index)], value));
  }
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    if (f.required && !(present >> i & 1)) {
      return Status::InvalidArgument(std::string(kind.name) + "." + std::string(f.name) +
                                     ": required");
    }
  }
  if (kind.merge == MergeRule::kLastWriterWins &&
      body.size() <= static_cast<size_t>(kind.key_fields)) {
    return Status::InvalidArgument(std::string(kind.name) +
                                   ": names the entity but sets no field");
  }
  return Status::Ok();
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FT::kId: return "id";
    case FT::kIdList: return "id list";
    case FT::kText: return "text";
    case FT::kTextList: return "text list";
    case FT::kInt: return "integer";
    case FT::kBool: return "boolean";
    case FT::kReal: return "number";
    case FT::kEnum: return "enum";
    case FT::kOpId: return "op id";
    case FT::kObject: return "object";
  }
  return "?";
}

std::string_view WritersName(Writers writers) {
  switch (writers) {
    case Writers::kServer: return "school server (or a standalone device)";
    case Writers::kTeacherDevice: return "teacher devices";
    case Writers::kAnyDevice: return "any device";
  }
  return "?";
}

std::string KindsMarkdown() {
  std::string out;
  for (const KindSpec& k : AllKinds()) {
    out += "### `" + std::string(k.name) + "` (code " + std::to_string(k.code) + ")\n\n";
    out += std::string(k.doc) + "\n\n";
    out += "- merge: ";
    out += k.merge == MergeRule::kGrowOnly
               ? "grow-only evidence (retract or supersede to correct)"
               : "last writer wins per field, entity `" + std::string(k.entity) + "` keyed by " +
                     std::to_string(k.key_fields) + " field(s)";
    out += "\n- written by: " + std::string(WritersName(k.writers)) + "\n";
    if (!k.xapi_verb.empty()) out += "- xAPI verb: `" + std::string(k.xapi_verb) + "`\n";
    out += "\n| field | type | required | meaning |\n|---|---|---|---|\n";
    for (size_t i = 0; i < k.fields.size(); ++i) {
      const FieldSpec& f = k.fields[i];
      std::string type(FieldTypeName(f.type));
      if (f.type == FT::kEnum) {
        type += ":";
        for (std::string_view v : f.values) type += " `" + std::string(v) + "`";
      }
      if ((f.type == FT::kInt || f.type == FT::kReal) && (f.min != 0 || f.max != 0)) {
        auto num = [](double d) {
          std::string s = std::to_string(d);
          s.erase(s.find_last_not_of('0') + 1);
          if (s.back() == '.') s.pop_back();
          return s;
        };
        type += " " + num(f.min) + "–" + num(f.max);
      }
      bool key = static_cast<int>(i) < k.key_fields;
      out += "| `" + std::string(f.name) + "` | " + type + " | " +
             (key ? "key" : (f.required ? "yes" : "")) + " | " + std::string(f.doc) + " |\n";
    }
    out += "\n";
  }
  return out;
}

}  // namespace cairn
