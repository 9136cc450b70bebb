#include "sync/protocol/wire_testing.h"

#include <string>

#include "cairn/agent/kinds.h"

namespace cairn::sync::testing {
namespace {

using nlohmann::json;

const char* kOrigin = "9f3c00112233445566778899aabbccdd";

Op Make(uint64_t seq, const char* kind, json body) {
  Op op;
  op.origin = *Origin::FromHex(kOrigin);
  op.seq = seq;
  op.hlc = MakeHlc(1795421763075 + static_cast<int64_t>(seq) * 1000, 0);
  op.kind = kind;
  op.body = std::move(body);
  return op;
}

std::string RandomText(std::mt19937_64& rng, size_t max) {
  static const std::vector<std::string> pieces = {"a",  "Z",  " ", "é", "ñ", "€", "😀", "\"",
                                                  "\\", "\n", "/", "{", "}", "[", "0", "\u00e7"};
  std::string s;
  size_t len = rng() % 12;
  for (size_t i = 0; i < len; ++i) {
    const std::string& p = pieces[rng() % pieces.size()];
    if (s.size() + p.size() > max) break;
    s += p;
  }
  return s;
}

std::string RandomId(std::mt19937_64& rng) {
  static const std::vector<std::string> ids = {"b9c8b9ff-e46e-4627-9419-c7723226db94",
                                               "math.frac.c07.lesson3",
                                               "math.frac.c07.lesson3.item06",
                                               "x",
                                               "é-learner",
                                               "goal:1"};
  if (rng() % 3 == 0) return "id-" + std::to_string(rng() % 1000);
  return ids[rng() % ids.size()];
}

json RandomValue(std::mt19937_64& rng, const FieldSpec& f) {
  switch (f.type) {
    case FieldType::kId:
      return RandomId(rng);
    case FieldType::kIdList: {
      json a = json::array();
      size_t n = 1 + rng() % 4;
      for (size_t i = 0; i < n; ++i) a.push_back(RandomId(rng));
      return a;
    }
    case FieldType::kText: {
      if (!f.sha256) return RandomText(rng, f.max > 0 ? static_cast<size_t>(f.max) : 4000);
      std::string hex;
      for (int i = 0; i < 64; ++i) hex.push_back("0123456789abcdef"[rng() % 16]);
      return hex;
    }
    case FieldType::kTextList: {
      json a = json::array();
      size_t n = rng() % 3;
      for (size_t i = 0; i < n; ++i) a.push_back(RandomText(rng, 200));
      return a;
    }
    case FieldType::kInt: {
      int64_t lo = static_cast<int64_t>(f.min), hi = static_cast<int64_t>(f.max);
      if (lo == 0 && hi == 0) hi = 1'000'000;
      return lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(hi - lo + 1));
    }
    case FieldType::kBool:
      return rng() % 2 == 0;
    case FieldType::kReal: {
      double lo = f.min, hi = f.max == 0 ? 1e6 : f.max;
      if (rng() % 4 == 0) return static_cast<int64_t>(lo);
      return lo + (hi - lo) * std::uniform_real_distribution<double>(0, 1)(rng);
    }
    case FieldType::kEnum:
      return std::string(f.values[rng() % f.values.size()]);
    case FieldType::kOpId:
      return std::string(kOrigin) + ":" + std::to_string(1 + rng() % 500);
    case FieldType::kObject:
      return json{{"prompt", RandomText(rng, 100)},
                  {"n", static_cast<int64_t>(rng() % 9)},
                  {"nested", {{"list", {1, "two", nullptr, 3.5}}}}};
  }
  return nullptr;
}

}  // namespace

std::vector<Op> OneOfEveryKind() {
  std::vector<Op> ops;
  uint64_t seq = 1;
  std::mt19937_64 rng(7);
  for (const KindSpec& k : AllKinds()) {
    json body = json::object();
    for (const FieldSpec& f : k.fields) body[std::string(f.name)] = RandomValue(rng, f);
    ops.push_back(Make(seq++, std::string(k.name).c_str(), std::move(body)));
  }
  // And the school day's shapes, as the agent's tests write them.
  ops.push_back(Make(seq++, "attempt",
                     {{"learner", "b9c8b9ff-e46e-4627-9419-c7723226db94"},
                      {"lesson", "math.frac.c07.lesson3"},
                      {"item", "math.frac.c07.lesson3.item06"},
                      {"response", "921.0"},
                      {"correct", true},
                      {"duration_ms", 66544},
                      {"hints", 0}}));
  ops.push_back(Make(seq++, "activity",
                     {{"learner", "b9c8b9ff-e46e-4627-9419-c7723226db94"},
                      {"lesson", "math.frac.c07.lesson3"},
                      {"event", "completed"}}));
  ops.push_back(Make(seq++, "retract", {{"target", std::string(kOrigin) + ":1"}}));
  return ops;
}

std::vector<Op> RandomOps(std::mt19937_64& rng, size_t n, size_t origins) {
  const std::vector<KindSpec>& kinds = AllKinds();
  std::vector<Origin> o;
  std::vector<uint64_t> next_seq(origins, 0);
  for (size_t i = 0; i < origins; ++i) {
    Origin x;
    for (auto& b : x.bytes) b = static_cast<uint8_t>(rng());
    o.push_back(x);
    next_seq[i] = 1 + rng() % 100000;
  }
  std::vector<Op> ops;
  Hlc hlc = MakeHlc(1795421763075, 0);
  for (size_t i = 0; i < n; ++i) {
    const KindSpec& k = kinds[rng() % kinds.size()];
    json body = json::object();
    for (size_t f = 0; f < k.fields.size(); ++f) {
      bool key = static_cast<int>(f) < k.key_fields;
      if (key || k.fields[f].required || rng() % 2 == 0) {
        body[std::string(k.fields[f].name)] = RandomValue(rng, k.fields[f]);
      }
    }
    if (k.merge == MergeRule::kLastWriterWins && body.size() <= static_cast<size_t>(k.key_fields)) {
      const FieldSpec& f = k.fields[static_cast<size_t>(k.key_fields)];
      body[std::string(f.name)] = RandomValue(rng, f);
    }
    size_t which = rng() % origins;
    Op op;
    op.origin = o[which];
    op.seq = next_seq[which]++;
    // Same millisecond, a step, a jump, or back in time (another origin's clock).
    switch (rng() % 4) {
      case 0:
        hlc += 1;
        break;
      case 1:
        hlc += uint64_t{rng() % 90000} << 16;
        break;
      case 2:
        hlc -= std::min<uint64_t>(hlc, uint64_t{rng() % 5000} << 16);
        break;
      default:
        hlc = MakeHlc(static_cast<int64_t>(rng() % (uint64_t{1} << 47)),
                      static_cast<uint16_t>(rng()));
    }
    op.hlc = std::min(hlc, kMaxHlc);
    op.kind = std::string(k.name);
    op.body = std::move(body);
    ops.push_back(std::move(op));
  }
  return ops;
}

}  // namespace cairn::sync::testing
