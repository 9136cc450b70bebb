#include "cairn/sync/client/backoff.h"

#include <algorithm>

namespace cairn::sync {

int64_t Backoff::NextDelayMs(int64_t retry_after_ms) {
  // base * 2^n without overflow: stop doubling once past the cap.
  int64_t ceiling = std::max<int64_t>(options_.base_ms, 1);
  for (int i = 0; i < failures_ && ceiling < options_.cap_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, options_.cap_ms);
  ++failures_;
  std::uniform_int_distribution<int64_t> jitter(0, std::max<int64_t>(ceiling, 0));
  return std::max(jitter(rng_), retry_after_ms);
}

}  // namespace cairn::sync
