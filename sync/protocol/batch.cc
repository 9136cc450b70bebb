// The columnar batch: encoding and the checks that decode it (PROTOCOL.md, "Batch
// encoding").
#include <cmath>
#include <unordered_map>

#include "cairn/agent/kinds.h"
#include "cairn/sync/wire.h"

namespace cairn::sync {
namespace {

using nlohmann::json;
using FT = FieldType;

// Strings of the batch, each written once, referred to by index in order of first use.
class StringTable {
 public:
  size_t Index(const std::string& s) {
    auto [it, added] = index_.try_emplace(s, strings_.size());
    if (added) strings_.push_back(s);
    return it->second;
  }
  json Take() { return json(std::move(strings_)); }
  bool empty() const { return strings_.empty(); }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::string> strings_;
};

bool IsStringField(FT t) {
  return t == FT::kId || t == FT::kText || t == FT::kEnum || t == FT::kOpId;
}
bool IsListField(FT t) { return t == FT::kIdList || t == FT::kTextList; }

// True when `v` has exactly the JSON type a column of `t` restores, so the op can
// travel in columns and come back equal.
bool FitsColumn(FT t, const json& v) {
  if (IsStringField(t)) return v.is_string();
  if (IsListField(t)) {
    if (!v.is_array()) return false;
    for (const json& e : v) {
      if (!e.is_string()) return false;
    }
    return true;
  }
  switch (t) {
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
    if (f < 0 || !FitsColumn(kind->fields[static_cast<size_t>(f)].type, value)) return false;
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
    out["origin"] = origins[0].Hex();
  } else if (origins.size() > 1) {
    json hex = json::array();
    for (const Origin& o : origins) hex.push_back(o.Hex());
    out["origins"] = std::move(hex);
    out["origin_index"] = std::move(origin_index);
  }

  json seq = json::array(), ms = json::array(), ctr = json::array();
  bool any_ctr = false;
  uint64_t last_seq = 0, last_ms = 0;
  for (const Op& op : ops) {
    seq.push_back(Delta(op.seq, last_seq));
    uint64_t m = op.hlc >> 16;
    ms.push_back(Delta(m, last_ms));
    ctr.push_back(op.hlc & 0xffff);
    any_ctr |= (op.hlc & 0xffff) != 0;
    last_seq = op.seq;
    last_ms = m;
  }
  // The first entries are absolute: write them unsigned.
  if (!ops.empty()) {
    seq[0] = ops[0].seq;
    ms[0] = ops[0].hlc >> 16;
  }
  out["seq"] = std::move(seq);
  out["ms"] = std::move(ms);
  if (any_ctr) out["ctr"] = std::move(ctr);

  std::vector<std::string> kinds;
  std::vector<KindGroup> groups;
  json kind_index = json::array();
  json raw = json::array();
  StringTable strings;
  for (size_t i = 0; i < ops.size(); ++i) {
    const Op& op = ops[i];
    size_t k = 0;
    while (k < kinds.size() && kinds[k] != op.kind) ++k;
    if (k == kinds.size()) {
      kinds.push_back(op.kind);
      KindGroup g;
      g.spec = FindKind(op.kind);
      if (g.spec) {
        g.columns.assign(g.spec->fields.size(), json::array());
        g.used.assign(g.spec->fields.size(), false);
      }
      groups.push_back(std::move(g));
    }
    kind_index.push_back(k);
    KindGroup& g = groups[k];
    if (!Columnar(g.spec, op.body)) {
      raw.push_back(json::array({i, op.body}));
      continue;
    }
    for (size_t f = 0; f < g.spec->fields.size(); ++f) {
      const FieldSpec& spec = g.spec->fields[f];
      auto it = op.body.find(spec.name);
      if (it == op.body.end()) {
        g.columns[f].push_back(nullptr);
        continue;
      }
      g.used[f] = true;
      if (IsStringField(spec.type)) {
        g.columns[f].push_back(strings.Index(it->get_ref<const std::string&>()));
      } else if (IsListField(spec.type)) {
        json list = json::array();
        for (const json& e : *it) list.push_back(strings.Index(e.get_ref<const std::string&>()));
        g.columns[f].push_back(std::move(list));
      } else if (spec.type == FT::kBool) {
        g.columns[f].push_back(it->get<bool>() ? 1 : 0);
      } else {
        g.columns[f].push_back(*it);
      }
    }
  }
  out["kinds"] = kinds;
  out["kind"] = std::move(kind_index);
  if (!strings.empty()) out["strings"] = strings.Take();
  json bodies = json::object();
  for (size_t k = 0; k < kinds.size(); ++k) {
    const KindGroup& g = groups[k];
    if (!g.spec) continue;
    json cols = json::object();
    for (size_t f = 0; f < g.columns.size(); ++f) {
      if (g.used[f]) cols[std::string(g.spec->fields[f].name)] = std::move(groups[k].columns[f]);
    }
    if (!cols.empty()) bodies[kinds[k]] = std::move(cols);
  }
  if (!bodies.empty()) out["bodies"] = std::move(bodies);
  if (!raw.empty()) out["raw"] = std::move(raw);
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
    static const char* const kKnown[] = {"v",       "n",      "origin", "origins", "origin_index",
                                         "seq",     "ms",     "ctr",    "kinds",   "kind",
                                         "strings", "bodies", "raw"};
    for (const auto& [key, value] : batch_.items()) {
      bool known = false;
      for (const char* k : kKnown) known |= key == k;
      if (!known) return Bad("batch has an unknown field '" + Cut(key) + "'");
    }
    CAIRN_RETURN_IF_ERROR(ReadHeader());
    CAIRN_RETURN_IF_ERROR(ReadIdentity());
    CAIRN_RETURN_IF_ERROR(ReadKinds());
    CAIRN_RETURN_IF_ERROR(ReadStrings());
    CAIRN_RETURN_IF_ERROR(ReadRaw());
    CAIRN_RETURN_IF_ERROR(ReadBodies());
    for (size_t i = 0; i < n_; ++i) {
      const KindSpec* spec = specs_[kind_of_[i]];
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

  static std::string TypeOf(const json& v) {
    if (v.is_number_integer()) return "a whole number";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "true/false";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    return "null";
  }

  // The array under `key`, of exactly n_ entries; nullptr when absent and optional.
  Result<const json*> Column(const char* key, bool required) const {
    auto it = batch_.find(key);
    if (it == batch_.end()) {
      if (required && n_ > 0) return Bad(std::string("batch has no '") + key + "' column");
      return static_cast<const json*>(nullptr);
    }
    if (!it->is_array()) {
      return Bad(std::string("batch '") + key + "' must be an array, got " + TypeOf(*it));
    }
    if (it->size() != n_) {
      return Bad(std::string("batch '") + key + "' has " + std::to_string(it->size()) +
                 " entries for " + std::to_string(n_) + " ops");
    }
    return &*it;
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
      if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(kBatchVersion)) {
        return Status::NotSupported("batch format version " + v->dump() +
                                    " is newer than this Cairn reads (" +
                                    std::to_string(kBatchVersion) + "); update Cairn");
      }
      return Bad("batch format version " + v->dump() + " is not one Cairn wrote");
    }
    auto n = batch_.find("n");
    if (n == batch_.end() || !n->is_number_unsigned()) {
      return Bad("batch has no op count 'n' (a whole number)");
    }
    if (n->get<uint64_t>() > limits_.max_ops) {
      return Bad("batch has " + n->dump() + " ops, more than the limit of " +
                 std::to_string(limits_.max_ops) + "; send smaller batches");
    }
    n_ = n->get<size_t>();
    ops_.resize(n_);
    return Status::Ok();
  }

  Status ReadIdentity() {
    auto one = batch_.find("origin");
    auto many = batch_.find("origins");
    if (one != batch_.end() && many != batch_.end()) {
      return Bad("batch has both 'origin' and 'origins'");
    }
    if (one != batch_.end()) {
      if (!one->is_string())
        return Bad("batch 'origin' must be 32 hex digits, got " + TypeOf(*one));
      Result<Origin> o = Origin::FromHex(one->get_ref<const std::string&>());
      if (!o.ok()) return Bad("batch 'origin': " + o.status().message());
      for (Op& op : ops_) op.origin = *o;
    } else if (many != batch_.end()) {
      if (!many->is_array()) return Bad("batch 'origins' must be an array of origin ids");
      std::vector<Origin> origins;
      for (size_t i = 0; i < many->size(); ++i) {
        const json& h = (*many)[i];
        Result<Origin> o = h.is_string() ? Origin::FromHex(h.get_ref<const std::string&>())
                                         : Result<Origin>(Status::InvalidArgument(
                                               "expected 32 hex digits, got " + TypeOf(h)));
        if (!o.ok())
          return Bad("batch origins[" + std::to_string(i) + "]: " + o.status().message());
        origins.push_back(*o);
      }
      CAIRN_ASSIGN_OR_RETURN(const json* index, Column("origin_index", true));
      for (size_t i = 0; index && i < n_; ++i) {
        uint64_t k;
        if (!Whole((*index)[i], &k) || k >= origins.size()) {
          return OpError(
              i, "origin_index " + Cut((*index)[i].dump()) + " names no entry of 'origins'");
        }
        ops_[i].origin = origins[k];
      }
    } else if (n_ > 0) {
      return Bad("batch has no 'origin' (or 'origins')");
    }

    CAIRN_ASSIGN_OR_RETURN(const json* seq, Column("seq", true));
    CAIRN_ASSIGN_OR_RETURN(const json* ms, Column("ms", true));
    CAIRN_ASSIGN_OR_RETURN(const json* ctr, Column("ctr", false));
    uint64_t last_seq = 0, last_ms = 0;
    for (size_t i = 0; i < n_; ++i) {
      uint64_t d;
      if (!Whole((*seq)[i], &d))
        return OpError(i, "seq must be a whole number, got " + TypeOf((*seq)[i]));
      if (i == 0 && !(*seq)[i].is_number_unsigned()) return OpError(i, "seq must be 1 or more");
      last_seq += d;  // mod 2^64: the encoder's differences
      if (last_seq == 0) return OpError(i, "seq must be 1 or more");
      ops_[i].seq = last_seq;
      if (!Whole((*ms)[i], &d))
        return OpError(i, "hlc millis ('ms') must be a whole number, got " + TypeOf((*ms)[i]));
      if (i == 0 && !(*ms)[i].is_number_unsigned()) return OpError(i, "hlc is out of range");
      last_ms += d;
      uint64_t c = 0;
      if (ctr && (!Whole((*ctr)[i], &c) || c > 0xffff)) {
        return OpError(
            i, "hlc counter ('ctr') must be a whole number 0–65535, got " + Cut((*ctr)[i].dump()));
      }
      if (last_ms > (kMaxHlc >> 16)) return OpError(i, "hlc is out of range");
      ops_[i].hlc = (last_ms << 16) | c;
    }
    return Status::Ok();
  }

  Status ReadKinds() {
    auto kinds = batch_.find("kinds");
    if (kinds == batch_.end() || !kinds->is_array()) {
      if (n_ == 0 && kinds == batch_.end()) return Status::Ok();
      return Bad("batch has no 'kinds' (an array of kind names)");
    }
    for (size_t k = 0; k < kinds->size(); ++k) {
      const json& name = (*kinds)[k];
      if (!name.is_string())
        return Bad("batch kinds[" + std::to_string(k) + "] must be a kind name, got " +
                   TypeOf(name));
      for (const std::string& seen : kind_names_) {
        if (seen == name.get_ref<const std::string&>()) {
          return Bad("batch kinds names '" + Cut(seen) + "' twice");
        }
      }
      kind_names_.push_back(name.get<std::string>());
      specs_.push_back(FindKind(kind_names_.back()));
    }
    CAIRN_ASSIGN_OR_RETURN(const json* kind, Column("kind", true));
    kind_of_.resize(n_);
    for (size_t i = 0; i < n_; ++i) {
      uint64_t k;
      if (!Whole((*kind)[i], &k) || k >= kind_names_.size()) {
        return OpError(i, "kind " + Cut((*kind)[i].dump()) + " names no entry of 'kinds'");
      }
      kind_of_[i] = static_cast<size_t>(k);
      ops_[i].kind = kind_names_[k];
    }
    return Status::Ok();
  }

  Status ReadStrings() {
    auto s = batch_.find("strings");
    if (s == batch_.end()) return Status::Ok();
    if (!s->is_array())
      return Bad("batch 'strings' must be an array of strings, got " + TypeOf(*s));
    for (size_t i = 0; i < s->size(); ++i) {
      if (!(*s)[i].is_string()) {
        return Bad("batch strings[" + std::to_string(i) + "] must be a string, got " +
                   TypeOf((*s)[i]));
      }
    }
    strings_ = &*s;
    return Status::Ok();
  }

  Status ReadRaw() {
    is_raw_.assign(n_, false);
    auto raw = batch_.find("raw");
    if (raw == batch_.end()) return Status::Ok();
    if (!raw->is_array()) return Bad("batch 'raw' must be an array of [op index, body]");
    for (const json& entry : *raw) {
      uint64_t i;
      if (!entry.is_array() || entry.size() != 2 || !Whole(entry[0], &i) || i >= n_) {
        return Bad("batch 'raw' entry " + Cut(entry.dump()) + " is not [op index, body]");
      }
      if (is_raw_[i]) return OpError(i, "has two raw bodies");
      is_raw_[i] = true;
      ops_[i].body = entry[1];
    }
    return Status::Ok();
  }

  Status ReadBodies() {
    // The columnar ops of each kind, in batch order.
    std::vector<std::vector<size_t>> members(kind_names_.size());
    for (size_t i = 0; i < n_; ++i) {
      if (!is_raw_[i]) {
        members[kind_of_[i]].push_back(i);
        ops_[i].body = json::object();
      }
    }
    auto bodies = batch_.find("bodies");
    if (bodies == batch_.end()) return Status::Ok();
    if (!bodies->is_object()) return Bad("batch 'bodies' must be an object of kinds' columns");
    for (const auto& [kind, columns] : bodies->items()) {
      size_t k = 0;
      while (k < kind_names_.size() && kind_names_[k] != kind) ++k;
      if (k == kind_names_.size())
        return Bad("batch bodies has columns for '" + Cut(kind) + "', not in 'kinds'");
      const KindSpec* spec = specs_[k];
      if (spec == nullptr) {
        return Bad("batch bodies has columns for unknown kind '" + Cut(kind) +
                   "' (sent by a newer Cairn? update this one)");
      }
      if (!columns.is_object())
        return Bad("batch bodies." + kind + " must be an object of columns");
      for (const auto& [field, column] : columns.items()) {
        int f = FieldIndex(*spec, field);
        if (f < 0)
          return Bad("batch bodies." + kind + " has a column for unknown field '" + Cut(field) +
                     "'");
        const std::vector<size_t>& ops = members[k];
        if (!column.is_array() || column.size() != ops.size()) {
          return Bad("batch bodies." + kind + "." + field + " must be an array of " +
                     std::to_string(ops.size()) + " values (one per " + kind + " op)");
        }
        const FieldSpec& fs = spec->fields[static_cast<size_t>(f)];
        for (size_t j = 0; j < ops.size(); ++j) {
          const json& cell = column[j];
          if (cell.is_null()) continue;
          Result<json> value = Cell(fs, cell);
          if (!value.ok()) {
            return OpError(ops[j],
                           "column " + kind + "." + field + ": " + value.status().message());
          }
          ops_[ops[j]].body[field] = std::move(*value);
        }
      }
    }
    return Status::Ok();
  }

  Result<std::string> StringAt(const json& cell) const {
    uint64_t i;
    if (!Whole(cell, &i) || !strings_ || i >= strings_->size()) {
      return Bad(Cut(cell.dump()) + " names no entry of 'strings'");
    }
    return (*strings_)[i].get<std::string>();
  }

  Result<json> Cell(const FieldSpec& f, const json& cell) const {
    if (IsStringField(f.type)) {
      CAIRN_ASSIGN_OR_RETURN(std::string s, StringAt(cell));
      return json(std::move(s));
    }
    if (IsListField(f.type)) {
      if (!cell.is_array()) return Bad("expected a list of string indices, got " + TypeOf(cell));
      json list = json::array();
      for (const json& e : cell) {
        CAIRN_ASSIGN_OR_RETURN(std::string s, StringAt(e));
        list.push_back(std::move(s));
      }
      return list;
    }
    switch (f.type) {
      case FT::kBool:
        if (cell == 0 || cell == 1) return json(cell == 1);
        return Bad("expected 0 or 1, got " + Cut(cell.dump()));
      case FT::kInt:
        if (!cell.is_number_integer())
          return Bad("expected a whole number, got " + Cut(cell.dump()));
        return cell;
      case FT::kReal:
        if (!cell.is_number()) return Bad("expected a number, got " + Cut(cell.dump()));
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
  std::vector<std::string> kind_names_;
  std::vector<const KindSpec*> specs_;
  std::vector<size_t> kind_of_;
  std::vector<bool> is_raw_;
  const json* strings_ = nullptr;
};

}  // namespace

Result<std::vector<Op>> DecodeBatchJson(const json& batch, const WireLimits& limits) {
  try {
    return BatchReader(batch, limits).Read();
  } catch (const std::exception& e) {
    // Every access above is checked first; this is the last line, not the plan.
    return Status::InvalidArgument(std::string("batch could not be read: ") + e.what());
  }
}

Result<std::vector<Op>> DecodeBatch(std::string_view body, const WireLimits& limits) {
  CAIRN_ASSIGN_OR_RETURN(json batch, ParseJson(body, limits));
  return DecodeBatchJson(batch, limits);
}

}  // namespace cairn::sync
