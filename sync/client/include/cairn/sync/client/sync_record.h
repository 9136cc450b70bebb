// What a device keeps about its school server, all in ONE file
// ($CAIRN_HOME/data/sync.json, mode 0600): who the server is (URL, public-key
// pin, its origin), who the device is to it (device label, credential, role,
// classes), and how far sync got (push acked seq, pull cursor, last sync and
// last error). One place, so that preparing an image removes identity,
// credential and cursors together, and nothing else holds the credential.
// The credential is never logged or printed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"

namespace cairn::sync {

// A learner who joined one of the device's classes after its pull cursor had
// passed their history: their ops in (after, upto] are fetched by themselves
// (PROTOCOL.md, "Back-fill"). Kept until done, so a cut resumes it.
struct Backfill {
  std::string learner;
  uint64_t after = 0;  // back-fill cursor, as the pull cursor
  uint64_t upto = 0;   // the pull cursor when the learner's enrollment arrived
};

struct SyncRecord {
  // --- The server and the device's enrollment --------------------------------
  std::string server_url;  // "https://school.example:8443"
  std::string pin;         // 32 raw bytes: SHA-256 of the server's SPKI ("" for http)
  Origin server_origin;
  std::string device;      // the server's label for this device, "d7"
  std::string credential;  // the bearer secret: never log it
  std::string role;        // "student-device" | "teacher-device"
  std::vector<std::string> classes;
  int64_t enrolled_ms = 0;

  // --- Progress ----------------------------------------------------------------
  uint64_t acked = 0;   // the highest own seq the server has confirmed
  uint64_t cursor = 0;  // pull cursor: opaque, the server's commit order
  // The op the server said is at `cursor` ("at"), sent back with it ("check"):
  // a server restored from a backup answers cursor_unknown, and the device reads
  // again from the start (PROTOCOL.md, "Pull").
  std::string cursor_check;
  // Blobs (the store's commit order, Store::BlobRefsAfter): the files our own ops
  // name up to here are on the server; the files any op names up to here are on
  // this device (or can never be: see PROTOCOL.md, "Blobs").
  uint64_t blobs_sent_cursor = 0;
  uint64_t blobs_fetched_cursor = 0;
  std::vector<Backfill> backfill;  // learners whose history is still to fetch
  int64_t last_sync_ms = 0;     // the last sync that sent and pulled everything
  int64_t last_attempt_ms = 0;  // the last sync started
  std::string last_error;       // the last attempt's problem, for people; "" when it went well
  // The server's error code when it last answered with a refusal
  // (sync::kUnknownDevice, ...); "" when its last answer was yes. Kept through
  // attempts that reached no server: `cairnctl enroll` may replace a record
  // whose credential the server said it does not know.
  std::string last_server_error;
};

// "$data/sync.json".
std::filesystem::path SyncRecordFile(const std::filesystem::path& data_dir);

// The record in `file`; nullopt when the file does not exist (not enrolled).
// kCorruption (naming the file) when it exists but is not a sync record.
Result<std::optional<SyncRecord>> LoadSyncRecord(const std::filesystem::path& file);

// Writes the record atomically (temp file, fsync, rename), mode 0600.
Status SaveSyncRecord(const std::filesystem::path& file, const SyncRecord& record);

// The pin as people compare it: "SHA256:" and colon-separated hex pairs.
std::string PinFingerprint(const std::string& pin);

}  // namespace cairn::sync
