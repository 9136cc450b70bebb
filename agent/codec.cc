#include "codec.h"

#include "cairn/agent/op.h"
#include "interner.h"

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
  nlohmann::json slots = nlohmann::json::array();
  size_t used = 0;  // slots up to the last present field
  for (size_t i = 0; i < kind.fields.size(); ++i) {
    const FieldSpec& f = kind.fields[i];
    auto it = body.find(f.name);
    if (it == body.end()) {
      slots.push_back(nullptr);
      continue;
    }
    const nlohmann::json& v = *it;
    if (static_cast<int>(i) == kind.subject_field) {
      CAIRN_ASSIGN_OR_RETURN(out.subject, ids.Intern(v.get_ref<const std::string&>()));
      slots.push_back(nullptr);
      continue;
    }
    used = i + 1;
    switch (f.type) {
      case FieldType::kId: {
        CAIRN_ASSIGN_OR_RETURN(int64_t ref, ids.Intern(v.get_ref<const std::string&>()));
        slots.push_back(ref);
        break;
      }
      case FieldType::kIdList: {
        nlohmann::json refs = nlohmann::json::array();
        for (const auto& e : v) {
          CAIRN_ASSIGN_OR_RETURN(int64_t ref, ids.Intern(e.get_ref<const std::string&>()));
          refs.push_back(ref);
        }
        slots.push_back(std::move(refs));
        break;
      }
      case FieldType::kEnum:
        slots.push_back(EnumIndex(f, v.get_ref<const std::string&>()));
        break;
      case FieldType::kOpId: {
        CAIRN_ASSIGN_OR_RETURN(OpId id, OpId::Parse(v.get_ref<const std::string&>()));
        std::string_view raw(reinterpret_cast<const char*>(id.origin.bytes.data()), 16);
        CAIRN_ASSIGN_OR_RETURN(int64_t ref, origins.Intern(raw));
        slots.push_back(nlohmann::json::array({ref, id.seq}));
        break;
      }
      case FieldType::kInt:
        slots.push_back(v.get<int64_t>());  // integral doubles (3.0) become 3
        break;
      default:
        slots.push_back(v);
    }
  }
  slots.erase(slots.begin() + static_cast<std::ptrdiff_t>(used), slots.end());
  std::vector<uint8_t> packed = nlohmann::json::to_msgpack(slots);
  out.bytes.assign(packed.begin(), packed.end());
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
