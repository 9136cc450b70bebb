#include "schema.h"

#include <string>
#include <utility>
#include <vector>

#include "cairn/agent/kinds.h"

namespace cairn::schema {

Status MigrateTo1(sql::Database& db) {
  return db.Exec(R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;
    CREATE TABLE origin(ref INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE);
    CREATE TABLE ident(ref INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    -- The op log. lsn is the local commit order (the OpsSince cursor); (origin, seq)
    -- is the op's identity. Evidence is stored here once: it is its own table.
    CREATE TABLE op(
      lsn INTEGER PRIMARY KEY,
      origin INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      hlc INTEGER NOT NULL,
      kind INTEGER NOT NULL,
      subject INTEGER,
      body BLOB NOT NULL);
    CREATE UNIQUE INDEX op_by_id ON op(origin, seq);
    CREATE INDEX op_by_subject ON op(subject, kind) WHERE subject IS NOT NULL;
  )sql");
}

Status MigrateTo2(sql::Database& db) {
  return db.Exec(R"sql(
    -- Last-writer-wins registers: one row per (entity, field), the winning write.
    CREATE TABLE register(
      entity TEXT NOT NULL,
      a TEXT NOT NULL,
      b TEXT NOT NULL,
      field TEXT NOT NULL,
      value,
      hlc INTEGER NOT NULL,
      origin BLOB NOT NULL,
      PRIMARY KEY(entity, a, b, field)) WITHOUT ROWID;
    CREATE INDEX register_by_value ON register(entity, field, value);
    -- Evidence ops that no longer count (retracted or superseded).
    CREATE TABLE retraction(
      origin INTEGER NOT NULL,
      seq INTEGER NOT NULL,
      PRIMARY KEY(origin, seq)) WITHOUT ROWID;
    -- Which evidence ops are about which learner: the subject of one-learner
    -- evidence (filled in bulk, up to meta.learner_index_lsn) and every learner
    -- an observation names. It replaces v1's per-op subject index.
    DROP INDEX IF EXISTS op_by_subject;
    CREATE TABLE op_learner(
      learner INTEGER NOT NULL,
      lsn INTEGER NOT NULL,
      PRIMARY KEY(learner, lsn)) WITHOUT ROWID;
  )sql");
}

Status MigrateTo3(sql::Database& db) {
  return db.Exec(R"sql(
    -- The blobs ops name (artifact.sha256; pack.content_hash with its size): the
    -- files a replica should hold, found by hash (server) or in commit order (device).
    CREATE TABLE blob_ref(
      sha256 TEXT NOT NULL,
      lsn INTEGER NOT NULL,
      size INTEGER NOT NULL,
      PRIMARY KEY(sha256, lsn)) WITHOUT ROWID;
    CREATE INDEX blob_ref_by_lsn ON blob_ref(lsn);
  )sql");
}

Status CreateViews(sql::Database& db) {
  // Each view's CREATE statement; SQLite keeps that text in sqlite_master.
  std::vector<std::pair<std::string, std::string>> views;
  for (const KindSpec& k : AllKinds()) {
    if (k.merge != MergeRule::kLastWriterWins) continue;
    std::string name = "v_" + std::string(k.name);
    std::string sql = "CREATE VIEW " + name + " AS SELECT a AS \"" +
                      std::string(k.fields[0].name) + "\"";
    if (k.key_fields == 2) sql += ", b AS \"" + std::string(k.fields[1].name) + "\"";
    for (size_t i = static_cast<size_t>(k.key_fields); i < k.fields.size(); ++i) {
      std::string f(k.fields[i].name);
      sql += ", max(CASE WHEN field = '" + f + "' THEN value END) AS \"" + f + "\"";
    }
    sql += " FROM register WHERE entity = '" + std::string(k.name) + "' GROUP BY a, b";
    views.emplace_back(std::move(name), std::move(sql));
  }
  // Write only when a view changed: opening a store to read it (doctor on a full
  // disk, status) must not need to write.
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * current,
                         db.Prepare("SELECT sql FROM sqlite_master WHERE type = 'view' "
                                    "AND name = ?1"));
  std::string script;
  for (const auto& [name, sql] : views) {
    current->Bind(1, name);
    CAIRN_ASSIGN_OR_RETURN(bool row, current->Step());
    bool same = row && current->ColumnText(0) == sql;
    current->Reset();
    if (!same) script += "DROP VIEW IF EXISTS " + name + ";\n" + sql + ";\n";
  }
  return script.empty() ? Status::Ok() : db.Exec(script);
}

Status EnsureServerIndexes(sql::Database& db) {
  static_assert(kFirstEvidenceCode == 40, "CAIRN_SHARED_OPS spells the first evidence code");
  const KindSpec* observation = FindKind("observation");
  const KindSpec* artifact = FindKind("artifact");
  if (!observation || observation->code != 42 || !artifact || artifact->code != 46) {
    return Status::FailedPrecondition(
        "CAIRN_SHARED_OPS spells the observation and artifact codes 42, 46");
  }
  return db.Exec(
      "DROP INDEX IF EXISTS op_shared;"
      "CREATE INDEX IF NOT EXISTS op_pull_shared ON op(lsn) WHERE " CAIRN_SHARED_OPS);
}

}  // namespace cairn::schema
