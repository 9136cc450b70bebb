#include "cairn/agent/op.h"

#include <charconv>

namespace cairn {

std::string OpId::ToString() const { return origin.Hex() + ":" + std::to_string(seq); }

Result<OpId> OpId::Parse(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("an op id looks like <origin hex>:<seq>, got '" +
                                   std::string(text) + "'");
  }
  OpId id;
  CAIRN_ASSIGN_OR_RETURN(id.origin, Origin::FromHex(text.substr(0, colon)));
  std::string_view digits = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id.seq);
  if (ec != std::errc() || end != digits.data() + digits.size() || id.seq == 0) {
    return Status::InvalidArgument("op id '" + std::string(text) +
                                   "' has a bad seq (a whole number from 1)");
  }
  return id;
}

json OpToJson(const Op& op) {
  return json{{"origin", op.origin.Hex()},
              {"seq", op.seq},
              {"hlc", op.hlc},
              {"kind", op.kind},
              {"body", op.body}};
}

Result<Op> OpFromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("an op must be a JSON object");
  auto field = [&](const char* name) -> const json* {
    auto it = j.find(name);
    return it == j.end() ? nullptr : &*it;
  };
  const json* origin = field("origin");
  const json* seq = field("seq");
  const json* hlc = field("hlc");
  const json* kind = field("kind");
  const json* body = field("body");
  if (!origin || !origin->is_string()) return Status::InvalidArgument("op has no string 'origin'");
  if (!seq || !seq->is_number_unsigned()) {
    return Status::InvalidArgument("op has no 'seq' (a whole number from 1)");
  }
  if (!hlc || !hlc->is_number_unsigned()) {
    return Status::InvalidArgument("op has no 'hlc' (a whole number)");
  }
  if (!kind || !kind->is_string()) return Status::InvalidArgument("op has no string 'kind'");
  if (!body || !body->is_object()) return Status::InvalidArgument("op has no object 'body'");
  Op op;
  Result<Origin> o = Origin::FromHex(origin->get_ref<const std::string&>());
  if (!o.ok()) return o.status();
  op.origin = *o;
  op.seq = seq->get<uint64_t>();
  op.hlc = hlc->get<uint64_t>();
  if (op.seq == 0) return Status::InvalidArgument("op seq must be 1 or more");
  if (op.hlc > kMaxHlc) return Status::InvalidArgument("op hlc is out of range");
  op.kind = kind->get<std::string>();
  op.body = *body;
  return op;
}

}  // namespace cairn
