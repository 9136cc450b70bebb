// The wire encoding of op batches: how a push request, and the ops inside a pull
// response, travel between a device and the school server (sync/PROTOCOL.md, "Batch
// encoding"). Pure: no I/O, no HTTP, no clock. Thread-safe: every function here
// only reads its arguments.
//
// A batch is a *columnar* JSON object (one array per field; seq and hlc
// delta-coded; strings dictionary-coded once per batch; the origin written once
// when every op shares it), then compressed for the wire (zstd, or gzip).
//
// How the server and client use it:
//   receiving:  DecodeContent(body, codec, limits)      -> JSON text, bounded
//               ParseJson(text, limits)                  -> nlohmann::json, bounded
//               DecodeBatchJson(envelope["ops"], limits) -> ops, every one validated
//   sending:    EncodeBatchJson(ops) embedded in an envelope (a pull response adds
//               "next_cursor" and "more"; a push response has no batch, only "acked"
//               and the server clock — the envelopes are the server's, see PROTOCOL.md),
//               dumped, then Compress(text, codec).
// EncodeBatch / DecodeBatch do the same for a body that is a bare batch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/op.h"
#include "cairn/platform/status.h"

namespace cairn::sync {

// The bounds every decoder here enforces, so that hostile or broken input costs
// bounded memory and time. The defaults suit a school server; a device may use them
// as they are.
struct WireLimits {
  size_t max_ops = 5000;                // ops in one batch
  size_t max_body_bytes = 4 << 20;      // a body as received (compressed)
  size_t max_decoded_bytes = 32 << 20;  // the body once decompressed
  size_t max_json_depth = 16;           // nesting of arrays and objects
  size_t max_string_bytes = 64 << 10;   // one JSON string, as written
  size_t max_json_values = 1'000'000;   // values in one document (bounds the DOM)
};

// Why a decoder below refused its input, for a caller that must tell a size limit
// from malformed input (the server: 413 vs 400, PROTOCOL.md "Errors") without
// reading the message. Each decoding function takes an optional `WireError*` and
// sets it when it fails.
enum class WireError {
  kNone,
  kMalformed,     // not valid: bad JSON, bad UTF-8, too deep, a string too long, a bad op
  kTooLarge,      // a size limit: body, decompressed size, value count, ops per batch
  kNotSupported,  // a newer batch format version
};

// ---- Batches ----------------------------------------------------------------

// Current batch format version ("v" in the batch).
inline constexpr int kBatchVersion = 1;

// The batch as a JSON value (to embed in an envelope). Ops should be valid
// (OpFromJson envelope rules, ValidateBody for their kind); any op is encoded
// exactly, but DecodeBatchJson refuses the ones that are not valid. Order is kept.
nlohmann::json EncodeBatchJson(std::span<const Op> ops);

// The ops of a batch, in the order they were encoded, each one checked as
// OpFromJson and ValidateBody check it. Malformed input gives kInvalidArgument with a
// message naming the op index and field ("batch op 17 (attempt): attempt.correct:
// expected true or false, got 2"); a batch of a newer format version gives
// kNotSupported. Never throws.
Result<std::vector<Op>> DecodeBatchJson(const nlohmann::json& batch, const WireLimits& limits,
                                        WireError* error = nullptr);

// EncodeBatchJson(ops).dump(): the uncompressed body of a push request.
std::string EncodeBatch(std::span<const Op> ops);
// ParseJson then DecodeBatchJson, for a body that is a bare batch (uncompressed).
Result<std::vector<Op>> DecodeBatch(std::string_view body, const WireLimits& limits,
                                    WireError* error = nullptr);

// ---- Envelopes ------------------------------------------------------------------

// The body of a push acknowledgement (PROTOCOL.md, "Endpoints"): {"acked": N,
// "clock": HLC} and nothing else, so that with the request it stays within the
// wire budget (about 40 bytes a batch).
nlohmann::json PushAckJson(uint64_t acked, uint64_t clock);

// ---- Bounded JSON -------------------------------------------------------------

// Parses JSON text that came from the network. Before handing it to nlohmann it
// checks, in one pass over the bytes: size (max_decoded_bytes), UTF-8, nesting depth,
// string length and value count — so parsing cannot recurse deeply or build a huge
// DOM. Errors are kInvalidArgument and say what and where ("JSON nested deeper than
// 16 levels at byte 40").
Result<nlohmann::json> ParseJson(std::string_view text, const WireLimits& limits,
                                 WireError* error = nullptr);

// ---- Compression ----------------------------------------------------------------

enum class Codec { kIdentity, kZstd, kGzip };

// The Content-Encoding name of a codec: "identity", "zstd", "gzip".
std::string_view ContentEncodingName(Codec codec);
// The codec of a Content-Encoding header value (case-insensitive, spaces trimmed;
// "" means identity). nullopt for an encoding Cairn does not speak: answer 415.
std::optional<Codec> CodecFromContentEncoding(std::string_view value);
// The best codec an Accept-Encoding header value allows (zstd, then gzip, else
// identity; "q=0" excludes).
Codec PickCodec(std::string_view accept_encoding);

// `level` 0 means the codec's default for Cairn's bodies (see PROTOCOL.md).
Result<std::string> Compress(std::string_view data, Codec codec, int level = 0);

// Decompresses a whole body, streaming, with output capped at `max_out` bytes:
// a body that would expand past it (a decompression bomb) is refused as soon as
// the cap is reached, whatever size the frame declares. Truncated, corrupt or
// trailing-garbage input is refused too. Memory used is O(max_out) plus the
// codec's window (zstd windows above 16 MiB are refused). kInvalidArgument.
Result<std::string> Decompress(std::string_view data, Codec codec, size_t max_out,
                               WireError* error = nullptr);

// A request or response body as received: refuses it past max_body_bytes, then
// Decompress with max_decoded_bytes.
Result<std::string> DecodeContent(std::string_view body, Codec codec, const WireLimits& limits,
                                  WireError* error = nullptr);

// ---- Headers --------------------------------------------------------------------

// What a device holds that the server may not have yet, sent on every request
// (PROTOCOL.md, "What a device holds"): its highest own seq and the files it
// has not uploaded. The server shows it in `cairn-server devices`.
inline constexpr std::string_view kPendingHeader = "Cairn-Pending";
struct Pending {
  uint64_t seq = 0;
  uint64_t files = 0;
};
// "seq=S files=F"
std::string FormatPending(const Pending& pending);
// nullopt unless the value is exactly that form (other parts are ignored, for
// later versions: "seq=S files=F x=1").
std::optional<Pending> ParsePending(std::string_view value);

}  // namespace cairn::sync
