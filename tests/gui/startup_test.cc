// The app's start-up path: it checks the machine fingerprint as cairnctl does
// (sync/client/device_identity.h), so a store copied to another machine takes a
// new device id before it records anything; and it starts in the configured
// language until the person picks one.
#include <catch2/catch.hpp>
#include <fstream>

#include "cairn/gui/device.h"
#include "cairn/gui/settings.h"
#include "cairn/platform/origin.h"
#include "platform/fake_env.h"
#include "platform/scratch_dir.h"

namespace cairn::gui {
namespace {

using testing::FakeEnv;
using testing::ScratchDir;

TEST_CASE("the app gives a store copied from another machine a new device id at start",
          "[gui][imaging]") {
  ScratchDir dir;
  std::ofstream(dir / "machine-a") << "4f1c2a9b8e7d6c5b4a3f2e1d0c9b8a7f\n";
  std::ofstream(dir / "machine-b") << "0a1b2c3d4e5f60718293a4b5c6d7e8f9\n";
  auto on = [&](const char* machine) {
    return FakeEnv({{"CAIRN_HOME", (dir / "home").string()},
                    {"CAIRN_MACHINE_ID_FILE", (dir / machine).string()},
                    {"CAIRN_PRODUCT_UUID_FILE", ""}});
  };
  Origin first;
  {
    Result<Device> d = OpenDevice(on("machine-a"));
    REQUIRE(d.ok());
    TeacherPins pins = TeacherPins::Load(TeacherPins::FileIn(d->paths.data)).value();
    StandaloneSetup setup{.school = "Riverside",
                          .class_name = "Room 12",
                          .learners = {"Ada"},
                          .teacher = "Ms Rivera",
                          .pin = "2468",
                          .pin_again = "2468"};
    REQUIRE(SetUpStandalone(*d, setup, pins).ok());
    first = d->store->self();
  }
  {
    Result<Device> same = OpenDevice(on("machine-a"));  // the same machine: nothing changes
    REQUIRE(same.ok());
    CHECK(same->identity_note.empty());
    CHECK(same->store->self() == first);
  }
  Origin renewed;
  {
    Result<Device> moved = OpenDevice(on("machine-b"));  // the disk, on another machine
    INFO(moved.status().ToString());
    REQUIRE(moved.ok());
    CHECK(moved->identity_note.find("this store last ran on another machine") != std::string::npos);
    renewed = moved->store->self();
    CHECK(renewed != first);
    std::ifstream id(dir / "home" / "data" / "device-id");
    std::string text;
    std::getline(id, text);
    CHECK(text == renewed.Hex());
  }
  Result<Device> again = OpenDevice(on("machine-b"));
  REQUIRE(again.ok());
  CHECK(again->identity_note.empty());
  CHECK(again->store->self() == renewed);
}

TEST_CASE("the configured language is the app's until the person picks one in it",
          "[gui][config]") {
  ScratchDir dir;
  Settings school;
  school.language = "es";  // what App::Run passes from the `language` key
  Result<Settings> first = LoadSettings(dir / "client.json", school);
  REQUIRE(first.ok());
  CHECK(first->language == "es");
  Settings picked = *first;
  picked.language = "en";
  REQUIRE(SaveSettings(dir / "client.json", picked).ok());
  Result<Settings> later = LoadSettings(dir / "client.json", school);
  REQUIRE(later.ok());
  CHECK(later->language == "en");
}

}  // namespace
}  // namespace cairn::gui
