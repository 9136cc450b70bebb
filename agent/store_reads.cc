// Store reads: entities, evidence, export, health and the replica digest.
#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>

#include "cairn/agent/sqlite.h"
#include "cairn/agent/store.h"
#include "codec.h"
#include "interner.h"
#include "msgpack_reader.h"
#include "schema.h"
#include "sha256.h"

namespace cairn {
namespace {

// Evidence rows as both evidence reads want them: identity, stamp, kind, subject,
// body, and whether the op is withdrawn.
#define CAIRN_EVIDENCE_COLUMNS                     \
  "SELECT origin, seq, hlc, kind, subject, body, " \
  "EXISTS(SELECT 1 FROM retraction r WHERE r.origin = op.origin AND r.seq = op.seq) FROM op "
constexpr char kEvidenceColumns[] = CAIRN_EVIDENCE_COLUMNS;
// One learner's evidence (?1 the learner's number, ?2 the first evidence kind):
// the learner index, then the few newest ops it does not cover yet.
constexpr char kLearnerEvidenceSql[] = CAIRN_EVIDENCE_COLUMNS
    "WHERE lsn IN (SELECT lsn FROM op_learner WHERE learner = ?1) "
    "UNION ALL " CAIRN_EVIDENCE_COLUMNS
    "WHERE lsn > coalesce((SELECT value FROM meta WHERE key = 'learner_index_lsn'), 0) "
    "AND subject = ?1 AND kind >= ?2";
#undef CAIRN_EVIDENCE_COLUMNS

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
                                                                      const sql::Statement&, int)) {
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
    case 1:
      return "i" + std::to_string(st.ColumnInt(col));  // SQLITE_INTEGER
    case 2:
      return "r" + nlohmann::json(st.ColumnDouble(col)).dump();  // SQLITE_FLOAT
    case 5:
      return "n";  // SQLITE_NULL
    default:
      return "t" + std::string(st.ColumnText(col));
  }
}

}  // namespace

nlohmann::json Store::RegisterValue(const KindSpec& kind, std::string_view field,
                                    const sql::Statement& st, int col) {
  int index = FieldIndex(kind, field);
  FieldType type = index < 0 ? FieldType::kText : kind.fields[static_cast<size_t>(index)].type;
  switch (type) {
    case FieldType::kInt:
      return st.ColumnInt(col);
    case FieldType::kBool:
      return st.ColumnInt(col) != 0;
    case FieldType::kReal:
      return st.ColumnDouble(col);
    case FieldType::kIdList:
    case FieldType::kTextList:
    case FieldType::kObject: {
      nlohmann::json v = nlohmann::json::parse(st.ColumnText(col), nullptr, false);
      return v.is_discarded() ? nlohmann::json() : v;
    }
    default:
      return std::string(st.ColumnText(col));
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
    return Status::InvalidArgument(std::string(kind_name) + " has no field '" + std::string(field) +
                                   "'");
  }
  const FieldSpec& f = kind->fields[static_cast<size_t>(index)];
  std::vector<nlohmann::json> out;
  if (index < kind->key_fields) {
    // A key field: filter the key columns in SQL. The first is a prefix of the
    // register's primary key (a class's enrollments are read without the
    // school's: the server does this on every request).
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st,
                           db_->Prepare(index == 0 ? "SELECT a, b, field, value FROM register "
                                                     "WHERE entity = ?1 AND a = ?2 ORDER BY a, b"
                                                   : "SELECT a, b, field, value FROM register "
                                                     "WHERE entity = ?1 AND b = ?2 ORDER BY a, b"));
    st->Bind(1, kind->entity).Bind(2, value);
    return GroupRows(*kind, *st, &RegisterValue);
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
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_->Prepare(kLearnerEvidenceSql));
  st->Bind(1, *ref).Bind(2, kFirstEvidenceCode);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    Result<Op> op = ReadOpRow(*st, 0);
    if (!op.ok()) return op.status();
    out.push_back({std::move(op).value(), st->ColumnInt(6) != 0});
  }
  std::sort(out.begin(), out.end(), [](const Evidence& x, const Evidence& y) {
    return std::tie(x.op.hlc, x.op.origin.bytes, x.op.seq) <
           std::tie(y.op.hlc, y.op.origin.bytes, y.op.seq);
  });
  return out;
}

Result<OpsPage> Store::OpsConcerning(const std::vector<std::string>& learners, uint64_t cursor,
                                     size_t limit) const {
  if (mode_ != StoreMode::kServer) {
    return Status::FailedPrecondition("only a server store answers pulls by scope");
  }
  OpsPage page;
  page.next_cursor = cursor;
  if (limit == 0) return page;
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * top,
                         db_->Prepare("SELECT coalesce(max(lsn), 0) FROM op"));
  CAIRN_ASSIGN_OR_RETURN(bool row, top->Step());
  const int64_t last = row ? top->ColumnInt(0) : 0;
  top->Reset();
  const auto after = static_cast<int64_t>(cursor);
  // Each source gives its first limit + 1 lsns past the cursor. One that gives
  // them all may have more: the page is whole only up to its last (`whole_to`).
  const auto want = static_cast<int64_t>(limit) + 1;
  int64_t whole_to = last;
  std::vector<int64_t> lsns;
  auto take = [&](sql::Statement& st) -> Status {
    int64_t n = 0, at = 0;
    while (true) {
      CAIRN_ASSIGN_OR_RETURN(bool more_rows, st.Step());
      if (!more_rows) break;
      at = st.ColumnInt(0);
      lsns.push_back(at);
      ++n;
    }
    if (n == want) whole_to = std::min(whole_to, at);
    return Status::Ok();
  };
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * shared,
                         db_->Prepare("SELECT lsn FROM op WHERE lsn > ?1 AND " CAIRN_SHARED_OPS
                                      " ORDER BY lsn LIMIT ?2"));
  CAIRN_RETURN_IF_ERROR(take(shared->Bind(1, after).Bind(2, want)));
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * about,
      db_->Prepare(
          "SELECT lsn FROM op_learner WHERE learner = ?1 AND lsn > ?2 ORDER BY lsn LIMIT ?3"));
  std::set<int64_t> refs;
  for (const std::string& l : learners) {
    std::optional<int64_t> ref = ids_->Find(l);
    if (!ref) continue;
    refs.insert(*ref);
    CAIRN_RETURN_IF_ERROR(take(about->Bind(1, *ref).Bind(2, after).Bind(3, want)));
  }
  // The newest evidence, past what the learner index covers (it catches up at the
  // end of each write group): a few ops, read by subject.
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * tail,
                         db_->Prepare("SELECT lsn, subject FROM op WHERE lsn > ?1 AND kind >= ?2 "
                                      "AND subject IS NOT NULL"));
  tail->Bind(1, std::max(after, indexed_lsn_)).Bind(2, kFirstEvidenceCode);
  while (true) {
    CAIRN_ASSIGN_OR_RETURN(bool more_rows, tail->Step());
    if (!more_rows) break;
    if (refs.count(tail->ColumnInt(1))) lsns.push_back(tail->ColumnInt(0));
  }
  std::sort(lsns.begin(), lsns.end());
  lsns.erase(std::unique(lsns.begin(), lsns.end()), lsns.end());
  lsns.erase(std::upper_bound(lsns.begin(), lsns.end(), whole_to), lsns.end());
  if (lsns.size() > limit) {
    lsns.resize(limit);
    whole_to = lsns.back();
  }
  page.more = whole_to < last;
  page.next_cursor = static_cast<uint64_t>(std::max(after, whole_to));
  CAIRN_ASSIGN_OR_RETURN(
      sql::Statement * read,
      db_->Prepare("SELECT origin, seq, hlc, kind, subject, body FROM op WHERE lsn = ?1"));
  for (int64_t lsn : lsns) {
    read->Bind(1, lsn);
    CAIRN_ASSIGN_OR_RETURN(bool found, read->Step());
    if (!found)
      return Status::Corruption("an indexed op is missing (lsn " + std::to_string(lsn) + ")");
    std::optional<int64_t> subject;
    if (!read->ColumnIsNull(4)) subject = read->ColumnInt(4);
    Result<Op> op = ReadOp(read->ColumnInt(0), static_cast<uint64_t>(read->ColumnInt(1)),
                           static_cast<Hlc>(read->ColumnInt(2)),
                           static_cast<int>(read->ColumnInt(3)), subject, read->ColumnBlob(5));
    read->Reset();
    if (!op.ok()) return op.status();
    page.ops.push_back(std::move(op).value());
  }
  return page;
}

namespace {

// Where the fields the model reads sit in the stored (positional) bodies.
struct EvidenceLayout {
  int attempt = 0, observation = 0;                           // kind codes
  int item = 0, correct = 0;                                  // attempt slots
  int learners = 0, competency = 0, level = 0, modality = 0;  // observation slots
  const std::vector<std::string_view>* modalities = nullptr;
};

const EvidenceLayout& Layout() {
  static const EvidenceLayout layout = [] {
    EvidenceLayout l;
    const KindSpec* attempt = FindKind("attempt");
    const KindSpec* observation = FindKind("observation");
    l.attempt = attempt->code;
    l.observation = observation->code;
    l.item = FieldIndex(*attempt, "item");
    l.correct = FieldIndex(*attempt, "correct");
    l.learners = FieldIndex(*observation, "learners");
    l.competency = FieldIndex(*observation, "competency");
    l.level = FieldIndex(*observation, "level");
    l.modality = FieldIndex(*observation, "modality");
    l.modalities = &observation->fields[static_cast<size_t>(l.modality)].values;
    return l;
  }();
  return layout;
}

// One row of the scan before it is handed out: local numbers, not names yet, in
// 32 bytes (a class's year is 64k of them).
struct ScannedRow {
  Hlc hlc;
  uint64_t seq;
  uint32_t origin;  // the origin's slot among those seen in this scan
  uint32_t learner;
  uint32_t what;  // attempt: item ref; observation: competency ref
  EvidenceType type;
  uint8_t flags;  // kRetracted, kCorrect
  uint8_t level;
  uint8_t modality;
};
static_assert(sizeof(ScannedRow) == 32);
constexpr uint8_t kRetracted = 1, kCorrect = 2;

// Local numbers are SQLite rowids, dense from 1; a number past 32 bits can only
// be damage.
std::optional<uint32_t> Ref32(int64_t ref) {
  if (ref < 0 || ref > static_cast<int64_t>(UINT32_MAX)) return std::nullopt;
  return static_cast<uint32_t>(ref);
}

}  // namespace

Status Store::ScanEvidence(const std::vector<std::string>& learners,
                           const std::function<void(const EvidenceRow&)>& visit) const {
  const EvidenceLayout& layout = Layout();
  // Which learners are wanted, by local number (absent numbers: nobody to find).
  std::vector<int64_t> wanted_refs;
  for (const std::string& learner : learners) {
    if (std::optional<int64_t> ref = ids_->Find(learner)) wanted_refs.push_back(*ref);
  }
  std::sort(wanted_refs.begin(), wanted_refs.end());
  wanted_refs.erase(std::unique(wanted_refs.begin(), wanted_refs.end()), wanted_refs.end());
  if (!learners.empty() && wanted_refs.empty()) return Status::Ok();
  auto wanted = [&](int64_t ref) {
    return learners.empty() || std::binary_search(wanted_refs.begin(), wanted_refs.end(), ref);
  };

  // A whole pass over the log costs about what 3–4 index lookups per evidence op
  // do; past a quarter of the learners it is the cheaper way.
  bool whole_log = learners.empty();
  if (!whole_log) {
    CAIRN_ASSIGN_OR_RETURN(
        sql::Statement * count,
        db_->Prepare("SELECT count(DISTINCT a) FROM register WHERE entity = 'learner'"));
    CAIRN_ASSIGN_OR_RETURN(bool row, count->Step());
    int64_t known = row ? count->ColumnInt(0) : 0;
    count->Reset();
    whole_log = static_cast<int64_t>(wanted_refs.size()) * 4 >= known;
  }

  std::vector<ScannedRow> rows;
  std::vector<int64_t> origin_refs;  // by slot
  std::unordered_map<int64_t, uint32_t> origin_slot;
  int64_t last_origin = -1;
  uint32_t last_slot = 0;
  Status bad = Status::Ok();
  auto decode = [&](sql::Statement& st, std::optional<int64_t> only) {
    int kind = static_cast<int>(st.ColumnInt(3));
    ScannedRow r{};
    r.hlc = static_cast<Hlc>(st.ColumnInt(2));
    r.seq = static_cast<uint64_t>(st.ColumnInt(1));
    r.flags = st.ColumnInt(6) != 0 ? kRetracted : 0;
    r.type = kind == layout.attempt       ? EvidenceType::kAttempt
             : kind == layout.observation ? EvidenceType::kObservation
                                          : EvidenceType::kOther;
    auto fail = [&] {
      bad = Status::Corruption("a stored evidence op (seq " + std::to_string(r.seq) +
                               ") does not decode");
    };
    if (int64_t origin = st.ColumnInt(0); origin != last_origin) {
      auto [it, added] = origin_slot.try_emplace(origin, static_cast<uint32_t>(origin_refs.size()));
      if (added) origin_refs.push_back(origin);
      last_origin = origin;
      last_slot = it->second;
    }
    r.origin = last_slot;
    MsgpackReader body(st.ColumnBlob(5));
    std::optional<uint32_t> slots = body.ArrayHeader();
    std::vector<int64_t> named;  // observation: the learners it names
    int64_t what = 0;
    for (uint32_t i = 0; slots && i < *slots && body.ok() && r.type != EvidenceType::kOther; ++i) {
      int slot = static_cast<int>(i);
      bool attempt = r.type == EvidenceType::kAttempt;
      if (body.PeekNil()) {
        body.Skip();
      } else if (attempt ? slot == layout.item : slot == layout.competency) {
        what = body.Int().value_or(-1);
      } else if (attempt && slot == layout.correct) {
        r.flags |= body.Bool().value_or(false) ? kCorrect : 0;
      } else if (!attempt && slot == layout.level) {
        r.level = static_cast<uint8_t>(std::clamp<int64_t>(body.Int().value_or(0), 0, 4));
      } else if (!attempt && slot == layout.modality) {
        r.modality = static_cast<uint8_t>(std::clamp<int64_t>(body.Int().value_or(0), 0, 255));
      } else if (!attempt && slot == layout.learners) {
        std::optional<uint32_t> n = body.ArrayHeader();
        for (uint32_t k = 0; n && k < *n && body.ok(); ++k)
          named.push_back(body.Int().value_or(-1));
      } else {
        body.Skip();
      }
    }
    std::optional<uint32_t> what32 = Ref32(what);
    if (!slots || !body.ok() || !what32 || r.modality >= layout.modalities->size()) {
      fail();
      return;
    }
    r.what = *what32;
    if (r.type != EvidenceType::kObservation) {
      if (st.ColumnIsNull(4)) return;  // evidence about no one in particular
      named.push_back(st.ColumnInt(4));
    } else {
      std::sort(named.begin(), named.end());  // a learner named twice is observed once
      named.erase(std::unique(named.begin(), named.end()), named.end());
    }
    for (int64_t learner : named) {
      if (!wanted(learner) || (only && *only != learner)) continue;
      std::optional<uint32_t> learner32 = Ref32(learner);
      if (!learner32) {
        fail();
        return;
      }
      r.learner = *learner32;
      rows.push_back(r);
    }
  };

  auto run = [&](sql::Statement* st, std::optional<int64_t> only) -> Status {
    while (bad.ok()) {
      CAIRN_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      decode(*st, only);
    }
    st->Reset();
    return bad;
  };
  if (whole_log) {
    // Room for every op of the log at once: growing by doubling would copy the
    // rows read so far several times over and touch twice the memory.
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * size,
                           db_->Prepare("SELECT coalesce(max(lsn), 0) FROM op"));
    CAIRN_ASSIGN_OR_RETURN(bool row, size->Step());
    if (row) rows.reserve(static_cast<size_t>(size->ColumnInt(0)));
    size->Reset();
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_->Prepare(std::string(kEvidenceColumns) +
                                                             "WHERE kind >= ?1 AND kind != ?2"));
    st->Bind(1, kFirstEvidenceCode).Bind(2, FindKind("retract")->code);
    CAIRN_RETURN_IF_ERROR(run(st, std::nullopt));
  } else {
    CAIRN_ASSIGN_OR_RETURN(sql::Statement * st, db_->Prepare(kLearnerEvidenceSql));
    for (int64_t learner : wanted_refs) {
      st->Bind(1, learner).Bind(2, kFirstEvidenceCode);
      CAIRN_RETURN_IF_ERROR(run(st, learner));
    }
  }

  // Origins rank by their bytes, so rows sort into fold order on numbers alone.
  std::vector<Origin> origins;
  for (int64_t ref : origin_refs) {
    const std::string* raw = origins_->Name(ref);
    Result<Origin> o = Status::Corruption("a stored evidence op names an unknown origin");
    if (raw) o = Origin::FromBytes(*raw);
    if (!o.ok()) return o.status();
    origins.push_back(*o);
  }
  std::vector<uint32_t> by_bytes(origins.size());
  for (uint32_t i = 0; i < by_bytes.size(); ++i) by_bytes[i] = i;
  std::sort(by_bytes.begin(), by_bytes.end(),
            [&](uint32_t a, uint32_t b) { return origins[a].bytes < origins[b].bytes; });
  std::vector<uint32_t> rank(origins.size());
  for (uint32_t i = 0; i < by_bytes.size(); ++i) rank[by_bytes[i]] = i;
  auto fold_order = [&](const ScannedRow& a, const ScannedRow& b) {
    return std::tie(a.hlc, rank[a.origin], a.seq, a.learner) <
           std::tie(b.hlc, rank[b.origin], b.seq, b.learner);
  };
  if (!std::is_sorted(rows.begin(), rows.end(), fold_order)) {
    std::sort(rows.begin(), rows.end(), fold_order);
  }

  auto name = [&](uint32_t ref) -> std::string_view {
    const std::string* n = ids_->Name(ref);
    return n ? std::string_view(*n) : std::string_view();
  };
  for (const ScannedRow& r : rows) {
    EvidenceRow row;
    row.id = {origins[r.origin], r.seq};
    row.hlc = r.hlc;
    row.type = r.type;
    row.retracted = (r.flags & kRetracted) != 0;
    row.learner = name(r.learner);
    if (r.type == EvidenceType::kAttempt) {
      row.item = name(r.what);
      row.correct = (r.flags & kCorrect) != 0;
    } else if (r.type == EvidenceType::kObservation) {
      row.competency = name(r.what);
      row.level = r.level;
      row.modality = (*layout.modalities)[r.modality];
    }
    if (row.learner.empty() || (r.type != EvidenceType::kOther && name(r.what).empty())) {
      return Status::Corruption("a stored evidence op names an unknown id number");
    }
    visit(row);
  }
  return Status::Ok();
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
      problems.push_back("an op does not decode after op number " + std::to_string(cursor) + ": " +
                         page.status().message());
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
  CAIRN_ASSIGN_OR_RETURN(sql::Statement * ret, db_->Prepare("SELECT origin, seq FROM retraction"));
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
