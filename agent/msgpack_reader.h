// Reads the MessagePack the store writes (msgpack_writer.h) value by value,
// without building a JSON tree: the learning views read tens of thousands of
// evidence bodies at a time and need three or four fields of each. Bounds are
// checked on every read; a value of an unexpected type, or bytes that run out,
// put the reader in a failed state (ok() false) and every later read fails too.
// Skipping nested values is iterative, so hostile nesting cannot overflow the stack.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace cairn {

class MsgpackReader {
 public:
  explicit MsgpackReader(std::string_view bytes) : p_(bytes.data()), end_(p_ + bytes.size()) {}

  bool ok() const { return ok_; }
  bool AtEnd() const { return p_ == end_; }
  // The next value is nil (not consumed).
  bool PeekNil() const { return ok_ && p_ < end_ && static_cast<uint8_t>(*p_) == 0xc0; }

  std::optional<uint32_t> ArrayHeader() {
    std::optional<uint8_t> tag = Tag();
    if (!tag) return std::nullopt;
    if ((*tag & 0xf0) == 0x90) return *tag & 0x0fu;
    if (*tag == 0xdc) return Checked<uint32_t>(Big<uint16_t>());
    if (*tag == 0xdd) return Checked<uint32_t>(Big<uint32_t>());
    return Failed<uint32_t>();
  }

  std::optional<int64_t> Int() {
    std::optional<uint8_t> tag = Tag();
    if (!tag) return std::nullopt;
    if (*tag <= 0x7f) return *tag;
    if (*tag >= 0xe0) return static_cast<int8_t>(*tag);
    switch (*tag) {
      case 0xcc:
        return Checked<int64_t>(Big<uint8_t>());
      case 0xcd:
        return Checked<int64_t>(Big<uint16_t>());
      case 0xce:
        return Checked<int64_t>(Big<uint32_t>());
      case 0xcf: {
        std::optional<uint64_t> v = Big<uint64_t>();
        if (v && *v > static_cast<uint64_t>(INT64_MAX)) v.reset();
        return Checked<int64_t>(v);
      }
      case 0xd0:
        return Checked<int64_t>(Signed<int8_t, uint8_t>());
      case 0xd1:
        return Checked<int64_t>(Signed<int16_t, uint16_t>());
      case 0xd2:
        return Checked<int64_t>(Signed<int32_t, uint32_t>());
      case 0xd3:
        return Checked<int64_t>(Signed<int64_t, uint64_t>());
      default:
        return Failed<int64_t>();
    }
  }

  std::optional<bool> Bool() {
    std::optional<uint8_t> tag = Tag();
    if (!tag) return std::nullopt;
    if (*tag == 0xc2 || *tag == 0xc3) return *tag == 0xc3;
    return Failed<bool>();
  }

  // Skips one value of any type, nested arrays and maps included.
  bool Skip() {
    uint64_t pending = 1;
    while (pending > 0 && ok_) {
      --pending;
      std::optional<uint8_t> tag = Tag();
      if (!tag) return false;
      uint8_t t = *tag;
      if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) continue;
      if ((t & 0xe0) == 0xa0) {
        Advance(t & 0x1fu);
      } else if ((t & 0xf0) == 0x90) {
        pending += t & 0x0fu;
      } else if ((t & 0xf0) == 0x80) {
        pending += 2u * (t & 0x0fu);
      } else {
        switch (t) {
          case 0xcc:
          case 0xd0:
            Advance(1);
            break;
          case 0xcd:
          case 0xd1:
            Advance(2);
            break;
          case 0xca:
          case 0xce:
          case 0xd2:
            Advance(4);
            break;
          case 0xcb:
          case 0xcf:
          case 0xd3:
            Advance(8);
            break;
          case 0xd9:
          case 0xc4:
            Advance(Length<uint8_t>());
            break;
          case 0xda:
          case 0xc5:
            Advance(Length<uint16_t>());
            break;
          case 0xdb:
          case 0xc6:
            Advance(Length<uint32_t>());
            break;
          case 0xdc:
            pending += Length<uint16_t>();
            break;
          case 0xdd:
            pending += Length<uint32_t>();
            break;
          case 0xde:
            pending += 2ull * Length<uint16_t>();
            break;
          case 0xdf:
            pending += 2ull * Length<uint32_t>();
            break;
          default:
            ok_ = false;  // ext types: the store never writes them
        }
      }
      // More values announced than bytes left: hostile, stop here.
      if (pending > static_cast<uint64_t>(end_ - p_)) ok_ = false;
    }
    return ok_;
  }

 private:
  std::optional<uint8_t> Tag() {
    if (!ok_ || p_ >= end_) {
      ok_ = false;
      return std::nullopt;
    }
    return static_cast<uint8_t>(*p_++);
  }
  template <typename T>
  std::optional<T> Big() {
    if (!ok_ || end_ - p_ < static_cast<std::ptrdiff_t>(sizeof(T))) return std::nullopt;
    uint64_t v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = (v << 8) | static_cast<uint8_t>(p_[i]);
    p_ += sizeof(T);
    return static_cast<T>(v);
  }
  template <typename S, typename U>
  std::optional<int64_t> Signed() {
    std::optional<U> v = Big<U>();
    if (!v) return std::nullopt;
    return static_cast<S>(*v);
  }
  template <typename T>
  uint64_t Length() {
    std::optional<T> v = Big<T>();
    if (!v) ok_ = false;
    return v.value_or(0);
  }
  void Advance(uint64_t n) {
    if (!ok_ || static_cast<uint64_t>(end_ - p_) < n) {
      ok_ = false;
      return;
    }
    p_ += n;
  }
  template <typename T>
  std::optional<T> Failed() {
    ok_ = false;
    return std::nullopt;
  }
  template <typename T, typename V>
  std::optional<T> Checked(const std::optional<V>& v) {
    if (!v) {
      ok_ = false;
      return std::nullopt;
    }
    return static_cast<T>(*v);
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace cairn
