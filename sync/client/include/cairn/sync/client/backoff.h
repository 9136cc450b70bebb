// Exponential backoff with full jitter: after the n-th failure in a row, wait a
// uniformly random time in [0, min(cap, base * 2^n)], so a classroom of devices
// that lost the server together does not come back in the same second.
// A server's Retry-After is a floor under that wait. Not thread-safe.
#pragma once

#include <cstdint>
#include <random>

namespace cairn::sync {

struct BackoffOptions {
  int64_t base_ms = 1'000;
  int64_t cap_ms = 5 * 60'000;
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions options = {}, uint64_t seed = std::random_device{}())
      : options_(options), rng_(seed) {}

  // The wait after one more failure; at least `retry_after_ms` (0: none given).
  int64_t NextDelayMs(int64_t retry_after_ms = 0);
  // After a success: the next failure waits like the first one.
  void Reset() { failures_ = 0; }
  int failures() const { return failures_; }

 private:
  BackoffOptions options_;
  std::mt19937_64 rng_;
  int failures_ = 0;
};

}  // namespace cairn::sync
