#include "interner.h"

#include <algorithm>

namespace cairn {

Interner::Interner(sql::Database& db, std::string table, std::string column, bool blob)
    : db_(db),
      insert_sql_("INSERT INTO " + table + "(" + column + ") VALUES (?1)"),
      select_sql_("SELECT ref, " + column + " FROM " + table),
      table_(std::move(table)),
      column_(std::move(column)),
      blob_(blob) {}

void Interner::Remember(int64_t ref, std::string key) const {
  if (static_cast<size_t>(ref) >= by_ref_.size()) {
    by_ref_.resize(static_cast<size_t>(ref) + 1);
    known_.resize(static_cast<size_t>(ref) + 1);
  }
  by_ref_[static_cast<size_t>(ref)] = key;
  known_[static_cast<size_t>(ref)] = true;
  by_key_.emplace(std::move(key), ref);
}

std::optional<int64_t> Interner::FindInTable(std::string_view key) const {
  Result<sql::Statement*> st =
      db_.Prepare("SELECT ref FROM " + table_ + " WHERE " + column_ + " = ?1");
  if (!st.ok()) return std::nullopt;
  if (blob_) {
    (*st)->BindBlob(1, key);
  } else {
    (*st)->Bind(1, key);
  }
  Result<bool> row = (*st)->Step();
  std::optional<int64_t> ref;
  if (row.ok() && *row) ref = (*st)->ColumnInt(0);
  (*st)->Reset();
  if (ref && *ref > 0) Remember(*ref, std::string(key));
  return ref;
}

const std::string* Interner::NameInTable(int64_t ref) const {
  Result<sql::Statement*> st =
      db_.Prepare("SELECT " + column_ + " FROM " + table_ + " WHERE ref = ?1");
  if (!st.ok()) return nullptr;
  (*st)->Bind(1, ref);
  Result<bool> row = (*st)->Step();
  std::optional<std::string> key;
  if (row.ok() && *row) key = std::string(blob_ ? (*st)->ColumnBlob(0) : (*st)->ColumnText(0));
  (*st)->Reset();
  if (!key) return nullptr;
  Remember(ref, std::move(*key));
  return &by_ref_[static_cast<size_t>(ref)];
}

Status Interner::Load() {
  by_key_.clear();
  by_ref_.clear();
  known_.clear();
  pending_.clear();
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_.Prepare(select_sql_));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    int64_t ref = st->ColumnInt(0);
    std::string key(blob_ ? st->ColumnBlob(1) : st->ColumnText(1));
    if (ref <= 0) return Status::Corruption("bad reference number in the store");
    Remember(ref, std::move(key));
  }
  return Status::Ok();
}

std::optional<int64_t> Interner::Find(std::string_view key) const {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return lazy_ ? FindInTable(key) : std::nullopt;
  return it->second;
}

Result<int64_t> Interner::Intern(std::string_view key) {
  if (auto found = Find(key)) return *found;
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_.Prepare(insert_sql_));
  if (blob_) {
    st->BindBlob(1, key);
  } else {
    st->Bind(1, key);
  }
  CAIRN_RETURN_IF_ERROR(st->Run());
  int64_t ref = db_.LastInsertRowId();
  Remember(ref, std::string(key));
  pending_.push_back(ref);
  return ref;
}

const std::string* Interner::Name(int64_t ref) const {
  if (ref <= 0) return nullptr;
  if (static_cast<size_t>(ref) >= by_ref_.size() || !known_[static_cast<size_t>(ref)]) {
    return lazy_ ? NameInTable(ref) : nullptr;
  }
  return &by_ref_[static_cast<size_t>(ref)];
}

void Interner::RollbackTo(size_t mark) {
  for (size_t i = mark; i < pending_.size(); ++i) {
    int64_t ref = pending_[i];
    by_key_.erase(by_ref_[static_cast<size_t>(ref)]);
    by_ref_[static_cast<size_t>(ref)].clear();
    known_[static_cast<size_t>(ref)] = false;
  }
  pending_.resize(std::min(mark, pending_.size()));
}

}  // namespace cairn
