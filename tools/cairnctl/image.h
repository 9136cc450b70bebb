// cairnctl's side of a device's identity (the shared part is
// sync/client/device_identity.h; enrolling again with IT's token is in
// device_sync.h): renewing it as a session opens, and the imaging checklist.
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

// What IT should clear outside Cairn before capturing the image.
extern const char kImageChecklist[];

}  // namespace cairn::cli
