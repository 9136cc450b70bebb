// A device's identity beside its store, shared by cairnctl and the app: which
// machine the store last ran on, the device id file, the sync record, and
// enrolling again with IT's token (DESIGN.md, "Device identity and imaging").
//
// A device's data directory holds:
//   cairn.db             the store (its origin is the truth)
//   device-id            the store's origin in hex, for people and scripts
//   machine-fingerprint  the machine the store last ran on (platform/fingerprint.h)
//   sync.json            the credential, the server's pin and the cursors
//
// Not thread-safe: call from the thread that owns the Store.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/store.h"
#include "cairn/platform/fingerprint.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/sync_record.h"

namespace cairn::sync {

std::filesystem::path StoreFile(const std::filesystem::path& data_dir);
std::filesystem::path OriginFile(const std::filesystem::path& data_dir);
// Writes `origin` to the device id file (mode 0600, atomically).
Status StoreOrigin(const std::filesystem::path& data_dir, const Origin& origin);

// After the server said yes to enrolling `origin` (`record` is its answer): a
// store with no identity yet becomes an enrolled device of that server under
// `origin` (the device id file too); one that has it takes the server as its
// authority. Then the record is saved beside the store. The caller holds the
// store (its mutex, when it is shared). Used by cairnctl enroll, the app's
// join, and enrolling again with IT's token.
Status AdoptEnrollment(Store& store, const std::filesystem::path& data_dir, const Origin& origin,
                       const SyncRecord& record);

// This machine's name as the school sees it: the host name, else "device".
std::string DeviceName();

// The fingerprint a device sends to the server (ClientOptions::device_fingerprint):
// this machine's, or "" when it has no machine id (then nothing is bound).
std::string WireFingerprint(const FingerprintSources& sources = DefaultFingerprintSources());

// Removes the sync record (with its temp file, if a crash left one) and stores
// `fingerprint` as the machine the store last ran on: kPreparedImageFingerprint
// for `prepare-image` (every copy then takes a new id), the machine's own on a
// renewal. Appends what it removed (or, with `dry_run`, would remove, storing
// nothing) to `removed`. The store and the token stay.
Status RemoveDeviceIdentity(const std::filesystem::path& data_dir, std::string_view fingerprint,
                            bool dry_run, std::vector<std::filesystem::path>& removed);

// Gives the store a new random origin (ops already stored keep theirs: the ones
// the server acknowledged are the old device's, and nothing is sent twice), the
// device id file, drops the sync record (its credential was the old device's; the
// next sync enrolls again with the token) and stores `fingerprint`. Returns what
// happened, for people, starting with `why`.
Result<std::string> RenewIdentity(Store& store, const std::filesystem::path& data_dir,
                                  const std::string& fingerprint, std::string_view why);

// On every start: compares the machine's fingerprint with the stored one and,
// when they differ (a cloned disk, a restored backup, a prepared image), renews
// the identity (RenewIdentity). Returns "" when nothing changed, else what
// happened. Without a machine id nothing can be compared: nothing happens
// (`cairnctl doctor` reports it). A server store is never renewed.
Result<std::string> RenewIdentityIfMoved(Store& store, const std::filesystem::path& data_dir,
                                         const FingerprintSources& sources);

// The first line of the enrollment token file, trimmed; "" when the file is
// missing or empty.
std::string ReadEnrollmentToken(const std::filesystem::path& file);

// A device store without a sync record (new from an image, or just renewed)
// enrolls by itself with `token` (ReadEnrollmentToken of the configured file),
// under the store's own origin, and saves the record; a store with no identity
// yet (a fresh install) becomes an enrolled device under a new random origin
// (AdoptEnrollment). nullopt when `token` is empty or the store is a standalone
// classroom's or a server's; kUnavailable when the server
// cannot be reached. Store steps take options.store_mu (not the enrollment).
Result<std::optional<SyncRecord>> EnrollWithToken(Store& store,
                                                  const std::filesystem::path& data_dir,
                                                  const std::string& token,
                                                  const ClientOptions& options);

}  // namespace cairn::sync
