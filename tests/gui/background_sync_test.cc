// The client's sync thread (gui/include/cairn/gui/background_sync.h) against a
// real in-process server, through a proxy that can cut the network: a local
// observation reaches the server, a remote one shows in the class grid, and a
// cut network reads "offline" until it is back. It reads IT's configuration as
// cairnctl sync does: outside the sync window it waits, and a copied store
// enrolls with the token.
#include "cairn/gui/background_sync.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "cairn/agent/blob_store.h"
#include "cairn/gui/class_grid.h"
#include "cairn/gui/observation.h"
#include "cairn/platform/config.h"
#include "cairn/sync/client/device_identity.h"
#include "cairn/sync/enrollment_token.h"
#include "gui/classroom.h"
#include "platform/fake_env.h"
#include "sync/faults/fault_proxy.h"
#include "sync/server/server_testing.h"

namespace cairn::gui {
namespace {

using server::DeviceRole;
using server::ServerStorage;
using testing::ServerFixture;

// Polls `done` every 10 ms for up to 15 s (a sync round probes, pushes, pulls).
template <typename F>
bool Eventually(F done) {
  for (int i = 0; i < 1500; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Teacher t1 saw `learner` at `level` on the class's competency.
ObservationDraft Observation(const std::string& learner, int level) {
  ObservationDraft draft;
  draft.teacher = "t1";
  draft.learners = {learner};
  draft.competency = "c1";
  draft.level = level;
  return draft;
}

// A teacher's device of class A enrolled with `server` at `port` (its own or a
// proxy's): its store in memory, its sync record in `data_dir`.
std::unique_ptr<Store> EnrolledTeacherDevice(ServerFixture& server, int port,
                                             const std::filesystem::path& data_dir) {
  StoreOptions in_memory;
  in_memory.in_memory = true;
  std::unique_ptr<Store> store = Store::Open(in_memory).value();
  Origin origin = Origin::Random();
  auto token = server.CreateToken(DeviceRole::kTeacherDevice, {"A"});
  Result<sync::SyncRecord> record =
      sync::Enroll({token.join_code, "http://127.0.0.1:" + std::to_string(port), "tablet"}, origin);
  INFO(record.status().message());
  REQUIRE(record.ok());
  REQUIRE(store->Initialize(origin, StoreMode::kDevice, record->server_origin).ok());
  REQUIRE(sync::SaveSyncRecord(sync::SyncRecordFile(data_dir), *record).ok());
  return store;
}

}  // namespace

TEST_CASE(
    "the client's sync thread sends a local observation, shows a remote one in the grid, "
    "and reads offline while the network is cut",
    "[gui][sync]") {
  ServerFixture server;
  // The class's one competency, published by the school.
  REQUIRE(server.server()
              .WithStorage([](ServerStorage& storage) {
                REQUIRE(
                    storage
                        .AppendServerOps(
                            {{"competency",
                              {{"competency", "c1"}, {"pack", "p1"}, {"title", "Counting on"}}}})
                        .ok());
              })
              .ok());
  testing::FaultProxy proxy(server.port(), 1, 0.0);

  // A teacher's device enrolled through the proxy, with its sync record on disk.
  ScratchDir dir;
  std::unique_ptr<Store> store = EnrolledTeacherDevice(server, proxy.port(), dir.path);
  Origin origin = store->self();

  BlobStore blobs(BlobStoreDir(dir.path));  // no file is attached: it stays empty
  std::mutex store_mu;                      // this test thread plays the UI thread
  Result<OpId> mine = SaveObservation(*store, blobs, Observation("a1", 3));
  REQUIRE(mine.ok());
  std::atomic<int> wakes{0};
  BackgroundSyncOptions options;
  options.interval = std::chrono::hours(1);  // rounds only at start and when asked
  options.backoff = {.base_ms = 50, .cap_ms = 200};
  options.device.options.connect_timeout_ms = 2000;
  options.blob_dir = BlobStoreDir(dir.path);  // files too, as the client syncs them
  auto started = BackgroundSync::Start(*store, store_mu, dir.path, options, [&] { ++wakes; });
  REQUIRE(started.ok());
  REQUIRE(*started != nullptr);
  BackgroundSync& bg = **started;
  auto state = [&] { return bg.Snapshot().state; };

  // Sent: another device of the class pulls our observation from the server.
  REQUIRE(Eventually([&] { return state() == SyncState::kUpToDate; }));
  CHECK(bg.Snapshot().pending_ops == 0);
  CHECK(bg.Snapshot().last_success_ms > 0);
  CHECK(wakes > 0);  // the UI was woken to redraw the top bar
  testing::TestDevice other = server.Enroll(DeviceRole::kTeacherDevice, {"A"});
  bool arrived = false;
  for (const Op& op : server.PullAll(other)) {
    arrived |= op.origin == origin && op.kind == "observation" && op.seq == mine->seq;
  }
  CHECK(arrived);
  {
    std::lock_guard<std::mutex> lock(store_mu);
    ClassGrid grid = LoadClassGrid(*store, "A").value();
    REQUIRE(grid.competencies == std::vector<std::string>{"c1"});
    REQUIRE(grid.learners.size() == 2);  // the roster came down
  }

  // A colleague's observation of a2, stamped an hour ahead of this device's clock.
  uint64_t changes = bg.remote_changes();
  Op theirs = other.MakeOp("observation", {{"teacher", "t1"},
                                           {"learners", {"a2"}},
                                           {"competency", "c1"},
                                           {"level", 4},
                                           {"modality", "individual"}});
  theirs.hlc = MakeHlc(SystemClock().NowMillis() + 3'600'000, 0);
  REQUIRE(server.Push(other, {theirs}).status == 200);
  bg.SyncNow();
  REQUIRE(Eventually([&] { return bg.remote_changes() > changes; }));
  {
    std::lock_guard<std::mutex> lock(store_mu);
    ClassGrid grid = LoadClassGrid(*store, "A").value();
    size_t a2 = grid.learners[0] == "a2" ? 0 : 1;
    REQUIRE(grid.learners[a2] == "a2");
    CHECK(grid.At(a2, 0).mark != CellMark::kNotStarted);
    CHECK(grid.At(a2, 0).evidence == 1);
    // One clock: what this teacher writes next orders after the remote edit.
    Result<OpId> next = store->Append("signin", {{"learner", "a1"}, {"method", "tile"}});
    REQUIRE(next.ok());
    CHECK(store->FindOp(*next).value()->hlc > theirs.hlc);
  }

  // The network goes: the next round reads offline, the work waits here.
  proxy.SetTarget(1);  // nothing listens on port 1: every connection is dropped
  {
    std::lock_guard<std::mutex> lock(store_mu);
    REQUIRE(SaveObservation(*store, blobs, Observation("a2", 2)).ok());
    bg.Refresh(*store);
  }
  bg.SyncNow();
  REQUIRE(Eventually([&] { return state() == SyncState::kOffline; }));
  CHECK(bg.Snapshot().pending_ops == 2);  // the sign-in and the observation

  // Back: the backoff's next try finds the server and sends what waited.
  proxy.SetTarget(server.port());
  REQUIRE(Eventually([&] { return state() == SyncState::kUpToDate; }));
  CHECK(bg.Snapshot().pending_ops == 0);
}

TEST_CASE(
    "outside the school's sync window the client's sync thread waits: the top bar says until "
    "when, and nothing reaches the server",
    "[gui][sync][installers]") {
  ServerFixture server;
  ScratchDir dir;
  std::unique_ptr<Store> store = EnrolledTeacherDevice(server, server.port(), dir.path);
  Origin origin = store->self();
  BlobStore blobs(BlobStoreDir(dir.path));
  REQUIRE(SaveObservation(*store, blobs, Observation("a1", 3)).ok());

  // IT's window opens in two hours (the app reads /etc/cairn as cairnctl does).
  auto hhmm = [](int minute) {
    char text[8];
    std::snprintf(text, sizeof text, "%02d:%02d", minute / 60, minute % 60);
    return std::string(text);
  };
  int now = LocalMinuteOfDay(SystemClock().NowMillis());
  std::string window = hhmm((now + 120) % 1440) + "-" + hhmm((now + 180) % 1440);
  std::filesystem::create_directories(dir.path / "etc/cairn/conf.d");
  std::ofstream(dir.path / "etc/cairn/conf.d/90-school.conf")
      << "[sync]\nwindow = " << window << "\n";
  Config config = Config::Load({.root = dir.path, .user_file = {}, .env = testing::FakeEnv({})});
  REQUIRE(config.problems().empty());

  std::mutex store_mu;
  BackgroundSyncOptions options;
  options.interval = std::chrono::hours(1);
  options.backoff = {.base_ms = 50, .cap_ms = 200};  // it looks again and again
  options.device = sync::DeviceSyncSettingsFrom(config);
  auto started = BackgroundSync::Start(*store, store_mu, dir.path, options, [] {});
  REQUIRE(started.ok());
  REQUIRE(*started != nullptr);
  BackgroundSync& bg = **started;
  REQUIRE(Eventually([&] { return bg.Snapshot().state == SyncState::kWaiting; }));
  SyncSnapshot waiting = bg.Snapshot();
  CHECK(waiting.message.find("outside the sync window " + window) != std::string::npos);
  CHECK(waiting.pending_ops == 1);
  CHECK(SyncStateKey(waiting.state) == "sync.waiting");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // several rounds
  CHECK(bg.Snapshot().state == SyncState::kWaiting);

  // The server never heard of the observation.
  testing::TestDevice other = server.Enroll(DeviceRole::kTeacherDevice, {"A"});
  for (const Op& op : server.PullAll(other)) CHECK(op.origin != origin);
}

TEST_CASE(
    "a copied store that took a new device id at start enrolls with IT's token from the "
    "client's sync thread and syncs as a device of its own",
    "[gui][sync][installers]") {
  ServerFixture server;
  ScratchDir dir;
  std::unique_ptr<Store> store = EnrolledTeacherDevice(server, server.port(), dir.path);
  Origin copied = store->self();
  // What OpenDevice does on another machine (sync::RenewIdentityIfMoved): a new
  // id, and no sync record (the credential was the other machine's).
  REQUIRE(sync::RenewIdentity(*store, dir.path, "", "moved").ok());
  REQUIRE_FALSE(std::filesystem::exists(sync::SyncRecordFile(dir.path)));
  BlobStore blobs(BlobStoreDir(dir.path));
  REQUIRE(SaveObservation(*store, blobs, Observation("a1", 2)).ok());

  // IT's token in the image, found through the configuration as cairnctl finds it.
  auto token = server.CreateToken(DeviceRole::kTeacherDevice, {"A"});
  std::ofstream(dir.path / "enrollment-token")
      << sync::FormatToken({"http://127.0.0.1:" + std::to_string(server.port()),
                            std::string(32, 'p'), token.secret})  // http: the pin goes unused
      << "\n";
  std::filesystem::create_directories(dir.path / "etc/cairn");
  std::ofstream(dir.path / "etc/cairn/cairn.conf")
      << "enrollment_token_file = " << (dir.path / "enrollment-token").string() << "\n";
  Config config = Config::Load({.root = dir.path, .user_file = {}, .env = testing::FakeEnv({})});
  REQUIRE(config.problems().empty());

  std::mutex store_mu;
  BackgroundSyncOptions options;
  options.interval = std::chrono::hours(1);
  options.backoff = {.base_ms = 50, .cap_ms = 200};
  options.device = sync::DeviceSyncSettingsFrom(config);
  auto started = BackgroundSync::Start(*store, store_mu, dir.path, options, [] {});
  REQUIRE(started.ok());
  REQUIRE(*started != nullptr);  // no record, but a token: it syncs
  BackgroundSync& bg = **started;
  bool synced = Eventually([&] { return bg.Snapshot().state == SyncState::kUpToDate; });
  INFO(bg.Snapshot().message);
  REQUIRE(synced);
  CHECK(bg.Snapshot().pending_ops == 0);
  CHECK(std::filesystem::exists(sync::SyncRecordFile(dir.path)));

  Origin renewed;
  {
    std::lock_guard<std::mutex> lock(store_mu);
    renewed = store->self();
  }
  CHECK(renewed != copied);
  testing::TestDevice other = server.Enroll(DeviceRole::kTeacherDevice, {"A"});
  bool arrived = false;
  for (const Op& op : server.PullAll(other)) arrived |= op.origin == renewed;
  CHECK(arrived);
}

}  // namespace cairn::gui
