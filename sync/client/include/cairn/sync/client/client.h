// The device's sync client (sync/PROTOCOL.md, "Client behaviour"): enrolls the
// device with a token or a join code, then syncs its store with the school
// server — push its own ops, then pull what its scope holds — over one reused
// libcurl connection.
//
// Thread safety: a Store is not thread-safe. Without `store_mu` a sync uses the
// Store it is given on the calling thread only; with it, the store may be shared
// with other threads (the desktop client's UI thread) that hold `store_mu`
// whenever they use it. `state` and `cancel` may be shared with other threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>

#include "cairn/agent/blob_store.h"
#include "cairn/agent/store.h"
#include "cairn/platform/clock.h"
#include "cairn/platform/config.h"
#include "cairn/platform/network.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/sync_record.h"
#include "cairn/sync/client/sync_state.h"

namespace cairn::sync {

struct ClientOptions {
  size_t push_batch_ops = 500;          // ops in one push request, at most
  size_t push_batch_bytes = 1 << 20;    // its compressed body, at most
  size_t pull_page_ops = 1000;          // ops asked for in one pull request
  int64_t max_send_bytes_per_s = 0;     // rate caps; 0 = none
  int64_t max_recv_bytes_per_s = 0;
  int64_t low_speed_bytes_per_s = 10;   // a transfer slower than this ...
  int64_t low_speed_time_s = 30;        // ... for this long is abandoned
  int64_t connect_timeout_ms = 10'000;
  // This machine's fingerprint (platform/fingerprint.h), sent when enrolling and
  // with every request: the server binds the credential to it and refuses it
  // from another machine (PROTOCOL.md). "" sends none.
  std::string device_fingerprint;
  const Clock* clock = &SystemClock();
  SyncStateBox* state = nullptr;             // updated as the sync goes, when set
  const std::atomic<bool>* cancel = nullptr;  // set: stop at once (transfer aborted)
  // Blobs (PROTOCOL.md, "Blobs"): after the ops, the files our ops name go up and
  // the files other ops name come down. nullptr: no blob transfer.
  BlobStore* blobs = nullptr;
  // False on a metered link (platform/network.h, SyncAllowance::blobs): ops sync,
  // files wait.
  bool blobs_allowed = true;
  // Bytes of one upload request: a cut connection loses at most this much.
  size_t blob_chunk_bytes = 512 * 1024;
  // Set when other threads use the store too: held around each store step (read
  // the ops to push, apply one pulled page, observe a clock, list the files to
  // move, count what waits), never across network I/O, so those threads never
  // wait on the network.
  std::mutex* store_mu = nullptr;
};

// How a sync or enrollment ended, as a caller acts on it.
enum class SyncOutcome {
  kDone,         // everything sent and pulled (or enrolled)
  kUnreachable,  // no answer from the server: nothing lost, try later
  kRetryLater,   // the server asked to wait (429/503) or failed (5xx)
  kRefused,      // the server or the pin refused: retrying will not help
  kCancelled,    // stopped through `cancel`
};

struct SyncReport {
  SyncOutcome outcome = SyncOutcome::kDone;
  std::string message;  // for people: what happened, and what to do
  int64_t retry_after_ms = 0;  // the server's Retry-After, when it gave one
  bool waiting_for_window = false;  // outside sync.window: nothing was tried (DeviceSyncRound)
  size_t pushed = 0;    // own ops the server newly acknowledged in this sync
  size_t pulled = 0;    // ops received
  size_t applied = 0;   // of those, new to this store
  size_t requests = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t pending_ops = 0;  // own ops still not acknowledged afterwards
  // The server's error code when it refused ("revoked_device",
  // sync::kFingerprintMismatch, ...); "" otherwise.
  std::string server_error;
  size_t blobs_sent = 0;      // files uploaded whole in this sync
  size_t blobs_received = 0;  // files downloaded whole (and checked) in this sync
  uint64_t pending_blobs = 0; // files of our ops not yet on the server, afterwards
  uint64_t missing_blobs = 0; // files other ops name, not here yet (not uploaded by their device)
  bool blobs_waited = false;  // the link was metered: no file moved
  std::string blobs_wait_reason;  // why (SyncRound), for people
  // Ops pushed and pulled (`outcome`); files are not part of ok().
  bool ok() const { return outcome == SyncOutcome::kDone; }
  // Everything this device has was sent: ops and files.
  bool all_sent() const { return ok() && pending_blobs == 0; }
};

// What the person typed to enroll.
struct EnrollRequest {
  std::string token_or_code;  // "cairn1.…" or a join code "K7QM-2XPD"
  std::string server_url;     // needed with a join code; ignored with a token
  std::string name;           // the device's name for people (hostname)
};

// The message shown when the server cannot be reached.
inline constexpr std::string_view kOfflineMessage =
    "saved on this device; will sync when the school network is back";

// Enrolls `origin` (the device's store origin) with the server. On success the
// returned record holds everything needed to sync; the caller saves it with
// SaveSyncRecord. With a join code the server's pin is trusted on first use and
// returned in the record. A malformed token or code is kInvalidArgument; a
// refusal (unknown, expired or revoked token, wrong pin) kFailedPrecondition;
// an unreachable server kIoError with kOfflineMessage's explanation. When the
// server refused, `server_error` (if set) gets its error code (kOriginTaken,
// "unknown_token", ...); else it is cleared.
Result<SyncRecord> Enroll(const EnrollRequest& request, const Origin& origin,
                          const ClientOptions& options = {}, std::string* server_error = nullptr);

// One sync of `store` (an enrolled device store) with the server in `record`:
// push own ops after record.acked in bounded batches, then pull pages after
// record.cursor, applying each in one transaction. After every acknowledged batch
// and every committed page, `record` is updated and `save` called with it, so an
// interrupted sync resumes exactly where it stopped (a page applied but not yet
// saved is pulled again, and applying it again changes nothing).
// The server's clock is applied to the store's HLC on every answer.
SyncReport Sync(Store& store, SyncRecord& record,
                const std::function<Status(const SyncRecord&)>& save,
                const ClientOptions& options = {});

// Own ops not yet acknowledged by the server. The caller holds the store's mutex
// when it shares the store with another thread.
uint64_t PendingOps(const Store& store, const SyncRecord& record);
// Files our own ops name that the server does not have yet (as far as we know).
uint64_t PendingBlobs(const Store& store, const SyncRecord& record);
// Files the ops here name that are not in `blobs` yet.
uint64_t MissingBlobs(const Store& store, const BlobStore& blobs, const SyncRecord& record);

// One round as a device runs it (`cairnctl sync`, the desktop client's sync
// thread): on a link where `policy` keeps ops waiting (metered) it is reported
// kUnreachable without a connection (the attempt is noted in the record and in
// options.state); otherwise Sync, with `record` saved to `record_file` as it goes.
SyncReport SyncRound(Store& store, SyncRecord& record, const std::filesystem::path& record_file,
                     const NetworkPolicy& policy, const ClientOptions& options = {});

// The options IT set in the configuration (installers/README.md): the rate caps
// network.max_send_rate and network.max_recv_rate; the rest as ClientOptions{}.
ClientOptions ClientOptionsFrom(const Config& config);

// What the server in `record` says to this device, for `cairnctl doctor`: one
// GET /v1/clock over TLS with the record's pin and credential. Changes nothing
// on the device (its clock is not moved).
struct ServerCheck {
  SyncOutcome outcome = SyncOutcome::kDone;  // kDone: reachable, pin and credential good
  std::string message;                       // why not, for people (as SyncReport::message)
  std::string server_error;                  // the server's error code when it refused
  bool pin_mismatch = false;                 // TLS worked, but with a key other than the pinned one
  int64_t skew_ms = 0;                       // this device's wall clock minus the server's
  int64_t round_trip_ms = 0;
};
ServerCheck CheckServer(Store& store, const SyncRecord& record, const ClientOptions& options = {});

}  // namespace cairn::sync
