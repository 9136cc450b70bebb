// The crash test's victim: opens the store under $CAIRN_HOME and writes ops until
// it is killed. After each write call returns ok it reports it on stdout (a pipe
// to the test), one line per call, so the test knows exactly which calls returned:
//   S <seq>   Append returned our op number <seq>
//   B <k>     ApplyRemote stored remote batch <k> (crash_script.h)
// and "R 0" once the store is open, so the test can aim its kills past start-up.
//
// Usage: crash_writer NEXT_BATCH   (the first remote batch not yet stored)
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cairn/agent/store.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/paths.h"
#include "crash_script.h"

namespace {

[[noreturn]] void Die(const std::string& what, const cairn::Status& s) {
  std::fprintf(stderr, "crash_writer: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(2);
}

// One line in one write(2): a pipe write of at most PIPE_BUF bytes is atomic.
void Report(char tag, uint64_t n) {
  char line[32];
  int len = std::snprintf(line, sizeof line, "%c %llu\n", tag, static_cast<unsigned long long>(n));
  if (::write(1, line, static_cast<size_t>(len)) != len) std::exit(3);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace cairn;
  if (argc != 2) {
    std::fprintf(stderr, "usage: crash_writer NEXT_BATCH\n");
    return 2;
  }
  uint64_t batch = std::strtoull(argv[1], nullptr, 10);
  Result<Paths> paths = ResolvePaths();
  if (!paths.ok()) Die("paths", paths.status());
  if (Status s = CreateDirectories(*paths); !s.ok()) Die("directories", s);
  Result<Origin> self = LoadOrCreateOrigin(paths->data / "device-id");
  if (!self.ok()) Die("device id", self.status());
  StoreOptions options;
  options.path = paths->data / "cairn.db";
  Result<std::unique_ptr<Store>> opened = Store::Open(options);
  if (!opened.ok()) Die("open", opened.status());
  Store& store = **opened;
  if (!store.initialized()) {
    if (Status s = store.Initialize(*self, StoreMode::kStandalone); !s.ok()) Die("initialize", s);
  }
  Result<StoreStats> stats = store.Stats();
  if (!stats.ok()) Die("stats", stats.status());
  uint64_t seq = stats->own_ops;
  Report('R', 0);
  for (uint64_t i = 0; i < 1'000'000; ++i) {
    if (i % 7 == 6) {
      Result<ApplyStats> applied = store.ApplyRemote(testing::CrashRemoteBatch(batch));
      if (!applied.ok()) Die("apply batch " + std::to_string(batch), applied.status());
      Report('B', batch++);
      continue;
    }
    auto [kind, body] = testing::CrashOp(++seq);
    Result<OpId> id = store.Append(kind, body);
    if (!id.ok()) Die("append " + std::to_string(seq), id.status());
    if (id->seq != seq) {
      Die("append", Status::Corruption("got op number " + std::to_string(id->seq) + ", expected " +
                                       std::to_string(seq)));
    }
    Report('S', seq);
  }
  return 0;
}
