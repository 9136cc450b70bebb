// Which ops name which blob (blob_ref, schema v3): artifacts name their file,
// packs their pack file. The device reads it in commit order to know what to
// upload and fetch; the server by hash, to know who may upload or fetch a blob.
#include "cairn/agent/sqlite.h"
#include "cairn/agent/store.h"
#include "interner.h"

namespace cairn {
namespace {

// The (hash field, size field) of a kind that names a blob; nullopt for the others.
struct BlobFields {
  const char* sha256;
  const char* size;
};
std::optional<BlobFields> BlobFieldsOf(std::string_view kind) {
  if (kind == "artifact") return BlobFields{"sha256", "size"};
  // A pack op names its file only with both (packs published before v3 carry a hash alone).
  if (kind == "pack") return BlobFields{"content_hash", "content_size"};
  return std::nullopt;
}

}  // namespace

Status Store::IndexBlobRef(const KindSpec& kind, const nlohmann::json& body, int64_t lsn) {
  std::optional<BlobFields> fields = BlobFieldsOf(kind.name);
  if (!fields) return Status::Ok();
  auto sha = body.find(fields->sha256);
  auto size = body.find(fields->size);
  if (sha == body.end() || size == body.end() || !sha->is_string() || !size->is_number_integer()) {
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * ins,
      db_->Prepare("INSERT OR IGNORE INTO blob_ref(sha256, lsn, size) VALUES (?1, ?2, ?3)"));
  return ins->Bind(1, std::string_view(sha->get_ref<const std::string&>()))
      .Bind(2, lsn)
      .Bind(3, size->get<int64_t>())
      .Run();
}

Status Store::IndexAllBlobRefs() {
  int codes[2] = {FindKind("artifact")->code, FindKind("pack")->code};
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT lsn, origin, seq, hlc, kind, subject, body FROM op "
                   "WHERE kind IN (?1, ?2) ORDER BY lsn"));
  st->Bind(1, int64_t{codes[0]}).Bind(2, int64_t{codes[1]});
  std::vector<std::pair<int64_t, Op>> found;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Result<Op> op = ReadOpRow(*st, 1);
    if (!op.ok()) return op.status();
    found.emplace_back(st->ColumnInt(0), std::move(op).value());
  }
  for (const auto& [lsn, op] : found) {
    CAIRN_RETURN_IF_ERROR(IndexBlobRef(*FindKind(op.kind), op.body, lsn));
  }
  return Status::Ok();
}

Result<std::vector<BlobRef>> Store::BlobRefsAfter(uint64_t cursor, size_t limit,
                                                  bool own_only) const {
  std::vector<BlobRef> out;
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT b.sha256, b.size, b.lsn, o.origin, o.seq FROM blob_ref b "
                   "JOIN op o ON o.lsn = b.lsn WHERE b.lsn > ?1 "
                   "AND (?2 = 0 OR (o.origin = ?2 AND o.kind = ?4)) "
                   "ORDER BY b.lsn, b.sha256 LIMIT ?3"));
  st->Bind(1, cursor).Bind(2, own_only ? self_ref_ : int64_t{0});
  st->Bind(3, static_cast<int64_t>(limit)).Bind(4, FindKind("artifact")->code);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    BlobRef ref;
    ref.sha256 = std::string(st->ColumnText(0));
    ref.size = static_cast<uint64_t>(st->ColumnInt(1));
    ref.cursor = static_cast<uint64_t>(st->ColumnInt(2));
    const std::string* origin = origins_->Name(st->ColumnInt(3));
    Result<Origin> o = origin ? Origin::FromBytes(*origin)
                              : Result<Origin>(Status::Corruption("a blob_ref names no known op"));
    if (!o.ok()) {
      st->Reset();
      return o.status();
    }
    ref.op = OpId{*o, static_cast<uint64_t>(st->ColumnInt(4))};
    out.push_back(std::move(ref));
  }
  return out;
}

Result<uint64_t> Store::CountBlobRefsAfter(uint64_t cursor, bool own_only) const {
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT count(*) FROM blob_ref b JOIN op o ON o.lsn = b.lsn "
                   "WHERE b.lsn > ?1 AND (?2 = 0 OR (o.origin = ?2 AND o.kind = ?3))"));
  st->Bind(1, cursor).Bind(2, own_only ? self_ref_ : int64_t{0});
  st->Bind(3, FindKind("artifact")->code);
  CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
  uint64_t n = row ? static_cast<uint64_t>(st->ColumnInt(0)) : 0;
  st->Reset();
  return n;
}

Result<std::vector<Op>> Store::OpsNamingBlob(std::string_view sha256) const {
  std::vector<Op> out;
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      db_->Prepare("SELECT o.origin, o.seq, o.hlc, o.kind, o.subject, o.body FROM blob_ref b "
                   "JOIN op o ON o.lsn = b.lsn WHERE b.sha256 = ?1 ORDER BY b.lsn"));
  st->Bind(1, sha256);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Result<Op> op = ReadOpRow(*st, 0);
    if (!op.ok()) return op.status();
    out.push_back(std::move(op).value());
  }
  return out;
}

}  // namespace cairn
