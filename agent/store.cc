#include "cairn/agent/store.h"

#include <algorithm>
#include <system_error>

#include "cairn/agent/sqlite.h"
#include "codec.h"
#include "interner.h"
#include "schema.h"

namespace cairn {
namespace fs = std::filesystem;

namespace {

// How far the learner index may trail the log before a local write catches it
// up (readers cover the tail themselves; see EvidenceFor).
constexpr int64_t kLearnerIndexLag = 64;

std::string_view Raw(const Origin& o) {
  return {reinterpret_cast<const char*>(o.bytes.data()), o.bytes.size()};
}

Status SetMeta(sql::Database& db, std::string_view key, std::string_view text, bool blob) {
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db.Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  st->Bind(1, key);
  if (blob) {
    st->BindBlob(2, text);
  } else {
    st->Bind(2, text);
  }
  return st->Run();
}

Status SetMetaInt(sql::Database& db, std::string_view key, int64_t value) {
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db.Prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) "
                                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"));
  return st->Bind(1, key).Bind(2, value).Run();
}

// The stored value of a register, by field type (see SCHEMA.md).
void BindRegisterValue(sql::Statement& st, int index, const FieldSpec& f,
                       const nlohmann::json& v) {
  switch (f.type) {
    case FieldType::kInt:
      st.Bind(index, v.get<int64_t>());
      break;
    case FieldType::kBool:
      st.Bind(index, int64_t{v.get<bool>() ? 1 : 0});
      break;
    case FieldType::kReal:
      st.Bind(index, v.get<double>());
      break;
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kObject:
      st.Bind(index, std::string_view(v.dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace)));
      break;
    default:
      st.Bind(index, std::string_view(v.get_ref<const std::string&>()));
  }
}

}  // namespace

std::string_view StoreModeName(StoreMode mode) {
  switch (mode) {
    case StoreMode::kStandalone: return "standalone";
    case StoreMode::kDevice: return "device";
    case StoreMode::kServer: return "server";
  }
  return "?";
}

Store::Store(StoreOptions options, std::unique_ptr<sql::Database> db, std::optional<LockFile> lock)
    : options_(std::move(options)),
      db_(std::move(db)),
      lock_(std::move(lock)),
      ids_(std::make_unique<Interner>(*db_, "ident", "name", false)),
      origins_(std::make_unique<Interner>(*db_, "origin", "id", true)),
      hlc_(*options_.clock) {}

Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  std::optional<LockFile> lock;
  fs::path path = options.in_memory ? fs::path(":memory:") : options.path;
  bool existed = false;
  if (!options.in_memory) {
    std::error_code ec;
    existed = fs::exists(path, ec);
    if (!existed && (!options.create_if_missing || options.read_only)) {
      return Status::NotFound("no Cairn store at " + path.string() +
                              "; run `cairnctl init` to create one");
    }
    if (!options.read_only) {
      fs::path lock_path = path;
      lock_path += ".lock";
      CAIRN_ASSIGN_OR_RETURN(LockFile l, LockFile::Acquire(lock_path));
      lock.emplace(std::move(l));
    }
  }
  CAIRN_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db,
                         sql::Database::Open(path, {.read_only = options.read_only}));

  // Is this ours? A fresh file has no tables and application_id 0.
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * app, db->Prepare("PRAGMA application_id"));
  CAIRN_ASSIGN_OR_RETURN(bool has_row, app->Step());
  int64_t app_id = has_row ? app->ColumnInt(0) : 0;
  app->Reset();
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * count, db->Prepare("SELECT count(*) FROM sqlite_master"));
  CAIRN_ASSIGN_OR_RETURN(has_row, count->Step());
  int64_t tables = has_row ? count->ColumnInt(0) : 0;
  count->Reset();
  if (app_id != schema::kApplicationId && (tables > 0 || app_id != 0)) {
    return Status::Corruption(path.string() +
                              " is an SQLite database but not a Cairn store; move it aside "
                              "or point CAIRN_HOME elsewhere");
  }

  int version = 0;
  if (tables > 0) {
    Result<sql::Statement*> v = db->Prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    Result<bool> row = v.ok() ? (*v)->Step() : Result<bool>(v.status());
    if (!row.ok() || !*row) {
      return Status::Corruption(path.string() + " is a damaged Cairn store (no schema version)");
    }
    version = static_cast<int>((*v)->ColumnInt(0));
    (*v)->Reset();
  }
  if (version > kSchemaVersion) {
    return Status::NotSupported(path.string() + " was written by a newer Cairn (schema " +
                                std::to_string(version) + "; this build reads up to " +
                                std::to_string(kSchemaVersion) +
                                "); install the newer Cairn. Nothing was changed.");
  }
  if (options.read_only) return OpenReadOnly(options, std::move(db), version);
  // Only now that the file is known to be ours and not too new may it change.
  CAIRN_RETURN_IF_ERROR(db->Exec(options.in_memory ? "PRAGMA journal_mode=MEMORY"
                                                   : "PRAGMA journal_mode=WAL"));
  CAIRN_RETURN_IF_ERROR(db->Exec(options.synchronous_full ? "PRAGMA synchronous=FULL"
                                                          : "PRAGMA synchronous=NORMAL"));
  if (options.cache_mib > 0) {
    CAIRN_RETURN_IF_ERROR(
        db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_mib * 1024)));
  }

  auto store = std::unique_ptr<Store>(new Store(options, std::move(db), std::move(lock)));
  sql::Database& d = *store->db_;
  for (int step = version + 1; step <= options.target_schema_version; ++step) {
    CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(d));
    if (step == 1) {
      CAIRN_RETURN_IF_ERROR(schema::MigrateTo1(d));
      CAIRN_RETURN_IF_ERROR(
          d.Exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId)));
      CAIRN_RETURN_IF_ERROR(SetMetaInt(d, "created_ms", options.clock->NowMillis()));
    } else if (step == 2) {
      CAIRN_RETURN_IF_ERROR(schema::MigrateTo2(d));
      store->schema_version_ = 2;
      CAIRN_RETURN_IF_ERROR(store->ids_->Load());
      CAIRN_RETURN_IF_ERROR(store->origins_->Load());
      CAIRN_RETURN_IF_ERROR(store->RefoldLog());
    } else if (step == 3) {
      CAIRN_RETURN_IF_ERROR(schema::MigrateTo3(d));
      store->schema_version_ = 3;
      CAIRN_RETURN_IF_ERROR(store->ids_->Load());
      CAIRN_RETURN_IF_ERROR(store->origins_->Load());
      CAIRN_RETURN_IF_ERROR(store->IndexAllBlobRefs());
    }
    CAIRN_RETURN_IF_ERROR(SetMetaInt(d, "schema_version", step));
    CAIRN_RETURN_IF_ERROR(txn.Commit());
  }
  store->schema_version_ = std::max(version, options.target_schema_version);
  if (store->schema_version_ >= 2) {
    // One transaction, so one fsync rather than one per DROP/CREATE VIEW (~0.2 s an open).
    CAIRN_ASSIGN_OR_RETURN(sql::Transaction views, sql::Transaction::Begin(d));
    CAIRN_RETURN_IF_ERROR(schema::CreateViews(d));
    CAIRN_RETURN_IF_ERROR(views.Commit());
  }
  CAIRN_RETURN_IF_ERROR(store->Load());
  if (store->mode_ == StoreMode::kServer) CAIRN_RETURN_IF_ERROR(schema::EnsureServerIndexes(d));
  return store;
}

Result<std::unique_ptr<Store>> Store::OpenReadOnly(const StoreOptions& options,
                                                   std::unique_ptr<sql::Database> db, int version) {
  if (version != kSchemaVersion) {
    return Status::FailedPrecondition(
        options.path.string() + " is at schema " + std::to_string(version) + ", not " +
        std::to_string(kSchemaVersion) + "; it is read beside a writer that opened it first");
  }
  CAIRN_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = ON"));
  if (options.cache_mib > 0) {
    CAIRN_RETURN_IF_ERROR(
        db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_mib * 1024)));
  }
  auto store = std::unique_ptr<Store>(new Store(options, std::move(db), std::nullopt));
  store->read_only_ = true;
  store->schema_version_ = version;
  // The writer interns names after this opened: those are read when met.
  store->ids_->ReadMissesFromTable();
  store->origins_->ReadMissesFromTable();
  CAIRN_RETURN_IF_ERROR(store->Load());
  return store;
}

Status Store::BeginRead() {
  if (!read_only_) return Status::FailedPrecondition("BeginRead is for a read-only store");
  if (group_) return Status::FailedPrecondition("a read is already open");
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn,
                         sql::Transaction::Begin(*db_, sql::Transaction::Kind::kDeferred));
  group_ = std::make_unique<sql::Transaction>(std::move(txn));
  // The first read fixes the snapshot. How far the learner index reaches in it:
  // OpsConcerning reads the evidence past that by subject.
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT value FROM meta WHERE key = 'learner_index_lsn'"));
  CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
  indexed_lsn_ = row ? st->ColumnInt(0) : 0;
  st->Reset();
  return Status::Ok();
}

void Store::EndRead() {
  if (!read_only_ || !group_) return;
  group_->Rollback();  // nothing was written: ending the read is all it does
  group_.reset();
}

Status Store::Load() {
  CAIRN_RETURN_IF_ERROR(ids_->Load());
  CAIRN_RETURN_IF_ERROR(origins_->Load());
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_->Prepare("SELECT key, value FROM meta"));
  Hlc persisted = 0;
  indexed_lsn_ = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    std::string_view key = st->ColumnText(0);
    if (key == "self") {
      CAIRN_ASSIGN_OR_RETURN(self_, Origin::FromBytes(st->ColumnBlob(1)));
      initialized_ = true;
    } else if (key == "authority") {
      CAIRN_ASSIGN_OR_RETURN(Origin a, Origin::FromBytes(st->ColumnBlob(1)));
      authority_ = a;
    } else if (key == "mode") {
      std::string_view m = st->ColumnText(1);
      mode_ = m == "device" ? StoreMode::kDevice
              : m == "server" ? StoreMode::kServer
                              : StoreMode::kStandalone;
    } else if (key == "hlc") {
      persisted = static_cast<Hlc>(st->ColumnInt(1));
    } else if (key == "learner_index_lsn") {
      indexed_lsn_ = st->ColumnInt(1);
    }
  }
  Hlc last_own = 0;
  next_seq_ = 1;
  self_ref_ = 0;
  if (initialized_) {
    if (auto ref = origins_->Find(Raw(self_))) self_ref_ = *ref;
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * last,
        db_->Prepare("SELECT seq, hlc FROM op WHERE origin = ?1 ORDER BY seq DESC LIMIT 1"));
    last->Bind(1, self_ref_);
    CAIRN_ASSIGN_OR_RETURN(bool row, last->Step());
    if (row) {
      next_seq_ = static_cast<uint64_t>(last->ColumnInt(0)) + 1;
      last_own = static_cast<Hlc>(last->ColumnInt(1));
    }
    last->Reset();
  }
  hlc_ = HybridClock(*options_.clock, std::max(persisted, last_own));
  return Status::Ok();
}

bool Store::initialized() const { return initialized_; }

Status Store::Initialize(const Origin& self, StoreMode mode, std::optional<Origin> authority) {
  if (initialized_) {
    if (self_ == self && mode_ == mode) return Status::Ok();
    return Status::FailedPrecondition("this store already belongs to device " + self_.Hex() +
                                      " (" + std::string(StoreModeName(mode_)) + ")");
  }
  if (mode == StoreMode::kDevice && !authority) {
    return Status::InvalidArgument("an enrolled device store needs the server's origin");
  }
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(*db_));
  CAIRN_RETURN_IF_ERROR(SetMeta(*db_, "self", Raw(self), true));
  CAIRN_RETURN_IF_ERROR(SetMeta(*db_, "mode", StoreModeName(mode), false));
  if (authority) CAIRN_RETURN_IF_ERROR(SetMeta(*db_, "authority", Raw(*authority), true));
  if (mode == StoreMode::kServer) CAIRN_RETURN_IF_ERROR(schema::EnsureServerIndexes(*db_));
  Result<int64_t> ref = origins_->Intern(Raw(self));
  if (!ref.ok()) {
    origins_->Rollback();
    return ref.status();
  }
  Status s = txn.Commit();
  if (!s.ok()) {
    origins_->Rollback();
    return s;
  }
  origins_->Commit();
  self_ = self;
  self_ref_ = *ref;
  mode_ = mode;
  authority_ = authority;
  initialized_ = true;
  return Status::Ok();
}

Status Store::SetAuthority(const Origin& server) {
  if (!initialized_) return Status::FailedPrecondition("the store has no identity yet");
  if (mode_ == StoreMode::kServer) {
    return Status::FailedPrecondition("a server store is its own authority");
  }
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(*db_));
  CAIRN_RETURN_IF_ERROR(SetMeta(*db_, "authority", Raw(server), true));
  CAIRN_RETURN_IF_ERROR(SetMeta(*db_, "mode", "device", false));
  CAIRN_RETURN_IF_ERROR(txn.Commit());
  authority_ = server;
  mode_ = StoreMode::kDevice;
  return Status::Ok();
}

Status Store::RenewOrigin(const Origin& fresh) {
  if (!initialized_) return Status::FailedPrecondition("the store has no identity yet");
  if (mode_ == StoreMode::kServer) {
    return Status::FailedPrecondition("a server store's origin is the school's: never renewed");
  }
  if (fresh == self_) return Status::Ok();
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, BeginWrite());
  Status s = SetMeta(*db_, "self", Raw(fresh), true);
  // Load() floors the clock at the new origin's last op (none): keep ours.
  if (s.ok()) s = SetMetaInt(*db_, "hlc", static_cast<int64_t>(hlc_.last()));
  if (s.ok()) s = origins_->Intern(Raw(fresh)).status();
  CAIRN_RETURN_IF_ERROR(Finish(txn, s));
  return Load();
}

void Store::AfterRollback() {
  ids_->Rollback();
  origins_->Rollback();
}

Result<sql::Transaction> Store::BeginWrite() {
  CAIRN_RETURN_IF_ERROR(lost_state_);
  ids_mark_ = ids_->Mark();
  origins_mark_ = origins_->Mark();
  return group_ ? sql::Transaction::Nest(*db_) : sql::Transaction::Begin(*db_);
}

Status Store::Finish(sql::Transaction& txn, Status s) {
  if (s.ok()) s = txn.Commit();
  if (!s.ok()) {
    txn.Rollback();
    if (txn.nested()) {
      // Only this write is undone; what earlier writes of the group interned stays.
      ids_->RollbackTo(ids_mark_);
      origins_->RollbackTo(origins_mark_);
    } else {
      AfterRollback();
    }
    return s;
  }
  if (!txn.nested()) {
    ids_->Commit();
    origins_->Commit();
  }
  return s;
}

Status Store::BeginGroup() {
  if (group_) return Status::FailedPrecondition("a write group is already open");
  CAIRN_RETURN_IF_ERROR(lost_state_);
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(*db_));
  group_ = std::make_unique<sql::Transaction>(std::move(txn));
  return Status::Ok();
}

Status Store::CommitGroup() {
  if (!group_) return Status::FailedPrecondition("no write group is open");
  int64_t indexed = indexed_lsn_;
  Status s = CatchUpLearnerIndex(indexed);
  if (!s.ok()) {
    group_->Rollback();
    group_.reset();
    ReloadAfterGroupRollback();
    return s;
  }
  s = group_->Commit();
  group_.reset();
  if (!s.ok()) {
    ReloadAfterGroupRollback();
    return s;
  }
  ids_->Commit();
  origins_->Commit();
  indexed_lsn_ = indexed;
  return s;
}

void Store::AbortGroup() {
  if (!group_) return;
  group_->Rollback();
  group_.reset();
  ReloadAfterGroupRollback();
}

void Store::ReloadAfterGroupRollback() {
  // Stamps already handed out (in replies) stay behind us: the clock never goes back.
  Hlc issued = hlc_.last();
  // Load() rereads the interners and the meta table as stored.
  Status s = Load();
  if (!s.ok()) {
    // What is in memory may no longer match the file: no write may trust it.
    lost_state_ = s.WithContext(
        "the store could not reread its state after a write group was rolled back; reopen it");
    return;
  }
  hlc_ = HybridClock(*options_.clock, std::max(hlc_.last(), issued));
}

Result<const KindSpec*> Store::CheckOwn(std::string_view kind_name,
                                         const nlohmann::json& body) const {
  if (!initialized_) {
    return Status::FailedPrecondition("this store has no identity yet; run `cairnctl init`");
  }
  const KindSpec* kind = FindKind(kind_name);
  if (!kind) return Status::InvalidArgument("unknown op kind '" + std::string(kind_name) + "'");
  if (kind->writers == Writers::kServer && mode_ == StoreMode::kDevice) {
    return Status::FailedPrecondition(std::string(kind->name) +
                                      " records are managed by the school server on an "
                                      "enrolled device; change them there");
  }
  CAIRN_RETURN_IF_ERROR(ValidateBody(*kind, body));
  return kind;
}

Result<OpId> Store::Append(std::string_view kind_name, const nlohmann::json& body) {
  CAIRN_ASSIGN_OR_RETURN(const KindSpec* kind, CheckOwn(kind_name, body));
  const KindSpec* kinds[] = {kind};
  const nlohmann::json* bodies[] = {&body};
  CAIRN_ASSIGN_OR_RETURN(std::vector<OpId> ids, WriteOwn(kinds, bodies));
  return ids.front();
}

Result<std::vector<OpId>> Store::AppendAll(
    const std::vector<std::pair<std::string, nlohmann::json>>& ops) {
  std::vector<const KindSpec*> kinds;
  std::vector<const nlohmann::json*> bodies;
  for (size_t i = 0; i < ops.size(); ++i) {
    Result<const KindSpec*> kind = CheckOwn(ops[i].first, ops[i].second);
    if (!kind.ok()) return kind.status().WithContext("op " + std::to_string(i + 1) + " of the batch");
    kinds.push_back(*kind);
    bodies.push_back(&ops[i].second);
  }
  return WriteOwn(kinds, bodies);
}

Result<std::vector<OpId>> Store::WriteOwn(std::span<const KindSpec* const> kinds,
                                          std::span<const nlohmann::json* const> bodies) {
  std::vector<OpId> ids;
  ids.reserve(kinds.size());
  HybridClock clock = hlc_;
  int64_t indexed = indexed_lsn_;
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, BeginWrite());
  Status s;
  for (size_t i = 0; i < kinds.size() && s.ok(); ++i) {
    uint64_t seq = next_seq_ + i;
    Result<bool> inserted = Insert(*kinds[i], self_, seq, clock.Now(), *bodies[i]);
    s = inserted.status();
    ids.push_back({self_, seq});
  }
  // The learner index trails the log by a few ops (see CatchUpLearnerIndex).
  if (s.ok() && db_->LastInsertRowId() - indexed >= kLearnerIndexLag) {
    s = CatchUpLearnerIndex(indexed);
  }
  CAIRN_RETURN_IF_ERROR(Finish(txn, s));
  hlc_ = clock;
  next_seq_ += kinds.size();
  indexed_lsn_ = indexed;
  return ids;
}

Status Store::CatchUpLearnerIndex(int64_t& indexed) {
  if (schema_version_ < 2) return Status::Ok();  // no index yet; MigrateTo2 builds it
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * fill,
      db_->Prepare("INSERT OR IGNORE INTO op_learner(learner, lsn) "
                   "SELECT subject, lsn FROM op WHERE lsn > ?1 AND kind >= ?2 "
                   "AND subject IS NOT NULL"));
  CAIRN_RETURN_IF_ERROR(fill->Bind(1, indexed).Bind(2, kFirstEvidenceCode).Run());
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * top,
                         db_->Prepare("SELECT coalesce(max(lsn), 0) FROM op"));
  CAIRN_ASSIGN_OR_RETURN(bool row, top->Step());
  int64_t last = row ? top->ColumnInt(0) : 0;
  top->Reset();
  if (last == indexed) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(SetMetaInt(*db_, "learner_index_lsn", last));
  indexed = last;
  return Status::Ok();
}

Result<bool> Store::Insert(const KindSpec& kind, const Origin& origin, uint64_t seq, Hlc hlc,
                          const nlohmann::json& body) {
  CAIRN_ASSIGN_OR_RETURN(int64_t origin_ref, origins_->Intern(Raw(origin)));
  CAIRN_ASSIGN_OR_RETURN(EncodedBody enc, EncodeBody(kind, body, *ids_, *origins_));
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * ins,
      db_->Prepare("INSERT OR IGNORE INTO op(origin, seq, hlc, kind, subject, body) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  ins->Bind(1, origin_ref).Bind(2, seq).Bind(3, hlc).Bind(4, kind.code);
  if (enc.subject) {
    ins->Bind(5, *enc.subject);
  } else {
    ins->BindNull(5);
  }
  ins->BindBlob(6, enc.bytes);
  CAIRN_RETURN_IF_ERROR(ins->Run());
  if (db_->Changes() == 0) {
    // Already stored. Same id with other content means two installs share an
    // origin (a cloned disk that skipped prepare-image): never merge that silently.
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * old,
        db_->Prepare("SELECT hlc, kind, subject, body FROM op WHERE origin = ?1 AND seq = ?2"));
    old->Bind(1, origin_ref).Bind(2, seq);
    CAIRN_ASSIGN_OR_RETURN(bool row, old->Step());
    bool same = row && static_cast<Hlc>(old->ColumnInt(0)) == hlc &&
                old->ColumnInt(1) == kind.code &&
                (old->ColumnIsNull(2) ? !enc.subject : enc.subject == old->ColumnInt(2)) &&
                old->ColumnBlob(3) == enc.bytes;
    old->Reset();
    if (!same) {
      return Status::InvalidArgument("op " + OpId{origin, seq}.ToString() +
                                     " differs from the op already stored under that id; "
                                     "two devices share one identity (was a disk cloned "
                                     "without `cairnctl prepare-image`?)");
    }
    return false;
  }
  if (schema_version_ >= 2) {
    CAIRN_RETURN_IF_ERROR(Materialize(kind, body, hlc, origin, db_->LastInsertRowId()));
  }
  return true;
}

Status Store::Materialize(const KindSpec& kind, const nlohmann::json& body, Hlc hlc,
                          const Origin& origin, int64_t lsn) {
  if (kind.merge == MergeRule::kLastWriterWins) {
    if (schema_version_ >= 3) CAIRN_RETURN_IF_ERROR(IndexBlobRef(kind, body, lsn));
    const std::string& a = body.at(std::string(kind.fields[0].name)).get_ref<const std::string&>();
    std::string b = kind.key_fields == 2
                        ? body.at(std::string(kind.fields[1].name)).get<std::string>()
                        : std::string();
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * up,
        db_->Prepare("INSERT INTO register(entity, a, b, field, value, hlc, origin) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                     "ON CONFLICT(entity, a, b, field) DO UPDATE SET "
                     "value = excluded.value, hlc = excluded.hlc, origin = excluded.origin "
                     // A full (hlc, origin) tie, one origin stamping twice alike (a
                     // restored or cloned install), falls to the value: every replica
                     // then picks the same winner whatever the order.
                     "WHERE (excluded.hlc, excluded.origin, excluded.value) > "
                     "(register.hlc, register.origin, register.value)"));
    for (size_t i = static_cast<size_t>(kind.key_fields); i < kind.fields.size(); ++i) {
      const FieldSpec& f = kind.fields[i];
      auto it = body.find(f.name);
      if (it == body.end()) continue;
      up->Bind(1, kind.name).Bind(2, std::string_view(a)).Bind(3, std::string_view(b));
      up->Bind(4, f.name);
      BindRegisterValue(*up, 5, f, *it);
      up->Bind(6, hlc).BindBlob(7, Raw(origin));
      CAIRN_RETURN_IF_ERROR(up->Run());
    }
    return Status::Ok();
  }
  // Evidence: the op row is the record. Index extra learners; note retractions.
  if (schema_version_ >= 3) CAIRN_RETURN_IF_ERROR(IndexBlobRef(kind, body, lsn));
  if (kind.name == "observation" || kind.name == "artifact") {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * link,
        db_->Prepare("INSERT OR IGNORE INTO op_learner(learner, lsn) VALUES (?1, ?2)"));
    for (const auto& learner : body.at("learners")) {
      CAIRN_ASSIGN_OR_RETURN(int64_t ref, ids_->Intern(learner.get_ref<const std::string&>()));
      CAIRN_RETURN_IF_ERROR(link->Bind(1, ref).Bind(2, lsn).Run());
    }
  }
  for (const char* field : {"target", "supersedes"}) {
    auto it = body.find(field);
    if (it == body.end()) continue;
    CAIRN_ASSIGN_OR_RETURN(OpId target, OpId::Parse(it->get_ref<const std::string&>()));
    CAIRN_ASSIGN_OR_RETURN(int64_t ref, origins_->Intern(Raw(target.origin)));
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * r,
        db_->Prepare("INSERT OR IGNORE INTO retraction(origin, seq) VALUES (?1, ?2)"));
    CAIRN_RETURN_IF_ERROR(r->Bind(1, ref).Bind(2, target.seq).Run());
  }
  return Status::Ok();
}

Result<ApplyStats> Store::ApplyRemote(const std::vector<Op>& ops) {
  if (!initialized_) {
    return Status::FailedPrecondition("this store has no identity yet; run `cairnctl init`");
  }
  // Check everything before touching the store: a bad op rejects its batch.
  std::vector<const KindSpec*> kinds;
  kinds.reserve(ops.size());
  for (const Op& op : ops) {
    auto where = [&] { return "op " + op.id().ToString(); };  // only on error
    if (op.seq == 0 || op.hlc > kMaxHlc || op.origin.IsZero()) {
      return Status::InvalidArgument(where() + ": bad origin, seq or hlc; batch rejected");
    }
    const KindSpec* kind = FindKind(op.kind);
    if (!kind) {
      return Status::InvalidArgument(where() + ": unknown kind '" + op.kind +
                                     "' (written by a newer Cairn?); batch rejected");
    }
    Status valid = ValidateBody(*kind, op.body);
    if (!valid.ok()) return valid.WithContext(where() + " (batch rejected)");
    if (kind->writers == Writers::kServer) {
      const Origin& allowed = mode_ == StoreMode::kDevice && authority_ ? *authority_ : self_;
      // Our own ops stay ours whatever the kind: a standalone device that enrolled
      // gets the records it authored back from the server (they are duplicates).
      if (op.origin != allowed && op.origin != self_) {
        return Status::InvalidArgument(where() + ": a " + op.kind +
                                       " record may only come from the school server; "
                                       "batch rejected");
      }
    }
    kinds.push_back(kind);
  }

  ApplyStats stats;
  Hlc max_seen = 0;
  bool touched_self = false;
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, BeginWrite());
  for (size_t i = 0; i < ops.size(); ++i) {
    Result<bool> inserted = Insert(*kinds[i], ops[i].origin, ops[i].seq, ops[i].hlc, ops[i].body);
    if (!inserted.ok()) return Finish(txn, inserted.status());
    if (*inserted) {
      ++stats.applied;
      max_seen = std::max(max_seen, ops[i].hlc);
      touched_self |= ops[i].origin == self_;
    } else {
      ++stats.duplicates;
    }
  }
  HybridClock next = hlc_;
  next.Observe(max_seen);
  int64_t indexed = indexed_lsn_;
  Status s = SetMetaInt(*db_, "hlc", static_cast<int64_t>(next.last()));
  // In a group the index catches up once, at CommitGroup: readers scan the ops
  // past it meanwhile, and one bulk insert for the group costs less than one a batch.
  if (s.ok() && stats.applied > 0 && !group_) s = CatchUpLearnerIndex(indexed);
  CAIRN_RETURN_IF_ERROR(Finish(txn, s));
  hlc_ = next;
  indexed_lsn_ = indexed;
  // Our own ops coming back (a restored device) move our next seq past them.
  if (touched_self) CAIRN_RETURN_IF_ERROR(Load());
  return stats;
}

Status Store::ObserveServerClock(Hlc server) {
  HybridClock next = hlc_;
  next.ObserveTrusted(server);
  if (next.last() == hlc_.last()) return Status::Ok();
  CAIRN_RETURN_IF_ERROR(SetMetaInt(*db_, "hlc", static_cast<int64_t>(next.last())));
  hlc_ = next;
  return Status::Ok();
}

Result<Op> Store::ReadOp(int64_t origin_ref, uint64_t seq, Hlc hlc, int kind_code,
                         std::optional<int64_t> subject, std::string_view body) const {
  const KindSpec* kind = FindKindByCode(kind_code);
  const std::string* origin = origins_->Name(origin_ref);
  if (!kind || !origin) {
    return Status::Corruption("a stored op has an unknown kind or origin (op " +
                              std::to_string(seq) + ")");
  }
  Op op;
  CAIRN_ASSIGN_OR_RETURN(op.origin, Origin::FromBytes(*origin));
  op.seq = seq;
  op.hlc = hlc;
  op.kind = std::string(kind->name);
  CAIRN_ASSIGN_OR_RETURN(op.body, DecodeBody(*kind, body, subject, *ids_, *origins_));
  return op;
}

Result<Op> Store::ReadOpRow(sql::Statement& st, int first) const {
  std::optional<int64_t> subject;
  if (!st.ColumnIsNull(first + 4)) subject = st.ColumnInt(first + 4);
  Result<Op> op =
      ReadOp(st.ColumnInt(first), static_cast<uint64_t>(st.ColumnInt(first + 1)),
             static_cast<Hlc>(st.ColumnInt(first + 2)), static_cast<int>(st.ColumnInt(first + 3)),
             subject, st.ColumnBlob(first + 5));
  if (!op.ok()) st.Reset();
  return op;
}

Result<OpsPage> Store::OpsSince(uint64_t cursor, size_t limit) const {
  OpsPage page;
  page.next_cursor = cursor;
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT lsn, origin, seq, hlc, kind, subject, body FROM op "
                   "WHERE lsn > ?1 ORDER BY lsn LIMIT ?2"));
  st->Bind(1, cursor).Bind(2, static_cast<int64_t>(limit) + 1);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    if (page.ops.size() == limit) {
      page.more = true;
      st->Reset();
      break;
    }
    Result<Op> op = ReadOpRow(*st, 1);
    if (!op.ok()) return op.status();
    page.next_cursor = static_cast<uint64_t>(st->ColumnInt(0));
    page.ops.push_back(std::move(op).value());
  }
  return page;
}

Result<std::vector<Op>> Store::OwnOpsAfter(uint64_t after_seq, size_t limit) const {
  std::vector<Op> ops;
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT origin, seq, hlc, kind, subject, body FROM op "
                   "WHERE origin = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"));
  st->Bind(1, self_ref_).Bind(2, after_seq).Bind(3, static_cast<int64_t>(limit));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Result<Op> op = ReadOpRow(*st, 0);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(op).value());
  }
  return ops;
}

Result<uint64_t> Store::LastSeq(const Origin& origin) const {
  std::optional<int64_t> ref = origins_->Find(Raw(origin));
  if (!ref) return uint64_t{0};
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT max(seq) FROM op WHERE origin = ?1"));
  st->Bind(1, *ref);
  CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
  uint64_t last = row && !st->ColumnIsNull(0) ? static_cast<uint64_t>(st->ColumnInt(0)) : 0;
  st->Reset();
  return last;
}

Result<std::optional<Op>> Store::FindOp(const OpId& id) const {
  std::optional<int64_t> ref = origins_->Find(Raw(id.origin));
  if (!ref) return std::optional<Op>();
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT origin, seq, hlc, kind, subject, body FROM op "
                                      "WHERE origin = ?1 AND seq = ?2"));
  st->Bind(1, *ref).Bind(2, id.seq);
  CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<Op>();
  Result<Op> op = ReadOpRow(*st, 0);
  if (!op.ok()) return op.status();
  st->Reset();
  return std::optional<Op>(std::move(op).value());
}

Result<std::optional<OpId>> Store::OpIdAt(uint64_t cursor) const {
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT origin, seq FROM op WHERE lsn = ?1"));
  st->Bind(1, static_cast<int64_t>(std::min<uint64_t>(cursor, INT64_MAX)));
  CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<OpId>();
  const std::string* raw = origins_->Name(st->ColumnInt(0));
  const uint64_t seq = static_cast<uint64_t>(st->ColumnInt(1));
  st->Reset();
  if (!raw) return Status::Corruption("a stored op has an unknown origin");
  CAIRN_ASSIGN_OR_RETURN(Origin origin, Origin::FromBytes(*raw));
  return std::optional<OpId>(OpId{origin, seq});
}

Status Store::RefoldLog() {
  CAIRN_RETURN_IF_ERROR(db_->Exec(std::string("DELETE FROM register; DELETE FROM retraction; "
                                              "DELETE FROM op_learner;") +
                                  (schema_version_ >= 3 ? "DELETE FROM blob_ref;" : "")));
  uint64_t cursor = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(OpsPage page, OpsSince(cursor, 1000));
    // lsn of each op, for op_learner rows: re-read alongside.
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * lsns,
                           db_->Prepare("SELECT lsn FROM op WHERE lsn > ?1 ORDER BY lsn LIMIT ?2"));
    lsns->Bind(1, cursor).Bind(2, static_cast<int64_t>(page.ops.size()));
    for (const Op& op : page.ops) {
      CAIRN_ASSIGN_OR_RETURN(bool row, lsns->Step());
      if (!row) return Status::Corruption("the op log changed during a rebuild");
      int64_t lsn = lsns->ColumnInt(0);
      CAIRN_RETURN_IF_ERROR(Materialize(*FindKind(op.kind), op.body, op.hlc, op.origin, lsn));
    }
    lsns->Reset();
    if (!page.more) break;
    cursor = page.next_cursor;
  }
  int64_t indexed = 0;
  return CatchUpLearnerIndex(indexed);
}

Status Store::Rematerialize() {
  CAIRN_ASSIGN_OR_RETURN(sql::Transaction txn, sql::Transaction::Begin(*db_));
  Status s = RefoldLog();
  CAIRN_RETURN_IF_ERROR(Finish(txn, s));
  return Load();
}

}  // namespace cairn
