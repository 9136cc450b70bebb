// The lines `cairnctl status` shows about sync: the server, the last sync,
// what is waiting, the last problem (commands_sync.cc).
#pragma once

#include <filesystem>

#include "cairn/agent/store.h"
#include "human.h"

namespace cairn::cli {

// Adds the sync rows for the store whose data directory is `data_dir`; nothing
// for a standalone store that never enrolled.
void AddSyncStatusRows(const std::filesystem::path& data_dir, const Store& store, Table& table);

}  // namespace cairn::cli
