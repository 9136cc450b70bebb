// Judging a learner's response to an item, the way the lesson player and
// `cairnctl record attempt` do (agent/CONTENT.md, "Responses").
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn {

struct JudgeOptions {
  // The language of the item's pack (a BCP 47 tag). It decides which mark a
  // numeric response uses for decimals: a comma for languages written "0,5"
  // (es, fr, de, pt, it...), else a point. The other mark still reads as a
  // decimal mark where it cannot be a thousands separator ("0,75" in English).
  std::string_view language = "en";
};

struct Judgement {
  bool correct = false;
  // What to show the learner: the feedback of the wrong choice they picked when
  // it has its own, else the item's "correct" or "incorrect" feedback; empty when
  // the item has none.
  std::string feedback;
};

// Judges `response` to `item`: an item op's body or an item entity from the store
// (its "type" and "content"; agent/CONTENT.md). A response that cannot be read
// (not a number, no such choice, a unit the item does not take) is incorrect.
// kInvalidArgument only when the item itself cannot be judged (no type, no
// answer). Deterministic and pure.
//
// - choice: the selected choices, by text (as ChoiceResponse writes them) or by
//   0-based index, several joined by "[,]" (xAPI's separator). A part that is a
//   choice's text is that choice; otherwise a whole number is an index. Right
//   when exactly the right choices are selected.
// - numeric: a number ("12", "-3.5", "4,352", "3/4", "1 3/4"), optionally
//   followed by the item's unit or one of its aliases ("12 cm"); right when
//   within the item's tolerance (a rounding margin of 1e-9 of the answer is
//   always allowed, so "1/3" matches 0.333333333333).
// - text: right when, compared as FoldAnswerText folds them, it equals one of
//   the accepted answers.
Result<Judgement> JudgeResponse(const nlohmann::json& item, std::string_view response,
                                const JudgeOptions& options = {});

// The canonical response to a choice item (its content) with `selected` (0-based
// indices) chosen: their texts in index order joined by "[,]". Indices out of
// range are left out.
std::string ChoiceResponse(const nlohmann::json& content, std::vector<size_t> selected);

// Text as answers are compared: lower case (ASCII, Latin-1, Latin Extended-A and
// B, Latin Extended Additional (Vietnamese), Greek and Cyrillic: "ÉTÉ" = "été"),
// curly quotes as straight ones, whitespace (including no-break and thin spaces)
// trimmed, each run counted as one space, and none kept next to punctuation or
// symbols: "3 / 8" = "3/8", "¿ Qué ?" = "¿qué?", but "1 3/4" ≠ "13/4".
// Characters in decomposed form (e + U+0301) are not composed.
std::string FoldAnswerText(std::string_view text);

// Reads a number as a learner writes it, in the convention of `decimal_mark`
// ('.' or ','): an optional sign; digits with an optional decimal part; thousands
// grouped by the other mark or a space ("4,352", "10 000", "4.352" with ','); a
// fraction "3/4" or a mixed number "1 3/4". nullopt when it is not a number.
std::optional<double> ReadNumber(std::string_view text, char decimal_mark = '.');

// The decimal mark of a language (a BCP 47 tag): ',' or '.'.
char DecimalMark(std::string_view language);

}  // namespace cairn
