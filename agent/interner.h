// Maps strings (entity ids, or 16-byte origin ids) to small local numbers, so a
// stored op says "learner 12" in one byte or two instead of a 36-byte UUID.
// The numbers are local to one store: anything that leaves the store (ops, exports,
// digests) is translated back to the strings.
#pragma once

#include <cstdint>
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
  sql::Database& db_;
  std::string insert_sql_;
  std::string select_sql_;
  bool blob_;
  std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> by_key_;
  std::vector<std::string> by_ref_;  // index = ref; refs are rowids, dense in practice
  std::vector<bool> known_;
  std::vector<int64_t> pending_;
};

}  // namespace cairn
