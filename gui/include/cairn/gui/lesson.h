// The lesson player's model: a learner working through one lesson's items.
// Every answer is judged by the agent's checker (answer.h) and recorded as an
// `attempt` op as it is given, so closing the client loses nothing; reopening
// the lesson resumes at the first item not answered since it was last completed.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn::gui {

enum class ItemType { kChoice, kNumeric, kText };

struct LessonItem {
  std::string id;
  ItemType type = ItemType::kText;
  std::string prompt;
  std::vector<std::string> choices;
  bool multiple = false;  // a choice item with several right choices
  std::string unit;       // numeric: shown after the answer box
  std::vector<std::string> hints;
  nlohmann::json entity;  // the item as stored (what the checker judges)
};

struct AnswerResult {
  bool correct = false;
  std::string feedback;  // the item's, or "" when it has none
};

struct MasteryChange {
  std::string competency;
  std::string title;
  MasteryState before = MasteryState::kNotStarted;
  MasteryState after = MasteryState::kNotStarted;
  double p_before = 0;
  double p_after = 0;
};

class LessonSession {
 public:
  // Loads the lesson and its items and finds where the learner left off: the
  // first item with no attempt since the lesson was last completed. Records
  // nothing (choosing the lesson on Home recorded "started" or "resumed").
  // kNotFound for an unknown lesson, kFailedPrecondition for one with no items.
  static Result<LessonSession> Open(Store& store, std::string_view learner,
                                    std::string_view lesson);

  const std::string& lesson() const { return lesson_; }
  const std::string& title() const { return title_; }
  const std::string& passage() const { return passage_; }
  size_t item_count() const { return items_.size(); }
  // The item shown: 0-based; item_count() once finished.
  size_t position() const { return position_; }
  bool finished() const { return position_ >= items_.size(); }
  bool resumed() const { return resumed_at_ > 0; }
  size_t resumed_at() const { return resumed_at_; }
  const LessonItem& current() const { return items_.at(position_); }

  // Hints of the current item shown so far; ShowHint reveals one more (false
  // when there is none left).
  size_t hints_shown() const { return hints_shown_; }
  bool ShowHint();

  // Judges `response` to the current item and records the attempt (with hints
  // used and time taken). The answer stays shown until Next() or TryAgain().
  // kFailedPrecondition when finished or already answered.
  Result<AnswerResult> Answer(std::string_view response);
  // A choice item answered by choice indices (0-based).
  Result<AnswerResult> AnswerChoices(const std::vector<size_t>& selected);
  const std::optional<AnswerResult>& answer() const { return answer_; }
  // After a wrong answer: the same item again (the wrong attempt stays recorded).
  void TryAgain();
  // Moves to the next item; after the last one records "completed".
  Status Next();

  // Items of this run of the lesson (since it was last completed) answered
  // right on the first try, earlier sessions included.
  size_t correct_first_time() const { return correct_first_time_; }
  // The lesson's competencies, their mastery when the lesson was opened and now.
  Result<std::vector<MasteryChange>> Changes() const;

 private:
  LessonSession() = default;
  Status Record(std::string_view event);

  Store* store_ = nullptr;
  std::string learner_, lesson_, title_, passage_, language_ = "en";
  std::vector<std::string> competencies_;
  std::vector<LessonItem> items_;
  std::vector<MasteryEstimate> before_;
  size_t position_ = 0, resumed_at_ = 0, hints_shown_ = 0, correct_first_time_ = 0;
  int tries_ = 0;  // attempts on the current item
  std::optional<AnswerResult> answer_;
  std::chrono::steady_clock::time_point item_shown_, opened_;
};

// The learner's estimate for each of `competencies` now.
Result<std::vector<MasteryEstimate>> CurrentMastery(const Store& store, std::string_view learner,
                                                    const std::vector<std::string>& competencies);

}  // namespace cairn::gui
