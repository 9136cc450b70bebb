// Content-Encoding codecs with a hard cap on what decompression may produce.
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "cairn/sync/wire.h"

namespace cairn::sync {
namespace {

// Frames asking for a larger window are refused, so a hostile frame cannot make the
// decoder allocate more than this (Compress never needs more for Cairn's bodies).
constexpr int kZstdWindowLogMax = 24;
constexpr int kZstdDefaultLevel = 19;
constexpr int kGzipDefaultLevel = 9;
constexpr size_t kChunk = 64 << 10;

std::string Lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status TooBig(size_t max_out, WireError* error) {
  if (error) *error = WireError::kTooLarge;
  return Status::InvalidArgument("body expands past " + std::to_string(max_out) +
                                 " bytes when decompressed (limit); send smaller batches");
}

struct ZstdDctxDeleter {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};
struct ZstdCctxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

Result<std::string> CompressZstd(std::string_view data, int level) {
  std::unique_ptr<ZSTD_CCtx, ZstdCctxDeleter> cctx(ZSTD_createCCtx());
  if (!cctx) return Status::IoError("zstd: out of memory");
  // Levels past 19 ("ultra") use windows up to 128 MiB, past what peers accept
  // (kZstdWindowLogMax); up to 19 the window stays within 8 MiB.
  ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, std::min(level, 19));
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(cctx.get(), out.data(), out.size(), data.data(), data.size());
  if (ZSTD_isError(n)) return Status::IoError(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> DecompressZstd(std::string_view data, size_t max_out, WireError* error) {
  if (data.empty()) return Status::InvalidArgument("zstd body is empty (not a zstd frame)");
  // A frame may declare its size: believe it only to refuse early, never to allocate.
  unsigned long long declared = ZSTD_getFrameContentSize(data.data(), data.size());
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
      declared > max_out) {
    return TooBig(max_out, error);
  }
  std::unique_ptr<ZSTD_DCtx, ZstdDctxDeleter> dctx(ZSTD_createDCtx());
  if (!dctx) return Status::IoError("zstd: out of memory");
  ZSTD_DCtx_setParameter(dctx.get(), ZSTD_d_windowLogMax, kZstdWindowLogMax);
  std::string out;
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  size_t pending = 1;  // 0 once a frame has ended exactly
  while (in.pos < in.size || pending != 0) {
    size_t start = out.size();
    size_t room = std::min(kChunk, max_out + 1 - start);
    out.resize(start + room);
    ZSTD_outBuffer o{out.data() + start, room, 0};
    pending = ZSTD_decompressStream(dctx.get(), &o, &in);
    out.resize(start + o.pos);
    if (ZSTD_isError(pending)) {
      if (ZSTD_getErrorCode(pending) == ZSTD_error_frameParameter_windowTooLarge) {
        return Status::InvalidArgument("zstd frame asks for a window larger than " +
                                       std::to_string(1 << (kZstdWindowLogMax - 20)) +
                                       " MiB (refused)");
      }
      return Status::InvalidArgument(std::string("zstd body is not a valid zstd frame: ") +
                                     ZSTD_getErrorName(pending));
    }
    if (out.size() > max_out) return TooBig(max_out, error);
    // All input read and the decoder had no more to give: the frame is cut short.
    if (in.pos == in.size && pending != 0 && o.pos < room) {
      return Status::InvalidArgument("zstd body is truncated (the frame does not end)");
    }
  }
  return out;
}

Result<std::string> CompressGzip(std::string_view data, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IoError("gzip: cannot start the compressor");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  size_t n = z.total_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::IoError("gzip: compression did not finish");
  out.resize(n);
  return out;
}

Result<std::string> DecompressGzip(std::string_view data, size_t max_out, WireError* error) {
  if (data.empty()) return Status::InvalidArgument("gzip body is empty (not a gzip stream)");
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return Status::IoError("gzip: cannot start the decoder");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&z, inflateEnd);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    size_t room = std::min(kChunk, max_out + 1 - out.size());
    size_t start = out.size();
    out.resize(start + room);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + start);
    z.avail_out = static_cast<uInt>(room);
    rc = inflate(&z, Z_NO_FLUSH);
    out.resize(start + room - z.avail_out);
    if (rc == Z_NEED_DICT || rc == Z_DATA_ERROR || rc == Z_MEM_ERROR || rc == Z_STREAM_ERROR) {
      return Status::InvalidArgument(std::string("gzip body is not a valid gzip stream: ") +
                                     (z.msg ? z.msg : "corrupt data"));
    }
    if (out.size() > max_out) return TooBig(max_out, error);
    if (rc == Z_BUF_ERROR || (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)) {
      return Status::InvalidArgument("gzip body is truncated (the stream does not end)");
    }
  }
  if (z.avail_in != 0) {
    return Status::InvalidArgument("gzip body has " + std::to_string(z.avail_in) +
                                   " bytes after the end of the stream");
  }
  return out;
}

}  // namespace

std::string_view ContentEncodingName(Codec codec) {
  switch (codec) {
    case Codec::kIdentity:
      return "identity";
    case Codec::kZstd:
      return "zstd";
    case Codec::kGzip:
      return "gzip";
  }
  return "identity";
}

std::optional<Codec> CodecFromContentEncoding(std::string_view value) {
  std::string v = Lower(Trim(value));
  if (v.empty() || v == "identity") return Codec::kIdentity;
  if (v == "zstd") return Codec::kZstd;
  if (v == "gzip" || v == "x-gzip") return Codec::kGzip;
  return std::nullopt;
}

Codec PickCodec(std::string_view accept_encoding) {
  bool zstd = false, gzip = false;
  std::string_view rest = accept_encoding;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t semi = item.find(';');
    std::string name = Lower(Trim(item.substr(0, semi)));
    bool refused = false;
    if (semi != std::string_view::npos) {
      std::string params = Lower(item.substr(semi + 1));
      params.erase(std::remove(params.begin(), params.end(), ' '), params.end());
      // q=0, q=0.0, q=0.000: the coding is not acceptable.
      if (params.rfind("q=0", 0) == 0 && params.find_first_not_of("0.", 2) == std::string::npos) {
        refused = true;
      }
    }
    if (refused) continue;
    if (name == "zstd") zstd = true;
    if (name == "gzip" || name == "x-gzip") gzip = true;
  }
  return zstd ? Codec::kZstd : gzip ? Codec::kGzip : Codec::kIdentity;
}

Result<std::string> Compress(std::string_view data, Codec codec, int level) {
  switch (codec) {
    case Codec::kIdentity:
      return std::string(data);
    case Codec::kZstd:
      return CompressZstd(data, level == 0 ? kZstdDefaultLevel : level);
    case Codec::kGzip:
      return CompressGzip(data, level == 0 ? kGzipDefaultLevel : level);
  }
  return Status::InvalidArgument("unknown codec");
}

Result<std::string> Decompress(std::string_view data, Codec codec, size_t max_out,
                               WireError* error) {
  WireError why = WireError::kMalformed;
  Result<std::string> out = Status::InvalidArgument("unknown codec");
  switch (codec) {
    case Codec::kIdentity:
      out = data.size() > max_out ? Result<std::string>(TooBig(max_out, &why))
                                  : Result<std::string>(std::string(data));
      break;
    case Codec::kZstd:
      out = DecompressZstd(data, max_out, &why);
      break;
    case Codec::kGzip:
      out = DecompressGzip(data, max_out, &why);
      break;
  }
  if (!out.ok() && error) *error = why;
  return out;
}

Result<std::string> DecodeContent(std::string_view body, Codec codec, const WireLimits& limits,
                                  WireError* error) {
  if (body.size() > limits.max_body_bytes) {
    if (error) *error = WireError::kTooLarge;
    return Status::InvalidArgument(
        "body of " + std::to_string(body.size()) + " bytes is larger than the limit of " +
        std::to_string(limits.max_body_bytes) + "; send smaller batches");
  }
  return Decompress(body, codec, limits.max_decoded_bytes, error);
}

}  // namespace cairn::sync
