#include "cairn/sync/wire.h"

namespace cairn::sync {

nlohmann::json PushAckJson(uint64_t acked, uint64_t clock) {
  return {{"acked", acked}, {"clock", clock}};
}

}  // namespace cairn::sync
