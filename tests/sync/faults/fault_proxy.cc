#include "fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

namespace cairn::testing {
namespace {

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

bool WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Closes with a reset rather than a FIN, as a dropped link looks to the peer.
void Abort(int fd) {
  linger hard{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  close(fd);
}

}  // namespace

const char* FaultName(Fault fault) {
  switch (fault) {
    case Fault::kPass: return "pass";
    case Fault::kRefuse: return "refuse";
    case Fault::kDelay: return "delay";
    case Fault::kCutRequest: return "cut-request";
    case Fault::kCutResponse: return "cut-response";
    case Fault::kDuplicate: return "duplicate";
  }
  return "?";
}

FaultProxy::FaultProxy(uint16_t target_port, uint64_t seed, double fault_rate, size_t max_cut)
    : target_port_(target_port),
      max_cut_(max_cut),
      rng_(seed),
      fault_rate_(fault_rate),
      counts_(kFaultKinds, 0) {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener_, reinterpret_cast<sockaddr*>(&addr), len) != 0 || listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(listener_);
    throw std::runtime_error("fault proxy: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { AcceptLoop(); });
}

FaultProxy::~FaultProxy() {
  stopping_ = true;
  shutdown(listener_, SHUT_RDWR);
  acceptor_.join();
  close(listener_);
  std::vector<std::thread> sessions;
  {
    std::lock_guard lock(mu_);
    sessions.swap(sessions_);
  }
  for (std::thread& t : sessions) t.join();
}

void FaultProxy::SetFaultRate(double rate) {
  std::lock_guard lock(mu_);
  fault_rate_ = rate;
}

void FaultProxy::ForceNext(FaultPlan plan) {
  std::lock_guard lock(mu_);
  forced_.push_back(plan);
}

std::vector<uint64_t> FaultProxy::Counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

uint64_t FaultProxy::Connections() const {
  uint64_t total = 0;
  for (uint64_t n : Counts()) total += n;
  return total;
}

FaultPlan FaultProxy::Draw() {
  std::lock_guard lock(mu_);
  FaultPlan plan;
  if (!forced_.empty()) {
    plan = forced_.front();
    forced_.pop_front();
  } else if (std::uniform_real_distribution<double>(0, 1)(rng_) < fault_rate_) {
    plan.fault = static_cast<Fault>(1 + rng_() % (kFaultKinds - 1));
    plan.at = 1 + rng_() % max_cut_;
    plan.delay_ms = static_cast<int>(20 + rng_() % 280);
  }
  counts_[static_cast<size_t>(plan.fault)]++;
  return plan;
}

void FaultProxy::AcceptLoop() {
  while (!stopping_) {
    int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    FaultPlan plan = Draw();
    std::lock_guard lock(mu_);
    sessions_.emplace_back([this, client, plan] { Relay(client, plan); });
  }
}

void FaultProxy::Relay(int client, FaultPlan plan) {
  if (plan.fault == Fault::kRefuse) {
    Abort(client);
    return;
  }
  auto pause = [&] {
    if (plan.fault == Fault::kDelay) std::this_thread::sleep_for(std::chrono::milliseconds(plan.delay_ms));
  };
  pause();
  int server = Connect(target_port_);
  if (server < 0) {
    Abort(client);  // the server is down: the client sees a reset, as it would
    return;
  }
  std::string request_stream;  // kept for a duplicate
  size_t sent = 0, received = 0;
  bool client_open = true;
  bool cut = false;
  char buffer[16 * 1024];
  while (!stopping_ && !cut) {
    pollfd fds[2] = {{client, static_cast<short>(client_open ? POLLIN : 0), 0}, {server, POLLIN, 0}};
    if (poll(fds, 2, 100) < 0) break;
    if (client_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = recv(client, buffer, sizeof buffer, 0);
      if (n <= 0) {
        client_open = false;
        shutdown(server, SHUT_WR);
      } else {
        size_t take = static_cast<size_t>(n);
        if (plan.fault == Fault::kCutRequest && sent + take >= plan.at) {
          take = plan.at - sent;
          cut = true;
        }
        if (plan.fault == Fault::kDuplicate) request_stream.append(buffer, take);
        if (!WriteAll(server, buffer, take)) break;
        sent += take;
      }
    }
    if (!cut && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = recv(server, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      size_t take = static_cast<size_t>(n);
      if (plan.fault == Fault::kCutResponse && received + take >= plan.at) {
        take = plan.at - received;
        cut = true;
      }
      pause();
      if (!WriteAll(client, buffer, take)) break;
      received += take;
    }
  }
  if (cut) {
    Abort(client);
    Abort(server);
  } else {
    close(client);
    close(server);
  }
  if (plan.fault == Fault::kDuplicate && !request_stream.empty()) Replay(request_stream);
}

void FaultProxy::Replay(const std::string& request_stream) {
  int server = Connect(target_port_);
  if (server < 0) return;
  timeval timeout{2, 0};
  setsockopt(server, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (WriteAll(server, request_stream.data(), request_stream.size())) {
    shutdown(server, SHUT_WR);
    char buffer[16 * 1024];
    while (recv(server, buffer, sizeof buffer, 0) > 0) {  // until the server closes, at most 2 s idle
    }
  }
  close(server);
}

}  // namespace cairn::testing
