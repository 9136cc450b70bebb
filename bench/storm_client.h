// The load generator of the morning sync storm (bench_sync_storm.cc): many
// simulated devices on one thread (Asio coroutines over Beast, TLS), each
// arriving at its scheduled time on an open-loop schedule, syncing as
// sync/client does (its push batches, then pull pages until `more` is false, on
// one keep-alive connection), and honouring Retry-After (429, 503).
//
// Latency is corrected for coordinated omission: each request's latency runs
// from when it was due, not from when it was sent. A device's first request is
// due at its arrival (connect and TLS handshake count), a later one as soon as
// the answer it depends on arrived, a retry after a 429 once its Retry-After
// has passed. A slow server therefore shows as latency even when the load
// generator itself fell behind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cairn::bench {

struct StormDevice {
  std::string credential;
  std::vector<std::string> pushes;  // zstd-compressed push bodies, sent in order
  std::vector<uint64_t> acks;       // the `acked` each push must be answered with
  uint64_t class_mates_ops = 0;     // ops the rest of its class pushes: the most it can pull
  uint64_t cursor = 0;              // its pull cursor before the storm
  double arrival_s = 0;             // when it starts, from the storm's start
};

struct StormResult {
  std::vector<double> latencies_ms;  // every answered request (429s included)
  size_t requests = 0;               // answers received
  size_t throttled = 0;              // 429s, each honoured (waited, then retried)
  size_t errors = 0;                 // anything else that was not 2xx, or no answer
  size_t unavailable = 0;            // of the errors: 503s with Retry-After (honoured, retried)
  std::vector<std::string> error_samples;  // the first few, for people
  size_t devices_done = 0;
  double completion_s = 0;        // storm start to the last device done
  std::vector<double> session_s;  // each finished device: arrival to done
  uint64_t pulled_ops = 0;
  uint64_t pushed_bytes = 0;
  uint64_t pulled_bytes = 0;  // response bodies as received (compressed)
};

// Runs the storm against an HTTPS server on 127.0.0.1:`port` (its certificate is
// not checked: pinning is not what is measured). `timeout_s` bounds each request
// (no answer by then is an error and ends that device's sync). With `check`,
// an answer that says an op was lost or came twice is an error too: a push
// acknowledged with another `acked` than its ops make, a device that pulls more
// ops than its class mates pushed (the trivial baseline server is not checked).
StormResult RunStorm(uint16_t port, const std::vector<StormDevice>& devices, double timeout_s,
                     bool check);

}  // namespace cairn::bench
