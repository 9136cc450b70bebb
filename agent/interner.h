// Maps strings (entity ids, or 16-byte origin ids) to small local numbers, so a
// stored op says "learner 12" in one byte or two instead of a 36-byte UUID.
// The numbers are local to one store: anything that leaves the store (ops, exports,
// digests) is translated back to the strings.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/agent/sqlite.h"
#include "cairn/platform/status.h"

namespace cairn {

class Interner {
 public:
  // `table` has columns (ref INTEGER PRIMARY KEY, <column> UNIQUE).
  Interner(sql::Database& db, std::string table, std::string column, bool blob);

  // Reads the whole table into memory.
  Status Load();
  // For a connection that only reads while another one writes (a server's pull
  // readers): a number or key not in memory is looked up in the table (it was
  // added by the writer after Load) and kept.
  void ReadMissesFromTable() { lazy_ = true; }
  // The number for `key`, adding it (inside the caller's write transaction) if new.
  Result<int64_t> Intern(std::string_view key);
  std::optional<int64_t> Find(std::string_view key) const;
  // nullptr if `ref` is unknown.
  const std::string* Name(int64_t ref) const;

  // Transaction boundaries: after a rollback, forget what was added since the last commit.
  void Commit() { pending_.clear(); }
  void Rollback() { RollbackTo(0); }
  // Savepoints: Mark() where one begins; RollbackTo(mark) forgets only what was
  // added after it (what a committed savepoint added stays pending until Commit).
  size_t Mark() const { return pending_.size(); }
  void RollbackTo(size_t mark);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Keeps (ref, key) in memory.
  void Remember(int64_t ref, std::string key) const;
  // A lazy interner's look-up of what memory does not hold.
  std::optional<int64_t> FindInTable(std::string_view key) const;
  const std::string* NameInTable(int64_t ref) const;

  sql::Database& db_;
  std::string insert_sql_;
  std::string select_sql_;
  std::string table_;
  std::string column_;
  bool blob_;
  bool lazy_ = false;
  // Mutable: a lazy interner fills them on reads (one thread per store).
  mutable std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> by_key_;
  // Index = ref; refs are rowids, dense in practice. A deque: growing it keeps
  // the names Name() returned where they are.
  mutable std::deque<std::string> by_ref_;
  mutable std::vector<bool> known_;
  std::vector<int64_t> pending_;
};

}  // namespace cairn
