// Network facts that decide when and what a device syncs (DESIGN.md, "Sync
// protocol", "When"): is the school server reachable, is the link metered, and
// so what may go now. On metered links only ops sync; blobs and packs wait for
// an unmetered link.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/platform/config.h"
#include "cairn/platform/status.h"

namespace cairn {

enum class Metered { kUnknown, kYes, kNo };
// "unknown", "metered", "not metered".
std::string_view MeteredName(Metered metered);
// "metered"/"yes" and "unmetered"/"no" (for configuration); nullopt-like kUnknown otherwise.
Metered MeteredFromName(std::string_view name);

// Whether the link is metered, as NetworkManager says (its "Metered" property,
// read over the system D-Bus with sd-bus; its guesses count as answers).
// kUnknown when there is no system bus (containers, Crostini without
// NetworkManager), no NetworkManager, or it does not know. `timeout_ms` bounds
// the D-Bus call. Thread-safe (each call opens its own bus connection).
Metered NetworkManagerMetered(int timeout_ms = 500);

// The host and port of an http(s) URL ("https://school.example:8443/x" ->
// "school.example", 8443; 443 or 80 by default). kInvalidArgument otherwise.
struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> HostPortOfUrl(std::string_view url);

// Whether a TCP connection to `url`'s host and port opens within `timeout_ms`
// (name resolution included). Cheap: no TLS, nothing sent.
bool ProbeReachable(std::string_view url, int timeout_ms = 2000);

// What the admin decided: how to treat links whose metered state is unknown, and
// when in the day a device may sync.
struct NetworkPolicy {
  Metered unknown_is = Metered::kNo;
  // The daily sync window in minutes after local midnight, [start, end), past
  // midnight when end < start; nullopt: always.
  std::optional<std::pair<int, int>> window;
  std::string window_text;  // as configured ("07:30-16:00"), for messages
};

// The policy in the configuration: network.metered_default ("true": unknown
// links are metered) and sync.window.
NetworkPolicy NetworkPolicyFrom(const Config& config);

// "" when `minute_of_day` (minutes after local midnight) is inside the policy's
// sync window, else why not and when the window opens, for people.
std::string OutsideSyncWindow(const NetworkPolicy& policy, int minute_of_day);

// Minutes after local midnight (the TZ environment, else the system's zone) at
// `unix_ms`.
int LocalMinuteOfDay(int64_t unix_ms);

struct SyncAllowance {
  bool ops = false;    // op push/pull may run
  bool blobs = false;  // blobs and content packs may transfer
  Metered metered = Metered::kUnknown;  // the state the decision used
  std::string reason;  // for people: why, when something waits
};

// The decision, from the probe and the metered state. Pure.
SyncAllowance DecideSync(bool reachable, Metered state, const NetworkPolicy& policy);

}  // namespace cairn
