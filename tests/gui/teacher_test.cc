// The teacher's view-models without a window: sign-in, the class grid, a cell's
// evidence timeline.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>


#include "cairn/gui/class_grid.h"
#include "cairn/gui/device.h"
#include "cairn/gui/groups.h"
#include "cairn/gui/home.h"
#include "cairn/gui/observation.h"
#include "cairn/gui/sign_in.h"
#include "gui/classroom.h"

namespace cairn::gui {
namespace {

size_t Column(const ClassGrid& g, std::string_view competency) {
  auto it = std::find(g.competencies.begin(), g.competencies.end(), competency);
  REQUIRE(it != g.competencies.end());
  return static_cast<size_t>(it - g.competencies.begin());
}

size_t Row(const ClassGrid& g, std::string_view learner) {
  auto it = std::find(g.learners.begin(), g.learners.end(), learner);
  REQUIRE(it != g.learners.end());
  return static_cast<size_t>(it - g.learners.begin());
}

void Answer(Classroom& c, const char* learner, const char* item, bool correct) {
  REQUIRE(c.store
              ->Append("attempt", {{"learner", learner},
                                   {"item", item},
                                   {"lesson", "math.frac.unit.practice"},
                                   {"response", correct ? "right" : "wrong"},
                                   {"correct", correct}})
              .ok());
}

}  // namespace

TEST_CASE("teachers are listed with whether they can sign in here, each with their classes",
          "[gui][teacher]") {
  Classroom c;
  // A colleague with a PIN here, teaching a second class.
  REQUIRE(c.store
              ->AppendAll({{"teacher", {{"teacher", "okafor"}, {"name", "Mr Okafor"}}},
                           {"class", {{"class", "room7"}, {"name", "Room 7"}}},
                           {"class_teacher",
                            {{"class", "room7"}, {"teacher", "okafor"}, {"active", true}}}})
              .ok());
  ScratchDir dir;
  TeacherPins pins = TeacherPins::Load(TeacherPins::FileIn(dir.path)).value();
  REQUIRE(pins.Set("okafor", "1357").ok());
  auto teachers = ListTeachers(*c.store, pins).value();
  REQUIRE(teachers.size() == 2);
  CHECK(teachers[0].name == "Mr Okafor");
  CHECK(teachers[0].has_pin);
  CHECK(teachers[1].name == "Ms Rivera");
  CHECK(!teachers[1].has_pin);
  auto classes = ClassesOf(*c.store, "rivera").value();
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].id == "room12");
  classes = ClassesOf(*c.store, "okafor").value();
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].id == "room7");
}

TEST_CASE("a teacher's first PIN is chosen at sign-in, and a later teacher needs a colleague's",
          "[gui][teacher]") {
  ScratchDir dir;
  TeacherPins pins = TeacherPins::Load(TeacherPins::FileIn(dir.path)).value();
  // The device's first teacher: typed twice, of the right form.
  CHECK(ChooseFirstPin(pins, "rivera", "12", "12", "") == "teacher.pin_form");
  CHECK(ChooseFirstPin(pins, "rivera", "2468", "2469", "") == "teacher.pins_differ");
  CHECK(!pins.Has("rivera"));
  CHECK(ChooseFirstPin(pins, "rivera", "2468", "2468", "") == "");
  CHECK(TeacherPins::Load(TeacherPins::FileIn(dir.path)).value().Verify("rivera", "2468"));
  // Nobody takes over a teacher who has one.
  CHECK(ChooseFirstPin(pins, "rivera", "1111", "1111", "2468") == "teacher.has_pin");
  CHECK(pins.Verify("rivera", "2468"));
  // A second teacher: a student at the tablet cannot make themselves one.
  CHECK(ChooseFirstPin(pins, "okafor", "1357", "1357", "") == "teacher.colleague_wrong");
  CHECK(ChooseFirstPin(pins, "okafor", "1357", "1357", "1357") == "teacher.colleague_wrong");
  CHECK(!pins.Has("okafor"));
  CHECK(ChooseFirstPin(pins, "okafor", "1357", "1357", "2468") == "");
  CHECK(pins.Verify("okafor", "1357"));
}

TEST_CASE("setting up a classroom names its teacher with the PIN they chose, never a default",
          "[gui][teacher]") {
  ScratchDir dir;
  std::string home = dir.path.string();
  EnvLookup env = [&](const char* name) -> const char* {
    return std::string_view(name) == "CAIRN_HOME" ? home.c_str() : nullptr;
  };
  Device device = OpenDevice(env).value();
  REQUIRE(device.needs_setup);
  TeacherPins pins = TeacherPins::Load(TeacherPins::FileIn(device.paths.data)).value();
  StandaloneSetup setup{.school = "Riverside",
                        .class_name = "Room 12",
                        .learners = {"Ada", " ", "Ben"},
                        .teacher = "Ms Rivera",
                        .pin = "2468",
                        .pin_again = "2486"};
  CHECK(!SetUpStandalone(device, setup, pins).ok());  // mistyped: nothing stored
  CHECK(!device.store->initialized());
  setup.pin = "";
  setup.pin_again = "";
  CHECK(!SetUpStandalone(device, setup, pins).ok());  // no PIN at all
  CHECK(!device.store->initialized());
  setup.pin = setup.pin_again = "2468";
  Result<std::string> teacher = SetUpStandalone(device, setup, pins);
  REQUIRE(teacher.ok());
  auto teachers = ListTeachers(*device.store, pins).value();
  REQUIRE(teachers.size() == 1);
  CHECK(teachers[0].name == "Ms Rivera");
  CHECK(teachers[0].has_pin);
  CHECK(pins.Verify(*teacher, "2468"));
  auto classes = ClassesOf(*device.store, *teacher).value();
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].name == "Room 12");
  CHECK(ListLearners(*device.store, classes[0].id).value().size() == 2);
}

TEST_CASE("the grid shows one attempt as not enough evidence", "[gui][teacher]") {
  Classroom c;
  Answer(c, "ada", "math.frac.unit.01", true);
  ClassGrid g = LoadClassGrid(*c.store, "room12").value();
  CHECK(g.class_name == "Room 12");
  CHECK(g.names == std::vector<std::string>{"Ada", "Ben"});  // Zed left the class
  CHECK(g.competencies.size() == 18);                        // every competency of the pack
  size_t unit = Column(g, kUnitFractions);
  CHECK(g.titles[unit] == "Unit fractions");
  const GridCell& ada = g.At(Row(g, "ada"), unit);
  CHECK(ada.mark == CellMark::kNotEnoughEvidence);
  CHECK(ada.evidence == 1);
  CHECK(g.At(Row(g, "ben"), unit).mark == CellMark::kNotStarted);
  CHECK(g.At(Row(g, "ada"), Column(g, "math.pv.hundreds")).mark == CellMark::kNotStarted);
}

TEST_CASE("the grid changes state as evidence comes in: in progress, stuck, mastered",
          "[gui][teacher]") {
  Classroom c;
  for (int i = 0; i < 8; ++i) Answer(c, "ben", "math.frac.unit.02", false);
  for (int i = 0; i < 12; ++i) Answer(c, "ada", "math.frac.unit.01", true);
  Answer(c, "ada", "math.frac.parts.01", false);
  Answer(c, "ada", "math.frac.parts.02", true);
  Answer(c, "ada", "math.frac.parts.03", true);
  ClassGrid g = LoadClassGrid(*c.store, "room12").value();
  CHECK(g.At(Row(g, "ben"), Column(g, kUnitFractions)).mark == CellMark::kStuck);
  CHECK(g.At(Row(g, "ada"), Column(g, kUnitFractions)).mark == CellMark::kMastered);
  const GridCell& parts = g.At(Row(g, "ada"), Column(g, "math.frac.parts"));
  CHECK(parts.mark == CellMark::kInProgress);
  CHECK(parts.p_mastered > 0);
  CHECK(parts.p_mastered < 0.95f);
}

TEST_CASE("a cell's timeline lists the evidence on that competency, newest first, with the "
          "explanation",
          "[gui][teacher]") {
  Classroom c;
  Answer(c, "ada", "math.frac.unit.01", false);
  Answer(c, "ada", "math.pv.hundreds.01", true);  // another competency: not in this cell
  REQUIRE(c.store
              ->Append("observation", {{"teacher", "rivera"},
                                       {"learners", {"ada", "ben"}},
                                       {"competency", kUnitFractions},
                                       {"level", 3},
                                       {"modality", "small_group"},
                                       {"note", "Folded a strip into fifths"}})
              .ok());
  CellDetail d = LoadCellDetail(*c.store, "ada", kUnitFractions).value();
  CHECK(d.name == "Ada");
  CHECK(d.title == "Unit fractions");
  REQUIRE(d.timeline.size() == 2);
  CHECK(d.timeline[0].observation);
  CHECK(d.timeline[0].level == 3);
  CHECK(d.timeline[0].teacher == "Ms Rivera");
  CHECK(d.timeline[0].what == "Folded a strip into fifths");
  CHECK(!d.timeline[1].observation);
  CHECK(!d.timeline[1].correct);
  CHECK(d.timeline[1].what.find("5 equal pieces") != std::string::npos);  // the prompt
  CHECK(d.estimate.attempts == 1);
  CHECK(d.estimate.observations == 1);
  CHECK(d.estimate.state == MasteryState::kNotEnoughEvidence);
  CHECK(!d.estimate.explanation.empty());
  CHECK(!LoadCellDetail(*c.store, "nobody", kUnitFractions).ok());
}

}  // namespace cairn::gui

namespace cairn::gui {

// A device's blob directory for one test, removed afterwards.
struct TempBlobs {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("cairn-gui-blobs-" + std::to_string(std::random_device{}()));
  BlobStore blobs{dir};
  ~TempBlobs() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

TEST_CASE("an observation of two students is saved as one op, an incomplete one is refused",
          "[gui][teacher]") {
  Classroom c;
  TempBlobs t;
  ObservationDraft d;
  d.teacher = "rivera";
  CHECK(MissingFromDraft(d) == "observe.need_students");
  d.learners = {"ada", "ben"};
  CHECK(MissingFromDraft(d) == "observe.need_competency");
  d.competency = "math.frac.equivalent";
  CHECK(MissingFromDraft(d) == "observe.need_level");
  CHECK(!SaveObservation(*c.store, t.blobs, d).ok());
  d.level = 3;
  d.attachment = "/no/such/photo.jpg";
  Result<OpId> missing_file = SaveObservation(*c.store, t.blobs, d);
  REQUIRE(!missing_file.ok());
  CHECK(missing_file.status().message().find("nothing was saved") != std::string::npos);
  CHECK(c.store->EvidenceFor("ada").value().empty());

  d.attachment.clear();
  d.note = "Folded strips";
  REQUIRE(SaveObservation(*c.store, t.blobs, d).ok());
  for (const char* who : {"ada", "ben"}) {
    auto evidence = c.store->EvidenceFor(who).value();
    REQUIRE(evidence.size() == 1);
    CHECK(evidence[0].op.kind == "observation");
    CHECK(evidence[0].op.body["level"] == 3);
    CHECK(evidence[0].op.body["note"] == "Folded strips");
  }
  ClassGrid g = LoadClassGrid(*c.store, "room12").value();
  size_t column = Column(g, "math.frac.equivalent");
  CHECK(g.At(Row(g, "ada"), column).mark == CellMark::kNotEnoughEvidence);
  CHECK(g.At(Row(g, "ben"), column).mark == CellMark::kNotEnoughEvidence);
}

TEST_CASE("an attached file is kept on the device and named by an artifact the observation lists",
          "[gui][teacher]") {
  Classroom c;
  TempBlobs t;
  const char* src = std::getenv("CAIRN_SOURCE_DIR");
  ObservationDraft d{"rivera", {"ada"}, kUnitFractions, 2, "project", "", ""};
  d.attachment = std::string(src) + "/README.md";
  REQUIRE(SaveObservation(*c.store, t.blobs, d).ok());
  auto evidence = c.store->EvidenceFor("ada").value();
  REQUIRE(evidence.size() == 2);
  const nlohmann::json& artifact = evidence[0].op.body;
  CHECK(evidence[0].op.kind == "artifact");
  CHECK(artifact["name"] == "README.md");
  CHECK(artifact["media_type"] == "text/markdown");
  CHECK(artifact["size"] == std::filesystem::file_size(d.attachment));
  CHECK(evidence[1].op.body["artifacts"][0] == artifact["sha256"]);
  CHECK_FALSE(evidence[1].op.body.contains("note"));
  std::ifstream copy(t.blobs.PathOf(artifact["sha256"].get<std::string>()), std::ios::binary);
  std::ifstream original(d.attachment, std::ios::binary);
  CHECK(std::string(std::istreambuf_iterator<char>(copy), {}) ==
        std::string(std::istreambuf_iterator<char>(original), {}));
  // Named by one of this device's ops: a file to send when the device syncs.
  CHECK(c.store->BlobRefsAfter(0, 10, true).value().size() == 1);
}

TEST_CASE("suggested groups can be edited and a group's lesson reaches its members' home",
          "[gui][teacher]") {
  Classroom c;
  for (int i = 0; i < 6; ++i) Answer(c, "ben", "math.frac.unit.02", false);
  for (int i = 0; i < 6; ++i) Answer(c, "ada", "math.frac.unit.02", false);
  GroupPlan plan = SuggestClassGroups(*c.store, "room12", {kUnitFractions}).value();
  CHECK(plan.names.at("ada") == "Ada");
  size_t placed = plan.ready.size() + plan.unplaced.size();
  for (const GroupCard& g : plan.groups) placed += g.learners.size();
  CHECK(placed == 2);
  CHECK(!SuggestClassGroups(*c.store, "room12", {}).ok());

  // The teacher puts both in one group of their own.
  MoveStudent(plan, "ada", plan.groups.size());
  MoveStudent(plan, "ben", plan.groups.size() - 1);
  REQUIRE(plan.groups.size() == 1);
  CHECK(plan.groups[0].learners == std::vector<std::string>{"ada", "ben"});
  CHECK(plan.ready.empty());

  Curriculum curriculum = LoadCurriculum(*c.store).value();
  std::vector<LessonInfo> lessons = LessonsFor(curriculum, {kUnitFractions});
  REQUIRE(lessons.size() == 1);
  REQUIRE(AssignToGroup(*c.store, "rivera", plan, plan.groups[0], "Unit fractions group",
                        lessons[0].id, "2026-12-01")
              .ok());
  for (const char* who : {"ada", "ben"}) {
    HomeData home = LoadHome(*c.store, who).value();
    REQUIRE(!home.steps.empty());
    CHECK(home.steps[0].assigned);
    CHECK(home.steps[0].lesson == lessons[0].id);
  }
  REQUIRE(AssignToLearner(*c.store, "rivera", "ada", "math.pv.hundreds.practice").ok());
  HomeData ada = LoadHome(*c.store, "ada").value();
  CHECK(ada.steps[1].assigned);
}

}  // namespace cairn::gui

namespace cairn::gui {

TEST_CASE("competencies come in teaching order: each after its prerequisites", "[gui][teacher]") {
  Classroom c;
  Curriculum curriculum = LoadCurriculum(*c.store).value();
  std::vector<std::string> order = TeachingOrder(curriculum);
  CHECK(order.size() == 18);
  auto at = [&](std::string_view id) { return std::find(order.begin(), order.end(), id); };
  for (const auto& [id, info] : curriculum.competencies) {
    for (const std::string& pre : info.prerequisites) {
      INFO(id << " needs " << pre);
      CHECK(at(pre) < at(id));
    }
  }
  CHECK(order.front() == "math.frac.unit");
}

}  // namespace cairn::gui

#include "cairn/gui/sync_status.h"

namespace cairn::gui {

TEST_CASE("a standalone device says so, with how many records it holds", "[gui][teacher]") {
  Classroom c;
  LocalSyncStatus status;
  status.Refresh(*c.store);
  SyncSnapshot before = status.Snapshot();
  CHECK(before.state == SyncState::kStandalone);
  CHECK(before.pending_ops == 0);
  CHECK(before.own_ops > 0);  // the roster and the pack
  Answer(c, "ada", "math.frac.unit.01", true);
  status.Refresh(*c.store);
  CHECK(status.Snapshot().own_ops == before.own_ops + 1);
  CHECK(SyncStateKey(SyncState::kNotSyncing) == "sync.not_syncing");
}

}  // namespace cairn::gui
