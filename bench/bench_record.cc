// record: what a learner waits for when an answer is recorded. One attempt through
// the agent (validate, append the op, materialize, commit) against a bare SQLite
// insert of the same row in its own transaction, same file system, same journal
// and synchronous settings. Blocks of each alternate so drift on a shared machine
// hits both alike.
#include <memory>
#include <string>

#include "bench_common.h"
#include "cairn/agent/store.h"

namespace cairn::bench {
namespace {

struct Figures {
  double agent_us, bare_us;
};

Figures Run(bool full, int blocks, int per_block) {
  ScratchDir dir(full ? "record-full" : "record-normal");
  std::unique_ptr<Store> store = OpenStore(dir.path() / "store.db", full);
  BareTable bare(dir.path() / "bare.db", full);
  AttemptGenerator gen(42);

  std::vector<double> agent, baseline;
  int64_t seq = 0;
  for (int b = 0; b < blocks + 1; ++b) {  // block 0 warms caches and is dropped
    for (int i = 0; i < per_block; ++i) {
      nlohmann::json body = AttemptGenerator::Body(gen.Next());
      double t0 = NowMicros();
      Result<OpId> id = store->Append("attempt", body);
      double t1 = NowMicros();
      if (!id.ok()) Die(id.status().ToString());
      if (b > 0) agent.push_back(t1 - t0);
    }
    for (int i = 0; i < per_block; ++i) {
      Attempt a = gen.Next();
      ++seq;
      double t0 = NowMicros();
      bare.Begin();
      bare.Insert(a, seq, static_cast<uint64_t>(seq));
      bare.Commit();
      double t1 = NowMicros();
      if (b > 0) baseline.push_back(t1 - t0);
    }
  }
  return {Median(agent), Median(baseline)};
}

}  // namespace
}  // namespace cairn::bench

int main() {
  using namespace cairn::bench;
  Figures full = Run(true, 6, 200);
  Metric("record_full_agent_median", full.agent_us, "us");
  Metric("record_full_bare_median", full.bare_us, "us");
  Metric("record_full_ratio", full.agent_us / full.bare_us, "x");
  Figures normal = Run(false, 10, 1000);
  Metric("record_normal_agent_median", normal.agent_us, "us");
  Metric("record_normal_bare_median", normal.bare_us, "us");
  Metric("record_normal_ratio", normal.agent_us / normal.bare_us, "x");
  return 0;
}
