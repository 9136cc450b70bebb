#include "cairn/agent/sqlite.h"

#include <sqlite3.h>

namespace cairn::sql {

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  sqlite3_reset(stmt_);
  if (rc == SQLITE_DONE) return false;
  return db_->Error(rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
std::string_view Statement::ColumnText(int col) const {
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n))
           : std::string_view();
}
std::string_view Statement::ColumnBlob(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
           : std::string_view();
}
bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}
int Statement::ColumnType(int col) const { return sqlite3_column_type(stmt_, col); }
int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path,
                                                 const OpenOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX;
  flags |= options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (!options.read_only && options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    if (rc == SQLITE_CANTOPEN) {
      return Status::IoError("cannot open database " + path.string() + ": " + msg);
    }
    return Status::IoError("cannot open database " + path.string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  return std::unique_ptr<Database>(new Database(db, path));
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before the connection closes
  sqlite3_close(db_);
}

Status Database::BackupTo(const std::filesystem::path& dest) {
  std::error_code ec;
  if (std::filesystem::exists(dest, ec)) {
    return Status::FailedPrecondition(dest.string() + " exists already; back up into a new file");
  }
  sqlite3* out = nullptr;
  int rc = sqlite3_open_v2(dest.c_str(), &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Status status = Status::Ok();
  if (rc == SQLITE_OK) {
    sqlite3_backup* backup = sqlite3_backup_init(out, "main", db_, "main");
    if (!backup) {
      status = Status::IoError("cannot back up " + path_.string() + ": " + sqlite3_errmsg(out));
    } else {
      // All pages in one step: one read transaction, so one consistent snapshot.
      rc = sqlite3_backup_step(backup, -1);
      sqlite3_backup_finish(backup);
      if (rc != SQLITE_DONE) {
        status = Status::IoError("cannot back up " + path_.string() + " to " + dest.string() +
                                 ": " + sqlite3_errstr(rc));
      }
    }
  } else {
    status = Status::IoError("cannot create " + dest.string() + ": " +
                             (out ? sqlite3_errmsg(out) : sqlite3_errstr(rc)));
  }
  sqlite3_close(out);
  if (!status.ok()) std::filesystem::remove(dest, ec);
  return status;
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, sql.substr(0, 80));
  return Status::Ok();
}

Result<Statement*> Database::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql.substr(0, 80));
  auto owned = std::unique_ptr<Statement>(new Statement(this, stmt));
  Statement* raw = owned.get();
  cache_.emplace(std::string(sql), std::move(owned));
  return raw;
}

int Database::Changes() const { return sqlite3_changes(db_); }
int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Status Database::Error(int rc, std::string_view what) const {
  std::string detail = std::string(sqlite3_errmsg(db_)) + " (while: " + std::string(what) + ")";
  std::string where = " [" + path_.string() + "]";
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return Status::IoError("the disk is full; free some space and try again" + where +
                             ": " + detail);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption("the database file is damaged or is not a Cairn store" +
                                where + ": " + detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy("the database is busy" + where + ": " + detail);
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return Status::IoError("cannot read or write the database" + where + ": " + detail);
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(detail);
    default:
      return Status::IoError(detail + where);
  }
}

Result<Transaction> Transaction::Begin(Database& db, Kind kind) {
  // Cached statements: a write is BEGIN, a few inserts and COMMIT, so parsing
  // BEGIN and COMMIT each time would be a measurable share of it.
  CAIRN_ASSIGN_OR_RETURN(Statement * begin,
                         db.Prepare(kind == Kind::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  CAIRN_RETURN_IF_ERROR(begin->Run());
  return Transaction(&db, false);
}

Result<Transaction> Transaction::Nest(Database& db) {
  if (!db.InTransaction()) {
    return Status::FailedPrecondition(
        "write group lost: the database rolled the group back by itself (" + db.path().string() +
        "); nothing of the group was stored");
  }
  CAIRN_ASSIGN_OR_RETURN(Statement * savepoint, db.Prepare("SAVEPOINT cairn_nested"));
  CAIRN_RETURN_IF_ERROR(savepoint->Run());
  return Transaction(&db, true);
}

Transaction::~Transaction() { Rollback(); }

Status Transaction::Commit() {
  if (!open_) return Status::FailedPrecondition("transaction is not open");
  Result<Statement*> commit = db_->Prepare(nested_ ? "RELEASE cairn_nested" : "COMMIT");
  Status s = commit.ok() ? (*commit)->Run() : commit.status();
  if (!s.ok()) {
    Rollback();
    return s;
  }
  open_ = false;
  return Status::Ok();
}

void Transaction::Rollback() {
  if (!open_) return;
  open_ = false;
  if (!db_->InTransaction()) return;
  sqlite3_exec(db_->handle(),
               nested_ ? "ROLLBACK TO cairn_nested; RELEASE cairn_nested" : "ROLLBACK", nullptr,
               nullptr, nullptr);
}

}  // namespace cairn::sql
