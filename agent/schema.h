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

// The ops a pull cannot find through op_learner (records, retractions): what
// every pull of a school server looks at besides its learners' ops. Observations
// (42) and artifacts (46) name no one subject but are in op_learner under every
// learner they name from the moment they are stored (Store::Materialize), so they
// are not here: another class's observations cost a pull nothing (in the morning
// storm they were 40% of the ops each pull read, decoded and threw away). A
// server store has a partial index on exactly this condition; queries that want
// it must repeat it word for word.
#define CAIRN_SHARED_OPS "(kind < 40 OR (subject IS NULL AND kind NOT IN (42, 46)))"
// The server's pull index (Store::OpsConcerning), built when missing (and the
// index of the wider condition before it, op_shared, dropped). Not a migration:
// devices never read it, so only server stores carry it; and as for any index,
// SQLite keeps it up to date for older builds too.
Status EnsureServerIndexes(sql::Database& db);

}  // namespace cairn::schema
