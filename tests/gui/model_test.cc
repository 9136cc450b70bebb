// The client's view-models, without a window: sign-in, home, the lesson player
// and the string catalogs.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "cairn/gui/catalog.h"
#include "cairn/gui/home.h"
#include "cairn/gui/lesson.h"
#include "cairn/gui/sign_in.h"
#include "gui/classroom.h"

namespace cairn::gui {
namespace {

using nlohmann::json;
constexpr const char* kUnitLesson = "math.frac.unit.practice";

}  // namespace

TEST_CASE("sign-in lists the active classes and their active learners by name", "[gui]") {
  Classroom c;
  auto classes = ListClasses(*c.store).value();
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].name == "Room 12");
  CHECK(classes[0].learners == 2);
  auto learners = ListLearners(*c.store, "room12").value();
  REQUIRE(learners.size() == 2);
  CHECK(learners[0].name == "Ada");
  CHECK(learners[1].name == "Ben");
  CHECK(learners[0].colour >= 0);
  CHECK(learners[0].colour < kTileColours);
  REQUIRE(RecordSignIn(*c.store, "ada").ok());
  auto evidence = c.store->EvidenceFor("ada").value();
  REQUIRE(evidence.size() == 1);
  CHECK(evidence[0].op.kind == "signin");
}

TEST_CASE("the next steps list puts assignments first, each lesson once", "[gui]") {
  Classroom c;
  HomeData before = LoadHome(*c.store, "ada").value();
  REQUIRE(!before.steps.empty());
  CHECK(!before.steps[0].assigned);
  // An assignment for a lesson the path also offers on its own.
  std::string offered = before.steps.back().lesson;
  REQUIRE(c.store
              ->Append("assignment", {{"assignment", "a1"},
                                      {"lesson", offered},
                                      {"learners", {"ada"}},
                                      {"due", "2026-12-01"}})
              .ok());
  HomeData home = LoadHome(*c.store, "ada").value();
  REQUIRE(home.steps.size() == before.steps.size());
  CHECK(home.steps[0].assigned);
  CHECK(home.steps[0].lesson == offered);
  CHECK(home.steps[0].due == "2026-12-01");
  for (size_t i = 1; i < home.steps.size(); ++i) {
    CHECK(!home.steps[i].assigned);
    CHECK(home.steps[i].lesson != offered);
  }
}

TEST_CASE("home shows every competency: ready ones available, the rest locked", "[gui]") {
  Classroom c;
  HomeData home = LoadHome(*c.store, "ada").value();
  CHECK(home.mastered == 0);
  size_t available = 0, locked = 0;
  for (const CompetencyCard& card : home.competencies) {
    if (card.status == CompetencyStatus::kAvailable) ++available;
    if (card.status == CompetencyStatus::kLocked) {
      ++locked;
      CHECK(!card.waiting_for.empty());
    }
  }
  CHECK(available == 2);  // unit fractions and place value have no prerequisites
  CHECK(locked == home.competencies.size() - 2);
  CHECK(home.competencies.front().status == CompetencyStatus::kAvailable);
}

TEST_CASE("a wrong answer shows its feedback and is recorded as an attempt", "[gui]") {
  Classroom c;
  LessonSession s = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
  REQUIRE(s.position() == 0);
  REQUIRE(s.current().type == ItemType::kChoice);
  REQUIRE(s.ShowHint());
  AnswerResult wrong = s.AnswerChoices({0}).value();  // "5/1"
  CHECK(!wrong.correct);
  CHECK(wrong.feedback == "5/1 would be 5 whole ones.");
  CHECK(!s.Answer("1/5").ok());  // one answer at a time: try again first
  auto attempts = c.Attempts("ada");
  REQUIRE(attempts.size() == 1);
  CHECK(attempts[0]["correct"] == false);
  CHECK(attempts[0]["response"] == "5/1");
  CHECK(attempts[0]["lesson"] == kUnitLesson);
  CHECK(attempts[0]["hints"] == 1);

  s.TryAgain();
  AnswerResult right = s.AnswerChoices({1}).value();
  CHECK(right.correct);
  CHECK(c.Attempts("ada").size() == 2);
  CHECK(s.correct_first_time() == 0);
}

TEST_CASE("numeric and text answers are judged by the agent's checker", "[gui]") {
  Classroom c;
  LessonSession s = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
  REQUIRE(s.AnswerChoices({1}).value().correct);
  REQUIRE(s.Next().ok());
  REQUIRE(s.current().type == ItemType::kNumeric);
  CHECK(s.Answer("8").value().correct);
  REQUIRE(s.Next().ok());
  CHECK(s.AnswerChoices({1}).value().correct);  // 1/4 is larger than 1/10
  REQUIRE(s.Next().ok());
  REQUIRE(s.current().type == ItemType::kText);
  CHECK(!s.Answer("1/9").value().correct);
  s.TryAgain();
  CHECK(s.Answer(" 1 / 8 ").value().correct);
}

TEST_CASE("the lesson resumes at the first item not answered yet", "[gui]") {
  Classroom c;
  {
    LessonSession s = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
    CHECK(!s.resumed());
    REQUIRE(s.AnswerChoices({0}).ok());  // wrong first
    s.TryAgain();
    REQUIRE(s.AnswerChoices({1}).ok());
    REQUIRE(s.Next().ok());
    REQUIRE(s.Answer("8").ok());
    REQUIRE(s.Next().ok());
  }  // the laptop is closed on the third item
  LessonSession again = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
  CHECK(again.resumed());
  CHECK(again.position() == 2);
  CHECK(again.current().id == "math.frac.unit.03");
  CHECK(again.correct_first_time() == 1);  // the first item was wrong at first
}

TEST_CASE("finishing a lesson records it completed, shows mastery, and it starts over next time",
          "[gui]") {
  Classroom c;
  const std::vector<std::string> answers = {"1", "8",   "1", "1/8", "1", "2",
                                            "0", "1/9", "1", "12",  "1", "1/6"};
  LessonSession s = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
  REQUIRE(s.item_count() == answers.size());
  for (const std::string& a : answers) {
    AnswerResult r = s.current().type == ItemType::kChoice
                         ? s.AnswerChoices({static_cast<size_t>(std::stoi(a))}).value()
                         : s.Answer(a).value();
    CHECK(r.correct);
    REQUIRE(s.Next().ok());
  }
  CHECK(s.finished());
  CHECK(s.correct_first_time() == 12);
  auto changes = s.Changes().value();
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].title == "Unit fractions");
  CHECK(changes[0].before == MasteryState::kNotStarted);
  CHECK(changes[0].after == MasteryState::kMastered);
  CHECK(changes[0].p_after > changes[0].p_before);

  bool completed = false;
  std::vector<Evidence> evidence = c.store->EvidenceFor("ada").value();
  for (const Evidence& e : evidence) {
    completed |= e.op.kind == "activity" && e.op.body["event"] == "completed";
  }
  CHECK(completed);
  HomeData home = LoadHome(*c.store, "ada").value();
  CHECK(home.mastered == 1);
  LessonSession next_time = LessonSession::Open(*c.store, "ada", kUnitLesson).value();
  CHECK(next_time.position() == 0);
  CHECK(!next_time.resumed());
}

TEST_CASE("a lesson left half-way stays on home with Continue", "[gui]") {
  Classroom c;
  HomeData home = LoadHome(*c.store, "ada").value();
  auto step = std::find_if(home.steps.begin(), home.steps.end(),
                           [](const NextStep& s) { return s.lesson == kUnitLesson; });
  REQUIRE(step != home.steps.end());
  CHECK(!step->started);
  REQUIRE(ChooseStep(*c.store, "ada", *step).ok());
  home = LoadHome(*c.store, "ada").value();
  step = std::find_if(home.steps.begin(), home.steps.end(),
                      [](const NextStep& s) { return s.lesson == kUnitLesson; });
  REQUIRE(step != home.steps.end());
  CHECK(step->started);
}

TEST_CASE("English and Spanish catalogs hold every string the client uses", "[gui]") {
  std::filesystem::path dir = CAIRN_GUI_SOURCE_DIR;
  Catalog en = Catalog::Load(dir / "i18n", "en").value();
  Catalog es = Catalog::Load(dir / "i18n", "es").value();
  CHECK(en.Keys() == es.Keys());
  // Keys named in the code: T("..."), Format("...", and the sync state keys.
  std::regex used(R"((?:T|Format)\("([a-z_]+\.[a-z_]+)\")");
  std::set<std::string> keys = {"sync.standalone", "sync.not_syncing", "sync.offline",
                                "sync.syncing",    "sync.up_to_date",  "sync.error"};
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (std::sregex_iterator it(s.begin(), s.end(), used), end; it != end; ++it) {
      keys.insert((*it)[1]);
    }
  }
  CHECK(keys.size() > 40);
  std::vector<std::string> en_keys = en.Keys();
  for (const std::string& key : keys) {
    INFO(key);
    CHECK(std::find(en_keys.begin(), en_keys.end(), key) != en_keys.end());
  }
  CHECK(es.Format("home.hello", {{"name", "Chloé"}}) == "¡Hola, Chloé!");
}

TEST_CASE("a catalog string missing in Spanish falls back to English, then to its key", "[gui]") {
  Catalog en = Catalog::Parse("en", R"({"a.b": "Hello"})").value();
  Catalog es = Catalog::Parse("es", R"({})").value();
  es.SetFallback(&en);
  CHECK(es.Get("a.b") == "Hello");
  CHECK(es.Get("x.y") == "x.y");
  CHECK(!Catalog::Parse("es", R"({"a": 1})").ok());
}

}  // namespace cairn::gui
