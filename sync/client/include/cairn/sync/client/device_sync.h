// A device's sync round as `cairnctl sync` and the desktop client's sync thread
// both run it, so that the two cannot drift: the settings IT put in the
// configuration (installers/README.md), the sync window, enrolling by itself with
// IT's token, one SyncRound, and a new identity when the server caught a copy
// (PROTOCOL.md, "A credential on another machine").
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "cairn/agent/store.h"
#include "cairn/platform/config.h"
#include "cairn/platform/fingerprint.h"
#include "cairn/platform/network.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/sync_record.h"

namespace cairn::sync {

struct DeviceSyncSettings {
  // network.max_send_rate and network.max_recv_rate (ClientOptionsFrom), and this
  // machine's fingerprint (WireFingerprint), sent with every request.
  ClientOptions options;
  NetworkPolicy policy;              // network.metered_default and sync.window
  std::filesystem::path token_file;  // enrollment_token_file
};

// The settings in the layered configuration `config`, on the machine `sources`
// describes.
DeviceSyncSettings DeviceSyncSettingsFrom(
    const Config& config, const FingerprintSources& sources = DefaultFingerprintSources());

// What a round did besides syncing, for people (called on the round's thread).
enum class DeviceEvent {
  kEnrolled,  // enrolled by itself with the token: "Enrolled this device with ..."
  kRenewed,   // the server saw this credential on another machine: a new identity
  // The server no longer knew the credential (restored from a backup): enrolled
  // again with the token under the same origin, with a fresh sync record.
  kEnrolledAgain,
};
using DeviceNote = std::function<void(DeviceEvent, const std::string&)>;

// One round of the device whose files are in `data_dir`, with `options`
// (settings.options plus what the caller sets: cancel, state, store_mu, blobs):
// - outside settings.policy's sync window nothing is sent, not even an
//   enrollment: kUnreachable with waiting_for_window set (options.state: kWaiting);
// - without a sync record (`record` nullopt: a fresh image, a renewed identity)
//   the device enrolls with the token in settings.token_file first;
// - then SyncRound (the metered default, the rate caps);
// - a 403 fingerprint_mismatch renews the identity (RenewIdentity: these files
//   are a copy of another device's), enrolls again with the token and syncs;
// - a 401 unknown_device (the server restored from an older backup) enrolls
//   again with the token under the same origin, with a fresh record (acked and
//   cursor 0: the server skips what it has), and syncs. Refused, with the
//   reason, when there is no token, when the server that answers is another
//   one than the store's authority (nothing changes here), or when it says the
//   origin belongs to another device;
// - a store with no identity yet (a fresh install) and a token becomes an
//   enrolled device, as the app's first start does.
// `record` is updated and saved as the round goes. Store steps take
// options.store_mu, never across network I/O. Errors: kFailedPrecondition when
// the device is not enrolled and there is no token; kUnavailable when enrolling
// found no server; others from the store or the device's files.
Result<SyncReport> DeviceSyncRound(Store& store, const std::filesystem::path& data_dir,
                                   std::optional<SyncRecord>& record,
                                   const DeviceSyncSettings& settings, const ClientOptions& options,
                                   const DeviceNote& note = {});

}  // namespace cairn::sync
