// Store reads: entities, evidence, export, health and the replica digest.
#include <algorithm>
#include <set>
#include <tuple>

#include "cairn/agent/sqlite.h"
#include "cairn/agent/store.h"
#include "codec.h"
#include "interner.h"
#include "sha256.h"

namespace cairn {
namespace {

const KindSpec* FindEntityKind(std::string_view name) {
  const KindSpec* kind = FindKind(name);
  if (!kind || kind->merge != MergeRule::kLastWriterWins) return nullptr;
  return kind;
}

Status NotAnEntity(std::string_view name) {
  return Status::InvalidArgument("'" + std::string(name) +
                                 "' is not an editable record kind (see agent/SCHEMA.md)");
}

// Rows of `SELECT a, b, field, value ...` ordered by (a, b), grouped into objects.
Result<std::vector<nlohmann::json>> GroupRows(const KindSpec& kind, sql::Statement& st,
                                              nlohmann::json (*value)(const KindSpec&,
                                                                      std::string_view,
                                                                      const sql::Statement&,
                                                                      int)) {
  std::vector<nlohmann::json> out;
  std::string last_a, last_b;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) break;
    std::string_view a = st.ColumnText(0), b = st.ColumnText(1);
    if (out.empty() || a != last_a || b != last_b) {
      last_a = a;
      last_b = b;
      nlohmann::json e = nlohmann::json::object();
      e[std::string(kind.fields[0].name)] = last_a;
      if (kind.key_fields == 2) e[std::string(kind.fields[1].name)] = last_b;
      out.push_back(std::move(e));
    }
    std::string field(st.ColumnText(2));
    out.back()[field] = value(kind, field, st, 3);
  }
  return out;
}

std::string ColumnAsText(const sql::Statement& st, int col) {
  switch (st.ColumnType(col)) {
    case 1: return "i" + std::to_string(st.ColumnInt(col));           // SQLITE_INTEGER
    case 2: return "r" + nlohmann::json(st.ColumnDouble(col)).dump();  // SQLITE_FLOAT
    case 5: return "n";                                                 // SQLITE_NULL
    default: return "t" + std::string(st.ColumnText(col));
  }
}

}  // namespace

nlohmann::json Store::RegisterValue(const KindSpec& kind, std::string_view field,
                                    const sql::Statement& st, int col) {
  int index = FieldIndex(kind, field);
  FieldType type = index < 0 ? FieldType::kText : kind.fields[static_cast<size_t>(index)].type;
  switch (type) {
    case FieldType::kInt: return st.ColumnInt(col);
    case FieldType::kBool: return st.ColumnInt(col) != 0;
    case FieldType::kReal: return st.ColumnDouble(col);
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kObject: {
      nlohmann::json v = nlohmann::json::parse(st.ColumnText(col), nullptr, false);
      return v.is_discarded() ? nlohmann::json() : v;
    }
    default: return std::string(st.ColumnText(col));
  }
}

Result<std::optional<nlohmann::json>> Store::Entity(std::string_view kind_name,
                                                    std::string_view key,
                                                    std::string_view key2) const {
  const KindSpec* kind = FindEntityKind(kind_name);
  if (!kind) return NotAnEntity(kind_name);
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT a, b, field, value FROM register "
                                      "WHERE entity = ?1 AND a = ?2 AND b = ?3"));
  st->Bind(1, kind->entity).Bind(2, key).Bind(3, key2);
  CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> found, GroupRows(*kind, *st, &RegisterValue));
  if (found.empty()) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(std::move(found.front()));
}

Result<std::vector<nlohmann::json>> Store::Entities(std::string_view kind_name) const {
  const KindSpec* kind = FindEntityKind(kind_name);
  if (!kind) return NotAnEntity(kind_name);
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT a, b, field, value FROM register "
                                      "WHERE entity = ?1 ORDER BY a, b"));
  st->Bind(1, kind->entity);
  return GroupRows(*kind, *st, &RegisterValue);
}

Result<std::vector<nlohmann::json>> Store::EntitiesWhere(std::string_view kind_name,
                                                         std::string_view field,
                                                         std::string_view value) const {
  const KindSpec* kind = FindEntityKind(kind_name);
  if (!kind) return NotAnEntity(kind_name);
  int index = FieldIndex(*kind, field);
  if (index < 0) {
    return Status::InvalidArgument(std::string(kind_name) + " has no field '" +
                                   std::string(field) + "'");
  }
  const FieldSpec& f = kind->fields[static_cast<size_t>(index)];
  std::vector<nlohmann::json> out;
  if (index < kind->key_fields) {
    // A key field: filter the key columns directly.
    CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> all, Entities(kind_name));
    for (auto& e : all) {
      if (e.at(std::string(field)) == value) out.push_back(std::move(e));
    }
    return out;
  }
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT a, b FROM register "
                                      "WHERE entity = ?1 AND field = ?2 AND value = ?3 "
                                      "ORDER BY a, b"));
  st->Bind(1, kind->entity).Bind(2, field);
  if (f.type == FieldType::kBool) {
    st->Bind(3, int64_t{value == "true" ? 1 : 0});
  } else if (f.type == FieldType::kInt) {
    st->Bind(3, static_cast<int64_t>(std::strtoll(std::string(value).c_str(), nullptr, 10)));
  } else {
    st->Bind(3, value);
  }
  std::vector<std::pair<std::string, std::string>> keys;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    keys.emplace_back(st->ColumnText(0), st->ColumnText(1));
  }
  for (const auto& [a, b] : keys) {
    CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> e, Entity(kind_name, a, b));
    if (e) out.push_back(std::move(*e));
  }
  return out;
}

Result<std::vector<Evidence>> Store::EvidenceFor(std::string_view learner) const {
  std::vector<Evidence> out;
  std::optional<int64_t> ref = ids_->Find(learner);
  if (!ref) return out;
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * st,
      // The index part, then the few newest ops it does not cover yet.
      db_->Prepare("SELECT origin, seq, hlc, kind, subject, body, "
                   "EXISTS(SELECT 1 FROM retraction r WHERE r.origin = op.origin "
                   "AND r.seq = op.seq) FROM op "
                   "WHERE lsn IN (SELECT lsn FROM op_learner WHERE learner = ?1) "
                   "UNION ALL "
                   "SELECT origin, seq, hlc, kind, subject, body, "
                   "EXISTS(SELECT 1 FROM retraction r WHERE r.origin = op.origin "
                   "AND r.seq = op.seq) FROM op "
                   "WHERE lsn > coalesce((SELECT value FROM meta "
                   "WHERE key = 'learner_index_lsn'), 0) AND subject = ?1 AND kind >= 40"));
  st->Bind(1, *ref);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    std::optional<int64_t> subject;
    if (!st->ColumnIsNull(4)) subject = st->ColumnInt(4);
    Result<Op> op = ReadOp(st->ColumnInt(0), static_cast<uint64_t>(st->ColumnInt(1)),
                           static_cast<Hlc>(st->ColumnInt(2)), static_cast<int>(st->ColumnInt(3)),
                           subject, st->ColumnBlob(5));
    if (!op.ok()) {
      st->Reset();
      return op.status();
    }
    out.push_back({std::move(op).value(), st->ColumnInt(6) != 0});
  }
  std::sort(out.begin(), out.end(), [](const Evidence& x, const Evidence& y) {
    return std::tie(x.op.hlc, x.op.origin.bytes, x.op.seq) <
           std::tie(y.op.hlc, y.op.origin.bytes, y.op.seq);
  });
  return out;
}

Result<nlohmann::json> Store::ExportLearner(std::string_view learner) const {
  CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> record, Entity("learner", learner));
  if (!record) {
    return Status::NotFound("no learner '" + std::string(learner) +
                            "' in this store; `cairnctl learner list` shows who is here");
  }
  nlohmann::json out;
  out["format"] = "cairn.learner-export";
  out["format_version"] = 1;
  out["learner"] = *record;
  CAIRN_ASSIGN_OR_RETURN(std::optional<nlohmann::json> profile, Entity("profile", learner));
  out["profile"] = profile ? *profile : nlohmann::json::object();
  for (const char* kind : {"enrollment", "goal", "note"}) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<nlohmann::json> rows,
                           EntitiesWhere(kind, "learner", learner));
    out[std::string(kind) + "s"] = rows;
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, EvidenceFor(learner));
  nlohmann::json list = nlohmann::json::array();
  for (const Evidence& e : evidence) {
    nlohmann::json j = OpToJson(e.op);
    if (e.retracted) j["retracted"] = true;
    list.push_back(std::move(j));
  }
  out["evidence"] = std::move(list);
  return out;
}

Result<StoreStats> Store::Stats() const {
  StoreStats s;
  s.schema_version = schema_version_;
  s.mode = mode_;
  if (initialized_) s.self = self_;
  s.authority = authority_;
  s.hlc = hlc_.last();
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                         db_->Prepare("SELECT kind, count(*) FROM op GROUP BY kind"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    const KindSpec* kind = FindKindByCode(static_cast<int>(st->ColumnInt(0)));
    auto n = static_cast<uint64_t>(st->ColumnInt(1));
    s.ops_by_kind[kind ? std::string(kind->name) : "unknown"] += n;
    s.total_ops += n;
  }
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * own,
      db_->Prepare("SELECT count(*), (SELECT coalesce(max(lsn), 0) FROM op) FROM op "
                   "WHERE origin = ?1"));
  own->Bind(1, self_ref_);
  CAIRN_ASSIGN_OR_RETURN(bool row, own->Step());
  if (row) {
    s.own_ops = static_cast<uint64_t>(own->ColumnInt(0));
    s.last_cursor = static_cast<uint64_t>(own->ColumnInt(1));
  }
  own->Reset();
  if (!options_.in_memory) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal"}) {
      std::filesystem::path p = options_.path;
      p += suffix;
      auto n = std::filesystem::file_size(p, ec);
      if (!ec) s.file_bytes += n;
    }
  }
  return s;
}

Result<std::vector<std::string>> Store::Check() const {
  std::vector<std::string> problems;
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * ic, db_->Prepare("PRAGMA integrity_check"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, ic->Step());
    if (!row) break;
    std::string line(ic->ColumnText(0));
    if (line != "ok") problems.push_back("sqlite: " + line);
  }
  if (!problems.empty()) return problems;  // reading further may crash on a broken file

  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * dense,
      db_->Prepare("SELECT count(*), coalesce(min(seq), 1), coalesce(max(seq), 0) FROM op "
                   "WHERE origin = ?1"));
  dense->Bind(1, self_ref_);
  CAIRN_ASSIGN_OR_RETURN(bool row, dense->Step());
  if (row) {
    int64_t count = dense->ColumnInt(0), lo = dense->ColumnInt(1), hi = dense->ColumnInt(2);
    if (lo != 1 || count != hi) {
      problems.push_back("this device's op log has gaps: " + std::to_string(count) +
                         " ops numbered " + std::to_string(lo) + " to " + std::to_string(hi));
    }
  }
  dense->Reset();

  uint64_t cursor = 0;
  while (true) {
    Result<OpsPage> page = OpsSince(cursor, 1000);
    if (!page.ok()) {
      problems.push_back("an op does not decode after op number " + std::to_string(cursor) +
                         ": " + page.status().message());
      break;
    }
    if (!page->more) break;
    cursor = page->next_cursor;
  }
  return problems;
}

Result<std::string> Store::Digest() const {
  Sha256 h;
  // The op set, in identity order (lsn differs between replicas).
  std::vector<std::pair<std::string, std::string>> ops;
  uint64_t cursor = 0;
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(OpsPage page, OpsSince(cursor, 2000));
    for (const Op& op : page.ops) {
      char seq[24];
      std::snprintf(seq, sizeof seq, "%020llu", static_cast<unsigned long long>(op.seq));
      ops.emplace_back(op.origin.Hex() + seq, OpToJson(op).dump());
    }
    if (!page.more) break;
    cursor = page.next_cursor;
  }
  std::sort(ops.begin(), ops.end());
  h.AddPiece("ops");
  for (const auto& [key, text] : ops) h.AddPiece(text);

  h.AddPiece("registers");
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * reg,
                         db_->Prepare("SELECT entity, a, b, field, value, hlc, hex(origin) "
                                      "FROM register ORDER BY entity, a, b, field"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, reg->Step());
    if (!row) break;
    for (int c = 0; c < 7; ++c) h.AddPiece(ColumnAsText(*reg, c));
  }

  auto origin_hex = [&](int64_t ref) -> std::string {
    const std::string* raw = origins_->Name(ref);
    if (!raw) return "?";
    Result<Origin> o = Origin::FromBytes(*raw);
    return o.ok() ? o->Hex() : "?";
  };
  std::set<std::string> retracted;
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * ret,
                         db_->Prepare("SELECT origin, seq FROM retraction"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, ret->Step());
    if (!row) break;
    retracted.insert(origin_hex(ret->ColumnInt(0)) + ":" + std::to_string(ret->ColumnInt(1)));
  }
  h.AddPiece("retractions");
  for (const std::string& r : retracted) h.AddPiece(r);

  std::set<std::string> links;
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * ol,
                         // Links implied by an op's subject trail the log (see
                         // CatchUpLearnerIndex); those an op names are state.
                         db_->Prepare("SELECT l.learner, o.origin, o.seq FROM op_learner l "
                                      "JOIN op o ON o.lsn = l.lsn WHERE o.subject IS NULL"));
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, ol->Step());
    if (!row) break;
    const std::string* name = ids_->Name(ol->ColumnInt(0));
    links.insert((name ? *name : "?") + " " + origin_hex(ol->ColumnInt(1)) + ":" +
                 std::to_string(ol->ColumnInt(2)));
  }
  h.AddPiece("op_learner");
  for (const std::string& l : links) h.AddPiece(l);
  return h.HexDigest();
}

}  // namespace cairn
