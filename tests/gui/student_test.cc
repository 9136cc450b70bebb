// A student's goals and profile, without a window.
#include <catch2/catch.hpp>

#include "cairn/agent/profile.h"
#include "cairn/gui/goals.h"
#include "gui/classroom.h"

namespace cairn::gui {

TEST_CASE("a goal set in the student's own words shows on their profile with its check-ins",
          "[gui][student]") {
  Classroom c;
  std::string id =
      SetGoal(*c.store, "ada", {"Know my fractions", {kUnitFractions}, "2026-12-18"}).value();
  REQUIRE(CheckInOnGoal(*c.store, "ada", id, {4, 50, "I can do halves now"}).ok());
  LearnerProfile p = BuildLearnerProfile(*c.store, "ada").value();
  REQUIRE(p.goals.size() == 1);
  CHECK(p.goals[0].text == "Know my fractions");
  CHECK(p.goals[0].status == "active");
  CHECK(p.goals[0].competencies == std::vector<std::string>{kUnitFractions});
  REQUIRE(p.goals[0].checkins.size() == 1);
  CHECK(p.goals[0].checkins[0].reflection == "I can do halves now");
  CHECK(p.goals[0].progress == 50);

  REQUIRE(SetGoalStatus(*c.store, "ada", id, "achieved").ok());
  CHECK(BuildLearnerProfile(*c.store, "ada").value().goals[0].status == "achieved");
}

TEST_CASE("a goal or check-in that says nothing is refused and nothing is stored",
          "[gui][student]") {
  Classroom c;
  CHECK(!SetGoal(*c.store, "ada", {"   ", {}, ""}).ok());
  Result<std::string> bad_date = SetGoal(*c.store, "ada", {"Read more", {}, "next week"});
  REQUIRE(!bad_date.ok());
  CHECK(bad_date.status().message() == "a date is written YYYY-MM-DD, like 2026-12-18");
  std::string id = SetGoal(*c.store, "ada", {"Read more", {}, ""}).value();
  CHECK(!CheckInOnGoal(*c.store, "ada", id, {0, -1, "  "}).ok());
  // Another student's goal cannot be checked in on.
  CHECK(CheckInOnGoal(*c.store, "ben", id, {3, -1, ""}).code() == Status::Code::kNotFound);
  LearnerProfile p = BuildLearnerProfile(*c.store, "ada").value();
  REQUIRE(p.goals.size() == 1);
  CHECK(p.goals[0].checkins.empty());
}

TEST_CASE("interests are saved trimmed, without repeats", "[gui][student]") {
  Classroom c;
  REQUIRE(SetInterests(*c.store, "ada", {" football", "drawing", "", "football"}).ok());
  CHECK(BuildLearnerProfile(*c.store, "ada").value().interests ==
        std::vector<std::string>{"football", "drawing"});
}

}  // namespace cairn::gui

#include <fstream>

#include "cairn/gui/settings.h"

namespace cairn::gui {

TEST_CASE("settings persist on the device, a damaged file is reported, odd values are tamed",
          "[gui][settings]") {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("cairn-settings-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::path file = SettingsFile(dir);
  Settings defaults = LoadSettings(file).value();
  CHECK(defaults.language == "en");
  CHECK(defaults.text_size == 22);
  CHECK(!defaults.high_contrast);

  Settings s{"es", 30, true, "math.frac.unit"};
  REQUIRE(SaveSettings(file, s).ok());
  Settings back = LoadSettings(file).value();
  CHECK(back.language == "es");
  CHECK(back.text_size == 30);
  CHECK(back.high_contrast);
  CHECK(back.last_competency == "math.frac.unit");

  std::ofstream(file) << R"({"language": "../../etc", "text_size": 400})";
  Settings tamed = LoadSettings(file).value();
  CHECK(tamed.language == "en");
  CHECK(tamed.text_size == kMaxTextSize);

  std::ofstream(file) << "not json";
  Result<Settings> bad = LoadSettings(file);
  REQUIRE(!bad.ok());
  CHECK(bad.status().message().find("client.json") != std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace cairn::gui
