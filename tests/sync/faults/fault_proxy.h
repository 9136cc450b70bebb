// A TCP proxy for tests that stands between a sync client and the server and
// breaks connections the way school networks do: it refuses them, delays them,
// cuts requests and responses mid-body, and delivers requests twice. Which
// fault a connection gets is drawn from a seeded generator, so a failing seed
// replays the same faults.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace cairn::testing {

enum class Fault {
  kPass,         // forwarded untouched
  kRefuse,       // accepted, then closed before a byte moves
  kDelay,        // forwarded after a pause, and each response chunk paused too
  kCutRequest,   // the request stream is cut after `at` bytes
  kCutResponse,  // the response stream is cut after `at` bytes
  kDuplicate,    // forwarded; afterwards the whole request stream is sent again
                 // on a new connection and its answers are thrown away
};
inline constexpr int kFaultKinds = 6;
const char* FaultName(Fault fault);

struct FaultPlan {
  Fault fault = Fault::kPass;
  size_t at = 0;         // byte offset of a cut
  int delay_ms = 0;      // pause of a delay
};

class FaultProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards to 127.0.0.1:target_port.
  // A connection is faulty with probability `fault_rate`; cuts land in the first
  // `max_cut` bytes (headers and small bodies alike).
  FaultProxy(uint16_t target_port, uint64_t seed, double fault_rate, size_t max_cut = 4096);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  uint16_t port() const { return port_; }
  // Where new connections go (a restarted server may listen elsewhere).
  void SetTarget(uint16_t target_port) { target_port_ = target_port; }
  void SetFaultRate(double rate);
  // The next connection not yet planned gets exactly this plan (calls queue up).
  void ForceNext(FaultPlan plan);

  // How many connections got each fault so far.
  std::vector<uint64_t> Counts() const;
  uint64_t Connections() const;

 private:
  FaultPlan Draw();
  void AcceptLoop();
  void Relay(int client, FaultPlan plan);
  void Replay(const std::string& request_stream);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<uint16_t> target_port_;
  std::atomic<bool> stopping_{false};
  size_t max_cut_;

  mutable std::mutex mu_;
  std::mt19937_64 rng_;
  double fault_rate_;
  std::deque<FaultPlan> forced_;
  std::vector<uint64_t> counts_;
  std::vector<std::thread> sessions_;
  std::thread acceptor_;
};

}  // namespace cairn::testing
