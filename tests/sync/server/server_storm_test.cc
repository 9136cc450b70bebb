// What a morning sync storm (bench/bench_sync_storm.cc) showed about the server:
// each behaviour here is one a school would notice when every device syncs at once.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "cairn/sync/server/storage.h"
#include "cairn/sync/wire.h"
#include "server_testing.h"

namespace cairn::testing {
namespace {

using nlohmann::json;
using server::DeviceRole;

std::vector<Op> AttemptsAbout(TestDevice& d, const std::string& learner, int n) {
  std::vector<Op> ops;
  for (int i = 0; i < n; ++i) {
    ops.push_back(d.MakeOp("attempt", {{"learner", learner}, {"item", "i1"}, {"correct", true}},
                           d.next_seq++));
  }
  return ops;
}

std::vector<Op> ObservationsAbout(TestDevice& d, std::vector<std::string> learners, int n) {
  std::vector<Op> ops;
  for (int i = 0; i < n; ++i) {
    ops.push_back(d.MakeOp("observation",
                           {{"teacher", "t1"},
                            {"learners", learners},
                            {"competency", "c1"},
                            {"level", 3},
                            {"modality", "individual"}},
                           d.next_seq++));
  }
  return ops;
}

std::vector<Op> PulledOps(const HttpReply& r) {
  json j = r.Json();
  Result<std::vector<Op>> ops = sync::DecodeBatchJson(j.at("ops"), {});
  REQUIRE(ops.ok());
  return std::move(ops).value();
}

}  // namespace

TEST_CASE("a pull finds its class's ops behind more than a scan's worth of other classes' ops",
          "[sync][server]") {
  ServerFixture f;
  TestDevice other = f.Enroll(DeviceRole::kStudentDevice, {"B"});
  // More ops of another class than one pull examines (SyncService::kMaxPullScan)...
  for (int batch = 0; batch < 5; ++batch) {
    REQUIRE(f.Push(other, AttemptsAbout(other, "b1", 5000)).status == 200);
  }
  // ...then one of this class.
  TestDevice writer = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  std::vector<Op> mine = AttemptsAbout(writer, "a1", 1);
  REQUIRE(f.Push(writer, mine).status == 200);

  TestDevice reader = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  HttpReply r = f.Pull(reader, 0, 1000);
  REQUIRE(r.status == 200);
  // One request brings the class up to date: no empty pages to ask through.
  CHECK(r.Json().at("more") == false);
  std::vector<Op> got = PulledOps(r);
  size_t of_other = 0, of_mine = 0;
  for (const Op& op : got) {
    of_other += op.origin == other.origin;
    of_mine += op.origin == writer.origin;
  }
  CHECK(of_other == 0);
  CHECK(of_mine == 1);

  SECTION("the cursor then brings exactly what came after it") {
    uint64_t cursor = r.Json().at("next_cursor").get<uint64_t>();
    std::vector<Op> next = AttemptsAbout(writer, "a2", 2);
    REQUIRE(f.Push(other, AttemptsAbout(other, "b1", 3)).status == 200);
    REQUIRE(f.Push(writer, next).status == 200);
    HttpReply again = f.Pull(reader, cursor, 1000);
    REQUIRE(again.status == 200);
    std::vector<Op> after = PulledOps(again);
    REQUIRE(after.size() == 2);
    CHECK(after[0].id() == next[0].id());
    CHECK(after[1].id() == next[1].id());
    CHECK(again.Json().at("more") == false);
  }
  SECTION("small pages walk through the class's ops and nothing else") {
    std::vector<Op> more = AttemptsAbout(writer, "a1", 4);
    REQUIRE(f.Push(writer, more).status == 200);
    std::vector<Op> all = f.PullAll(reader, 2);
    size_t attempts = 0;
    for (const Op& op : all) {
      CHECK(op.origin != other.origin);
      attempts += op.kind == "attempt";
    }
    CHECK(attempts == 5);
  }
}

// Observations name no one subject, and a pull used to read every class's
// among the ops it looks at for any device (with records and retractions): in
// the 2,000-device storm 40% of what each pull read, decoded and threw away.
// They are found through op_learner, under every learner they name.
TEST_CASE("another class's observations cost a pull nothing, and its own class's come in one page",
          "[sync][server]") {
  ServerFixture f;
  TestDevice other = f.Enroll(DeviceRole::kTeacherDevice, {"B"});
  // More observations of another class than one pull examines (kMaxPullScan)...
  for (int batch = 0; batch < 5; ++batch) {
    REQUIRE(f.Push(other, ObservationsAbout(other, {"b1"}, 5000)).status == 200);
  }
  // ...then one of this class about one learner, and one about two.
  TestDevice teacher = f.Enroll(DeviceRole::kTeacherDevice, {"A"});
  std::vector<Op> mine = ObservationsAbout(teacher, {"a1"}, 1);
  std::vector<Op> both = ObservationsAbout(teacher, {"a1", "a2"}, 1);
  mine.push_back(both[0]);
  REQUIRE(f.Push(teacher, mine).status == 200);

  TestDevice reader = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  HttpReply r = f.Pull(reader, 0, 1000);
  REQUIRE(r.status == 200);
  CHECK(r.Json().at("more") == false);
  size_t of_other = 0, of_mine = 0;
  for (const Op& op : PulledOps(r)) {
    of_other += op.origin == other.origin;
    of_mine += op.origin == teacher.origin;
  }
  CHECK(of_other == 0);
  CHECK(of_mine == 2);
}

TEST_CASE("a pull inside a write group sees the group's evidence before the learner index does",
          "[sync][server]") {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-storm-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()));
  std::filesystem::path dir = pattern;
  {
    auto storage = server::OpenSqliteStorage({.dir = dir, .synchronous_full = false});
    REQUIRE(storage.ok());
    server::ServerStorage& s = **storage;
    TestDevice d;
    std::vector<Op> ops = AttemptsAbout(d, "x", 3);
    std::vector<Op> others = AttemptsAbout(d, "y", 2);
    ops.insert(ops.end(), others.begin(), others.end());
    REQUIRE(s.BeginGroup().ok());
    REQUIRE(s.ApplyPush(d.origin, ops).ok());
    auto inside = s.OpsConcerning({"x"}, 0, 100);
    REQUIRE(inside.ok());
    CHECK(inside->ops.size() == 3);
    CHECK_FALSE(inside->more);
    REQUIRE(s.CommitGroup().ok());
    auto after = s.OpsConcerning({"x"}, 0, 100);
    REQUIRE(after.ok());
    CHECK(after->ops.size() == 3);
    CHECK(after->next_cursor == inside->next_cursor);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Keeps the server's writer busy, as a long write group does, until Release().
class WriterHeld {
 public:
  explicit WriterHeld(ServerFixture& f)
      : holder_([this, &f] {
          (void)f.server().WithStorage([this](server::ServerStorage&) {
            entered_.set_value();
            release_.get_future().wait();
          });
        }) {
    entered_.get_future().wait();
  }
  ~WriterHeld() { Release(); }
  void Release() {
    if (!holder_.joinable()) return;
    release_.set_value();
    holder_.join();
  }

 private:
  std::promise<void> entered_, release_;
  std::thread holder_;
};

TEST_CASE("past its in-flight limit the server answers 503 with Retry-After at once",
          "[sync][server]") {
  ServerFixture f;
  f.limits().max_requests_in_flight = 1;
  f.Restart();
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  // The writer is held, as by a long group: the first request to arrive stays in flight.
  WriterHeld held(f);
  // Pushes go through the writer (pulls do not: see the test below). The same
  // op twice: whichever is served, the other's replay changes nothing.
  const Op op = d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i"}, {"correct", true}}, 1);
  HttpReply replies[2];
  std::atomic<int> answered{0};
  auto push = [&](int i) {
    replies[i] = f.Push(d, {op});
    ++answered;
  };
  std::thread first(push, 0), second(push, 1);
  auto start = std::chrono::steady_clock::now();
  while (answered == 0 && std::chrono::steady_clock::now() - start < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // One was answered while the writer was still held: refused, with when to come back.
  CHECK(answered == 1);
  held.Release();
  first.join();
  second.join();
  int busy = replies[0].status == 503 ? 0 : 1;
  CHECK(replies[busy].status == 503);
  CHECK(replies[busy].Json().at("error") == "busy");
  REQUIRE(replies[busy].headers.count("retry-after"));
  int wait = std::stoi(replies[busy].headers.at("retry-after"));
  CHECK(wait >= 2);
  CHECK(wait <= 5);
  CHECK(replies[1 - busy].status == 200);
  // Once answered, a request no longer counts: the next one is served.
  CHECK(f.Pull(d, 0, 10).status == 200);
}

TEST_CASE("a pull is answered while the writer is busy with a long group", "[sync][server]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  TestDevice other = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  REQUIRE(f.Push(other, {other.MakeOp("attempt",
                                      {{"learner", "a1"}, {"item", "i"}, {"correct", true}}, 1)})
              .status == 200);
  WriterHeld held(f);
  // The writer is held: a pull still gets its page, with the other device's op.
  HttpReply page = f.Pull(d, 0, 1000);
  held.Release();
  REQUIRE(page.status == 200);
  CHECK(page.Json().at("ops").dump().find(other.origin.Hex()) != std::string::npos);
  // Its bookkeeping reached the writer afterwards: the device shows as synced.
  int64_t last_sync = 0;
  REQUIRE(f.server()
              .WithStorage([&](server::ServerStorage& s) {
                auto devices = s.ListDevices();
                if (!devices.ok()) return;
                for (const server::DeviceRecord& rec : *devices) {
                  if (rec.origin == d.origin) last_sync = rec.last_sync_ms;
                }
              })
              .ok());
  CHECK(last_sync > 0);
}

TEST_CASE("a server out of file descriptors accepts again once connections end", "[sync][server]") {
  ServerFixture f;
  TestDevice d = f.Enroll(DeviceRole::kStudentDevice, {"A"});
  rlimit saved{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  // Descriptors are handed out lowest first: every one below `spare` is in use.
  // With the limit just past it, the next connection's socket takes it and the
  // server's accept finds none (EMFILE).
  int spare = ::open("/dev/null", O_RDONLY);
  REQUIRE(spare >= 0);
  ::close(spare);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(spare) + 1;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &low) == 0);
  int client = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(client >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(f.port());
  CHECK(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the accept fails meanwhile
  ::close(client);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  // Served again without a restart.
  auto pulled = std::async(std::launch::async, [&] { return f.Pull(d, 0, 10); });
  bool answered = pulled.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!answered) f.server().Stop();  // ends the pull left waiting in the backlog
  REQUIRE(answered);
  CHECK(pulled.get().status == 200);
}

}  // namespace cairn::testing
