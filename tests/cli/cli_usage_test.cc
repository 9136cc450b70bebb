// cairnctl's command line: help everywhere, and clear errors for bad input.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "cli/cairnctl_runner.h"

namespace cairn::testing {
namespace {

// The command paths `cairnctl --help` lists ("record attempt", "status", ...).
std::vector<std::string> ListedCommands(const CairnctlHome& cairnctl) {
  Run help = cairnctl({"--help"});
  REQUIRE(help.status == 0);
  std::vector<std::string> commands;
  std::istringstream in(help.out.substr(help.out.find("Commands:\n") + 10));
  for (std::string line; std::getline(in, line) && line.starts_with("  ");) {
    std::string path = line.substr(2, line.find("  ", 2) - 2);
    commands.push_back(path);
  }
  return commands;
}

std::vector<std::string> Words(const std::string& path) {
  std::istringstream in(path);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

TEST_CASE("every command and subcommand answers --help with its usage", "[cli]") {
  CairnctlHome cairnctl;
  std::vector<std::string> commands = ListedCommands(cairnctl);
  REQUIRE(commands.size() >= 20);
  for (const char* expected : {"init", "class add", "learner add", "teacher add", "enroll",
                               "record attempt", "record observation", "record retract", "goal set",
                               "goal checkin", "profile set", "pack import", "ops", "export",
                               "learner list", "class list", "status", "doctor", "schema"}) {
    CHECK(std::find(commands.begin(), commands.end(), expected) != commands.end());
  }
  for (const std::string& command : commands) {
    for (const char* flag : {"--help", "-h"}) {
      std::vector<std::string> args = Words(command);
      args.push_back(flag);
      Run help = cairnctl(args);
      INFO(command << " " << flag);
      CHECK(help.status == 0);
      CHECK(help.out.starts_with("Usage: cairnctl " + command));
      CHECK(help.out.find("Options:") != std::string::npos);
      CHECK(help.err.empty());
    }
  }
  SECTION("a group of subcommands lists them") {
    Run record = cairnctl({"record", "--help"});
    CHECK(record.status == 0);
    CHECK(record.out.find("record observation") != std::string::npos);
  }
  SECTION("--help needs no store and changes nothing") {
    CHECK_FALSE(std::filesystem::exists(cairnctl.store_file()));
  }
}

struct BadInput {
  std::vector<std::string> args;
  std::string says;
};

TEST_CASE("bad command lines exit with status 2 and say what was wrong", "[cli]") {
  CairnctlHome cairnctl;
  REQUIRE(cairnctl({"init", "--standalone", "--school", "Riverside"}).status == 0);
  REQUIRE(cairnctl({"learner", "add", "Ada", "--id", "ada"}).status == 0);
  std::vector<BadInput> cases = {
      {{}, "Usage: cairnctl COMMAND"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
      {{"record", "homework"}, "unknown subcommand 'homework' of 'record'"},
      {{"status", "--verbose"}, "unknown option --verbose"},
      {{"status", "-v"}, "unknown option '-v'"},
      {{"init", "--school"}, "--school needs a value (NAME)"},
      {{"init", "--school", "X"}, "pass --standalone"},
      {{"class", "add"}, "missing NAME"},
      {{"teacher", "add", "  "}, "NAME must not be blank"},
      {{"class", "add", "Room 1", "Room 2"}, "unexpected argument 'Room 2'"},
      {{"ops", "--limit", "ten"}, "--limit must be a whole number from 1"},
      {{"ops", "--since", "-3"}, "--since must be a whole number from 0"},
      {{"record", "observation", "ada", "--teacher", "t", "--competency", "c", "--modality",
        "small_group"},
       "missing --level N"},
      {{"record", "observation", "ada", "--teacher", "t", "--competency", "c", "--level", "7",
        "--modality", "small_group"},
       "--level must be a whole number from 1 to 4, got '7'"},
      {{"record", "observation", "ada", "--teacher", "t", "--competency", "c", "--level", "2",
        "--modality", "recess"},
       "--modality must be one of small_group"},
      {{"record", "attempt", "ada", "item"}, "pass --correct or --wrong, or the answer given"},
      {{"record", "attempt", "ada", "item", "--correct", "--wrong"},
       "pass --correct or --wrong, not both"},
      {{"record", "attempt", "ada", "item", "--correct", "--score", "1.5"},
       "--score must be a number from 0 to 1, got '1.5'"},
      {{"record", "retract", "17"}, "an op id looks like <origin hex>:<seq>"},
      {{"goal", "set", "ada", "Read more", "--target-date", "next week"},
       "--target-date must be a date like"},
      {{"goal", "checkin", "g"}, "pass --rating, --progress or --reflection"},
      {{"profile", "set", "ada"}, "nothing to set"},
      {{"learner", "add", std::string(101, 'x')}, "learner.display_name: text longer than 100"},
      {{"learner", "add", "Ada", "--id", "has space"}, "contains a space"},
  };
  for (const BadInput& c : cases) {
    std::string shown;
    for (const std::string& a : c.args) shown += " " + a;
    INFO("cairnctl" << shown);
    Run run = cairnctl(c.args);
    CHECK(run.status == 2);
    CHECK(run.err.find(c.says) != std::string::npos);
    CHECK(run.out.empty());
  }
}

TEST_CASE("commands before init say how to set up the store", "[cli]") {
  CairnctlHome cairnctl;
  for (std::vector<std::string> args :
       {std::vector<std::string>{"status"}, {"learner", "list"}, {"doctor"}}) {
    Run run = cairnctl(args);
    CHECK(run.status == 1);
    CHECK((run.err + run.out).find("cairnctl init") != std::string::npos);
  }
  Run long_name = cairnctl({"init", "--standalone", "--school", std::string(201, 's')});
  CHECK(long_name.status == 2);
  CHECK(long_name.err.find("school.name: text longer than 200 bytes") != std::string::npos);
  CHECK(cairnctl({"init", "--standalone", "--school", "A"}).status == 0);
  Run again = cairnctl({"init", "--standalone", "--school", "B"});
  CHECK(again.status == 1);
  CHECK(again.err.find("already set up") != std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
