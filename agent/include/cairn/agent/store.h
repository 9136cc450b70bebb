// The device's store: the op log and the tables materialized from it.
//
// Every fact is an op (op.h). A local write appends an op and materializes it in
// the same transaction, durable when the call returns (synchronous=FULL). Remote
// ops arrive through ApplyRemote, idempotent and order-independent, so two stores
// holding the same set of ops hold the same state (Digest() is equal).
//
// One process owns a store at a time: Open takes an exclusive lock file beside the
// database. A Store is not thread-safe; it belongs to one thread (the writer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/evidence.h"
#include "cairn/agent/hlc.h"
#include "cairn/agent/kinds.h"
#include "cairn/agent/op.h"
#include "cairn/platform/clock.h"
#include "cairn/platform/lock_file.h"
#include "cairn/platform/origin.h"
#include "cairn/platform/status.h"

namespace cairn {

namespace sql {
class Database;
class Statement;
class Transaction;
}  // namespace sql
class Interner;

// The newest schema this build reads and writes.
constexpr int kSchemaVersion = 3;

// Who this replica is with respect to server-owned kinds (schools, classes,
// learners, enrollments, content).
enum class StoreMode {
  kStandalone,  // a classroom with no server: the device is its own authority
  kDevice,      // enrolled: server-owned kinds come only from the server's origin
  kServer,      // the school server: the authority itself
};
std::string_view StoreModeName(StoreMode mode);

struct StoreOptions {
  // The SQLite file. Its directory must exist. Ignored when in_memory.
  std::filesystem::path path;
  // A private in-memory store (tests, simulations): no file, no lock.
  bool in_memory = false;
  const Clock* clock = &SystemClock();
  // Create a new store when `path` does not exist. When false, a missing file is kNotFound.
  bool create_if_missing = true;
  // FULL: every committed write survives power loss (what users get). NORMAL is
  // for benchmarks that want to see bookkeeping rather than fsync.
  bool synchronous_full = true;
  // SQLite's page cache for this connection, in MiB; 0 keeps SQLite's default
  // (2 MiB). A server's write groups are larger than that: without room they
  // spill pages to the WAL before their commit.
  int cache_mib = 0;
  // Migrate only up to this version (tests that build old-schema files).
  int target_schema_version = kSchemaVersion;
  // A second connection that only reads, beside the process that owns and writes
  // the store (a school server's pull readers): no lock taken, nothing migrated or
  // written; the file must exist at the current schema. Its reads go between
  // BeginRead and EndRead.
  bool read_only = false;
};

// A page of the op log in local commit order.
struct OpsPage {
  std::vector<Op> ops;
  uint64_t next_cursor = 0;  // pass back to continue after the last op returned
  bool more = false;         // true when the page was cut by the limit
};

// A blob (blob_store.h) that an op names: an artifact's file, a pack's file.
struct BlobRef {
  std::string sha256;  // 64 hex digits
  uint64_t size = 0;   // bytes, as the op declares
  OpId op;             // the op that names it
  uint64_t cursor = 0; // the op's place in this store's commit order (as OpsSince)
};

struct ApplyStats {
  size_t applied = 0;     // new ops stored
  size_t duplicates = 0;  // ops already present (identical), skipped
};

// An evidence op as the learning model reads it.
struct Evidence {
  Op op;
  bool retracted = false;  // withdrawn by a retract op or superseded by a correction
};

struct StoreStats {
  int schema_version = 0;
  StoreMode mode = StoreMode::kStandalone;
  std::optional<Origin> self;
  std::optional<Origin> authority;
  uint64_t total_ops = 0;
  uint64_t own_ops = 0;  // ops of our own origin (= our last seq: the log is dense)
  std::map<std::string, uint64_t> ops_by_kind;
  uint64_t last_cursor = 0;  // highest local commit number
  Hlc hlc = 0;
  uint64_t file_bytes = 0;
};

class Store {
 public:
  // Opens or creates the store and migrates it to the current schema, each step in
  // its own transaction. Errors: kBusy (another process owns it: "in use by pid N"),
  // kCorruption (damaged, or an SQLite file that is not a Cairn store),
  // kNotSupported (written by a newer Cairn), kIoError, kNotFound.
  static Result<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();

  // Gives a new store its identity, once. `authority` is the server's origin for
  // kDevice (may be set later with SetAuthority). Fails on an initialized store
  // unless called with the same identity (idempotent).
  Status Initialize(const Origin& self, StoreMode mode,
                    std::optional<Origin> authority = std::nullopt);
  // Switches to kDevice under `server` (a standalone device enrolling). Ops the
  // device already authored stay; server-owned ops it authored keep counting.
  Status SetAuthority(const Origin& server);
  // Makes `fresh` this install's origin, for a store copied to another machine
  // (a cloned disk, a restored backup: DESIGN.md, "Device identity and imaging").
  // Ops already stored keep their origin, so what the old device's server already
  // acknowledged stays exactly as it was; our next op is `fresh`:1, and the clock
  // never goes back. kFailedPrecondition on a store without an identity or a
  // server's store.
  Status RenewOrigin(const Origin& fresh);
  bool initialized() const;
  const Origin& self() const { return self_; }
  StoreMode mode() const { return mode_; }

  // --- Writes --------------------------------------------------------------
  // Validates `body` against `kind`, appends it as our next op and materializes
  // it, in one transaction, durable on return. Server-owned kinds are refused on
  // an enrolled device (kFailedPrecondition). Returns the new op's id.
  Result<OpId> Append(std::string_view kind, const nlohmann::json& body);
  // Appends several ops as Append does, all in one transaction: every one is
  // validated first, and on any error none is stored. Returns their ids in order.
  Result<std::vector<OpId>> AppendAll(
      const std::vector<std::pair<std::string, nlohmann::json>>& ops);

  // Applies ops from other replicas in one transaction: all or nothing. Ops
  // already stored are skipped (idempotent); order does not matter. A malformed
  // op, a server-owned op not from the authority, or an op whose id is already
  // stored with different content rejects the whole batch with an error naming
  // the op (kInvalidArgument) and stores nothing.
  Result<ApplyStats> ApplyRemote(const std::vector<Op>& ops);

  // Takes the school server's clock into account (persisted).
  Status ObserveServerClock(Hlc server);

  // --- Group commit (the school server's single writer) ----------------------
  // Between BeginGroup and CommitGroup every write (Append, AppendAll,
  // ApplyRemote) runs as a savepoint of one outer transaction: a write that fails
  // is undone alone and the others of the group stay, but none is durable, nor
  // visible to other connections, until CommitGroup returns ok (one fsync for the
  // whole group). A failed CommitGroup, or AbortGroup, leaves nothing of the group
  // stored and the store as it was before BeginGroup. Groups do not nest.
  Status BeginGroup();
  Status CommitGroup();
  void AbortGroup();
  bool in_group() const { return group_ != nullptr; }

  // --- Snapshots (a read-only store: StoreOptions::read_only) ----------------
  // From BeginRead to EndRead the store reads the file as the writer's last
  // commit before BeginRead left it, so the reads of one pull agree with each
  // other however many groups commit meanwhile. Keep it short: the writer's
  // checkpoint cannot pass an open snapshot.
  Status BeginRead();
  void EndRead();

  // --- Reads for sync -------------------------------------------------------
  // Ops committed here after `cursor` (0 = from the start), oldest first, at most `limit`.
  Result<OpsPage> OpsSince(uint64_t cursor, size_t limit) const;
  // What a school server's pull reads instead of the whole log: the ops committed
  // after `cursor` that can concern a replica of `learners` — every op that is
  // not evidence about one learner (records, observations, retractions) and the
  // evidence about one of `learners` — oldest first, at most `limit`. Whole up to
  // `next_cursor`: no such op at or below it is left out; `more` when there may
  // be such ops after it. The caller still filters (the records of other classes
  // are in it). Found through indexes, so a class's page costs the same however
  // many other classes' ops the log holds. Server stores only (kFailedPrecondition
  // elsewhere). Not found: evidence about another learner that supersedes an op
  // about one of `learners` (rare: a correction naming another learner).
  Result<OpsPage> OpsConcerning(const std::vector<std::string>& learners, uint64_t cursor,
                                size_t limit) const;
  // Our own ops with seq > `after_seq`, in seq order, at most `limit` (for push).
  Result<std::vector<Op>> OwnOpsAfter(uint64_t after_seq, size_t limit) const;
  // The highest seq stored for `origin` (0 when none). For a device's origin on
  // the server this is its acknowledged seq when the log of that origin is dense,
  // which the server enforces on push.
  Result<uint64_t> LastSeq(const Origin& origin) const;
  // The op with this id, or nullopt when it is not stored.
  Result<std::optional<Op>> FindOp(const OpId& id) const;
  // The id of the op committed here at `cursor` (a next_cursor of OpsSince or
  // OpsConcerning), or nullopt when there is none.
  Result<std::optional<OpId>> OpIdAt(uint64_t cursor) const;

  // --- Blobs the ops name (artifact files, pack files) -----------------------
  // Blob references of ops committed after `cursor`, in commit order, at most
  // `limit`; with `own_only`, only our own artifacts' (the files this device
  // uploads; a standalone device's own pack ops are not sent). One per (op, blob).
  Result<std::vector<BlobRef>> BlobRefsAfter(uint64_t cursor, size_t limit, bool own_only) const;
  // How many references BlobRefsAfter(cursor, ∞, own_only) would return.
  Result<uint64_t> CountBlobRefsAfter(uint64_t cursor, bool own_only) const;
  // The ops that name blob `sha256`, oldest first (none: empty).
  Result<std::vector<Op>> OpsNamingBlob(std::string_view sha256) const;

  // --- Reads for views --------------------------------------------------------
  // The current fields of one entity of a last-writer-wins kind (e.g. "learner",
  // "profile", "goal"), keys included; nullopt when nothing was ever written.
  Result<std::optional<nlohmann::json>> Entity(std::string_view kind, std::string_view key,
                                               std::string_view key2 = "") const;
  // All entities of a kind, or only those whose `field` equals `value` (a string,
  // an id or an enum value), ordered by key.
  Result<std::vector<nlohmann::json>> Entities(std::string_view kind) const;
  Result<std::vector<nlohmann::json>> EntitiesWhere(std::string_view kind, std::string_view field,
                                                    std::string_view value) const;
  // Evidence about a learner (their own and observations naming them) in fold
  // order (hlc, origin, seq), retracted ones included and marked.
  Result<std::vector<Evidence>> EvidenceFor(std::string_view learner) const;
  // The evidence of many learners (all of them when `learners` is empty) as the
  // mastery model needs it, without building JSON: `visit` sees every row in fold
  // order (hlc, origin, seq). The views in a row last for the call only. Reads the
  // whole log once when asked for a large part of the store's learners, else goes
  // through the learner index. kCorruption when a stored body does not decode.
  Status ScanEvidence(const std::vector<std::string>& learners,
                      const std::function<void(const EvidenceRow&)>& visit) const;
  // Everything about one learner, as JSON: the record that travels with them.
  Result<nlohmann::json> ExportLearner(std::string_view learner) const;

  // --- Health -----------------------------------------------------------------
  Result<StoreStats> Stats() const;
  // SQLite's integrity_check plus: the log is dense per our origin, every op
  // decodes. Returns the problems found (empty = healthy).
  Result<std::vector<std::string>> Check() const;
  // A SHA-256 (hex) over the op set and every materialized table, with local
  // numbering resolved: equal on replicas holding the same ops.
  Result<std::string> Digest() const;
  // Rebuilds every materialized table from the op log.
  Status Rematerialize();

  Hlc clock() const { return hlc_.last(); }

 private:
  Store(StoreOptions options, std::unique_ptr<sql::Database> db, std::optional<LockFile> lock);
  // Open's end for StoreOptions::read_only.
  static Result<std::unique_ptr<Store>> OpenReadOnly(const StoreOptions& options,
                                                     std::unique_ptr<sql::Database> db,
                                                     int version);
  Status Load();
  Result<Op> ReadOp(int64_t origin_ref, uint64_t seq, Hlc hlc, int kind_code,
                    std::optional<int64_t> subject, std::string_view body) const;
  // The op in a row's columns first..first+5 (origin, seq, hlc, kind, subject,
  // body, as in the op table); on an error the statement is reset.
  Result<Op> ReadOpRow(sql::Statement& st, int first) const;
  // Stores one op (already validated) inside the caller's transaction. Returns
  // false when it was a duplicate.
  Result<bool> Insert(const KindSpec& kind, const Origin& origin, uint64_t seq, Hlc hlc,
                      const nlohmann::json& body);
  // Append's checks: identity, kind, who may write it here, the body.
  Result<const KindSpec*> CheckOwn(std::string_view kind, const nlohmann::json& body) const;
  // Stores validated ops of our own, in one transaction.
  Result<std::vector<OpId>> WriteOwn(std::span<const KindSpec* const> kinds,
                                     std::span<const nlohmann::json* const> bodies);
  // Evidence about one learner is found through op_learner. For ops with a
  // subject, rows are added in bulk rather than per op (a local write then
  // touches two b-trees, not three); `indexed` is the last lsn covered, and
  // readers scan the few ops after it. Runs inside the caller's transaction.
  Status CatchUpLearnerIndex(int64_t& indexed);
  Status Materialize(const KindSpec& kind, const nlohmann::json& body, Hlc hlc,
                     const Origin& origin, int64_t lsn);
  // Adds the blob_ref row of an op that names a blob (store_blobs.cc).
  Status IndexBlobRef(const KindSpec& kind, const nlohmann::json& body, int64_t lsn);
  // Indexes every stored op that names a blob (the v3 migration).
  Status IndexAllBlobRefs();
  void AfterRollback();
  // Begins a write's transaction (a savepoint inside a group) and remembers where
  // the interners stood, for Finish.
  Result<sql::Transaction> BeginWrite();
  // After the group's transaction is gone: in-memory state back to what is
  // stored. When that fails, lost_state_ says why and every later write fails.
  void ReloadAfterGroupRollback();
  // Commits `txn` if `s` is ok; otherwise (or if the commit fails) rolls it back
  // and forgets ids interned inside it. Returns the outcome.
  Status Finish(sql::Transaction& txn, Status s);
  // Clears and rebuilds the materialized tables inside the caller's transaction.
  Status RefoldLog();
  // Decodes a register's stored value back to JSON by its field's type.
  static nlohmann::json RegisterValue(const KindSpec& kind, std::string_view field,
                                      const sql::Statement& st, int col);

  StoreOptions options_;
  std::unique_ptr<sql::Database> db_;
  std::optional<LockFile> lock_;
  std::unique_ptr<Interner> ids_;      // ident: names <-> small local numbers
  std::unique_ptr<Interner> origins_;  // origin: 16-byte ids <-> small local numbers
  HybridClock hlc_;
  Origin self_;
  bool initialized_ = false;
  StoreMode mode_ = StoreMode::kStandalone;
  std::optional<Origin> authority_;
  int64_t self_ref_ = 0;
  uint64_t next_seq_ = 1;
  int schema_version_ = 0;
  int64_t indexed_lsn_ = 0;  // op_learner covers subject evidence up to here
  // Open between BeginGroup and CommitGroup (BeginRead and EndRead when read-only).
  std::unique_ptr<sql::Transaction> group_;
  bool read_only_ = false;
  Status lost_state_;  // ok, or why the in-memory state cannot be trusted (writes fail)
  size_t ids_mark_ = 0;                      // interners' pending entries at BeginWrite
  size_t origins_mark_ = 0;
};

}  // namespace cairn
