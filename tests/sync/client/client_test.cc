// The sync client against an in-process server on loopback (plain http): push
// in bounded batches, pull pages, resume after an interrupted page, gaps,
// Retry-After, an unreachable server, the state a UI shows, the background loop.
#include "cairn/sync/client/client.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "cairn/agent/store.h"
#include "cairn/sync/client/backoff.h"
#include "cairn/sync/client/sync_loop.h"
#include "cairn/sync/wire.h"
#include "sync/server/server_testing.h"

namespace cairn::testing {
namespace {

using server::DeviceRole;

std::unique_ptr<Store> NewStore() {
  StoreOptions options;
  options.in_memory = true;
  auto store = Store::Open(options);
  REQUIRE(store.ok());
  return std::move(store).value();
}

// A device enrolled with the fixture's server through a join code.
struct Device {
  std::unique_ptr<Store> store = NewStore();
  sync::SyncRecord record;
  int saves = 0;

  Device(ServerFixture& server, DeviceRole role = DeviceRole::kStudentDevice) {
    Origin origin = Origin::Random();
    auto token = server.CreateToken(role, {"A"});
    auto enrolled = sync::Enroll(
        {token.join_code, "http://127.0.0.1:" + std::to_string(server.port()), "test"}, origin);
    INFO(enrolled.status().message());
    REQUIRE(enrolled.ok());
    record = *enrolled;
    REQUIRE(store->Initialize(origin, StoreMode::kDevice, record.server_origin).ok());
  }

  sync::SyncReport Sync(const sync::ClientOptions& options = {}) {
    return sync::Sync(*store, record,
                      [&](const sync::SyncRecord&) {
                        ++saves;
                        return Status::Ok();
                      },
                      options);
  }

  void Attempts(int n, const std::string& learner = "a1") {
    for (int i = 0; i < n; ++i) {
      REQUIRE(store
                  ->Append("attempt", {{"learner", learner},
                                       {"item", "i" + std::to_string(i)},
                                       {"correct", i % 2 == 0}})
                  .ok());
    }
  }
};

}  // namespace

TEST_CASE("a device pushes in bounded batches, pulls its scope, and then has nothing to send",
          "[sync]") {
  ServerFixture server;
  Device device(server);
  device.Attempts(20);
  sync::ClientOptions options;
  options.push_batch_ops = 7;
  sync::SyncReport r = device.Sync(options);
  INFO(r.message);
  REQUIRE(r.ok());
  CHECK(r.pushed == 20);
  CHECK(r.requests == 3 + 1);  // 7 + 7 + 6, then one pull page
  CHECK(r.pending_ops == 0);
  CHECK(device.record.acked == 20);
  CHECK(device.record.last_sync_ms > 0);
  CHECK(device.record.last_error.empty());
  // The roster of class A came down, class B's learner did not.
  CHECK(device.store->Entity("learner", "a1")->has_value());
  CHECK_FALSE(device.store->Entity("learner", "b1")->has_value());
  CHECK(server.OpCount() == 10 + 20);

  sync::SyncReport again = device.Sync(options);
  REQUIRE(again.ok());
  CHECK(again.pushed == 0);
  CHECK(again.applied == 0);
  CHECK(again.requests == 1);
}

TEST_CASE("the server's clock moves the device's clock forward, and ops after it follow",
          "[sync]") {
  ServerFixture server;
  Device device(server);
  // The server's clock is a day ahead of this device's.
  int64_t server_ms = SystemClock().NowMillis() + 86'400'000;
  server.clock().Set(server_ms);
  REQUIRE(device.Sync().ok());
  CHECK(HlcMillis(device.store->clock()) >= server_ms);
  device.Attempts(1);
  auto mine = device.store->OwnOpsAfter(0, 10);
  REQUIRE(mine.ok());
  REQUIRE(mine->size() == 1);
  CHECK(HlcMillis(mine->front().hlc) >= server_ms);
}

TEST_CASE("a push body over the byte bound is split until it fits", "[sync]") {
  ServerFixture server;
  Device device(server);
  for (int i = 0; i < 40; ++i) {
    // Incompressible text, so that the compressed size grows with the ops.
    std::string noise;
    uint64_t x = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(i + 1);
    for (int j = 0; j < 400; ++j) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      noise.push_back(static_cast<char>('a' + x % 26));
    }
    REQUIRE(device.store
                ->Append("attempt", {{"learner", "a1"}, {"item", "i"}, {"correct", true},
                                     {"response", noise}})
                .ok());
  }
  auto all = device.store->OwnOpsAfter(0, 100);
  REQUIRE(all.ok());
  size_t whole = sync::Compress(sync::EncodeBatch(*all), sync::Codec::kZstd)->size();
  sync::ClientOptions options;
  options.push_batch_bytes = 4096;
  REQUIRE(whole > 2 * options.push_batch_bytes);
  sync::SyncReport r = device.Sync(options);
  REQUIRE(r.ok());
  CHECK(r.pushed == 40);
  size_t pushes = r.requests - 1;  // one pull
  CHECK(pushes >= (whole + options.push_batch_bytes - 1) / options.push_batch_bytes);
}

TEST_CASE("a page applied but whose cursor was not saved is pulled again without harm",
          "[sync]") {
  ServerFixture server;
  Device writer(server);
  writer.Attempts(30, "a2");
  REQUIRE(writer.Sync().ok());

  Device reader(server);
  sync::ClientOptions small;
  small.pull_page_ops = 8;
  // The device "crashes" right after committing its second page: the save of
  // that page's cursor never happens.
  sync::SyncRecord saved = reader.record;
  int page_saves = 0;
  sync::SyncReport cut = sync::Sync(
      *reader.store, reader.record,
      [&](const sync::SyncRecord& r) {
        if (++page_saves >= 2) return Status::IoError("power cut");
        saved = r;
        return Status::Ok();
      },
      small);
  CHECK_FALSE(cut.ok());
  CHECK(cut.message.find("power cut") != std::string::npos);
  // Restart from what was saved: the second page comes again.
  reader.record = saved;
  sync::SyncReport resumed = reader.Sync(small);
  REQUIRE(resumed.ok());
  CHECK(resumed.applied < resumed.pulled);  // the re-pulled page held nothing new
  CHECK(reader.store->Digest().value() == writer.store->Digest().value());
}

TEST_CASE("a device whose record is ahead of the server resumes from the server's acked",
          "[sync]") {
  ServerFixture server;
  Device device(server);
  device.Attempts(5);
  device.record.acked = 3;  // the server restored from a backup, say: it has none
  sync::SyncReport r = device.Sync();
  INFO(r.message);
  REQUIRE(r.ok());
  CHECK(device.record.acked == 5);
  CHECK(server.OpCount() == 10 + 5);
}

TEST_CASE("a busy server's Retry-After is passed on and floors the backoff", "[sync]") {
  ServerFixture server(/*requests_per_second=*/0.2, /*burst=*/1);
  Device device(server);
  device.Attempts(3);
  sync::ClientOptions options;
  options.push_batch_ops = 1;
  sync::SyncReport r = device.Sync(options);
  CHECK(r.outcome == sync::SyncOutcome::kRetryLater);
  CHECK(r.pushed == 1);
  CHECK(r.pending_ops == 2);
  CHECK(r.retry_after_ms >= 1000);
  CHECK(r.message.find("busy") != std::string::npos);
  sync::Backoff backoff({.base_ms = 10, .cap_ms = 100}, 7);
  CHECK(backoff.NextDelayMs(r.retry_after_ms) >= r.retry_after_ms);
}

TEST_CASE("an expired token and an unknown join code are refused with the server's reason",
          "[sync]") {
  ServerFixture server;
  auto token = server.CreateToken(DeviceRole::kStudentDevice, {"A"},
                                  server.clock().NowMillis() + 60'000);
  server.clock().Advance(120'000);
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  auto expired = sync::Enroll({token.join_code, url, "x"}, Origin::Random());
  REQUIRE_FALSE(expired.ok());
  CHECK(expired.status().code() == Status::Code::kFailedPrecondition);
  CHECK(expired.status().message().find("expired") != std::string::npos);
  auto no_server = sync::Enroll({token.join_code, "", "x"}, Origin::Random());
  CHECK(no_server.status().message().find("--server") != std::string::npos);
}

TEST_CASE("an unreachable server leaves the device offline with its work pending", "[sync]") {
  ServerFixture server;
  Device device(server);
  device.Attempts(4);
  uint16_t port = server.port();
  server.server().Stop();
  device.record.server_url = "http://127.0.0.1:" + std::to_string(port);
  sync::SyncStateBox state;
  sync::ClientOptions options;
  options.state = &state;
  options.connect_timeout_ms = 2000;
  sync::SyncReport r = device.Sync(options);
  CHECK(r.outcome == sync::SyncOutcome::kUnreachable);
  CHECK(r.message.find(sync::kOfflineMessage) == 0);
  sync::SyncState s = state.Snapshot();
  CHECK(s.phase == sync::SyncPhase::kOffline);
  CHECK(s.pending_ops == 4);
  CHECK(s.pending_blobs == 0);
  CHECK(s.last_sync_ms == 0);
  CHECK(device.record.last_error == r.message);
}

TEST_CASE("the background loop syncs, syncs again on request, and stops promptly", "[sync]") {
  ServerFixture server;
  Device device(server);
  device.Attempts(2);
  std::mutex store_mu;  // the test thread reads the store too
  sync::SyncStateBox state;
  sync::SyncLoop loop(
      [&](const std::atomic<bool>& cancel) {
        std::lock_guard<std::mutex> lock(store_mu);
        sync::ClientOptions options;
        options.state = &state;
        options.cancel = &cancel;
        return device.Sync(options);
      },
      {.interval = std::chrono::hours(1), .backoff = {}, .next = nullptr});
  loop.Start();
  auto wait_for_runs = [&](size_t n) {
    for (int i = 0; i < 500 && loop.runs() < n; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return loop.runs();
  };
  REQUIRE(wait_for_runs(1) == 1);
  CHECK(loop.last_report().ok());
  CHECK(state.Snapshot().phase == sync::SyncPhase::kUpToDate);
  CHECK(state.Snapshot().last_sync_ms > 0);
  {
    std::lock_guard<std::mutex> lock(store_mu);
    device.Attempts(1);
  }
  loop.SyncNow();
  REQUIRE(wait_for_runs(2) == 2);
  CHECK(server.OpCount() == 10 + 3);
  // Waiting an hour for the next round: Stop does not.
  auto t0 = std::chrono::steady_clock::now();
  loop.Stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
}

TEST_CASE("the loop's next hook picks each wait and ends the loop when the sync is done",
          "[sync]") {
  std::atomic<int> calls{0};
  std::vector<std::chrono::milliseconds> planned;  // the loop's thread only
  sync::SyncLoopOptions options{.interval = std::chrono::hours(1),
                                .backoff = {.base_ms = 3'600'000, .cap_ms = 3'600'000},
                                .next = nullptr};
  options.next = [&](const sync::SyncReport& report,
                     std::chrono::milliseconds wait) -> std::optional<std::chrono::milliseconds> {
    planned.push_back(wait);
    if (report.ok()) return std::nullopt;
    return std::chrono::milliseconds(1);  // instead of the backoff's hour
  };
  sync::SyncLoop loop(
      [&](const std::atomic<bool>&) {
        sync::SyncReport r;
        if (++calls < 3) r.outcome = sync::SyncOutcome::kUnreachable;
        return r;
      },
      options);
  loop.Start();
  REQUIRE(loop.WaitFinished(std::chrono::seconds(5)));
  CHECK(calls == 3);
  CHECK(loop.runs() == 3);
  CHECK(loop.last_report().ok());
  loop.Stop();
  REQUIRE(planned.size() == 3);
  CHECK(planned[0] <= std::chrono::hours(1));  // the backoff's choice, offered
  CHECK(planned[2] == std::chrono::hours(1));  // after a success: the interval
}

TEST_CASE("backoff grows with full jitter up to its cap", "[sync]") {
  sync::Backoff backoff({.base_ms = 100, .cap_ms = 1000}, 42);
  std::set<int64_t> seen;
  for (int n = 0; n < 12; ++n) {
    int64_t d = backoff.NextDelayMs();
    CHECK(d >= 0);
    CHECK(d <= std::min<int64_t>(1000, 100LL << n));
    seen.insert(d);
  }
  CHECK(seen.size() > 6);  // jittered, not a fixed ladder
  backoff.Reset();
  CHECK(backoff.NextDelayMs() <= 100);
}

TEST_CASE("the sync record keeps the credential in one 0600 file and refuses a damaged one",
          "[sync]") {
  auto dir = std::filesystem::temp_directory_path() / ("cairn-record-" + Origin::Random().Hex());
  std::filesystem::create_directories(dir);
  auto file = sync::SyncRecordFile(dir);
  CHECK(sync::LoadSyncRecord(file)->has_value() == false);
  sync::SyncRecord r;
  r.server_url = "https://school.example:8443";
  r.pin = std::string(32, '\x7f');
  r.server_origin = Origin::Random();
  r.device = "d3";
  r.credential = "secret-credential";
  r.role = "teacher-device";
  r.classes = {"A", "B"};
  r.acked = 12;
  r.cursor = 99;
  REQUIRE(sync::SaveSyncRecord(file, r).ok());
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto back = sync::LoadSyncRecord(file);
  REQUIRE(back.ok());
  CHECK((*back)->credential == "secret-credential");
  CHECK((*back)->pin == r.pin);
  CHECK((*back)->classes == r.classes);
  CHECK((*back)->cursor == 99);
  CHECK(sync::PinFingerprint(r.pin).starts_with("SHA256:7f:7f:"));

  std::ofstream(file) << "{\"server\": 3}";
  auto damaged = sync::LoadSyncRecord(file);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().code() == Status::Code::kCorruption);
  CHECK(damaged.status().message().find("sync.json is not a Cairn sync record") !=
        std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a learner who joins the class brings their history to the class's devices", "[sync]") {
  ServerFixture server;
  Device teacher(server, DeviceRole::kTeacherDevice);  // class A
  REQUIRE(teacher.Sync().ok());
  // b1's work in class B, recorded on B's laptop, while the teacher's cursor moves past it.
  TestDevice laptop = server.Enroll(DeviceRole::kStudentDevice, {"B"});
  std::vector<Op> work;
  for (uint64_t i = 1; i <= 5; ++i) {
    work.push_back(laptop.MakeOp(
        "attempt", {{"learner", "b1"}, {"item", "i" + std::to_string(i)}, {"correct", true}}, i));
  }
  REQUIRE(server.Push(laptop, work).status == 200);
  teacher.Attempts(1);
  REQUIRE(teacher.Sync().ok());
  CHECK_FALSE(teacher.store->Entity("learner", "b1")->has_value());

  // b1 moves to class A.
  Status moved = Status::Ok();
  server.server().WithStorage([&](server::ServerStorage& st) {
    moved = st
                .AppendServerOps({
                    {"enrollment", {{"class", "B"}, {"learner", "b1"}, {"active", false}}},
                    {"enrollment", {{"class", "A"}, {"learner", "b1"}, {"active", true}}},
                })
                .status();
  });
  REQUIRE(moved.ok());
  sync::ClientOptions small_pages;
  small_pages.pull_page_ops = 2;  // the back-fill takes several pages
  sync::SyncReport r = teacher.Sync(small_pages);
  INFO(r.message);
  REQUIRE(r.ok());
  CHECK(teacher.store->Entity("learner", "b1")->has_value());
  Result<std::vector<Evidence>> history = teacher.store->EvidenceFor("b1");
  REQUIRE(history.ok());
  CHECK(history->size() == 5);
  CHECK(teacher.record.backfill.empty());

  // Done once: the next sync fetches nothing more.
  sync::SyncReport again = teacher.Sync();
  REQUIRE(again.ok());
  CHECK(again.applied == 0);
  CHECK(again.requests == 1);
}

TEST_CASE("a back-fill is refused for a learner outside the device's classes", "[sync]") {
  ServerFixture server;
  TestDevice a_laptop = server.Enroll(DeviceRole::kStudentDevice, {"A"});
  HttpReply r = server.Get(a_laptop, "/v1/pull?after=0&limit=10&learner=b1&upto=100");
  CHECK(r.status == 403);
  HttpReply bad = server.Get(a_laptop, "/v1/pull?after=0&limit=10&learner=a1");
  CHECK(bad.status == 400);
  HttpReply ok = server.Get(a_laptop, "/v1/pull?after=0&limit=10&learner=a%31&upto=100");
  CHECK(ok.status == 200);
}

}  // namespace cairn::testing
