// The store's mutex when the store is shared with another thread
// (ClientOptions::store_mu), else no lock. Private to sync/client.
#pragma once

#include <mutex>

#include "cairn/sync/client/client.h"

namespace cairn::sync {

inline std::unique_lock<std::mutex> StoreLock(const ClientOptions& o) {
  return o.store_mu ? std::unique_lock<std::mutex>(*o.store_mu) : std::unique_lock<std::mutex>();
}

}  // namespace cairn::sync
