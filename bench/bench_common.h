// What the benchmarks share: a scratch directory, timing, figures, the synthetic
// attempts they record, and the bare-SQLite baseline they are measured against.
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/store.h"

namespace cairn::bench {

// A fresh directory under $TMPDIR, removed on destruction (kept, and its path
// printed, when CAIRN_BENCH_KEEP is set: to look at what a benchmark built).
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline double NowMicros() {
  using namespace std::chrono;
  return duration<double, std::micro>(steady_clock::now().time_since_epoch()).count();
}

double Median(std::vector<double> values);

// Prints `METRIC <name> <value> <unit>` and flushes.
void Metric(std::string_view name, double value, std::string_view unit);

// Fails the benchmark with a message (exit 1).
[[noreturn]] void Die(std::string_view what);

// --- Child processes (a cairn-server, cairnctl, a link emulator) ------------

std::string ReadFile(const std::filesystem::path& file);

// Runs argv (argv[0] a path) in a child: standard input /dev/null, its output
// and errors to `log`. `in_child`, when given, runs in the child before the
// program (entering a network namespace, setting the environment); false ends
// the child with status 126.
pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& log,
            const std::function<bool()>& in_child = {});

// Waits for the child to end: its exit status, or -1 when it did not exit.
int WaitExit(pid_t pid);

// Waits until `log` holds `marker` and returns its text; dies (with the log)
// when the child `pid` ends first or `timeout_s` passes. `what` names it.
std::string WaitForOutput(pid_t pid, const std::filesystem::path& log, std::string_view marker,
                          std::string_view what, double timeout_s);

// SIGTERM, then SIGKILL when the child has not ended within `grace_s` (a
// server still working through requests nobody waits for): its exit status.
int StopProcess(pid_t pid, double grace_s);

// A new standalone store at `file` (dies on error).
std::unique_ptr<Store> OpenStore(const std::filesystem::path& file, bool synchronous_full);

// The floor under every read of a class's evidence: the evidence rows of the
// store file at `file` stepped through with bare SQLite (a read-only connection
// of its own), every column touched, nothing decoded. Milliseconds.
double BareEvidenceScanMs(const std::filesystem::path& file);

// A realistic attempt: a learner of a class of 30 (UUID ids), an item of a 200-item
// pack, its lesson, a short response, correctness, time and hints.
struct Attempt {
  std::string learner, item, lesson, response;
  bool correct = false;
  int64_t duration_ms = 0;
  int64_t hints = 0;
};

class AttemptGenerator {
 public:
  explicit AttemptGenerator(uint32_t seed);
  Attempt Next();
  static nlohmann::json Body(const Attempt& a);

 private:
  std::mt19937 rng_;
  std::vector<std::string> learners_;
};

// The baseline: the same attempt row inserted into a plain SQLite table with
// the same journal and synchronous settings, through a cached prepared statement.
class BareTable {
 public:
  BareTable(const std::filesystem::path& file, bool synchronous_full);
  ~BareTable();
  void Begin();
  void Insert(const Attempt& a, int64_t seq, uint64_t hlc);
  void Commit();
  // Checkpoints the WAL into the file and returns the file's size in bytes.
  uint64_t CheckpointedBytes();

 private:
  void Exec(const char* sql);
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::filesystem::path file_;
};

}  // namespace cairn::bench
