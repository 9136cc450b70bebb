// The stored encoding of op bodies (agent/codec.h, private to the agent).
#include "codec.h"

#include <catch2/catch.hpp>

#include "agent/store_testing.h"
#include "cairn/agent/kinds.h"
#include "cairn/agent/sqlite.h"
#include "interner.h"
#include "schema.h"

namespace cairn {
namespace {

using nlohmann::json;
using testing::Must;

// A value for every field of `f`'s type, inside its limits.
json SampleValue(const FieldSpec& f, int variant) {
  std::string name(f.name);
  switch (f.type) {
    case FieldType::kId:
      return name + "-" + std::to_string(variant);
    case FieldType::kIdList:
      return {"a-" + std::to_string(variant), "b-" + std::to_string(variant), "a-0"};
    case FieldType::kText: {
      if (f.sha256) return std::string(64, "0123456789abcdef"[variant % 16]);
      if (f.max > 0 && f.max < 40) return std::string(static_cast<size_t>(f.max), 'x');
      return name + " — ünï ✓ " + std::to_string(variant);
    }
    case FieldType::kTextList:
      return {"maps", "ñandú", ""};
    case FieldType::kInt:
      return f.min == 0 && f.max == 0 ? json(7 + variant)
                                      : json(static_cast<int64_t>((f.min + f.max) / 2));
    case FieldType::kBool:
      return variant % 2 == 0;
    case FieldType::kReal:
      return 0.25;
    case FieldType::kEnum:
      return std::string(f.values[static_cast<size_t>(variant) % f.values.size()]);
    case FieldType::kOpId:
      return OpId{testing::TestOrigin(200), 12345678901ULL}.ToString();
    case FieldType::kObject:
      return {{"prompt", "2 + 2 = ?"}, {"choices", {3, 4, 5}}, {"answer", 1}, {"hint", nullptr}};
  }
  return nullptr;
}

json FullBody(const KindSpec& kind, int variant = 0) {
  json body = json::object();
  for (const FieldSpec& f : kind.fields) body[std::string(f.name)] = SampleValue(f, variant);
  return body;
}

// Required fields only (and, for an editable record, its key plus one field).
json MinimalBody(const KindSpec& kind) {
  json body = json::object();
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    if (f.required) body[std::string(f.name)] = SampleValue(f, 1);
  }
  if (kind.merge == MergeRule::kLastWriterWins) {
    const FieldSpec& last = kind.fields.back();
    body[std::string(last.name)] = SampleValue(last, 1);
  }
  return body;
}

class CodecFixture {
 public:
  CodecFixture()
      : db_(Must(sql::Database::Open(":memory:"))),
        ids_(*db_, "ident", "name", false),
        origins_(*db_, "origin", "id", true) {
    CAIRN_REQUIRE_OK(schema::MigrateTo1(*db_));
  }
  EncodedBody Encode(const KindSpec& kind, const json& body) {
    CAIRN_REQUIRE_OK(ValidateBody(kind, body));
    return Must(EncodeBody(kind, body, ids_, origins_));
  }
  Result<json> Decode(const KindSpec& kind, const EncodedBody& e) {
    return DecodeBody(kind, e.bytes, e.subject, ids_, origins_);
  }
  // A fresh interner over the same tables: what a reopened store sees.
  Result<json> DecodeAfterReload(const KindSpec& kind, const EncodedBody& e) {
    Interner ids(*db_, "ident", "name", false), origins(*db_, "origin", "id", true);
    CAIRN_REQUIRE_OK(ids.Load());
    CAIRN_REQUIRE_OK(origins.Load());
    return DecodeBody(kind, e.bytes, e.subject, ids, origins);
  }
  Interner& ids() { return ids_; }

 private:
  std::unique_ptr<sql::Database> db_;
  Interner ids_, origins_;
};

TEST_CASE("every kind of op body is stored and read back unchanged", "[agent]") {
  CodecFixture codec;
  for (const KindSpec& kind : AllKinds()) {
    for (const json& body : {FullBody(kind), FullBody(kind, 1), MinimalBody(kind)}) {
      INFO(std::string(kind.name) + " " + body.dump());
      EncodedBody e = codec.Encode(kind, body);
      CHECK(Must(codec.Decode(kind, e)) == body);
      CHECK(Must(codec.DecodeAfterReload(kind, e)) == body);
      // The subject lives in its own indexed column exactly when the kind has one.
      CHECK(e.subject.has_value() == (kind.subject_field >= 0));
    }
  }
}

TEST_CASE("stored bodies name ids by number so they stay small", "[agent]") {
  CodecFixture codec;
  const KindSpec& attempt = *FindKind("attempt");
  json body = {{"learner", "5f0c7d3e-9a61-4c1b-8b7e-2d4f9e1a6c30"},
               {"item", "fractions.equivalent.item-0007"},
               {"correct", true},
               {"duration_ms", 5300},
               {"hints", 1}};
  EncodedBody e = codec.Encode(attempt, body);
  CHECK(e.bytes.find("5f0c7d3e") == std::string::npos);
  CHECK(e.bytes.find("fractions") == std::string::npos);
  CHECK(e.bytes.size() < body.dump().size() / 3);
  REQUIRE(e.subject.has_value());
  CHECK(*codec.ids().Name(*e.subject) == "5f0c7d3e-9a61-4c1b-8b7e-2d4f9e1a6c30");

  SECTION("a whole number written as 3.0 is stored as 3") {
    json as_float = body;
    as_float["hints"] = 1.0;
    CHECK(codec.Encode(attempt, as_float).bytes == e.bytes);
  }
  SECTION("the same id gets the same number every time") {
    EncodedBody again = codec.Encode(attempt, body);
    CHECK(again.bytes == e.bytes);
    CHECK(again.subject == e.subject);
  }
}

TEST_CASE("stored bytes that do not decode are reported as corruption", "[agent]") {
  CodecFixture codec;
  const KindSpec& attempt = *FindKind("attempt");
  const KindSpec& observation = *FindKind("observation");
  auto decode = [&](const KindSpec& kind, std::string bytes, std::optional<int64_t> subject) {
    return codec.Decode(kind, EncodedBody{subject, std::move(bytes)});
  };
  auto msgpack = [](const json& slots) {
    std::vector<uint8_t> v = json::to_msgpack(slots);
    return std::string(v.begin(), v.end());
  };
  EncodedBody good = codec.Encode(attempt, {{"learner", "l"}, {"item", "i"}, {"correct", true}});

  struct Case {
    const char* what;
    Result<json> result;
  };
  for (Case c : {
           Case{"garbage bytes", decode(attempt, "\xc1\xff\x00garbage", good.subject)},
           Case{"not a list", decode(attempt, msgpack({{"a", 1}}), good.subject)},
           Case{"more slots than fields",
                decode(attempt, msgpack(json(std::vector<int>(20, 0))), good.subject)},
           Case{"an unknown id number", decode(attempt, msgpack({nullptr, 999}), good.subject)},
           Case{"an unknown subject number", decode(attempt, good.bytes, 999)},
           Case{"an id list that is not a list",
                decode(observation, msgpack({nullptr, 5}), std::nullopt)},
           Case{"an enum index out of range",
                decode(observation, msgpack({nullptr, nullptr, nullptr, nullptr, 99}),
                       std::nullopt)},
           Case{"a broken op reference", decode(attempt,
                                                msgpack({nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         nullptr,
                                                         {77, 1}}),
                                                good.subject)},
       }) {
    INFO(c.what);
    REQUIRE_FALSE(c.result.ok());
    CHECK(c.result.status().code() == Status::Code::kCorruption);
  }
  CHECK(decode(attempt, good.bytes, good.subject).ok());
}

}  // namespace
}  // namespace cairn
