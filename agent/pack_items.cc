// Items of a pack file: the prompt, the answer by type, hints and feedback
// (agent/CONTENT.md, "Items").
#include "pack_items.h"

#include <algorithm>

#include "cairn/agent/answer.h"

namespace cairn::pack_internal {
namespace {

constexpr std::string_view kChoiceSeparator = "[,]";

// `choices`: each a text, or {"text": ..., "feedback": ...}. Fills the content's
// "choices" (texts) and "choice_feedback" (aligned with them, "" for none).
void ParseChoices(Checker& c, const json& item, const std::string& path, json& content) {
  const json* list = c.Field(item, path, "choices", false);
  std::string at = Member(path, "choices");
  std::string needs = "a choice item needs " + std::to_string(kMinChoices) + " to " +
                      std::to_string(kMaxChoices) + " choices";
  if (!list) {
    c.Problem(at, "missing (" + needs + ")");
    return;
  }
  if (!list->is_array()) {
    c.Problem(at, "expected a list of choices, got " + Describe(*list));
    return;
  }
  if (list->size() < kMinChoices || list->size() > kMaxChoices) {
    c.Problem(at, needs + ", got " + std::to_string(list->size()));
  }
  json texts = json::array();
  json feedback = json::array();
  bool any_feedback = false;
  std::vector<std::string> folded;
  for (size_t i = 0; i < list->size() && i < kMaxChoices; ++i) {
    const json& choice = (*list)[i];
    std::string cpath = Element(at, i);
    std::optional<std::string> text;
    std::string fb;
    if (choice.is_object()) {
      c.OnlyFields(choice, cpath, {"text", "feedback"});
      text = c.Text(choice, cpath, "text", true, kMaxChoiceBytes);
      fb = c.Text(choice, cpath, "feedback", false, kMaxFeedbackBytes).value_or("");
    } else if (choice.is_string()) {
      text = c.TextValue(choice, cpath, kMaxChoiceBytes);
    } else {
      c.Problem(cpath,
                "expected text, or {\"text\": ..., \"feedback\": ...}, got " + Describe(choice));
    }
    if (text && text->find(kChoiceSeparator) != std::string::npos) {
      c.Problem(cpath,
                "a choice must not contain \"[,]\" (it separates the choices of a response)");
    }
    std::string f = text ? FoldAnswerText(*text) : "";
    if (auto same = std::find(folded.begin(), folded.end(), f); text && same != folded.end()) {
      size_t j = static_cast<size_t>(same - folded.begin());
      c.Problem(cpath, "the same as choice " + std::to_string(j) + " (" + texts[j].dump() +
                           "), case and spaces aside");
    }
    folded.push_back(text ? f : "");
    texts.push_back(text.value_or(""));
    any_feedback |= !fb.empty();
    feedback.push_back(fb);
  }
  content["choices"] = std::move(texts);
  if (any_feedback) content["choice_feedback"] = std::move(feedback);
}

// A choice item's answer: the index of the right choice, or a list of them.
void ParseChoiceAnswer(Checker& c, const json& answer, const std::string& path, json& content) {
  size_t n = content.contains("choices") ? content["choices"].size() : 0;
  std::string at = Member(path, "answer");
  std::string range =
      n == 0 ? "" : " (the choices are numbered 0 to " + std::to_string(n - 1) + ")";
  auto index = [&](const json& v, const std::string& where) -> bool {
    if (!v.is_number_integer() || v.get<int64_t>() < 0) {
      c.Problem(where, "expected the 0-based index of a right choice, got " + Describe(v) + range);
      return false;
    }
    if (n > 0 && v.get<size_t>() >= n) {
      c.Problem(where, "choice " + Describe(v) + " does not exist" + range);
      return false;
    }
    return true;
  };
  if (answer.is_array()) {
    if (answer.empty()) {
      c.Problem(at, "no right choice: give the index of at least one");
      return;
    }
    std::vector<size_t> seen;
    bool good = true;
    for (size_t k = 0; k < answer.size(); ++k) {
      if (!index(answer[k], Element(at, k))) {
        good = false;
        continue;
      }
      size_t v = answer[k].get<size_t>();
      if (std::find(seen.begin(), seen.end(), v) != seen.end()) {
        c.Problem(Element(at, k), "choice " + std::to_string(v) + " is listed twice");
      }
      seen.push_back(v);
    }
    if (good) content["answer"] = answer;
  } else if (index(answer, at)) {
    content["answer"] = answer;
  }
}

void ParseNumericAnswer(Checker& c, const json& item, const std::string& path, json& content) {
  if (std::optional<double> a = c.Number(item, path, "answer", true)) content["answer"] = *a;
  if (std::optional<double> t = c.Number(item, path, "tolerance", false)) {
    if (*t < 0) {
      c.Problem(Member(path, "tolerance"), "must be 0 or more, got " + Describe(item["tolerance"]));
    } else {
      content["tolerance"] = *t;
    }
  }
  if (std::optional<std::string> unit = c.Text(item, path, "unit", false, kMaxUnitBytes)) {
    content["unit"] = *unit;
  }
  std::vector<std::string> aliases =
      c.Texts(item, path, "unit_aliases", kMaxUnitAliases, kMaxUnitBytes);
  if (!aliases.empty()) {
    if (!item.contains("unit")) {
      c.Problem(Member(path, "unit_aliases"),
                "other spellings of the unit need the unit itself: add \"unit\"");
    }
    content["unit_aliases"] = aliases;
  }
}

void ParseTextAnswer(Checker& c, const json& answer, const std::string& path, json& content) {
  std::string at = Member(path, "answer");
  if (!answer.is_string() && !answer.is_array()) {
    c.Problem(at,
              "expected the accepted answer (text), or a list of them, got " + Describe(answer));
    return;
  }
  json list = answer.is_string() ? json::array({answer}) : answer;
  if (list.empty()) {
    c.Problem(at, "no accepted answers: give the accepted answer, or a list of them");
    return;
  }
  if (list.size() > kMaxAccepted) {
    c.Problem(at, "at most " + std::to_string(kMaxAccepted) + " accepted answers, got " +
                      std::to_string(list.size()));
    return;
  }
  json accepted = json::array();
  for (size_t k = 0; k < list.size(); ++k) {
    std::string where = answer.is_string() ? at : Element(at, k);
    if (std::optional<std::string> t = c.TextValue(list[k], where, kMaxAcceptedBytes)) {
      accepted.push_back(*t);
    }
  }
  content["answer"] = std::move(accepted);
}

void ParseFeedback(Checker& c, const json& item, const std::string& path, json& content) {
  const json* fb = c.Object(item, path, "feedback");
  if (!fb) return;
  std::string at = Member(path, "feedback");
  c.OnlyFields(*fb, at, {"correct", "incorrect"});
  for (const char* k : {"correct", "incorrect"}) {
    if (std::optional<std::string> t = c.Text(*fb, at, k, false, kMaxFeedbackBytes)) {
      content["feedback"][k] = *t;
    }
  }
}

}  // namespace

json ParseItem(Checker& c, const json& item, const std::string& path, const ItemContext& context) {
  json body = {{"item", "?"}, {"pack", context.pack}, {"lesson", context.lesson}};
  if (!item.is_object()) {
    c.Problem(path, "expected an object (an item), got " + Describe(item));
    return body;
  }
  c.OnlyFields(item, path,
               {"id", "type", "prompt", "answer", "choices", "tolerance", "unit", "unit_aliases",
                "hints", "feedback", "difficulty", "competencies"});
  if (std::optional<std::string> id = c.Id(item, path, "id")) body["item"] = *id;
  std::string type;
  if (const json* t = c.Field(item, path, "type", true)) {
    if (t->is_string() && (*t == "choice" || *t == "numeric" || *t == "text")) {
      type = t->get<std::string>();
      body["type"] = type;
    } else {
      c.Problem(Member(path, "type"), "expected choice, numeric or text, got " + Describe(*t));
    }
  }
  json content = json::object();
  if (std::optional<std::string> p = c.Text(item, path, "prompt", true, kMaxPromptBytes)) {
    content["prompt"] = *p;
  }
  if (type == "choice") ParseChoices(c, item, path, content);
  const json* answer = c.Field(item, path, "answer", false);
  if (!answer) {
    c.Problem(path, "no answer (every item needs \"answer\")");
  } else if (type == "choice") {
    ParseChoiceAnswer(c, *answer, path, content);
  } else if (type == "numeric") {
    ParseNumericAnswer(c, item, path, content);
  } else if (type == "text") {
    ParseTextAnswer(c, *answer, path, content);
  }
  // Fields of another type of item (for an unknown type, only its type is reported).
  if (!type.empty()) {
    if (type != "choice" && item.contains("choices")) {
      c.Problem(Member(path, "choices"), "only choice items have choices");
    }
    for (const char* numeric_only : {"tolerance", "unit", "unit_aliases"}) {
      if (type != "numeric" && item.contains(numeric_only)) {
        c.Problem(Member(path, numeric_only),
                  std::string("only numeric items have a ") +
                      (numeric_only == std::string_view("tolerance") ? "tolerance" : "unit"));
      }
    }
  }
  std::vector<std::string> hints = c.Texts(item, path, "hints", kMaxHints, kMaxHintBytes);
  if (!hints.empty()) content["hints"] = hints;
  ParseFeedback(c, item, path, content);
  if (content.dump().size() > kMaxItemContentBytes) {
    c.Problem(path,
              "the item is larger than " + std::to_string(kMaxItemContentBytes / 1024) + " KiB");
  }
  body["content"] = std::move(content);

  std::vector<std::string> assessed = c.Ids(item, path, "competencies", false);
  for (size_t n = 0; n < assessed.size(); ++n) {
    if (std::find(context.competencies.begin(), context.competencies.end(), assessed[n]) ==
        context.competencies.end()) {
      c.Problem(Element(Member(path, "competencies"), n),
                "'" + assessed[n] + "' is not one of its lesson's competencies");
    }
  }
  if (item.contains("competencies") && item["competencies"].is_array() &&
      item["competencies"].empty()) {
    c.Problem(Member(path, "competencies"),
              "name at least one, or leave it out to mean all of its lesson's");
  }
  body["competencies"] = assessed.empty() ? context.competencies : assessed;
  if (std::optional<int64_t> d = c.Int(item, path, "difficulty", 1, 5)) body["difficulty"] = *d;
  return body;
}

}  // namespace cairn::pack_internal
