// The store's SQL schema: one migration function per version step, and the
// read-only views recreated on every open.
#pragma once

#include "cairn/agent/sqlite.h"
#include "cairn/platform/status.h"

namespace cairn::schema {

// 'CAIR': marks an SQLite file as a Cairn store (PRAGMA application_id).
constexpr int kApplicationId = 0x43414952;

// Version 1: the op log (op, origin, ident, meta).
Status MigrateTo1(sql::Database& db);
// Version 2: the materialized tables (register, retraction, op_learner). The caller
// refolds the log into them in the same transaction.
Status MigrateTo2(sql::Database& db);
// Version 3: blob_ref, which ops name which blob (artifacts, pack files). The
// caller indexes the ops already stored in the same transaction.
Status MigrateTo3(sql::Database& db);

// One view per last-writer-wins kind (v_learner, v_goal, ...), columns named after
// its fields: for people reading the store with the sqlite3 shell.
Status CreateViews(sql::Database& db);

}  // namespace cairn::schema
