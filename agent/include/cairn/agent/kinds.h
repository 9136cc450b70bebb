// The vocabulary of ops: every kind Cairn records, its fields, and how replicas
// merge it. This table is the single source of truth for validation, the stored
// encoding, materialization, and agent/SCHEMA.md (`cairnctl schema` prints it).
//
// Adding a field at the end of a kind is compatible; renaming, reordering or
// removing one, or reusing a kind code, is not (stored bodies are positional).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn {

enum class MergeRule {
  kGrowOnly,        // evidence: a set keyed by op id; corrected by retract/supersede
  kLastWriterWins,  // editable fields: a register per (entity, field), (hlc, origin) wins
};

// Who may author a kind. The store enforces kServer on enrolled devices; the
// school server enforces the rest per device role (sync/PROTOCOL.md).
enum class Writers { kServer, kTeacherDevice, kAnyDevice };

enum class FieldType {
  kId,        // a string id: 1–128 bytes, no spaces or control characters
  kIdList,    // an array of ids (at most 1000)
  kText,      // a UTF-8 string (at most `max` bytes, default 4000)
  kTextList,  // an array of texts (at most 100, each at most 200 bytes)
  kInt,       // an integer in [min, max]
  kBool,
  kReal,    // a number in [min, max]
  kEnum,    // one of `values`
  kOpId,    // "<origin hex>:<seq>", naming another op
  kObject,  // a JSON object (content; at most 64 KiB encoded)
};

struct FieldSpec {
  std::string_view name;
  FieldType type;
  bool required = false;
  double min = 0;                        // kInt/kReal bounds; both 0 = unbounded
  double max = 0;                        // kText: max bytes (0 = default)
  // kEnum. Stored bodies and the sync wire carry a value's index: add new values
  // at the end only, never reorder or remove one (old stores and devices would
  // read the wrong value).
  std::vector<std::string_view> values;
  std::string_view doc;
  // kText: exactly 64 lower-case hex digits, a SHA-256 naming a blob (blob_store.h).
  bool sha256 = false;
};

struct KindSpec {
  std::string_view name;
  int code;  // stored; never reused
  MergeRule merge;
  Writers writers;
  // kLastWriterWins: the entity type whose registers this kind writes, and how many
  // leading fields form its key (1, or 2 for links such as enrollment).
  std::string_view entity;
  int key_fields = 0;
  // The field stored in the op's indexed subject column (the learner, for evidence
  // about one learner; the key, for entities); -1 for none.
  int subject_field = -1;
  std::vector<FieldSpec> fields;
  std::string_view doc;
  std::string_view xapi_verb;  // evidence: the xAPI verb the op maps to
};

// Evidence kinds have codes from 40; their subject, when they have one, is a learner.
constexpr int kFirstEvidenceCode = 40;
// Every kind code is below this: the wire and the readers index tables by code.
constexpr int kKindCodeLimit = 64;

const std::vector<KindSpec>& AllKinds();
// nullptr when there is no such kind.
const KindSpec* FindKind(std::string_view name);
const KindSpec* FindKindByCode(int code);
int FieldIndex(const KindSpec& kind, std::string_view field);  // -1 if absent

// Checks an op body against its kind: an object, no unknown fields, required
// fields present, every value of the right type and in range, ids well-formed;
// for last-writer-wins kinds, the key and at least one other field. The error
// names the field: "attempt.correct: expected true or false, got \"yes\"".
Status ValidateBody(const KindSpec& kind, const nlohmann::json& body);

// Checks one id (used for CLI input too).
Status ValidateId(std::string_view id, std::string_view what);
// True for exactly 64 lower-case hex digits: how a SHA-256 is written in ops and URLs.
bool IsSha256Hex(std::string_view s);

// Human-readable names, for docs and errors.
std::string_view FieldTypeName(FieldType type);
std::string_view WritersName(Writers writers);

// Markdown tables describing every kind (the generated part of agent/SCHEMA.md).
std::string KindsMarkdown();

}  // namespace cairn
