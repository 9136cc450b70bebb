#include "codec.h"

#include <algorithm>

#include "cairn/agent/op.h"
#include "interner.h"
#include "msgpack_writer.h"

namespace cairn {
namespace {

int64_t EnumIndex(const FieldSpec& f, const std::string& value) {
  for (size_t i = 0; i < f.values.size(); ++i) {
    if (f.values[i] == value) return static_cast<int64_t>(i);
  }
  return -1;  // unreachable after validation
}

}  // namespace

Result<EncodedBody> EncodeBody(const KindSpec& kind, const nlohmann::json& body, Interner& ids,
                               Interner& origins) {
  EncodedBody out;
  // One pass over the body (kept sorted by nlohmann) puts each value in its slot.
  constexpr size_t kMaxFields = 16;
  const nlohmann::json* slot[kMaxFields] = {};
  if (kind.fields.size() > kMaxFields) return Status::InvalidArgument("kind has too many fields");
  size_t used = 0;  // slots run up to the last present field other than the subject
  for (const auto& [name, value] : body.items()) {
    int index = FieldIndex(kind, name);
    if (index < 0) continue;  // ValidateBody has refused unknown fields already
    slot[index] = &value;
    if (index != kind.subject_field) used = std::max(used, static_cast<size_t>(index) + 1);
  }
  out.bytes.reserve(32);
  MsgpackWriter w(out.bytes);
  w.ArrayHeader(used);
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    if (static_cast<int>(i) == kind.subject_field) {
      if (slot[i]) {
        CAIRN_ASSIGN_OR_RETURN(out.subject, ids.Intern(slot[i]->get_ref<const std::string&>()));
      }
      if (i < used) w.Nil();
      continue;
    }
    if (i >= used) break;
    if (!slot[i]) {
      w.Nil();
      continue;
    }
    const nlohmann::json& v = *slot[i];
    switch (f.type) {
      case FieldType::kId: {
        CAIRN_ASSIGN_OR_RETURN(int64_t ref, ids.Intern(v.get_ref<const std::string&>()));
        w.Int(ref);
        break;
      }
      case FieldType::kIdList: {
        w.ArrayHeader(v.size());
        for (const auto& e : v) {
          CAIRN_ASSIGN_OR_RETURN(int64_t ref, ids.Intern(e.get_ref<const std::string&>()));
          w.Int(ref);
        }
        break;
      }
      case FieldType::kEnum:
        w.Int(EnumIndex(f, v.get_ref<const std::string&>()));
        break;
      case FieldType::kOpId: {
        CAIRN_ASSIGN_OR_RETURN(OpId id, OpId::Parse(v.get_ref<const std::string&>()));
        std::string_view raw(reinterpret_cast<const char*>(id.origin.bytes.data()), 16);
        CAIRN_ASSIGN_OR_RETURN(int64_t ref, origins.Intern(raw));
        w.ArrayHeader(2);
        w.Int(ref);
        w.Uint(id.seq);
        break;
      }
      case FieldType::kInt:
        w.Int(v.get<int64_t>());  // integral doubles (3.0) become 3
        break;
      default:
        w.Json(v);
    }
  }
  if (out.bytes.size() > 64 * 1024) {
    return Status::InvalidArgument(std::string(kind.name) + ": body larger than 64 KiB");
  }
  return out;
}

Result<nlohmann::json> DecodeBody(const KindSpec& kind, std::string_view bytes,
                                  std::optional<int64_t> subject, const Interner& ids,
                                  const Interner& origins) {
  nlohmann::json slots = nlohmann::json::from_msgpack(bytes.begin(), bytes.end(), true, false);
  if (slots.is_discarded() || !slots.is_array() || slots.size() > kind.fields.size()) {
    return Status::Corruption(std::string("a stored ") + std::string(kind.name) +
                              " op does not decode");
  }
  auto id_name = [&](const nlohmann::json& ref) -> Result<std::string> {
    const std::string* name = ref.is_number_integer() ? ids.Name(ref.get<int64_t>()) : nullptr;
    if (!name) return Status::Corruption("a stored op names an unknown id number");
    return *name;
  };
  nlohmann::json body = nlohmann::json::object();
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    if (static_cast<int>(i) == kind.subject_field) {
      if (subject) {
        CAIRN_ASSIGN_OR_RETURN(body[f.name], id_name(*subject));
      }
      continue;
    }
    if (i >= slots.size() || slots[i].is_null()) continue;
    const nlohmann::json& v = slots[i];
    switch (f.type) {
      case FieldType::kId: {
        CAIRN_ASSIGN_OR_RETURN(body[f.name], id_name(v));
        break;
      }
      case FieldType::kIdList: {
        nlohmann::json names = nlohmann::json::array();
        if (!v.is_array()) return Status::Corruption("a stored id list does not decode");
        for (const auto& ref : v) {
          CAIRN_ASSIGN_OR_RETURN(std::string name, id_name(ref));
          names.push_back(std::move(name));
        }
        body[f.name] = std::move(names);
        break;
      }
      case FieldType::kEnum: {
        if (!v.is_number_integer() || v.get<int64_t>() < 0 ||
            v.get<size_t>() >= f.values.size()) {
          return Status::Corruption("a stored enum value does not decode");
        }
        body[f.name] = std::string(f.values[v.get<size_t>()]);
        break;
      }
      case FieldType::kOpId: {
        const std::string* raw = v.is_array() && v.size() == 2 && v[0].is_number_integer()
                                     ? origins.Name(v[0].get<int64_t>())
                                     : nullptr;
        if (!raw || !v[1].is_number_unsigned()) {
          return Status::Corruption("a stored op reference does not decode");
        }
        CAIRN_ASSIGN_OR_RETURN(Origin o, Origin::FromBytes(*raw));
        body[f.name] = OpId{o, v[1].get<uint64_t>()}.ToString();
        break;
      }
      default:
        body[f.name] = v;
    }
  }
  return body;
}

}  // namespace cairn
