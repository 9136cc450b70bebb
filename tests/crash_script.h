// What the crash writer (crash_writer.cc) writes, as a function of the op's
// number, so the crash test can check every surviving op's content, not only
// that it exists.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cairn/agent/hlc.h"
#include "cairn/agent/op.h"

namespace cairn::testing {

// Remote ops arrive in batches of this many; a batch is stored whole or not at all.
constexpr uint64_t kCrashBatchOps = 16;

inline std::string CrashLearner(uint64_t seq) { return "learner-" + std::to_string(seq % 5); }

// The writer's own op number `seq`: every third a profile edit (a last-writer-wins
// register), the rest attempts (grow-only evidence).
inline std::pair<std::string, nlohmann::json> CrashOp(uint64_t seq) {
  if (seq % 3 == 0) {
    return {"profile",
            {{"learner", CrashLearner(seq)},
             {"about", "edit " + std::to_string(seq)},
             {"interests", {"topic-" + std::to_string(seq % 7)}}}};
  }
  return {"attempt",
          {{"learner", CrashLearner(seq)},
           {"item", "item-" + std::to_string(seq)},
           {"correct", seq % 2 == 0},
           {"score", static_cast<double>(seq % 7) / 6},
           {"duration_ms", seq * 10 % 86'400'000},
           {"hints", seq % 4}}};
}

// The other device whose ops the writer receives.
inline Origin CrashPeer() {
  Origin o;
  o.bytes.fill(0x42);
  return o;
}

// Remote batch number `k` (from 0): the peer's ops 16k+1 .. 16k+16.
inline std::vector<Op> CrashRemoteBatch(uint64_t k) {
  std::vector<Op> ops;
  for (uint64_t i = 1; i <= kCrashBatchOps; ++i) {
    uint64_t seq = k * kCrashBatchOps + i;
    ops.push_back({CrashPeer(),
                   seq,
                   MakeHlc(1'790'000'000'000 + static_cast<int64_t>(seq), 0),
                   "attempt",
                   {{"learner", CrashLearner(seq)},
                    {"item", "peer-item-" + std::to_string(seq)},
                    {"correct", true}}});
  }
  return ops;
}

}  // namespace cairn::testing
