// A hybrid logical clock: 48 bits of Unix milliseconds, 16 bits of counter.
// Stamps from one HybridClock strictly increase, even when the wall clock steps
// back, and stay close to wall time so they order edits the way people expect.
#pragma once

#include <cstdint>

#include "cairn/platform/clock.h"

namespace cairn {

using Hlc = uint64_t;

constexpr Hlc MakeHlc(int64_t millis, uint16_t counter) {
  return (static_cast<uint64_t>(millis) << 16) | counter;
}
constexpr int64_t HlcMillis(Hlc h) { return static_cast<int64_t>(h >> 16); }
constexpr uint16_t HlcCounter(Hlc h) { return static_cast<uint16_t>(h & 0xffff); }
constexpr Hlc kMaxHlc = (uint64_t{1} << 63) - 1;  // fits SQLite's signed INTEGER

// Not thread-safe; owned by the store's writer.
class HybridClock {
 public:
  // A device whose wall clock is far behind must not drag others back, and one far
  // ahead must not drag everyone forward: stamps observed from other replicas move
  // this clock at most this far past our own wall time.
  static constexpr int64_t kMaxForwardDriftMillis = 60 * 60 * 1000;

  explicit HybridClock(const Clock& wall, Hlc last = 0) : wall_(&wall), last_(last) {}

  // A stamp greater than every stamp this clock issued or observed.
  Hlc Now();
  // Takes a stamp seen on another replica's op into account (clamped, see above).
  void Observe(Hlc remote);
  // Takes the school server's clock as truth: no clamp. The server is the one
  // clock a device trusts (DESIGN.md).
  void ObserveTrusted(Hlc server);

  Hlc last() const { return last_; }

 private:
  const Clock* wall_;
  Hlc last_;
};

}  // namespace cairn
