// storage: bytes on disk per attempt after 100,000 attempts, indexes included
// (the op log is the evidence table; ids are stored as small local numbers),
// beside a bare table holding the same rows as plain columns with no index.
#include <memory>

#include "bench_common.h"
#include "cairn/agent/store.h"

int main() {
  using namespace cairn;
  using namespace cairn::bench;
  constexpr int kAttempts = 100'000;
  ScratchDir dir("storage");
  AttemptGenerator gen(3);
  std::vector<Attempt> rows;
  rows.reserve(kAttempts);
  for (int i = 0; i < kAttempts; ++i) rows.push_back(gen.Next());

  std::filesystem::path file = dir.path() / "store.db";
  {
    // NORMAL: the size does not depend on it; the time to fill does.
    std::unique_ptr<Store> store = OpenStore(file, false);
    for (const Attempt& a : rows) {
      Result<OpId> id = store->Append("attempt", AttemptGenerator::Body(a));
      if (!id.ok()) Die(id.status().ToString());
    }
  }  // closing the last connection checkpoints the WAL into the file
  uint64_t agent_bytes = std::filesystem::file_size(file);

  BareTable bare(dir.path() / "bare.db", false);
  bare.Begin();
  for (size_t i = 0; i < rows.size(); ++i) bare.Insert(rows[i], static_cast<int64_t>(i + 1), i + 1);
  bare.Commit();
  uint64_t bare_bytes = bare.CheckpointedBytes();

  Metric("storage_agent_bytes_per_attempt", static_cast<double>(agent_bytes) / kAttempts, "B");
  Metric("storage_bare_bytes_per_attempt", static_cast<double>(bare_bytes) / kAttempts, "B");
  Metric("storage_ratio", static_cast<double>(agent_bytes) / static_cast<double>(bare_bytes), "x");
  return 0;
}
