#include "msgpack_writer.h"

#include <cstring>
#include <limits>

namespace cairn {

void MsgpackWriter::ArrayHeader(size_t size) {
  if (size <= 15) {
    Byte(0x90 | static_cast<unsigned>(size));
  } else if (size <= 0xffff) {
    BigEndian(0xdc, static_cast<uint16_t>(size));
  } else {
    BigEndian(0xdd, static_cast<uint32_t>(size));
  }
}

void MsgpackWriter::MapHeader(size_t size) {
  if (size <= 15) {
    Byte(0x80 | static_cast<unsigned>(size));
  } else if (size <= 0xffff) {
    BigEndian(0xde, static_cast<uint16_t>(size));
  } else {
    BigEndian(0xdf, static_cast<uint32_t>(size));
  }
}

void MsgpackWriter::Uint(uint64_t v) {
  if (v <= 0x7f) {
    Byte(static_cast<unsigned>(v));
  } else if (v <= 0xff) {
    BigEndian(0xcc, static_cast<uint8_t>(v));
  } else if (v <= 0xffff) {
    BigEndian(0xcd, static_cast<uint16_t>(v));
  } else if (v <= 0xffffffff) {
    BigEndian(0xce, static_cast<uint32_t>(v));
  } else {
    BigEndian(0xcf, v);
  }
}

void MsgpackWriter::Int(int64_t v) {
  if (v >= 0) return Uint(static_cast<uint64_t>(v));
  if (v >= -32) {
    Byte(static_cast<unsigned>(static_cast<uint8_t>(static_cast<int8_t>(v))));
  } else if (v >= std::numeric_limits<int8_t>::min()) {
    BigEndian(0xd0, static_cast<uint8_t>(static_cast<int8_t>(v)));
  } else if (v >= std::numeric_limits<int16_t>::min()) {
    BigEndian(0xd1, static_cast<uint16_t>(static_cast<int16_t>(v)));
  } else if (v >= std::numeric_limits<int32_t>::min()) {
    BigEndian(0xd2, static_cast<uint32_t>(static_cast<int32_t>(v)));
  } else {
    BigEndian(0xd3, static_cast<uint64_t>(v));
  }
}

void MsgpackWriter::Double(double v) {
  // As nlohmann's write_compact_float: float32 when the value survives the round trip.
  if (v >= static_cast<double>(std::numeric_limits<float>::lowest()) &&
      v <= static_cast<double>(std::numeric_limits<float>::max()) &&
      static_cast<double>(static_cast<float>(v)) == v) {
    auto f = static_cast<float>(v);
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    BigEndian(0xca, bits);
  } else {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    BigEndian(0xcb, bits);
  }
}

void MsgpackWriter::String(std::string_view s) {
  size_t n = s.size();
  if (n <= 31) {
    Byte(0xa0 | static_cast<unsigned>(n));
  } else if (n <= 0xff) {
    BigEndian(0xd9, static_cast<uint8_t>(n));
  } else if (n <= 0xffff) {
    BigEndian(0xda, static_cast<uint16_t>(n));
  } else {
    BigEndian(0xdb, static_cast<uint32_t>(n));
  }
  out_.append(s);
}

void MsgpackWriter::Json(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return Nil();
    case nlohmann::json::value_t::boolean: return Bool(v.get<bool>());
    case nlohmann::json::value_t::number_integer: return Int(v.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: return Uint(v.get<uint64_t>());
    case nlohmann::json::value_t::number_float: return Double(v.get<double>());
    case nlohmann::json::value_t::string: return String(v.get_ref<const std::string&>());
    case nlohmann::json::value_t::array:
      ArrayHeader(v.size());
      for (const auto& e : v) Json(e);
      return;
    case nlohmann::json::value_t::object:
      MapHeader(v.size());
      for (const auto& [key, value] : v.items()) {
        String(key);
        Json(value);
      }
      return;
    default:  // binary and discarded values never reach a body (ValidateBody)
      return Nil();
  }
}

}  // namespace cairn
