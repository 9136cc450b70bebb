// The pieces of a device's identity that an image must not carry, shared by
// `prepare-image` and `doctor`.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "cairn/platform/paths.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/sync_record.h"
#include "session.h"

namespace cairn::cli {

// Removes the sync record (with its temp file, if a crash left one) and replaces
// the stored machine fingerprint with the prepared-image marker, so the next start
// on any machine takes a new device id and re-enrolls. Appends what it removed (or,
// with `dry_run`, would remove) to `removed`. The store and the token stay.
Status RemoveDeviceIdentity(const Paths& paths, bool dry_run,
                            std::vector<std::filesystem::path>& removed);

// Compares the machine's fingerprint with the one stored beside the store. When
// they differ (a cloned disk, a restored backup, a prepared image): a new random
// origin for the store (ops already stored keep theirs), the device-id file, the
// sync record removed (its credential and cursors were the old device's; the
// next `cairnctl sync` enrolls again with the token), the new fingerprint
// stored, and session.identity_note says so. Without a machine id nothing can be
// compared: nothing happens (doctor reports it).
Status RenewIdentityIfMoved(Session& session);

// A device store without a sync record (new from an image, or just renewed)
// enrolls by itself with the token in `enrollment_token_file` (configuration),
// under the store's own origin, and saves the record. nullopt when there is no
// token or the store is not an enrolled device's; kUnavailable when the server
// cannot be reached.
Result<std::optional<sync::SyncRecord>> EnrollFromToken(Session& session);

// What IT should clear outside Cairn before capturing the image.
extern const char kImageChecklist[];

}  // namespace cairn::cli
