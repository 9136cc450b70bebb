// Crash safety: a writer process (crash_writer.cc) is killed with SIGKILL at
// random moments, hundreds of times, on one store. After every kill the store must
// open, pass Check() (SQLite's integrity_check, a dense op log), and hold every op
// whose write call had returned, with the content it was given; a remote batch is
// there whole or not at all; and at most the one call in flight may have landed
// without being reported.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/origin.h"
#include "crash_script.h"

extern char** environ;

namespace cairn::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// A temporary CAIRN_HOME, removed at the end.
struct TempHome {
  fs::path path;
  TempHome() {
    std::string tmpl = (fs::temp_directory_path() / "cairn-crash-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempHome() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// What one writer run reported before it died.
struct Reported {
  std::optional<uint64_t> last_seq;    // highest "S" line
  std::optional<uint64_t> last_batch;  // highest "B" line
  uint64_t lines = 0;
};

struct Run {
  pid_t pid = -1;
  int out = -1;  // read end of the writer's stdout
};

Run Spawn(const fs::path& home, uint64_t next_batch) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  std::string err = (home / "writer.err").string();
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);

  std::vector<std::string> env_strings = {"CAIRN_HOME=" + home.string()};
  for (char** e = environ; *e; ++e) {
    if (std::string_view(*e).rfind("CAIRN_HOME=", 0) != 0) env_strings.emplace_back(*e);
  }
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::string program = CAIRN_CRASH_WRITER;
  std::string batch = std::to_string(next_batch);
  char* argv[] = {program.data(), batch.data(), nullptr};

  Run run;
  int rc = ::posix_spawn(&run.pid, program.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) ::close(fds[0]);
  INFO("posix_spawn " << program << ": " << std::strerror(rc));
  REQUIRE(rc == 0);
  run.out = fds[0];
  return run;
}

// Reads what is available on `fd` into `buf` until `deadline` (or until EOF when
// there is no deadline), or until `buf` holds `until` when that is not empty.
void Drain(int fd, std::string& buf, std::optional<Clock::time_point> deadline,
           std::string_view until = "") {
  char chunk[4096];
  while (until.empty() || buf.find(until) == std::string::npos) {
    int timeout = -1;
    if (deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) return;
      timeout = static_cast<int>(left.count());
    }
    pollfd p{fd, POLLIN, 0};
    int ready = ::poll(&p, 1, timeout);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // EOF: every writer end is closed
    buf.append(chunk, static_cast<size_t>(n));
  }
}

Reported Parse(const std::string& text) {
  Reported r;
  std::istringstream in(text);
  char tag;
  uint64_t n;
  while (in >> tag >> n) {
    if (tag == 'S') r.last_seq = n;
    if (tag == 'B') r.last_batch = n;
    if (tag != 'R') ++r.lines;
  }
  return r;
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What the store must hold, as verified after the previous kill.
struct Expected {
  uint64_t own = 0;      // our ops 1..own are present and checked
  uint64_t batches = 0;  // remote batches 0..batches-1 are present
  Hlc last_hlc = 0;
  std::map<std::string, uint64_t> last_profile;  // learner -> seq of the last profile edit
};

// Opens the store after a kill and checks it against what the writer reported.
// Returns an empty string, or what is wrong.
std::string Verify(const fs::path& home, const Reported& got, Expected& want) {
  StoreOptions options;
  options.path = home / "data" / "cairn.db";
  options.create_if_missing = false;
  bool reported = got.last_seq || got.last_batch;
  Result<std::unique_ptr<Store>> opened = Store::Open(options);
  if (!opened.ok()) {
    if (opened.status().code() == Status::Code::kNotFound && want.own == 0 && !reported) {
      return "";  // killed before it created the store
    }
    return "the store does not open: " + opened.status().ToString();
  }
  Store& store = **opened;
  if (!store.initialized()) {
    return want.own == 0 && !reported ? "" : "the store lost its identity";
  }
  Result<Origin> id = LoadOrCreateOrigin(home / "data" / "device-id");
  if (!id.ok() || *id != store.self()) return "the store's origin is not the device id on disk";

  Result<std::vector<std::string>> problems = store.Check();
  if (!problems.ok()) return "Check failed: " + problems.status().ToString();
  if (!problems->empty()) {
    std::string all = "Check found problems:";
    for (const auto& p : *problems) all += "\n  " + p;
    return all;
  }

  Result<StoreStats> stats = store.Stats();
  if (!stats.ok()) return "Stats: " + stats.status().ToString();
  uint64_t own = stats->own_ops;
  uint64_t floor = std::max(want.own, got.last_seq.value_or(0));
  if (own < floor) {
    return "our ops end at " + std::to_string(own) + ", but op " + std::to_string(floor) +
           " had been written (returned, or verified after an earlier kill)";
  }
  if (own > floor + 1) {
    return "our ops end at " + std::to_string(own) + ": more than the one call in flight past " +
           std::to_string(floor);
  }
  Result<std::vector<Op>> fresh = store.OwnOpsAfter(want.own, 1'000'000);
  if (!fresh.ok()) return "OwnOpsAfter: " + fresh.status().ToString();
  if (fresh->size() != own - want.own) return "OwnOpsAfter returned a short list";
  for (const Op& op : *fresh) {
    auto [kind, body] = CrashOp(op.seq);
    if (op.kind != kind || op.body != body) {
      return "op " + std::to_string(op.seq) + " reads " + op.kind + " " + op.body.dump() +
             ", written as " + kind + " " + body.dump();
    }
    if (op.hlc <= want.last_hlc) return "op " + std::to_string(op.seq) + "'s stamp went backwards";
    want.last_hlc = op.hlc;
    if (kind == "profile") want.last_profile[CrashLearner(op.seq)] = op.seq;
  }
  want.own = own;

  uint64_t remote = stats->total_ops - own;
  if (remote % kCrashBatchOps != 0) {
    return std::to_string(remote) + " remote ops: a batch was stored in part";
  }
  uint64_t batches = remote / kCrashBatchOps;
  uint64_t batch_floor = std::max(want.batches, got.last_batch ? *got.last_batch + 1 : 0);
  if (batches < batch_floor || batches > batch_floor + 1) {
    return std::to_string(batches) + " remote batches stored, expected " +
           std::to_string(batch_floor) + " (or one more in flight)";
  }
  want.batches = batches;

  // The registers were written in the same transactions as the ops.
  for (const auto& [learner, seq] : want.last_profile) {
    Result<std::optional<nlohmann::json>> profile = store.Entity("profile", learner);
    std::string expected = "edit " + std::to_string(seq);
    if (!profile.ok() || !*profile || (**profile).value("about", "") != expected) {
      return "profile of " + learner + " does not show its last edit (op " + std::to_string(seq) +
             ")";
    }
  }
  return "";
}

}  // namespace

TEST_CASE("ops whose write call returned survive SIGKILL at any moment", "[agent][crash]") {
  uint64_t seed = 20'260'901;
  if (const char* s = std::getenv("CAIRN_CRASH_SEED")) seed = std::strtoull(s, nullptr, 10);
  constexpr int kKills = 400;
  constexpr auto kBudget = std::chrono::seconds(90);
  std::mt19937_64 rng(seed);
  TempHome home;
  Expected want;
  int kills = 0, mid_write = 0;
  auto start = Clock::now();
  while (kills < kKills && Clock::now() - start < kBudget) {
    uint64_t before = want.own + want.batches;
    // Most kills are aimed past start-up (the writer says when its store is open);
    // one in four counts from the spawn, to land in open, migration or recovery.
    bool from_spawn = rng() % 4 == 0;
    auto delay = std::chrono::milliseconds(rng() % 31);
    Run run = Spawn(home.path, want.batches);
    std::string out;
    if (!from_spawn) Drain(run.out, out, Clock::now() + std::chrono::seconds(10), "R 0\n");
    Drain(run.out, out, Clock::now() + delay);
    ::kill(run.pid, SIGKILL);
    int status = 0;
    ::waitpid(run.pid, &status, 0);
    Drain(run.out, out, std::nullopt);
    ::close(run.out);
    if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      FAIL("the writer ended by itself (status " << status
                                                 << "): " << ReadFile(home.path / "writer.err"));
    }
    ++kills;
    Reported got = Parse(out);
    std::string problem = Verify(home.path, got, want);
    if (!problem.empty()) {
      FAIL("seed " << seed << ", after kill " << kills << " (" << delay.count() << " ms, "
                   << got.lines << " calls reported): " << problem);
    }
    if (got.lines > 0 || want.own + want.batches != before) ++mid_write;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "crash test: seed %llu, %d kills (%d while writing), %llu own ops and %llu remote batches "
      "written, %.1f s\n",
      static_cast<unsigned long long>(seed), kills, mid_write,
      static_cast<unsigned long long>(want.own), static_cast<unsigned long long>(want.batches),
      seconds);
  CHECK(kills >= 300);
  CHECK(want.own > 0);
}

}  // namespace cairn::testing
