// Codecs: exact round trips, Content-Encoding names, and bombs refused at the cap.
#include <sys/resource.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "cairn/sync/wire.h"

namespace cairn::sync {
namespace {

// A genuine zstd frame of `blocks` RLE blocks of 128 KiB zeros (1 GiB = 8192 blocks
// in 32 KiB), declaring `declared` bytes of content (-1: none declared).
std::string ZstdZeros(size_t blocks, int64_t declared) {
  std::string f = "\x28\xb5\x2f\xfd";
  if (declared < 0) {
    f += '\x00';  // no content size, not single segment
    f += '\x38';  // window 128 KiB
  } else {
    f += '\xc0';  // 8-byte content size
    f += '\x38';
    for (int i = 0; i < 8; ++i)
      f += static_cast<char>((static_cast<uint64_t>(declared) >> (8 * i)) & 0xff);
  }
  for (size_t b = 0; b < blocks; ++b) {
    uint32_t header = (b + 1 == blocks ? 1u : 0u) | (1u << 1) | (uint32_t{128 << 10} << 3);
    f += static_cast<char>(header & 0xff);
    f += static_cast<char>((header >> 8) & 0xff);
    f += static_cast<char>((header >> 16) & 0xff);
    f += '\0';  // the repeated byte
  }
  return f;
}

// `total` zeros deflated into a gzip stream, fed in 1 MiB pieces.
std::string GzipZeros(size_t total) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string zeros(1 << 20, '\0'), out, chunk(1 << 16, '\0');
  for (size_t fed = 0; fed < total; fed += zeros.size()) {
    z.next_in = reinterpret_cast<Bytef*>(zeros.data());
    z.avail_in = static_cast<uInt>(zeros.size());
    int flush = fed + zeros.size() >= total ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = reinterpret_cast<Bytef*>(chunk.data());
      z.avail_out = static_cast<uInt>(chunk.size());
      deflate(&z, flush);
      out.append(chunk.data(), chunk.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  return out;
}

long MaxRssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_CASE("each codec gives back exactly what it was given", "[sync]") {
  std::string text = R"({"v":1,"n":0})";
  std::string bin(70000, '\0');
  for (size_t i = 0; i < bin.size(); ++i) bin[i] = static_cast<char>(i * 7 % 251);
  for (Codec c : {Codec::kIdentity, Codec::kZstd, Codec::kGzip}) {
    for (const std::string& s : {std::string(), text, bin}) {
      Result<std::string> z = Compress(s, c);
      REQUIRE(z.ok());
      Result<std::string> back = Decompress(*z, c, 1 << 20);
      INFO(ContentEncodingName(c) << " of " << s.size() << " bytes");
      REQUIRE(back.ok());
      CHECK(*back == s);
    }
  }
}

TEST_CASE("Content-Encoding names map to codecs and back, unknown ones are refused", "[sync]") {
  CHECK(CodecFromContentEncoding("zstd") == Codec::kZstd);
  CHECK(CodecFromContentEncoding(" GZIP ") == Codec::kGzip);
  CHECK(CodecFromContentEncoding("") == Codec::kIdentity);
  CHECK(CodecFromContentEncoding("identity") == Codec::kIdentity);
  CHECK_FALSE(CodecFromContentEncoding("br").has_value());
  CHECK_FALSE(CodecFromContentEncoding("zstd, gzip").has_value());
  for (Codec c : {Codec::kIdentity, Codec::kZstd, Codec::kGzip}) {
    CHECK(CodecFromContentEncoding(ContentEncodingName(c)) == c);
  }
  CHECK(PickCodec("gzip, deflate, br, zstd") == Codec::kZstd);
  CHECK(PickCodec("gzip;q=1.0, zstd;q=0") == Codec::kGzip);
  CHECK(PickCodec("") == Codec::kIdentity);
  CHECK(PickCodec("br") == Codec::kIdentity);
}

TEST_CASE("a zstd bomb of 1 GiB of zeros is refused at the cap, quickly, in bounded memory",
          "[sync]") {
  std::string bomb = ZstdZeros(8192, -1);
  CHECK(bomb.size() < 40 << 10);
  long rss_before = MaxRssKb();
  auto start = std::chrono::steady_clock::now();
  Result<std::string> r = Decompress(bomb, Codec::kZstd, 32 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "body expands past 33554432 bytes when decompressed (limit); send smaller batches");
  CHECK(Seconds(start) < 2.0);
  CHECK(MaxRssKb() - rss_before < 100 * 1024);
  // Under a cap it fits in, the same kind of frame decodes (it is a real frame).
  Result<std::string> small = Decompress(ZstdZeros(4, -1), Codec::kZstd, 1 << 20);
  REQUIRE(small.ok());
  CHECK(small->size() == 4 * (128 << 10));
}

TEST_CASE("a zstd frame that lies about its size is refused either way", "[sync]") {
  // Declares 100 bytes, holds 1 GiB: the cap stops it, not the declaration.
  Result<std::string> r = Decompress(ZstdZeros(8192, 100), Codec::kZstd, 32 << 20);
  REQUIRE_FALSE(r.ok());
  // Declares 1 TiB, holds 128 KiB: refused up front, nothing allocated for it.
  r = Decompress(ZstdZeros(1, int64_t{1} << 40), Codec::kZstd, 32 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "body expands past 33554432 bytes when decompressed (limit); send smaller batches");
  // Declares 200 KiB, holds 128 KiB (within the cap): the decoder notices the lie.
  r = Decompress(ZstdZeros(1, 200 << 10), Codec::kZstd, 32 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("zstd body is not a valid zstd frame: ", 0) == 0);
}

TEST_CASE("a gzip bomb is refused at the cap", "[sync]") {
  std::string bomb = GzipZeros(64 << 20);
  CHECK(bomb.size() < 1 << 20);
  auto start = std::chrono::steady_clock::now();
  Result<std::string> r = Decompress(bomb, Codec::kGzip, 8 << 20);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "body expands past 8388608 bytes when decompressed (limit); send smaller batches");
  CHECK(Seconds(start) < 2.0);
}

TEST_CASE("truncated, corrupt and trailing-garbage compressed bodies are refused", "[sync]") {
  std::string text(5000, 'x');
  for (size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i * i % 26);
  std::string z = *Compress(text, Codec::kZstd);
  std::string g = *Compress(text, Codec::kGzip);
  CHECK(Decompress(z.substr(0, z.size() - 3), Codec::kZstd, 1 << 20).status().message() ==
        "zstd body is truncated (the frame does not end)");
  CHECK(Decompress(g.substr(0, g.size() - 3), Codec::kGzip, 1 << 20).status().message() ==
        "gzip body is truncated (the stream does not end)");
  CHECK(Decompress(g + "junk", Codec::kGzip, 1 << 20).status().message() ==
        "gzip body has 4 bytes after the end of the stream");
  CHECK(Decompress(z + "junk", Codec::kZstd, 1 << 20)
            .status()
            .message()
            .rfind("zstd body is not a valid zstd frame: ", 0) == 0);
  CHECK(Decompress("not compressed", Codec::kZstd, 1 << 20).status().message() ==
        "zstd body is not a valid zstd frame: Unknown frame descriptor");
  CHECK(Decompress("", Codec::kGzip, 1 << 20).status().message() ==
        "gzip body is empty (not a gzip stream)");
  CHECK_FALSE(Decompress(std::string(100, '\xff'), Codec::kGzip, 1 << 20).ok());
  // Every prefix of a good frame is refused, none crashes.
  for (size_t len = 0; len < z.size(); ++len)
    CHECK_FALSE(Decompress(z.substr(0, len), Codec::kZstd, 1 << 20).ok());
}

TEST_CASE("a body larger than the limit on the wire is refused before decompressing", "[sync]") {
  WireLimits limits;
  limits.max_body_bytes = 10;
  Result<std::string> r = DecodeContent(std::string(11, 'x'), Codec::kIdentity, limits);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "body of 11 bytes is larger than the limit of 10; send smaller batches");
}

}  // namespace
}  // namespace cairn::sync
