// Judging responses to choice, numeric and text items (answer.h).
#include "cairn/agent/answer.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace cairn {
namespace {

using nlohmann::json;

constexpr std::string_view kSeparator = "[,]";  // xAPI's, between selected choices

std::vector<std::string_view> Split(std::string_view s, std::string_view separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(separator, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + separator.size();
  }
}

std::string Feedback(const json& content, bool correct) {
  auto fb = content.find("feedback");
  if (fb == content.end() || !fb->is_object()) return "";
  auto text = fb->find(correct ? "correct" : "incorrect");
  return text != fb->end() && text->is_string() ? text->get<std::string>() : "";
}

// The right choices: "answer" is one index, or a list of them.
Result<std::set<size_t>> RightChoices(const json& answer, size_t choices) {
  std::set<size_t> right;
  json list = answer.is_array() ? answer : json::array({answer});
  for (const json& a : list) {
    if (!a.is_number_integer() || a.get<int64_t>() < 0 || a.get<uint64_t>() >= choices) {
      return Status::InvalidArgument("the item's answer is not the index of one of its choices");
    }
    right.insert(a.get<size_t>());
  }
  if (right.empty()) return Status::InvalidArgument("the item has no right choice");
  return right;
}

Result<Judgement> JudgeChoice(const json& content, std::string_view response) {
  auto choices = content.find("choices");
  if (choices == content.end() || !choices->is_array() || !content.contains("answer")) {
    return Status::InvalidArgument("the choice item has no choices or no answer");
  }
  CAIRN_ASSIGN_OR_RETURN(std::set<size_t> right, RightChoices(content["answer"], choices->size()));
  std::vector<std::string> folded;
  for (const json& c : *choices)
    folded.push_back(FoldAnswerText(c.is_string() ? c.get<std::string>() : ""));

  std::set<size_t> selected;
  bool readable = true;
  for (std::string_view part : Split(response, kSeparator)) {
    std::string f = FoldAnswerText(part);
    auto by_text = std::find(folded.begin(), folded.end(), f);
    if (by_text != folded.end()) {
      selected.insert(static_cast<size_t>(by_text - folded.begin()));
    } else if (!f.empty() && f.size() < 4 &&
               std::all_of(f.begin(), f.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
               std::stoul(f) < folded.size()) {
      selected.insert(std::stoul(f));
    } else {
      readable = false;
    }
  }
  Judgement j;
  j.correct = readable && selected == right;
  if (!j.correct) {
    // The first wrong choice picked that has feedback of its own.
    auto per_choice = content.find("choice_feedback");
    if (per_choice != content.end() && per_choice->is_array()) {
      for (size_t s : selected) {
        if (right.count(s) || s >= per_choice->size()) continue;
        const json& fb = (*per_choice)[s];
        if (fb.is_string() && !fb.get_ref<const std::string&>().empty()) {
          j.feedback = fb.get<std::string>();
          return j;
        }
      }
    }
  }
  j.feedback = Feedback(content, j.correct);
  return j;
}

// The number part of a folded response: without the item's unit or one of its
// aliases at the end ("12 cm", "12cm", "50%"); nullopt when something else is
// left there, such as a unit the item does not take.
std::optional<std::string> NumberPart(const json& content, const std::string& folded) {
  std::vector<std::string> units;
  if (auto u = content.find("unit"); u != content.end() && u->is_string()) {
    units.push_back(FoldAnswerText(u->get<std::string>()));
  }
  if (auto a = content.find("unit_aliases"); a != content.end() && a->is_array()) {
    for (const json& u : *a) {
      if (u.is_string()) units.push_back(FoldAnswerText(u.get<std::string>()));
    }
  }
  // Longest first, so "cm" is not taken for "m" after a stray "c".
  std::sort(units.begin(), units.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& unit : units) {
    if (unit.empty() || folded.size() <= unit.size() || !folded.ends_with(unit)) continue;
    std::string rest = folded.substr(0, folded.size() - unit.size());
    while (!rest.empty() && rest.back() == ' ') rest.pop_back();
    if (!rest.empty() && rest.back() >= '0' && rest.back() <= '9') return rest;
  }
  bool letters = std::any_of(folded.begin(), folded.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80;
  });
  if (letters) return std::nullopt;
  return folded;
}

Result<Judgement> JudgeNumeric(const json& content, std::string_view response,
                               const JudgeOptions& options) {
  auto answer = content.find("answer");
  if (answer == content.end() || !answer->is_number()) {
    return Status::InvalidArgument("the numeric item has no answer");
  }
  double tolerance = 0;
  if (auto t = content.find("tolerance"); t != content.end() && t->is_number()) {
    tolerance = std::max(0.0, t->get<double>());
  }
  std::optional<std::string> number = NumberPart(content, FoldAnswerText(response));
  std::optional<double> value;
  if (number) value = ReadNumber(*number, DecimalMark(options.language));
  double expected = answer->get<double>();
  Judgement j;
  j.correct = value && std::isfinite(*value) &&
              std::fabs(*value - expected) <= tolerance + 1e-9 * std::max(1.0, std::fabs(expected));
  j.feedback = Feedback(content, j.correct);
  return j;
}

Result<Judgement> JudgeText(const json& content, std::string_view response) {
  auto answer = content.find("answer");
  if (answer == content.end()) return Status::InvalidArgument("the text item has no answer");
  json accepted = answer->is_array() ? *answer : json::array({*answer});
  std::string folded = FoldAnswerText(response);
  Judgement j;
  for (const json& a : accepted) {
    if (a.is_string() && !folded.empty() && FoldAnswerText(a.get<std::string>()) == folded) {
      j.correct = true;
    }
  }
  j.feedback = Feedback(content, j.correct);
  return j;
}

}  // namespace

Result<Judgement> JudgeResponse(const json& item, std::string_view response,
                                const JudgeOptions& options) {
  if (!item.is_object()) return Status::InvalidArgument("not an item");
  auto type = item.find("type");
  auto content = item.find("content");
  if (type == item.end() || !type->is_string() || content == item.end() || !content->is_object()) {
    return Status::InvalidArgument("the item has no type or no content to judge by");
  }
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "choice") return JudgeChoice(*content, response);
  if (t == "numeric") return JudgeNumeric(*content, response, options);
  if (t == "text") return JudgeText(*content, response);
  return Status::InvalidArgument("cannot judge an item of type '" + t + "'");
}

std::string ChoiceResponse(const json& content, std::vector<size_t> selected) {
  std::sort(selected.begin(), selected.end());
  selected.erase(std::unique(selected.begin(), selected.end()), selected.end());
  std::string out;
  auto choices = content.find("choices");
  if (choices == content.end() || !choices->is_array()) return out;
  for (size_t s : selected) {
    if (s >= choices->size() || !(*choices)[s].is_string()) continue;
    if (!out.empty()) out += kSeparator;
    out += (*choices)[s].get<std::string>();
  }
  return out;
}

}  // namespace cairn
