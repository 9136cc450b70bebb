// cairnctl's side of a device's identity (the shared part is
// sync/client/device_identity.h): renewing it as a session opens, enrolling
// again with IT's token, and the imaging checklist.
#pragma once

#include <optional>

#include "cairn/platform/config.h"
#include "cairn/platform/status.h"
#include "cairn/sync/client/client.h"
#include "cairn/sync/client/sync_record.h"
#include "session.h"

namespace cairn::cli {

// On every start: a store that last ran on another machine takes a new device id
// (sync::RenewIdentityIfMoved); session.identity_note says so, and stderr.
Status RenewIdentityIfMoved(Session& session);

// A device store without a sync record (new from an image, or just renewed)
// enrolls by itself with the token in `enrollment_token_file` (configuration),
// printing what it did. nullopt when there is no token or the store is not an
// enrolled device's; kUnavailable when the server cannot be reached.
Result<std::optional<sync::SyncRecord>> EnrollFromToken(Session& session, const Config& config,
                                                        const sync::ClientOptions& options);

// What IT should clear outside Cairn before capturing the image.
extern const char kImageChecklist[];

}  // namespace cairn::cli
