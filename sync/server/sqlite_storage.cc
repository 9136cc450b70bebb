// The SQLite backend of ServerStorage (storage.h).
#include <sys/stat.h>

#include <algorithm>
#include <system_error>

#include "cairn/agent/sqlite.h"
#include "cairn/sync/server/storage.h"

namespace cairn::server {

std::string_view RoleName(DeviceRole role) {
  return role == DeviceRole::kTeacherDevice ? "teacher-device" : "student-device";
}

std::optional<DeviceRole> RoleFromName(std::string_view name) {
  if (name == "student-device") return DeviceRole::kStudentDevice;
  if (name == "teacher-device") return DeviceRole::kTeacherDevice;
  return std::nullopt;
}

namespace {

using nlohmann::json;

constexpr int kServerSchemaVersion = 3;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS token(
  id INTEGER PRIMARY KEY,
  secret_hash BLOB NOT NULL UNIQUE,
  join_hash BLOB NOT NULL UNIQUE,
  role TEXT NOT NULL,
  classes TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  uses INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS device(
  id INTEGER PRIMARY KEY,
  origin BLOB NOT NULL UNIQUE,
  credential_hash BLOB NOT NULL UNIQUE,
  role TEXT NOT NULL,
  classes TEXT NOT NULL,
  name TEXT NOT NULL,
  token INTEGER NOT NULL,
  enrolled_ms INTEGER NOT NULL,
  last_sync_ms INTEGER NOT NULL DEFAULT 0,
  acked INTEGER NOT NULL DEFAULT 0,
  skew_ms INTEGER NOT NULL DEFAULT 0,
  revoked INTEGER NOT NULL DEFAULT 0,
  -- The machine fingerprint the credential is bound to ('' until the device
  -- first sends one): a request with another one is refused (PROTOCOL.md).
  fingerprint TEXT NOT NULL DEFAULT '',
  -- What the device last said it holds (version 3, the Cairn-Pending header):
  -- its highest own seq (-1: it never said) and files not yet uploaded.
  reported_seq INTEGER NOT NULL DEFAULT -1,
  pending_files INTEGER NOT NULL DEFAULT 0);
-- Credentials issued earlier to a device that enrolled again before it ever
-- synced (its enroll answer was lost, or a late copy of its enroll request
-- arrived after the one it got an answer to): they stay valid, so that
-- whichever answer reached the device works. Revoking the device ends them too.
-- Blobs devices uploaded (version 2): who, and how large, for their quota.
-- The bytes are files (blob_store.h); a row whose upload was never finished
-- keeps counting until the upload is.
CREATE TABLE IF NOT EXISTS blob(
  sha256 TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  device INTEGER NOT NULL,
  started_ms INTEGER NOT NULL,
  completed_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS blob_by_device ON blob(device);
CREATE TABLE IF NOT EXISTS spare_credential(
  credential_hash BLOB PRIMARY KEY,
  device INTEGER NOT NULL REFERENCES device(id));
)sql";

std::string ClassesText(const std::vector<std::string>& classes) { return json(classes).dump(); }

std::vector<std::string> ClassesFrom(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const json& c : j) {
    if (c.is_string()) out.push_back(c.get<std::string>());
  }
  return out;
}

std::string_view RawOrigin(const Origin& o) {
  return {reinterpret_cast<const char*>(o.bytes.data()), o.bytes.size()};
}

// Columns: id, role, classes, created_ms, expires_ms, revoked, uses
constexpr std::string_view kTokenColumns =
    "id, role, classes, created_ms, expires_ms, revoked, uses";
TokenRecord ReadToken(const sql::Statement& st) {
  TokenRecord t;
  t.id = st.ColumnInt(0);
  t.role = RoleFromName(st.ColumnText(1)).value_or(DeviceRole::kStudentDevice);
  t.classes = ClassesFrom(st.ColumnText(2));
  t.created_ms = st.ColumnInt(3);
  t.expires_ms = st.ColumnInt(4);
  t.revoked = st.ColumnInt(5) != 0;
  t.uses = st.ColumnInt(6);
  return t;
}

constexpr std::string_view kDeviceColumns =
    "id, origin, role, classes, name, token, enrolled_ms, last_sync_ms, acked, skew_ms, revoked, "
    "fingerprint, reported_seq, pending_files";
Result<DeviceRecord> ReadDevice(const sql::Statement& st) {
  DeviceRecord d;
  d.id = st.ColumnInt(0);
  CAIRN_ASSIGN_OR_RETURN(d.origin, Origin::FromBytes(st.ColumnBlob(1)));
  d.role = RoleFromName(st.ColumnText(2)).value_or(DeviceRole::kStudentDevice);
  d.classes = ClassesFrom(st.ColumnText(3));
  d.name = std::string(st.ColumnText(4));
  d.token = st.ColumnInt(5);
  d.enrolled_ms = st.ColumnInt(6);
  d.last_sync_ms = st.ColumnInt(7);
  d.acked = static_cast<uint64_t>(st.ColumnInt(8));
  d.clock_skew_ms = st.ColumnInt(9);
  d.revoked = st.ColumnInt(10) != 0;
  d.fingerprint = std::string(st.ColumnText(11));
  d.reported = st.ColumnInt(12) >= 0;
  d.reported_seq = d.reported ? static_cast<uint64_t>(st.ColumnInt(12)) : 0;
  d.pending_files = static_cast<uint64_t>(std::max<int64_t>(0, st.ColumnInt(13)));
  return d;
}

class SqliteStorage final : public ServerStorage {
 public:
  SqliteStorage(SqliteStorageOptions options, std::unique_ptr<Store> store,
                std::unique_ptr<sql::Database> db, std::optional<ReaderHooks> reader = {})
      : options_(std::move(options)),
        store_(std::move(store)),
        db_(std::move(db)),
        reader_(std::move(reader)) {}

  const Origin& server_origin() const override { return store_->self(); }

  Hlc Clock() override {
    Hlc last = reader_ ? reader_->clock() : store_->clock();
    return std::max(last, MakeHlc(options_.clock->NowMillis(), 0));
  }

  Result<std::vector<OpId>> AppendServerOps(
      const std::vector<std::pair<std::string, json>>& ops) override {
    return store_->AppendAll(ops);
  }

  Result<PushOutcome> ApplyPush(const Origin& origin, const std::vector<Op>& ops) override {
    CAIRN_ASSIGN_OR_RETURN(uint64_t acked, store_->LastSeq(origin));
    // The new ops (seq past acked) must be acked+1, acked+2, ... with no hole; ops
    // at or below acked are replays, skipped by ApplyRemote when identical.
    std::vector<uint64_t> fresh;
    for (const Op& op : ops) {
      if (op.origin != origin) {
        return Status::InvalidArgument("op " + op.id().ToString() + " is not of origin " +
                                       origin.Hex());
      }
      if (op.seq > acked) fresh.push_back(op.seq);
    }
    std::sort(fresh.begin(), fresh.end());
    fresh.erase(std::unique(fresh.begin(), fresh.end()), fresh.end());
    for (size_t i = 0; i < fresh.size(); ++i) {
      if (fresh[i] != acked + 1 + i) {
        return Status::FailedPrecondition(
            "gap in seq: the server has ops up to " + std::to_string(acked) + " of this origin, " +
            "and the batch's next op is " + std::to_string(fresh[i]) + " instead of " +
            std::to_string(acked + 1 + i) + "; send from seq " + std::to_string(acked + 1 + i));
      }
    }
    PushOutcome out;
    CAIRN_ASSIGN_OR_RETURN(out.stats, store_->ApplyRemote(ops));
    out.acked = acked + fresh.size();
    return out;
  }

  Result<uint64_t> Acked(const Origin& origin) override { return store_->LastSeq(origin); }

  Result<ScanPage> OpsAfter(uint64_t cursor, size_t limit) override {
    CAIRN_ASSIGN_OR_RETURN(OpsPage page, store_->OpsSince(cursor, limit));
    return ScanPage{std::move(page.ops), page.next_cursor, page.more};
  }

  Result<ScanPage> OpsConcerning(const std::set<std::string>& learners, uint64_t cursor,
                                 size_t limit) override {
    CAIRN_ASSIGN_OR_RETURN(
        OpsPage page,
        store_->OpsConcerning(std::vector<std::string>(learners.begin(), learners.end()), cursor,
                              limit));
    return ScanPage{std::move(page.ops), page.next_cursor, page.more};
  }

  Result<std::optional<Op>> FindOp(const OpId& id) override { return store_->FindOp(id); }

  Result<std::optional<OpId>> OpIdAt(uint64_t cursor) override { return store_->OpIdAt(cursor); }

  Result<std::optional<json>> Entity(std::string_view kind, std::string_view key) override {
    return store_->Entity(kind, key);
  }

  Result<std::set<std::string>> LearnersOf(const std::vector<std::string>& classes,
                                           bool include_inactive) override {
    std::set<std::string> out;
    for (const std::string& c : classes) {
      CAIRN_ASSIGN_OR_RETURN(std::vector<json> links,
                             store_->EntitiesWhere("enrollment", "class", c));
      for (const json& l : links) {
        if (include_inactive || l.value("active", true))
          out.insert(l.at("learner").get<std::string>());
      }
    }
    return out;
  }

  Result<StoreStats> LogStats() override { return store_->Stats(); }
  Result<std::string> Digest() override { return store_->Digest(); }
  Store* AgentStore() override { return store_.get(); }

  Result<TokenRecord> CreateToken(const TokenRecord& token, const SecretHash& secret_hash,
                                  const SecretHash& join_hash) override {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("INSERT INTO token(secret_hash, join_hash, role, classes, created_ms, "
                     "expires_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    st->BindBlob(1, secret_hash)
        .BindBlob(2, join_hash)
        .Bind(3, RoleName(token.role))
        .Bind(4, ClassesText(token.classes))
        .Bind(5, token.created_ms)
        .Bind(6, token.expires_ms);
    CAIRN_RETURN_IF_ERROR(st->Run());
    TokenRecord out = token;
    out.id = db_->LastInsertRowId();
    return out;
  }

  Result<std::optional<TokenRecord>> FindToken(const SecretHash& hash) override {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("SELECT " + std::string(kTokenColumns) +
                                        " FROM token WHERE secret_hash = ?1 OR join_hash = ?1"));
    st->BindBlob(1, hash);
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return std::optional<TokenRecord>();
    TokenRecord t = ReadToken(*st);
    st->Reset();
    return std::optional<TokenRecord>(t);
  }

  Result<std::vector<TokenRecord>> ListTokens() override {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("SELECT " + std::string(kTokenColumns) + " FROM token ORDER BY id"));
    std::vector<TokenRecord> out;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      out.push_back(ReadToken(*st));
    }
    return out;
  }

  Result<DeviceRecord> EnrollDevice(const DeviceRecord& device,
                                    const SecretHash& credential_hash) override {
    // Inside a write group (BeginGroup) this is a savepoint of the group's transaction.
    CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, server_txn_ ? sql::Transaction::Nest(*db_)
                                                             : sql::Transaction::Begin(*db_));
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * find,
                           db_->Prepare("SELECT id, last_sync_ms FROM device WHERE origin = ?1"));
    find->BindBlob(1, RawOrigin(device.origin));
    CAIRN_ASSIGN_OR_RETURN(bool row, find->Step());
    if (row) {
      int64_t id = find->ColumnInt(0);
      bool synced = find->ColumnInt(1) != 0;
      find->Reset();
      if (synced) {
        return Status::FailedPrecondition(
            "origin " + device.origin.Hex() + " already belongs to device d" + std::to_string(id) +
            "; a device that is re-imaged or reinstalled enrolls with a new origin");
      }
      return ReEnroll(id, device, credential_hash, txn);
    }
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * ins,
        db_->Prepare("INSERT INTO device(origin, credential_hash, role, classes, name, token, "
                     "enrolled_ms, fingerprint) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
    ins->BindBlob(1, RawOrigin(device.origin));
    CAIRN_RETURN_IF_ERROR(BindEnrollment(*ins, device, credential_hash).Run());
    DeviceRecord out = device;
    out.id = db_->LastInsertRowId();
    CAIRN_RETURN_IF_ERROR(CountTokenUse(device.token));
    CAIRN_RETURN_IF_ERROR(txn.Commit());
    return out;
  }

  Result<std::optional<DeviceRecord>> FindDevice(const SecretHash& credential_hash) override {
    return OneDevice(
        "credential_hash = ?1 OR id = (SELECT device FROM spare_credential WHERE credential_hash = ?1)",
        [&](sql::Statement& st) { st.BindBlob(1, credential_hash); });
  }

  Result<std::optional<DeviceRecord>> DeviceById(int64_t id) override {
    return OneDevice("id = ?1", [&](sql::Statement& st) { st.Bind(1, id); });
  }

  Result<std::vector<DeviceRecord>> ListDevices() override {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("SELECT " + std::string(kDeviceColumns) + " FROM device ORDER BY id"));
    std::vector<DeviceRecord> out;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      Result<DeviceRecord> d = ReadDevice(*st);
      if (!d.ok()) {
        st->Reset();
        return d.status();
      }
      out.push_back(*d);
    }
    return out;
  }

  Status RevokeDevice(int64_t id) override {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("UPDATE device SET revoked = 1 WHERE id = ?1"));
    CAIRN_RETURN_IF_ERROR(st->Bind(1, id).Run());
    if (db_->Changes() == 0) return Status::NotFound("no device d" + std::to_string(id));
    return Status::Ok();
  }

  Status RecordSync(int64_t id, int64_t now_ms, std::optional<uint64_t> acked,
                    int64_t skew_ms) override {
    if (reader_) {
      reader_->write_later(
          [=](ServerStorage& writer) { (void)writer.RecordSync(id, now_ms, acked, skew_ms); });
      return Status::Ok();
    }
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("UPDATE device SET last_sync_ms = max(last_sync_ms, ?2), "
                     "acked = max(acked, coalesce(?3, acked)), skew_ms = ?4 WHERE id = ?1"));
    st->Bind(1, id).Bind(2, now_ms).Bind(4, skew_ms);
    if (acked) st->Bind(3, *acked);
    return st->Run();
  }

  Status RecordPending(int64_t id, uint64_t seq, uint64_t files) override {
    if (reader_) {
      reader_->write_later(
          [=](ServerStorage& writer) { (void)writer.RecordPending(id, seq, files); });
      return Status::Ok();
    }
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("UPDATE device SET reported_seq = max(reported_seq, ?2), "
                                        "pending_files = ?3 WHERE id = ?1"));
    return st->Bind(1, id)
        .Bind(2, static_cast<int64_t>(std::min<uint64_t>(seq, INT64_MAX)))
        .Bind(3, static_cast<int64_t>(std::min<uint64_t>(files, INT64_MAX)))
        .Run();
  }

  Status RecordFileReceived(int64_t id) override {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("UPDATE device SET pending_files = max(pending_files - 1, 0) WHERE id = ?1"));
    return st->Bind(1, id).Run();
  }

  Status BindFingerprint(int64_t id, std::string_view fingerprint) override {
    if (reader_) {
      // Of two machines that race, the first to reach the writer binds (the
      // UPDATE's condition); the other's next request is refused.
      return reader_->write_now([id, f = std::string(fingerprint)](ServerStorage& writer) {
        return writer.BindFingerprint(id, f);
      });
    }
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * st,
        db_->Prepare("UPDATE device SET fingerprint = ?2 WHERE id = ?1 AND fingerprint = ''"));
    return st->Bind(1, id).Bind(2, fingerprint).Run();
  }

  Result<std::unique_ptr<ServerStorage>> OpenReader(ReaderHooks hooks) override {
    return OpenSqliteReader(options_, std::move(hooks));
  }

  Status BeginGroup() override {
    CAIRN_RETURN_IF_ERROR(reader_ ? store_->BeginRead() : store_->BeginGroup());
    Result<sql::Transaction> txn = sql::Transaction::Begin(
        *db_, reader_ ? sql::Transaction::Kind::kDeferred : sql::Transaction::Kind::kImmediate);
    if (!txn.ok()) {
      AbortGroup();  // ends the store's group, or a reader's snapshot
      return txn.status();
    }
    server_txn_.emplace(std::move(txn).value());
    return Status::Ok();
  }

  // ops.db first: it is the authority (Acked reads it). server.db holds what
  // devices did (enrollments, last sync): a failure there after ops.db committed
  // is reported, the ops stay.
  Status CommitGroup() override {
    if (reader_) {
      AbortGroup();  // a reader's group is a snapshot: nothing to commit
      return Status::Ok();
    }
    Status s = store_->CommitGroup();
    if (!s.ok()) {
      AbortServerTables();
      return s;
    }
    if (server_txn_) {
      Status t = server_txn_->Commit();
      server_txn_.reset();
      if (!t.ok()) return t.WithContext("the ops were stored; recording device state failed");
    }
    return Status::Ok();
  }

  void AbortGroup() override {
    if (reader_) {
      store_->EndRead();
    } else {
      store_->AbortGroup();
    }
    AbortServerTables();
  }

  Result<BlobState> Blob(std::string_view sha256) override {
    CAIRN_ASSIGN_OR_RETURN(uint64_t received, blobs_.Received(sha256));
    return BlobState{received, blobs_.Has(sha256)};
  }

  Result<BlobState> AppendBlob(std::string_view sha256, uint64_t size, uint64_t offset,
                               std::string_view bytes, int64_t device) override {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * start,
        db_->Prepare("INSERT OR IGNORE INTO blob(sha256, size, device, started_ms) "
                     "VALUES (?1, ?2, ?3, ?4)"));
    CAIRN_RETURN_IF_ERROR(
        start->Bind(1, sha256).Bind(2, size).Bind(3, device).Bind(4, options_.clock->NowMillis()).Run());
    Result<uint64_t> received = blobs_.Append(sha256, size, offset, bytes);
    if (!received.ok()) {
      if (received.status().code() == Status::Code::kCorruption) {
        CAIRN_ASSIGN_OR_RETURN(sql::Statement * drop,
                               db_->Prepare("DELETE FROM blob WHERE sha256 = ?1"));
        CAIRN_RETURN_IF_ERROR(drop->Bind(1, sha256).Run());
      }
      return received.status();
    }
    BlobState state{*received, blobs_.Has(sha256)};
    if (state.complete) {
      CAIRN_ASSIGN_OR_RETURN(
          sql::Statement * done,
          db_->Prepare("UPDATE blob SET completed_ms = ?2 WHERE sha256 = ?1 AND completed_ms = 0"));
      CAIRN_RETURN_IF_ERROR(done->Bind(1, sha256).Bind(2, options_.clock->NowMillis()).Run());
    }
    return state;
  }

  Result<std::string> ReadBlob(std::string_view sha256, uint64_t offset, size_t max) override {
    return blobs_.Read(sha256, offset, max);
  }

  Result<BlobFile> PutBlob(std::string_view bytes) override { return blobs_.AddBytes(bytes); }

  Result<uint64_t> BlobBytesOf(int64_t device) override {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("SELECT coalesce(sum(size), 0) FROM blob WHERE device = ?1"));
    st->Bind(1, device);
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    uint64_t bytes = row ? static_cast<uint64_t>(st->ColumnInt(0)) : 0;
    st->Reset();
    return bytes;
  }

  Result<std::vector<Op>> OpsNamingBlob(std::string_view sha256) override {
    return store_->OpsNamingBlob(sha256);
  }

  Result<std::optional<std::string>> Setting(std::string_view key) override {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("SELECT value FROM meta WHERE key = ?1"));
    st->Bind(1, key);
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return std::optional<std::string>();
    std::string value(st->ColumnText(0));
    st->Reset();
    return std::optional<std::string>(value);
  }

  Status SetSetting(std::string_view key, std::string_view value) override {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
    return st->Bind(1, key).Bind(2, value).Run();
  }

 private:
  // A device that never synced enrolls again: same id, the new credential and
  // token; the earlier credential is kept as a spare (see the schema).
  Result<DeviceRecord> ReEnroll(int64_t id, const DeviceRecord& device,
                                const SecretHash& credential_hash, sql::Transaction& txn) {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * spare,
        db_->Prepare("INSERT OR IGNORE INTO spare_credential(credential_hash, device) "
                     "SELECT credential_hash, id FROM device WHERE id = ?1"));
    CAIRN_RETURN_IF_ERROR(spare->Bind(1, id).Run());
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * update,
        db_->Prepare("UPDATE device SET credential_hash = ?2, role = ?3, classes = ?4, name = ?5, "
                     "token = ?6, enrolled_ms = ?7, fingerprint = ?8 WHERE id = ?1"));
    update->Bind(1, id);
    CAIRN_RETURN_IF_ERROR(BindEnrollment(*update, device, credential_hash).Run());
    CAIRN_RETURN_IF_ERROR(CountTokenUse(device.token));
    CAIRN_RETURN_IF_ERROR(txn.Commit());
    DeviceRecord out = device;
    out.id = id;
    return out;
  }

  // ?2–?8 of an enrollment: credential hash, role, classes, name, token, time,
  // machine fingerprint.
  static sql::Statement& BindEnrollment(sql::Statement& st, const DeviceRecord& device,
                                        const SecretHash& credential_hash) {
    return st.BindBlob(2, credential_hash)
        .Bind(3, RoleName(device.role))
        .Bind(4, ClassesText(device.classes))
        .Bind(5, device.name)
        .Bind(6, device.token)
        .Bind(7, device.enrolled_ms)
        .Bind(8, device.fingerprint);
  }

  Status CountTokenUse(int64_t token) {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * uses,
                           db_->Prepare("UPDATE token SET uses = uses + 1 WHERE id = ?1"));
    return uses->Bind(1, token).Run();
  }

  template <typename BindFn>
  Result<std::optional<DeviceRecord>> OneDevice(std::string_view where, BindFn bind) {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare("SELECT " + std::string(kDeviceColumns) +
                                        " FROM device WHERE " + std::string(where)));
    bind(*st);
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) return std::optional<DeviceRecord>();
    Result<DeviceRecord> d = ReadDevice(*st);
    st->Reset();
    if (!d.ok()) return d.status();
    return std::optional<DeviceRecord>(*d);
  }

  void AbortServerTables() {
    if (server_txn_) server_txn_->Rollback();
    server_txn_.reset();
  }

  SqliteStorageOptions options_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<sql::Database> db_;
  std::optional<ReaderHooks> reader_;           // set on a read-only view (OpenSqliteReader)
  std::optional<sql::Transaction> server_txn_;  // server.db's side of an open group
  BlobStore blobs_{BlobStoreDir(options_.dir)};
};

Result<std::unique_ptr<sql::Database>> OpenServerTables(const std::filesystem::path& file,
                                                        bool synchronous_full) {
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Database::Open(file));
  CAIRN_RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  CAIRN_RETURN_IF_ERROR(
      db->Exec(synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  CAIRN_RETURN_IF_ERROR(db->Exec(kSchema));
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * v, db->Prepare("PRAGMA user_version"));
  CAIRN_ASSIGN_OR_RETURN(bool row, v->Step());
  int64_t version = row ? v->ColumnInt(0) : 0;
  v->Reset();
  if (version > kServerSchemaVersion) {
    return Status::NotSupported(file.string() + " was written by a newer cairn-server");
  }
  if (version < kServerSchemaVersion) {
    CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(*db));
    // kSchema creates new files with every column; older files get the ones they
    // lack here. Version 2: devices bound to a machine fingerprint (unbound: ''
    // for every device). Version 3: what devices say they hold (never said: -1).
    for (const auto& [column, type] :
         {std::pair<std::string_view, std::string_view>{"fingerprint", "TEXT NOT NULL DEFAULT ''"},
          {"reported_seq", "INTEGER NOT NULL DEFAULT -1"},
          {"pending_files", "INTEGER NOT NULL DEFAULT 0"}}) {
      CAIRN_ASSIGN_OR_RETURN(
          sql::Statement * has,
          db->Prepare("SELECT count(*) FROM pragma_table_info('device') WHERE name = ?1"));
      has->Bind(1, column);
      CAIRN_ASSIGN_OR_RETURN(bool counted, has->Step());
      bool has_column = counted && has->ColumnInt(0) > 0;
      has->Reset();
      if (!has_column) {
        CAIRN_RETURN_IF_ERROR(db->Exec("ALTER TABLE device ADD COLUMN " + std::string(column) +
                                       " " + std::string(type)));
      }
    }
    CAIRN_RETURN_IF_ERROR(
        db->Exec("PRAGMA user_version = " + std::to_string(kServerSchemaVersion)));
    CAIRN_RETURN_IF_ERROR(txn.Commit());
  }
  return db;
}

}  // namespace

Result<std::unique_ptr<ServerStorage>> OpenSqliteStorage(const SqliteStorageOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.dir, ec);
  if (ec) {
    return Status::IoError("cannot create the data directory " + options.dir.string() + ": " +
                           ec.message());
  }
  ::chmod(options.dir.c_str(), 0700);
  StoreOptions so;
  so.path = options.dir / "ops.db";
  so.clock = options.clock;
  so.synchronous_full = options.synchronous_full;
  so.cache_mib = 64;  // room for a write group (writer.h) without spilling
  Result<std::unique_ptr<Store>> store = Store::Open(so);
  if (!store.ok()) return store.status().WithContext(so.path.string());
  if (!(*store)->initialized()) {
    CAIRN_RETURN_IF_ERROR((*store)->Initialize(Origin::Random(), StoreMode::kServer));
  } else if ((*store)->mode() != StoreMode::kServer) {
    return Status::FailedPrecondition(so.path.string() + " is a device's store, not a server's");
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                         OpenServerTables(options.dir / "server.db", options.synchronous_full));
  return std::unique_ptr<ServerStorage>(
      std::make_unique<SqliteStorage>(options, std::move(store).value(), std::move(db)));
}

Result<std::unique_ptr<ServerStorage>> OpenSqliteReader(const SqliteStorageOptions& options,
                                                        ReaderHooks hooks) {
  StoreOptions so;
  so.path = options.dir / "ops.db";
  so.clock = options.clock;
  so.read_only = true;
  so.cache_mib = 16;
  Result<std::unique_ptr<Store>> store = Store::Open(so);
  if (!store.ok()) return store.status().WithContext(so.path.string());
  if ((*store)->mode() != StoreMode::kServer) {
    return Status::FailedPrecondition(so.path.string() + " is not a server's store");
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                         sql::Database::Open(options.dir / "server.db", {.read_only = true}));
  CAIRN_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON"));
  return std::unique_ptr<ServerStorage>(std::make_unique<SqliteStorage>(
      options, std::move(store).value(), std::move(db), std::move(hooks)));
}

Status RevokeDeviceBesideServer(const std::filesystem::path& dir, int64_t id) {
  std::filesystem::path file = dir / "server.db";
  if (!std::filesystem::exists(file)) {
    return Status::NotFound("no cairn-server data in " + dir.string());
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                         OpenServerTables(file, /*synchronous_full=*/true));
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db->Prepare("UPDATE device SET revoked = 1 WHERE id = ?1"));
  CAIRN_RETURN_IF_ERROR(st->Bind(1, id).Run());
  if (db->Changes() == 0) return Status::NotFound("no device d" + std::to_string(id));
  return Status::Ok();
}

}  // namespace cairn::server
