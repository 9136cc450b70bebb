// A thin RAII layer over SQLite: a connection, prepared statements (cached by the
// connection), and a transaction that rolls back in its destructor unless committed.
// Only bound values reach SQL; nothing is built by string concatenation from input.
//
// Not thread-safe: a Database and its statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cairn/platform/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cairn::sql {

class Database;

class Statement {
 public:
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binders use SQLite's 1-based parameter index and return *this for chaining.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, uint64_t value) { return Bind(index, static_cast<int64_t>(value)); }
  Statement& Bind(int index, double value);
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Steps once. Returns true when a row is ready to read, false when done (the
  // statement is then reset, so a finished read holds no lock).
  Result<bool> Step();
  // Steps to completion, ignoring rows; resets.
  Status Run();
  // Resets and clears bindings.
  void Reset();

  int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  // Views stay valid until the next Step/Reset.
  std::string_view ColumnText(int col) const;
  std::string_view ColumnBlob(int col) const;
  bool ColumnIsNull(int col) const;
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int ColumnType(int col) const;
  int ColumnCount() const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Database* db_;
  sqlite3_stmt* stmt_;
};

struct OpenOptions {
  bool read_only = false;
  bool create_if_missing = true;
  int busy_timeout_ms = 5000;
};

class Database {
 public:
  // Opens (or creates) a database file. Does not set journal mode or pragmas.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path,
                                                const OpenOptions& options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements with no bound values (schema, pragmas).
  Status Exec(std::string_view sql);

  // A prepared statement cached by its SQL text, reset with bindings cleared.
  // The pointer stays valid as long as the Database.
  Result<Statement*> Prepare(std::string_view sql);

  // Copies the database, as one consistent snapshot, into a new file `dest`
  // (SQLite's online backup: a writer on another connection goes on meanwhile).
  // On failure `dest` is removed.
  Status BackupTo(const std::filesystem::path& dest);

  // Changes made by the most recent INSERT/UPDATE/DELETE.
  int Changes() const;
  int64_t LastInsertRowId() const;
  bool InTransaction() const;

  // Turns the connection's last error (rc) into a Status naming `what` was being done.
  Status Error(int rc, std::string_view what) const;

  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::filesystem::path path_;
  // Keyed by SQL text; looked up by string_view without building a string.
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<Statement>, TextHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE (the write lock up front, so no deadlock-by-upgrade) or DEFERRED.
class Transaction {
 public:
  enum class Kind { kImmediate, kDeferred };
  // An error when the connection is already in a transaction.
  static Result<Transaction> Begin(Database& db, Kind kind = Kind::kImmediate);
  // A SAVEPOINT of the transaction the connection is in (a write inside a group
  // commit; nested()): Commit releases the savepoint, Rollback undoes only what
  // was done since it began, and nothing is durable before the outer transaction
  // commits. kFailedPrecondition "write group lost" when the connection is in no
  // transaction: SQLite rolled the group back by itself (a full disk, an I/O
  // error), and starting a transaction of its own here would commit this write
  // alone while the group's earlier writes are gone.
  static Result<Transaction> Nest(Database& db);

  Transaction(Transaction&& other) noexcept
      : db_(other.db_), open_(other.open_), nested_(other.nested_) {
    other.open_ = false;
  }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  // Rolls back if still open. Never throws; a failing rollback is ignored (SQLite
  // rolls back on its own when the connection closes or on the next begin).
  ~Transaction();

  Status Commit();
  void Rollback();
  bool open() const { return open_; }
  bool nested() const { return nested_; }

 private:
  Transaction(Database* db, bool nested) : db_(db), open_(true), nested_(nested) {}
  Database* db_;
  bool open_;
  bool nested_;
};

}  // namespace cairn::sql
