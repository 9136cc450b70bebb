#include "bench_common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include "cairn/platform/origin.h"

namespace cairn::bench {

ScratchDir::ScratchDir(std::string_view name) {
  const char* tmp = std::getenv("TMPDIR");
  path_ = std::filesystem::path(tmp && *tmp ? tmp : "/tmp") /
          ("cairn-bench-" + std::string(name) + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  if (const char* keep = std::getenv("CAIRN_BENCH_KEEP"); keep && *keep) {
    std::fprintf(stderr, "kept %s (CAIRN_BENCH_KEEP)\n", path_.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

void Metric(std::string_view name, double value, std::string_view unit) {
  std::printf("METRIC %.*s %.4g %.*s\n", static_cast<int>(name.size()), name.data(), value,
              static_cast<int>(unit.size()), unit.data());
  std::fflush(stdout);
}

void Die(std::string_view what) {
  std::fprintf(stderr, "benchmark failed: %.*s\n", static_cast<int>(what.size()), what.data());
  std::exit(1);
}

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
            const std::function<bool()>& in_child) {
  pid_t pid = fork();
  if (pid < 0) Die("fork failed");
  if (pid > 0) return pid;
  if (in_child && !in_child()) _exit(126);
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  dup2(null, 0);
  dup2(out, 1);
  dup2(out, 2);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int WaitExit(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string WaitForOutput(pid_t pid, const std::filesystem::path& log, std::string_view marker,
                          std::string_view what, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (true) {
    std::string text = ReadFile(log);
    if (text.find(marker) != std::string::npos) return text;
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      Die(std::string(what) + " ended before it was ready:\n" + text);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Die(std::string(what) + " was not ready within " + std::to_string(timeout_s) + " s:\n" +
          text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int StopProcess(pid_t pid, double grace_s) {
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(grace_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::fprintf(stderr, "process %d did not stop within %.0f s of SIGTERM; killed\n",
               static_cast<int>(pid), grace_s);
  kill(pid, SIGKILL);
  return WaitExit(pid);
}

std::unique_ptr<Store> OpenStore(const std::filesystem::path& file, bool synchronous_full) {
  StoreOptions options;
  options.path = file;
  options.synchronous_full = synchronous_full;
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) Die(store.status().ToString());
  Status init = (*store)->Initialize(Origin::Random(), StoreMode::kStandalone);
  if (!init.ok()) Die(init.ToString());
  return std::move(store).value();
}

AttemptGenerator::AttemptGenerator(uint32_t seed) : rng_(seed) {
  for (int i = 0; i < 30; ++i) {
    // UUID-shaped learner ids, as the school server issues them.
    std::string hex = Origin::Random().Hex();
    learners_.push_back(hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-4" + hex.substr(13, 3) +
                        "-a" + hex.substr(17, 3) + "-" + hex.substr(20, 12));
  }
}

Attempt AttemptGenerator::Next() {
  Attempt a;
  a.learner = learners_[rng_() % learners_.size()];
  unsigned item = rng_() % 200;
  char buf[48];
  std::snprintf(buf, sizeof buf, "frac.l%02u.i%02u", item / 10, item % 10);
  a.item = buf;
  std::snprintf(buf, sizeof buf, "frac.l%02u", item / 10);
  a.lesson = buf;
  std::snprintf(buf, sizeof buf, "%u/%u", static_cast<unsigned>(1 + rng_() % 9),
                static_cast<unsigned>(2 + rng_() % 10));
  a.response = buf;
  a.correct = rng_() % 3 != 0;
  a.duration_ms = 2000 + rng_() % 60000;
  a.hints = rng_() % 4 == 0 ? 1 : 0;
  return a;
}

nlohmann::json AttemptGenerator::Body(const Attempt& a) {
  return {{"learner", a.learner},   {"item", a.item},       {"lesson", a.lesson},
          {"response", a.response}, {"correct", a.correct}, {"duration_ms", a.duration_ms},
          {"hints", a.hints}};
}

BareTable::BareTable(const std::filesystem::path& file, bool synchronous_full) : file_(file) {
  if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) Die("cannot open " + file.string());
  Exec("PRAGMA journal_mode=WAL");
  Exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
  Exec(
      "CREATE TABLE attempt(id INTEGER PRIMARY KEY, seq INTEGER, hlc INTEGER, learner TEXT, "
      "item TEXT, lesson TEXT, response TEXT, correct INTEGER, duration_ms INTEGER, "
      "hints INTEGER)");
  const char* sql =
      "INSERT INTO attempt(seq, hlc, learner, item, lesson, response, correct, duration_ms, "
      "hints) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
  if (sqlite3_prepare_v2(db_, sql, -1, &insert_, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db_));
}

BareTable::~BareTable() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

void BareTable::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "?";
    sqlite3_free(err);
    Die(msg);
  }
}

void BareTable::Begin() { Exec("BEGIN IMMEDIATE"); }
void BareTable::Commit() { Exec("COMMIT"); }

void BareTable::Insert(const Attempt& a, int64_t seq, uint64_t hlc) {
  sqlite3_bind_int64(insert_, 1, seq);
  sqlite3_bind_int64(insert_, 2, static_cast<int64_t>(hlc));
  sqlite3_bind_text(insert_, 3, a.learner.data(), static_cast<int>(a.learner.size()),
                    SQLITE_STATIC);
  sqlite3_bind_text(insert_, 4, a.item.data(), static_cast<int>(a.item.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 5, a.lesson.data(), static_cast<int>(a.lesson.size()), SQLITE_STATIC);
  sqlite3_bind_text(insert_, 6, a.response.data(), static_cast<int>(a.response.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int(insert_, 7, a.correct ? 1 : 0);
  sqlite3_bind_int64(insert_, 8, a.duration_ms);
  sqlite3_bind_int64(insert_, 9, a.hints);
  if (sqlite3_step(insert_) != SQLITE_DONE) Die(sqlite3_errmsg(db_));
  sqlite3_reset(insert_);
}

uint64_t BareTable::CheckpointedBytes() {
  Exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return std::filesystem::file_size(file_);
}

double BareEvidenceScanMs(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    Die("cannot open " + file.string());
  }
  sqlite3_stmt* st = nullptr;
  const char* sql =
      "SELECT origin, seq, hlc, kind, subject, body, EXISTS(SELECT 1 FROM retraction r "
      "WHERE r.origin = op.origin AND r.seq = op.seq) FROM op WHERE kind >= 40";
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  double start = NowMicros();
  int64_t sum = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < 5; ++c) sum += sqlite3_column_int64(st, c);
    sum += sqlite3_column_bytes(st, 5) + sqlite3_column_int(st, 6);
  }
  double ms = (NowMicros() - start) / 1000;
  sqlite3_finalize(st);
  sqlite3_close(db);
  if (sum == 0) Die("the bare evidence scan read nothing");
  return ms;
}

}  // namespace cairn::bench
