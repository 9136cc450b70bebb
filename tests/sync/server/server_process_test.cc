// cairn-server as a process: admin commands beside a running server, SIGTERM
// while pushes are in flight, far-future clocks.
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "cairn/sync/enrollment_token.h"
#include "cairn/sync/server/storage.h"
#include "cairn/sync/wire.h"
#include "server_testing.h"

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A data directory with school s1, class A with learner a1, and `cairn-server serve
// --plain-http` on a free loopback port in a child process.
class ServeProcess {
 public:
  ServeProcess() {
    std::string pattern = (fs::temp_directory_path() / "cairn-serve-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    dir_ = pattern;
    REQUIRE(Admin({"school", "create", "S", "--id", "s1"}) == 0);
    REQUIRE(Admin({"class", "create", "A", "--id", "A"}) == 0);
    REQUIRE(Admin({"learner", "add", "Ada", "--id", "a1", "--classes", "A"}) == 0);
    REQUIRE(Admin({"token", "create", "--role", "student-device", "--classes", "A", "--url",
                   "http://127.0.0.1:1"}) == 0);
    std::smatch m;
    std::string out = ReadAll(dir_ / "out");
    REQUIRE(std::regex_search(out, m, std::regex("cairn1\\.[A-Za-z0-9_.-]+")));
    Result<sync::EnrollmentToken> token = sync::ParseToken(m.str());
    REQUIRE(token.ok());
    secret_ = token->secret;
    Start();
  }
  ~ServeProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  int Admin(const std::vector<std::string>& args) const {
    std::string cmd = std::string("'") + CAIRN_SERVER_PATH + "'";
    for (const std::string& a : args) cmd += " '" + a + "'";
    cmd += " --data '" + data().string() + "' >'" + (dir_ / "out").string() + "' 2>&1 </dev/null";
    int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  // Enrolls a device of class A; its credential is in the result.
  TestDevice Enroll() {
    TestDevice d;
    HttpRequest r{"POST", "/v1/enroll",
                  json{{"token", secret_}, {"origin", d.origin.Hex()}, {"name", "t"}}.dump(),
                  {{"Content-Type", "application/json"}}};
    HttpReply reply = Send(port_, r);
    REQUIRE(reply.status == 200);
    d.credential = reply.Json().at("credential").get<std::string>();
    d.label = reply.Json().at("device").get<std::string>();
    return d;
  }

  // SIGTERM; the exit status and how long the process took to end.
  std::pair<int, double> Terminate() {
    auto start = Clock::now();
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1,
            std::chrono::duration<double>(Clock::now() - start).count()};
  }

  uint16_t port() const { return port_; }
  fs::path data() const { return dir_ / "data"; }
  std::string log() const { return ReadAll(dir_ / "serve.log"); }
  // The log once it holds `text` (a line is written just after its reply), or as it is
  // after two seconds.
  std::string LogWith(const std::string& text) const {
    auto deadline = Clock::now() + std::chrono::seconds(2);
    std::string now = log();
    while (now.find(text) == std::string::npos && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      now = log();
    }
    return now;
  }

 private:
  void Start() {
    pid_ = fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      std::string log = (dir_ / "serve.log").string();
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      std::string data_dir = data().string();
      execl(CAIRN_SERVER_PATH, CAIRN_SERVER_PATH, "serve", "--data", data_dir.c_str(), "--listen",
            "127.0.0.1:0", "--plain-http", static_cast<char*>(nullptr));
      _exit(127);
    }
    auto deadline = Clock::now() + std::chrono::seconds(20);
    std::smatch m;
    while (Clock::now() < deadline) {
      std::string text = log();
      if (std::regex_search(text, m, std::regex("http://127\\.0\\.0\\.1:([0-9]+)"))) {
        port_ = static_cast<uint16_t>(std::stoi(m[1]));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("cairn-server serve did not start: " << log());
  }

  fs::path dir_;
  std::string secret_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

HttpReply PushOps(uint16_t port, const TestDevice& d, const std::vector<Op>& ops) {
  return Send(port, HttpRequest{"POST", "/v1/push",
                                *sync::Compress(sync::EncodeBatch(ops), sync::Codec::kZstd),
                                {{"Content-Type", "application/json"},
                                 {"Content-Encoding", "zstd"},
                                 {"Authorization", "Bearer " + d.credential}}});
}

HttpReply GetClock(uint16_t port, const TestDevice& d) {
  return Send(port, HttpRequest{"GET", "/v1/clock", "", {{"Authorization", "Bearer " + d.credential}}});
}

}  // namespace

TEST_CASE("a device revoked while the server runs is refused at its next request", "[sync]") {
  ServeProcess serve;
  TestDevice d = serve.Enroll();
  REQUIRE(GetClock(serve.port(), d).status == 200);
  REQUIRE(serve.Admin({"device", "revoke", d.label}) == 0);
  HttpReply after = GetClock(serve.port(), d);
  CHECK(after.status == 401);
  CHECK(after.Json().value("error", "") == "revoked_device");
  // Every request is logged: device, route, status, bytes and milliseconds.
  std::string log = serve.LogWith("GET /v1/clock 401");
  CHECK_THAT(log, Catch::Contains("device=" + d.label + " GET /v1/clock 200 in="));
  CHECK_THAT(log, Catch::Contains("device=- GET /v1/clock 401 in="));  // refused: no device
  CHECK(serve.Admin({"device", "revoke", "d99"}) == 1);
  auto [status, seconds] = serve.Terminate();
  CHECK(status == 0);
}

TEST_CASE("SIGTERM with pushes in flight: each batch is stored whole or not at all, acked ones "
          "stay, and the server exits 0 promptly",
          "[sync]") {
  ServeProcess serve;
  constexpr int kDevices = 6;
  constexpr uint64_t kBatch = 200;
  std::vector<TestDevice> devices;
  for (int i = 0; i < kDevices; ++i) devices.push_back(serve.Enroll());
  std::vector<uint64_t> acked(kDevices, 0);
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kDevices; ++i) {
    threads.emplace_back([&, i] {
      TestDevice& d = devices[static_cast<size_t>(i)];
      while (!stop) {
        std::vector<Op> ops;
        for (uint64_t k = 0; k < kBatch; ++k) {
          ops.push_back(d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i1"}, {"correct", true}},
                                 d.next_seq + k));
        }
        try {
          HttpReply r = PushOps(serve.port(), d, ops);
          if (r.status != 200) return;  // 503 shutting down
          acked[static_cast<size_t>(i)] = r.Json().at("acked").get<uint64_t>();
          d.next_seq += kBatch;
        } catch (const std::exception&) {
          return;  // refused or cut: the server is gone
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  auto [status, seconds] = serve.Terminate();
  stop = true;
  for (std::thread& t : threads) t.join();
  CHECK(status == 0);
  CHECK(seconds < 8);

  auto storage = server::OpenSqliteStorage({.dir = serve.data()});
  REQUIRE(storage.ok());
  uint64_t total = 0;
  for (int i = 0; i < kDevices; ++i) {
    uint64_t stored = *(*storage)->Acked(devices[static_cast<size_t>(i)].origin);
    INFO("device " << i << ": acked " << acked[static_cast<size_t>(i)] << ", stored " << stored);
    CHECK(stored >= acked[static_cast<size_t>(i)]);  // nothing acknowledged is lost
    CHECK(stored % kBatch == 0);                     // never part of a batch
    CHECK(stored <= acked[static_cast<size_t>(i)] + kBatch);  // at most the one in flight
    total += stored;
  }
  CHECK(total > 0);
}

// A device whose clock runs far ahead (a wrong date on a cart laptop) must
// not lose its work, nor have every later op stuck behind it.
TEST_CASE("a push stamped far in the future is stored, and the device's later ops follow it",
          "[sync]") {
  ServerFixture f;
  TestDevice d = f.Enroll(server::DeviceRole::kStudentDevice, {"A"});
  uint64_t before = f.OpCount();
  const int64_t now = f.clock().NowMillis();
  Op fine = d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i1"}, {"correct", true}}, 1);
  Op ahead = d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i2"}, {"correct", true}}, 2);
  ahead.hlc = MakeHlc(now + 60LL * 24 * 60 * 60 * 1000, 0);  // sixty days ahead
  HttpReply r = f.Push(d, {fine, ahead});
  REQUIRE(r.status == 200);
  CHECK(r.Json().at("acked") == 2);
  Op next = d.MakeOp("attempt", {{"learner", "a1"}, {"item", "i3"}, {"correct", false}}, 3);
  next.hlc = MakeHlc(now, 0);
  HttpReply later = f.Push(d, {next});
  REQUIRE(later.status == 200);
  CHECK(later.Json().at("acked") == 3);
  CHECK(f.OpCount() == before + 3);
}

}  // namespace cairn::testing
