// The columnar batch: encoding and the checks that decode it (PROTOCOL.md, "Batch
// encoding").
#include <cctype>
#include <cmath>

#include "cairn/agent/kinds.h"
#include "cairn/platform/numbers.h"
#include "cairn/sync/wire.h"

namespace cairn::sync {
namespace {

using nlohmann::json;
using FT = FieldType;

bool IsStringField(FT t) { return t == FT::kId || t == FT::kText || t == FT::kOpId; }
bool IsListField(FT t) { return t == FT::kIdList || t == FT::kTextList; }

// The position of `v` among the enum's values, or -1.
int EnumIndex(const FieldSpec& f, const json& v) {
  if (!v.is_string()) return -1;
  for (size_t i = 0; i < f.values.size(); ++i) {
    if (f.values[i] == v.get_ref<const std::string&>()) return static_cast<int>(i);
  }
  return -1;
}

// True when `v` has exactly the JSON type a column of `f` restores, so the op can
// travel in columns and come back equal.
bool FitsColumn(const FieldSpec& f, const json& v) {
  if (IsStringField(f.type)) return v.is_string();
  if (IsListField(f.type)) {
    if (!v.is_array()) return false;
    for (const json& e : v) {
      if (!e.is_string()) return false;
    }
    return true;
  }
  switch (f.type) {
    case FT::kEnum:
      return EnumIndex(f, v) >= 0;
    case FT::kInt:
      return v.is_number_integer();
    case FT::kBool:
      return v.is_boolean();
    case FT::kReal:
      return v.is_number_integer() || (v.is_number_float() && std::isfinite(v.get<double>()));
    case FT::kObject:
      return v.is_object();
    default:
      return false;
  }
}

// The ops whose bodies fit the columns of their kind: known kind, an object, only
// known fields, no nulls, every value of its field's JSON type. Others travel raw.
bool Columnar(const KindSpec* kind, const json& body) {
  if (kind == nullptr || !body.is_object()) return false;
  for (const auto& [name, value] : body.items()) {
    int f = FieldIndex(*kind, name);
    if (f < 0 || !FitsColumn(kind->fields[static_cast<size_t>(f)], value)) return false;
  }
  return true;
}

// Differences mod 2^64 restore any uint64 exactly; small steps stay small numbers.
json Delta(uint64_t now, uint64_t before) { return static_cast<int64_t>(now - before); }

struct KindGroup {
  const KindSpec* spec = nullptr;
  std::vector<json> columns;  // one per field, a JSON array each
  std::vector<bool> used;     // a column with any value in it
};

}  // namespace

json EncodeBatchJson(std::span<const Op> ops) {
  json out = json::object();
  out["v"] = kBatchVersion;
  out["n"] = ops.size();

  std::vector<Origin> origins;
  json origin_index = json::array();
  for (const Op& op : ops) {
    size_t i = 0;
    while (i < origins.size() && origins[i] != op.origin) ++i;
    if (i == origins.size()) origins.push_back(op.origin);
    origin_index.push_back(i);
  }
  if (origins.size() == 1) {
    out["o"] = origins[0].Hex();
  } else if (origins.size() > 1) {
    json hex = json::array();
    for (const Origin& o : origins) hex.push_back(o.Hex());
    out["os"] = std::move(hex);
    out["oi"] = std::move(origin_index);
  }

  json seq = json::array(), ms = json::array(), ctr = json::array();
  bool any_ctr = false;
  uint64_t last_seq = 0, last_ms = 0, last_ctr = 0;
  for (const Op& op : ops) {
    // The first entries are absolute (unsigned), the others differences.
    seq.push_back(seq.empty() ? json(op.seq) : Delta(op.seq, last_seq));
    uint64_t m = op.hlc >> 16;
    // A HybridClock's counter is 0 when the millisecond moves on and one more
    // otherwise: only departures from that are written.
    uint64_t c = op.hlc & 0xffff;
    uint64_t expected = !ms.empty() && m == last_ms ? (last_ctr + 1) & 0xffff : 0;
    ms.push_back(ms.empty() ? json(m) : Delta(m, last_ms));
    ctr.push_back((c - expected) & 0xffff);
    any_ctr |= c != expected;
    last_seq = op.seq;
    last_ms = m;
    last_ctr = c;
  }
  out["s"] = std::move(seq);
  out["t"] = std::move(ms);
  if (any_ctr) out["c"] = std::move(ctr);

  std::vector<KindGroup> groups(kKindCodeLimit);  // by kind code
  json kind_column = json::array();
  json raw = json::array();
  const KindSpec* spec = nullptr;  // the previous op's kind: batches run in streaks of one kind
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    if (spec == nullptr || spec->name != op.kind) spec = FindKind(op.kind);
    if (!Columnar(spec, op.body) || spec->code < 0 || spec->code >= kKindCodeLimit) {
      kind_column.push_back(nullptr);
      raw.push_back(json::array({i, op.kind, op.body}));
      continue;
    }
    kind_column.push_back(spec->code);
    KindGroup& g = groups[static_cast<size_t>(spec->code)];
    if (!g.spec) {
      g.spec = spec;
      g.columns.assign(spec->fields.size(), json::array());
      g.used.assign(spec->fields.size(), false);
    }
    for (size_t f = 0; f < spec->fields.size(); ++f) {
      const FieldSpec& field = spec->fields[f];
      auto it = op.body.find(field.name);
      if (it == op.body.end()) {
        g.columns[f].push_back(nullptr);
        continue;
      }
      g.used[f] = true;
      if (field.type == FT::kEnum) {
        g.columns[f].push_back(EnumIndex(field, *it));
      } else if (field.type == FT::kBool) {
        g.columns[f].push_back(it->get<bool>() ? 1 : 0);
      } else {
        g.columns[f].push_back(*it);
      }
    }
  }
  out["k"] = std::move(kind_column);
  json bodies = json::object();
  for (KindGroup& g : groups) {
    if (!g.spec) continue;
    json cols = json::array();
    for (size_t f = 0; f < g.columns.size(); ++f) {
      cols.push_back(g.used[f] ? std::move(g.columns[f]) : json(nullptr));
    }
    while (!cols.empty() && cols.back().is_null()) cols.erase(cols.end() - 1);
    bodies[std::to_string(g.spec->code)] = std::move(cols);
  }
  if (!bodies.empty()) out["b"] = std::move(bodies);
  if (!raw.empty()) out["r"] = std::move(raw);
  return out;
}

std::string EncodeBatch(std::span<const Op> ops) { return EncodeBatchJson(ops).dump(); }

namespace {

// Decoding state and its error messages, which name the op and the field.
class BatchReader {
 public:
  BatchReader(const json& batch, const WireLimits& limits) : batch_(batch), limits_(limits) {}

  Result<std::vector<Op>> Read() {
    if (!batch_.is_object()) return Bad("a batch must be a JSON object, got " + TypeOf(batch_));
    static const char* const kKnown[] = {"v", "n", "o", "os", "oi", "s", "t", "c", "k", "b", "r"};
    for (const auto& [key, value] : batch_.items()) {
      bool known = false;
      for (const char* k : kKnown) known |= key == k;
      if (!known) return Bad("batch has an unknown field '" + Cut(key) + "'");
    }
    CAIRN_RETURN_IF_ERROR(ReadHeader());
    CAIRN_RETURN_IF_ERROR(ReadOrigins());
    CAIRN_RETURN_IF_ERROR(ReadClocks());
    CAIRN_RETURN_IF_ERROR(ReadKinds());
    CAIRN_RETURN_IF_ERROR(ReadRaw());
    CAIRN_RETURN_IF_ERROR(ReadBodies());
    for (size_t i = 0; i < n_; ++i) {
      const KindSpec* spec = spec_of_[i];
      if (spec == nullptr) {
        return OpError(
            i, "unknown kind '" + Cut(ops_[i].kind) + "' (sent by a newer Cairn? update this one)");
      }
      Status s = ValidateBody(*spec, ops_[i].body);
      if (!s.ok()) return OpError(i, s.message());
    }
    return std::move(ops_);
  }

 private:
  static Status Bad(std::string m) { return Status::InvalidArgument(std::move(m)); }

  Status OpError(size_t i, const std::string& m) const {
    std::string where = "batch op " + std::to_string(i);
    if (i < ops_.size() && !ops_[i].kind.empty()) where += " (" + Cut(ops_[i].kind) + ")";
    return Bad(where + ": " + m);
  }

  static std::string Cut(const std::string& s) {
    if (s.size() <= 40) return s;
    size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    return s.substr(0, cut) + "...";
  }
  static std::string Show(const json& v) {
    return Cut(v.dump(-1, ' ', false, json::error_handler_t::replace));
  }

  static std::string TypeOf(const json& v) {
    if (v.is_number_integer()) return "a whole number";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "true/false";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    return "null";
  }

  // The array under `key`, of exactly `size` entries; nullptr when absent and optional.
  Result<const json*> Array(const char* key, const char* what, bool required) const {
    auto it = batch_.find(key);
    if (it == batch_.end()) {
      if (required && n_ > 0) return Bad(std::string("batch has no '") + key + "' (" + what + ")");
      return static_cast<const json*>(nullptr);
    }
    if (!it->is_array()) {
      return Bad(std::string("batch '") + key + "' (" + what + ") must be an array, got " +
                 TypeOf(*it));
    }
    if (it->size() != n_) {
      return Bad(std::string("batch '") + key + "' (" + what + ") has " +
                 std::to_string(it->size()) + " entries for " + std::to_string(n_) + " ops");
    }
    return &*it;
  }

  // A whole number from 0, whether parsed (unsigned) or built in memory (signed).
  static bool Natural(const json& v, uint64_t* out) {
    if (v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0)) {
      *out = v.get<uint64_t>();
      return true;
    }
    return false;
  }

  // A whole number; negative ones as their two's complement (deltas).
  static bool Whole(const json& v, uint64_t* out) {
    if (v.is_number_unsigned()) {
      *out = v.get<uint64_t>();
      return true;
    }
    if (v.is_number_integer()) {
      *out = static_cast<uint64_t>(v.get<int64_t>());
      return true;
    }
    return false;
  }

  Status ReadHeader() {
    auto v = batch_.find("v");
    if (v == batch_.end() || !v->is_number_integer()) {
      return Bad("batch has no format version 'v' (a whole number)");
    }
    if (*v != kBatchVersion) {
      uint64_t newer;
      if (Natural(*v, &newer) && newer > static_cast<uint64_t>(kBatchVersion)) {
        return Status::NotSupported("batch format version " + v->dump() +
                                    " is newer than this Cairn reads (" +
                                    std::to_string(kBatchVersion) + "); update Cairn");
      }
      return Bad("batch format version " + v->dump() + " is not one Cairn wrote");
    }
    auto n = batch_.find("n");
    uint64_t count;
    if (n == batch_.end() || !Natural(*n, &count)) {
      return Bad("batch has no op count 'n' (a whole number)");
    }
    if (count > limits_.max_ops) {
      too_many_ops_ = true;
      return Bad("batch has " + n->dump() + " ops, more than the limit of " +
                 std::to_string(limits_.max_ops) + "; send smaller batches");
    }
    n_ = static_cast<size_t>(count);
    ops_.resize(n_);
    return Status::Ok();
  }

  Status ReadOrigins() {
    auto one = batch_.find("o");
    auto many = batch_.find("os");
    if (one != batch_.end() && many != batch_.end()) return Bad("batch has both 'o' and 'os'");
    if (one != batch_.end()) {
      if (!one->is_string())
        return Bad("batch origin 'o' must be 32 hex digits, got " + TypeOf(*one));
      Result<Origin> o = Origin::FromHex(one->get_ref<const std::string&>());
      if (!o.ok()) return Bad("batch origin 'o': " + o.status().message());
      for (Op& op : ops_) op.origin = *o;
      return Status::Ok();
    }
    if (many == batch_.end()) {
      return n_ == 0 ? Status::Ok() : Bad("batch has no origin ('o', or 'os' with 'oi')");
    }
    if (!many->is_array()) return Bad("batch origins 'os' must be an array of origin ids");
    std::vector<Origin> origins;
    for (size_t i = 0; i < many->size(); ++i) {
      const json& h = (*many)[i];
      if (!h.is_string())
        return Bad("batch os[" + std::to_string(i) + "]: expected 32 hex digits, got " + TypeOf(h));
      Result<Origin> o = Origin::FromHex(h.get_ref<const std::string&>());
      if (!o.ok()) return Bad("batch os[" + std::to_string(i) + "]: " + o.status().message());
      origins.push_back(*o);
    }
    CAIRN_ASSIGN_OR_RETURN(const json* index, Array("oi", "origin of each op", true));
    for (size_t i = 0; index && i < n_; ++i) {
      uint64_t k;
      if (!Whole((*index)[i], &k) || k >= origins.size()) {
        return OpError(i, "origin index " + Show((*index)[i]) + " names no entry of 'os'");
      }
      ops_[i].origin = origins[k];
    }
    return Status::Ok();
  }

  Status ReadClocks() {
    CAIRN_ASSIGN_OR_RETURN(const json* seq, Array("s", "seq", true));
    CAIRN_ASSIGN_OR_RETURN(const json* ms, Array("t", "hlc milliseconds", true));
    CAIRN_ASSIGN_OR_RETURN(const json* ctr, Array("c", "hlc counters", false));
    uint64_t last_seq = 0, last_ms = 0, last_ctr = 0;
    for (size_t i = 0; i < n_; ++i) {
      uint64_t d;
      if (!Whole((*seq)[i], &d))
        return OpError(i, "seq: expected a whole number, got " + Show((*seq)[i]));
      if (i == 0 && !Natural((*seq)[i], &d)) return OpError(i, "seq must be 1 or more");
      last_seq += d;  // mod 2^64, as the encoder took the differences
      if (last_seq == 0) return OpError(i, "seq must be 1 or more");
      ops_[i].seq = last_seq;
      if (!Whole((*ms)[i], &d)) {
        return OpError(i, "hlc milliseconds: expected a whole number, got " + Show((*ms)[i]));
      }
      if (i == 0 && !Natural((*ms)[i], &d)) return OpError(i, "hlc is out of range");
      uint64_t expected = i > 0 && d == 0 ? (last_ctr + 1) & 0xffff : 0;
      last_ms += d;
      uint64_t c = 0;
      if (ctr && (!Whole((*ctr)[i], &c) || c > 0xffff)) {
        return OpError(i, "hlc counter: expected a whole number 0–65535, got " + Show((*ctr)[i]));
      }
      c = (c + expected) & 0xffff;
      last_ctr = c;
      if (last_ms > (kMaxHlc >> 16)) return OpError(i, "hlc is out of range");
      ops_[i].hlc = (last_ms << 16) | c;
    }
    return Status::Ok();
  }

  Status ReadKinds() {
    CAIRN_ASSIGN_OR_RETURN(const json* kind, Array("k", "kind codes", true));
    is_raw_.assign(n_, false);
    spec_of_.assign(n_, nullptr);
    for (size_t i = 0; i < n_; ++i) {
      const json& k = (*kind)[i];
      if (k.is_null()) {
        is_raw_[i] = true;  // its kind and body are in 'r'
        continue;
      }
      uint64_t code;
      const KindSpec* spec =
          Natural(k, &code) && code < kKindCodeLimit ? FindKindByCode(static_cast<int>(code)) : nullptr;
      if (spec == nullptr) {
        return OpError(i, "kind code " + Show(k) +
                              " is not one this Cairn knows (sent by a newer "
                              "Cairn? update this one)");
      }
      spec_of_[i] = spec;
      ops_[i].kind = std::string(spec->name);
      ops_[i].body = json::object();
    }
    return Status::Ok();
  }

  Status ReadRaw() {
    std::vector<bool> seen(n_, false);
    auto raw = batch_.find("r");
    if (raw != batch_.end()) {
      if (!raw->is_array()) return Bad("batch 'r' must be an array of [op index, kind, body]");
      for (const json& entry : *raw) {
        uint64_t i;
        if (!entry.is_array() || entry.size() != 3 || !Whole(entry[0], &i) || i >= n_ ||
            !entry[1].is_string()) {
          return Bad("batch 'r' entry " + Show(entry) + " is not [op index, kind, body]");
        }
        if (!is_raw_[i]) return OpError(i, "has a kind code and a raw body both");
        if (seen[i]) return OpError(i, "has two raw bodies");
        seen[i] = true;
        ops_[i].kind = entry[1].get<std::string>();
        ops_[i].body = entry[2];
        spec_of_[i] = FindKind(ops_[i].kind);
      }
    }
    for (size_t i = 0; i < n_; ++i) {
      if (is_raw_[i] && !seen[i]) return OpError(i, "has no kind code and no raw body");
    }
    return Status::Ok();
  }

  Status ReadBodies() {
    // The columnar ops of each kind code, in batch order.
    std::vector<std::vector<size_t>> members(kKindCodeLimit);
    for (size_t i = 0; i < n_; ++i) {
      if (!is_raw_[i]) members[static_cast<size_t>(spec_of_[i]->code)].push_back(i);
    }
    auto bodies = batch_.find("b");
    if (bodies == batch_.end()) return Status::Ok();
    if (!bodies->is_object()) return Bad("batch bodies 'b' must be an object of kinds' columns");
    for (const auto& [code, columns] : bodies->items()) {
      const KindSpec* spec = nullptr;
      if (std::optional<uint64_t> n = ParseU64(code); n && *n < kKindCodeLimit) {
        spec = FindKindByCode(static_cast<int>(*n));
      }
      if (spec == nullptr)
        return Bad("batch bodies 'b' has columns for unknown kind code '" + Cut(code) + "'");
      std::string kind(spec->name);
      const std::vector<size_t>& ops = members[static_cast<size_t>(spec->code)];
      if (!columns.is_array() || columns.size() > spec->fields.size()) {
        return Bad("batch bodies of " + kind + " must be an array of at most " +
                   std::to_string(spec->fields.size()) + " columns");
      }
      for (size_t f = 0; f < columns.size(); ++f) {
        const json& column = columns[f];
        if (column.is_null()) continue;
        const FieldSpec& fs = spec->fields[f];
        std::string where = kind + "." + std::string(fs.name);
        if (!column.is_array() || column.size() != ops.size()) {
          return Bad("batch column " + where + " must be an array of " +
                     std::to_string(ops.size()) + " values (one per " + kind + " op)");
        }
        for (size_t j = 0; j < ops.size(); ++j) {
          const json& cell = column[j];
          if (cell.is_null()) continue;
          Result<json> value = Cell(fs, cell);
          if (!value.ok())
            return OpError(ops[j], "column " + where + ": " + value.status().message());
          ops_[ops[j]].body[std::string(fs.name)] = std::move(*value);
        }
      }
    }
    return Status::Ok();
  }

  static Result<json> Cell(const FieldSpec& f, const json& cell) {
    if (IsStringField(f.type)) {
      if (!cell.is_string()) return Bad("expected a string, got " + Show(cell));
      return cell;
    }
    if (IsListField(f.type)) {
      if (!cell.is_array()) return Bad("expected a list of strings, got " + Show(cell));
      for (const json& e : cell) {
        if (!e.is_string()) return Bad("expected strings in the list, got " + Show(e));
      }
      return cell;
    }
    switch (f.type) {
      case FT::kEnum: {
        uint64_t i;
        if (!Whole(cell, &i) || i >= f.values.size()) {
          return Bad(Show(cell) + " is not the number of one of its " +
                     std::to_string(f.values.size()) + " values");
        }
        return json(std::string(f.values[i]));
      }
      case FT::kBool:
        if (cell == 0 || cell == 1) return json(cell == 1);
        return Bad("expected 0 or 1, got " + Show(cell));
      case FT::kInt:
        if (!cell.is_number_integer()) return Bad("expected a whole number, got " + Show(cell));
        return cell;
      case FT::kReal:
        if (!cell.is_number()) return Bad("expected a number, got " + Show(cell));
        return cell;
      case FT::kObject:
        if (!cell.is_object()) return Bad("expected an object, got " + TypeOf(cell));
        return cell;
      default:
        return Bad("field type has no column encoding");
    }
  }

  const json& batch_;
  const WireLimits& limits_;
  size_t n_ = 0;
  std::vector<Op> ops_;
  std::vector<bool> is_raw_;
  std::vector<const KindSpec*> spec_of_;  // each op's kind, looked up once (null: unknown)

 public:
  bool too_many_ops_ = false;  // the refusal was the ops-per-batch limit
};

}  // namespace

Result<std::vector<Op>> DecodeBatchJson(const json& batch, const WireLimits& limits,
                                        WireError* error) {
  BatchReader reader(batch, limits);
  Result<std::vector<Op>> ops = Status::InvalidArgument("batch could not be read");
  try {
    ops = reader.Read();
  } catch (const std::exception& e) {
    // Every access above is checked first; this is the last line, not the plan.
    ops = Status::InvalidArgument(std::string("batch could not be read: ") + e.what());
  }
  if (error) {
    *error = ops.ok()                                                 ? WireError::kNone
             : reader.too_many_ops_                                   ? WireError::kTooLarge
             : ops.status().code() == Status::Code::kNotSupported ? WireError::kNotSupported
                                                                  : WireError::kMalformed;
  }
  return ops;
}

Result<std::vector<Op>> DecodeBatch(std::string_view body, const WireLimits& limits,
                                    WireError* error) {
  CAIRN_ASSIGN_OR_RETURN(json batch, ParseJson(body, limits, error));
  return DecodeBatchJson(batch, limits, error);
}

}  // namespace cairn::sync
