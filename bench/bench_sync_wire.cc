// Wire bytes per op for one school day (../shared/data/school-day/events.jsonl):
// each device's events become that device's ops, pushed as batches of at most 500,
// encoded as Cairn's columnar batch and, on the same ops, as a plain JSON array of
// OpToJson compressed with zstd and gzip. Also times encode and decode per op.
//
//   bench_sync_wire [--data FILE] [--level N] [--dump DIR]
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "bench_common.h"
#include "school_day.h"
#include "cairn/agent/op.h"
#include "cairn/sync/wire.h"

namespace cairn::bench {
namespace {

using nlohmann::json;
using sync::Codec;

constexpr size_t kBatchOps = 500;

std::string Must(Result<std::string> r) {
  if (!r.ok()) Die(r.status().ToString());
  return std::move(r).value();
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  using namespace cairn;
  using namespace cairn::bench;
  std::filesystem::path data = DefaultSchoolDayFile(CAIRN_SOURCE_DIR);
  int level = 0;
  std::filesystem::path dump;  // --dump DIR: each batch's body, to look at
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) {
      data = argv[++i];
    } else if (a == "--dump" && i + 1 < argc) {
      dump = argv[++i];
    } else if (a == "--level" && i + 1 < argc) {
      level = std::stoi(argv[++i]);
    } else {
      std::cerr << "usage: bench_sync_wire [--data events.jsonl] [--level N] [--dump DIR]\n";
      return 2;
    }
  }
  if (!std::filesystem::exists(data)) {
    std::cout << "bench_sync_wire: " << data.string()
              << " is missing (the shared school-day data sits beside the repository); "
                 "nothing measured\n";
    return 0;
  }
  std::vector<DayDevice> devices = LoadSchoolDay(data);
  size_t total_ops = 0;
  for (const DayDevice& d : devices) total_ops += d.ops.size();

  // Bytes, summed over every batch of every device.
  double ours_raw = 0, ours_zstd = 0, ours_gzip = 0, json_raw = 0, json_zstd = 0, json_gzip = 0;
  double response = 0;
  size_t batches = 0;
  sync::WireLimits limits;
  for (const DayDevice& d : devices) {
    std::span<const Op> all(d.ops);
    for (size_t at = 0; at < all.size(); at += kBatchOps) {
      std::span<const Op> batch = all.subspan(at, std::min(kBatchOps, all.size() - at));
      ++batches;
      std::string body = sync::EncodeBatch(batch);
      ours_raw += body.size();
      if (!dump.empty()) {
        std::ofstream(dump / (d.name + "-" + std::to_string(at) + ".json")) << body;
      }
      std::string z = Must(sync::Compress(body, Codec::kZstd, level));
      ours_zstd += z.size();
      ours_gzip += Must(sync::Compress(body, Codec::kGzip, 9)).size();
      // The round trip must be exact, or the figures mean nothing.
      Result<std::string> back = sync::DecodeContent(z, Codec::kZstd, limits);
      if (!back.ok()) Die(back.status().ToString());
      Result<std::vector<Op>> ops = sync::DecodeBatch(*back, limits);
      if (!ops.ok()) Die(ops.status().ToString());
      for (size_t i = 0; i < batch.size(); ++i) {
        if (OpToJson((*ops)[i]) != OpToJson(batch[i]))
          Die("round trip differs at op " + std::to_string(i));
      }
      json plain = json::array();
      for (const Op& op : batch) plain.push_back(OpToJson(op));
      std::string p = plain.dump();
      json_raw += p.size();
      json_zstd += Must(sync::Compress(p, Codec::kZstd, level)).size();
      json_gzip += Must(sync::Compress(p, Codec::kGzip, 9)).size();
      // The push response as the server writes it (sync::PushAckJson), with a
      // server clock of the batch's time: sent uncompressed (zstd would not help).
      std::string ack = sync::PushAckJson(batch.back().seq, batch.back().hlc + 12345).dump();
      response += ack.size();
    }
  }
  double n = static_cast<double>(total_ops);
  std::printf("school day: %zu ops on %zu devices, %zu push batches (<= %zu ops)\n", total_ops,
              devices.size(), batches, kBatchOps);
  Metric("sync_wire_columnar_raw_bytes_per_op", ours_raw / n, "B/op");
  Metric("sync_wire_columnar_zstd_bytes_per_op", ours_zstd / n, "B/op");
  Metric("sync_wire_columnar_gzip_bytes_per_op", ours_gzip / n, "B/op");
  Metric("sync_wire_push_response_bytes_per_op", response / n, "B/op");
  Metric("sync_wire_columnar_zstd_request_plus_response_bytes_per_op", (ours_zstd + response) / n,
         "B/op");
  Metric("sync_wire_baseline_json_array_raw_bytes_per_op", json_raw / n, "B/op");
  Metric("sync_wire_baseline_json_array_zstd_bytes_per_op", json_zstd / n, "B/op");
  Metric("sync_wire_baseline_json_array_gzip9_bytes_per_op", json_gzip / n, "B/op");

  // Speed: the whole day, encode (batch + zstd) and decode (zstd + parse + checks).
  double enc_us = 0, dec_us = 0, json_enc_us = 0, json_dec_us = 0;
  const int kRounds = 5;
  std::vector<double> enc_runs, dec_runs, jenc_runs, jdec_runs;
  for (int r = 0; r < kRounds; ++r) {
    enc_us = dec_us = json_enc_us = json_dec_us = 0;
    for (const DayDevice& d : devices) {
      std::span<const Op> all(d.ops);
      for (size_t at = 0; at < all.size(); at += kBatchOps) {
        std::span<const Op> batch = all.subspan(at, std::min(kBatchOps, all.size() - at));
        double t0 = NowMicros();
        std::string z = Must(sync::Compress(sync::EncodeBatch(batch), Codec::kZstd, level));
        double t1 = NowMicros();
        Result<std::vector<Op>> ops =
            sync::DecodeBatch(Must(sync::DecodeContent(z, Codec::kZstd, limits)), limits);
        double t2 = NowMicros();
        if (!ops.ok()) Die(ops.status().ToString());
        // Baseline: the plain array through the same codec, OpFromJson + ValidateBody.
        json plain = json::array();
        for (const Op& op : batch) plain.push_back(OpToJson(op));
        std::string pz = Must(sync::Compress(plain.dump(), Codec::kZstd, level));
        double t3 = NowMicros();
        Result<json> parsed =
            sync::ParseJson(Must(sync::DecodeContent(pz, Codec::kZstd, limits)), limits);
        if (!parsed.ok()) Die(parsed.status().ToString());
        for (const json& j : *parsed) {
          Result<Op> op = OpFromJson(j);
          if (!op.ok() || !ValidateBody(*FindKind(op->kind), op->body).ok()) Die("baseline decode");
        }
        double t4 = NowMicros();
        enc_us += t1 - t0;
        dec_us += t2 - t1;
        json_enc_us += t3 - t2;
        json_dec_us += t4 - t3;
      }
    }
    enc_runs.push_back(enc_us / n);
    dec_runs.push_back(dec_us / n);
    jenc_runs.push_back(json_enc_us / n);
    jdec_runs.push_back(json_dec_us / n);
  }
  Metric("sync_wire_columnar_encode_zstd_us_per_op", Median(enc_runs), "us/op");
  Metric("sync_wire_columnar_decode_zstd_us_per_op", Median(dec_runs), "us/op");
  Metric("sync_wire_baseline_json_array_encode_zstd_us_per_op", Median(jenc_runs), "us/op");
  Metric("sync_wire_baseline_json_array_decode_zstd_us_per_op", Median(jdec_runs), "us/op");
  return 0;
}
