// The scripted mode's language.
#include "app/script.h"

#include <catch2/catch.hpp>

namespace cairn::gui {

TEST_CASE("a script is read step by step, comments and blank lines skipped", "[gui]") {
  auto steps = ParseScript(
                   "# sign in\n\nclick \"Room 12\"\ntype \"3/4\"\nkey Enter\n"
                   "screenshot home\nexpect-text \"Well done\"\nwait 5\n")
                   .value();
  REQUIRE(steps.size() == 6);
  CHECK(steps[0].command == "click");
  CHECK(steps[0].arg == "Room 12");
  CHECK(steps[0].line == 3);
  CHECK(steps[1].arg == "3/4");
  CHECK(steps[2].arg == "Enter");
  CHECK(steps[3].arg == "home");
}

TEST_CASE("a script step that cannot run is refused with its line number", "[gui]") {
  Result<std::vector<ScriptStep>> r = ParseScript("click \"A\"\ndance \"B\"\n");
  REQUIRE(!r.ok());
  CHECK(r.status().message().find("line 2") != std::string::npos);
  CHECK(!ParseScript("key Hyper\n").ok());
  CHECK(!ParseScript("click\n").ok());
  CHECK(!ParseScript("wait soon\n").ok());
}

}  // namespace cairn::gui
