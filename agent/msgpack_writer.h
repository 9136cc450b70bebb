// Writes MessagePack straight into a byte string, without building a JSON tree
// first: recording an op is on the path a learner waits on, and applying a sync
// batch encodes thousands of bodies. The output is byte-for-byte what
// nlohmann::json::to_msgpack writes for the same value (smallest encodings,
// float32 when exact), so bodies stored by either compare equal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cairn {

class MsgpackWriter {
 public:
  explicit MsgpackWriter(std::string& out) : out_(out) {}

  void ArrayHeader(size_t size);
  void MapHeader(size_t size);
  void Nil() { Byte(0xc0); }
  void Bool(bool b) { Byte(b ? 0xc3 : 0xc2); }
  void Int(int64_t v);
  void Uint(uint64_t v);
  void Double(double v);
  void String(std::string_view s);
  // Any JSON value (objects in key order, as nlohmann keeps them).
  void Json(const nlohmann::json& v);

 private:
  void Byte(unsigned b) { out_.push_back(static_cast<char>(b)); }
  template <typename T>
  void BigEndian(unsigned tag, T v) {
    Byte(tag);
    for (int shift = static_cast<int>(sizeof(T) * 8) - 8; shift >= 0; shift -= 8) {
      Byte(static_cast<unsigned>((static_cast<uint64_t>(v) >> shift) & 0xff));
    }
  }
  std::string& out_;
};

}  // namespace cairn
