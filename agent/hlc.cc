#include "cairn/agent/hlc.h"

#include <algorithm>

namespace cairn {

Hlc HybridClock::Now() {
  int64_t wall = std::max<int64_t>(wall_->NowMillis(), 0);
  Hlc candidate = MakeHlc(wall, 0);
  // Counter overflow rolls into the millisecond part, which keeps order.
  last_ = std::max(candidate, last_ + 1);
  return last_;
}

void HybridClock::Observe(Hlc remote) {
  Hlc ceiling = MakeHlc(std::max<int64_t>(wall_->NowMillis(), 0) + kMaxForwardDriftMillis, 0);
  last_ = std::max(last_, std::min(remote, ceiling));
}

void HybridClock::ObserveTrusted(Hlc server) { last_ = std::max(last_, std::min(server, kMaxHlc)); }

}  // namespace cairn
