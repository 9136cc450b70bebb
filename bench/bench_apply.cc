// apply: a device receiving 100,000 ops from the server in batches of 1,000
// (ApplyRemote: validate, store, materialize, one transaction per batch) against
// bare SQLite inserting the same rows in the same batches. The ops are built
// before the clock starts: decoding the wire format is sync's cost, not the store's.
#include <memory>

#include "bench_common.h"
#include "cairn/agent/store.h"

namespace cairn::bench {
namespace {

constexpr int kOps = 100'000;
constexpr int kBatch = 1'000;

// Mostly evidence, as in a school's log, with a share of profile edits
// (last-writer-wins registers) when `mixed`.
std::vector<std::vector<Op>> MakeBatches(AttemptGenerator& gen, std::vector<Attempt>& rows,
                                         bool mixed) {
  Origin remote = Origin::Random();
  std::vector<std::vector<Op>> batches(kOps / kBatch);
  for (int i = 0; i < kOps; ++i) {
    Attempt a = gen.Next();
    Op op{remote, static_cast<uint64_t>(i + 1), MakeHlc(1'790'000'000'000 + i, 0), "attempt",
          AttemptGenerator::Body(a)};
    if (mixed && i % 10 == 9) {
      op.kind = "profile";
      op.body = {{"learner", a.learner}, {"interests", {"maps", a.item}}};
    }
    batches[static_cast<size_t>(i / kBatch)].push_back(std::move(op));
    rows.push_back(std::move(a));
  }
  return batches;
}

double ApplyOpsPerSecond(const std::vector<std::vector<Op>>& batches, bool full) {
  ScratchDir dir("apply");
  std::unique_ptr<Store> store = OpenStore(dir.path() / "store.db", full);
  double t0 = NowMicros();
  for (const std::vector<Op>& batch : batches) {
    Result<ApplyStats> stats = store->ApplyRemote(batch);
    if (!stats.ok()) Die(stats.status().ToString());
    if (stats->applied != batch.size()) Die("ops were skipped");
  }
  return kOps / ((NowMicros() - t0) / 1e6);
}

double BareRowsPerSecond(const std::vector<Attempt>& rows, bool full) {
  ScratchDir dir("apply-bare");
  BareTable bare(dir.path() / "bare.db", full);
  double t0 = NowMicros();
  for (size_t i = 0; i < rows.size(); i += kBatch) {
    bare.Begin();
    for (size_t j = i; j < i + kBatch; ++j) {
      bare.Insert(rows[j], static_cast<int64_t>(j + 1), j + 1);
    }
    bare.Commit();
  }
  return static_cast<double>(rows.size()) / ((NowMicros() - t0) / 1e6);
}

}  // namespace
}  // namespace cairn::bench

int main() {
  using namespace cairn::bench;
  AttemptGenerator gen(7);
  std::vector<Attempt> rows, mixed_rows;
  auto attempts = MakeBatches(gen, rows, false);
  auto mixed = MakeBatches(gen, mixed_rows, true);
  double bare = BareRowsPerSecond(rows, true);
  double agent = ApplyOpsPerSecond(attempts, true);
  double agent_mixed = ApplyOpsPerSecond(mixed, true);
  Metric("apply_agent_attempts", agent, "ops/s");
  Metric("apply_agent_mixed", agent_mixed, "ops/s");
  Metric("apply_bare", bare, "rows/s");
  Metric("apply_ratio_bare_over_agent", bare / agent, "x");
  return 0;
}
