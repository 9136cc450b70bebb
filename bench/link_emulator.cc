// A poor school network between two network namespaces, in user space: every
// IP packet between them passes through this process, which delays it, holds
// it to a bit rate and drops some at random, like `tc netem delay … rate …
// loss …`. This kernel has no sch_netem, so the bench brings its own.
//
//   link_emulator --client-ns A --server-ns B [--delay-ms 150] [--rate-kbit 256]
//                 [--loss 0.02] [--queue-bytes 65536] [--seed 1]
//
// Creates the TUN devices cairn-lc (in A, 10.78.0.2) and cairn-ls (in B,
// 10.78.0.1), prints "ready" and forwards until SIGTERM/SIGINT, then prints
// what it forwarded and dropped. Delay, rate and loss apply to each direction.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
volatile sig_atomic_t stop_requested = 0;

int OpenTun(const char* name) {
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool Run(const std::string& command) {
  if (std::system(command.c_str()) == 0) return true;
  std::fprintf(stderr, "link_emulator: failed: %s\n", command.c_str());
  return false;
}

bool PlaceInNamespace(const char* dev, const std::string& ns, const char* local, const char* peer) {
  std::string in_ns = "ip netns exec " + ns + " ";
  return Run(std::string("ip link set dev ") + dev + " netns " + ns) &&
         Run(in_ns + "ip addr add " + local + " peer " + peer + " dev " + dev) &&
         Run(in_ns + "ip link set dev " + dev + " up") && Run(in_ns + "ip link set dev lo up");
}

struct Packet {
  Clock::time_point due;
  std::vector<char> bytes;
};

// One direction of the link: a FIFO that serialises packets at `rate` and adds
// `delay`, tail-dropping when more than `queue_bytes` wait to be sent.
struct Direction {
  int from = -1, to = -1;
  std::deque<Packet> in_flight;
  Clock::time_point link_free = Clock::now();
  size_t queued_bytes = 0;
  uint64_t forwarded = 0, lost = 0, tail_dropped = 0;
};

struct Link {
  std::chrono::microseconds delay;
  double bytes_per_us;
  double loss;
  size_t queue_bytes;
  std::mt19937_64 rng;

  void Receive(Direction& d) {
    char buffer[65536];
    for (;;) {
      ssize_t n = read(d.from, buffer, sizeof buffer);
      if (n <= 0) return;
      if (std::uniform_real_distribution<double>(0, 1)(rng) < loss) {
        d.lost++;
        continue;
      }
      Clock::time_point now = Clock::now();
      if (d.link_free < now) d.link_free = now;
      // Bytes not yet on the wire: the router's queue.
      double backlog_bytes =
          std::chrono::duration<double, std::micro>(d.link_free - now).count() * bytes_per_us;
      if (backlog_bytes + static_cast<double>(n) > static_cast<double>(queue_bytes)) {
        d.tail_dropped++;
        continue;
      }
      d.link_free += std::chrono::microseconds(static_cast<int64_t>(static_cast<double>(n) / bytes_per_us));
      d.in_flight.push_back({d.link_free + delay, std::vector<char>(buffer, buffer + n)});
    }
  }

  static void Deliver(Direction& d) {
    Clock::time_point now = Clock::now();
    while (!d.in_flight.empty() && d.in_flight.front().due <= now) {
      const std::vector<char>& p = d.in_flight.front().bytes;
      if (write(d.to, p.data(), p.size()) == static_cast<ssize_t>(p.size())) d.forwarded++;
      d.in_flight.pop_front();
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string client_ns, server_ns;
  double delay_ms = 150, rate_kbit = 256, loss = 0.02;
  size_t queue_bytes = 64 * 1024;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--client-ns") client_ns = value;
    else if (flag == "--server-ns") server_ns = value;
    else if (flag == "--delay-ms") delay_ms = std::atof(value.c_str());
    else if (flag == "--rate-kbit") rate_kbit = std::atof(value.c_str());
    else if (flag == "--loss") loss = std::atof(value.c_str());
    else if (flag == "--queue-bytes") queue_bytes = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--seed") seed = std::strtoull(value.c_str(), nullptr, 10);
    else {
      std::fprintf(stderr, "link_emulator: unknown option %s\n", flag.c_str());
      return 2;
    }
  }
  if (client_ns.empty() || server_ns.empty() || rate_kbit <= 0 || loss < 0 || loss >= 1) {
    std::fprintf(stderr, "usage: link_emulator --client-ns A --server-ns B [--delay-ms 150] "
                         "[--rate-kbit 256] [--loss 0.02] [--queue-bytes 65536] [--seed 1]\n");
    return 2;
  }
  int client_tun = OpenTun("cairn-lc"), server_tun = OpenTun("cairn-ls");
  if (client_tun < 0 || server_tun < 0) {
    std::perror("link_emulator: cannot create TUN devices (needs root and /dev/net/tun)");
    return 1;
  }
  if (!PlaceInNamespace("cairn-lc", client_ns, "10.78.0.2", "10.78.0.1") ||
      !PlaceInNamespace("cairn-ls", server_ns, "10.78.0.1", "10.78.0.2"))
    return 1;
  signal(SIGTERM, [](int) { stop_requested = 1; });
  signal(SIGINT, [](int) { stop_requested = 1; });

  Link link{std::chrono::microseconds(static_cast<int64_t>(delay_ms * 1000)),
            rate_kbit * 1000 / 8 / 1e6, loss, queue_bytes, std::mt19937_64(seed)};
  Direction up, down;
  up.from = down.to = client_tun;
  up.to = down.from = server_tun;
  std::printf("ready\n");
  std::fflush(stdout);
  while (!stop_requested) {
    int timeout_ms = 50;
    for (Direction* d : {&up, &down}) {
      if (d->in_flight.empty()) continue;
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(d->in_flight.front().due -
                                                                        Clock::now()).count();
      timeout_ms = std::min<int>(timeout_ms, static_cast<int>(std::max<int64_t>(wait, 0)));
    }
    pollfd fds[2] = {{client_tun, POLLIN, 0}, {server_tun, POLLIN, 0}};
    poll(fds, 2, timeout_ms);
    if (fds[0].revents & POLLIN) link.Receive(up);
    if (fds[1].revents & POLLIN) link.Receive(down);
    Link::Deliver(up);
    Link::Deliver(down);
  }
  std::printf("link: up %llu forwarded, %llu lost, %llu queue-dropped; down %llu forwarded, %llu lost, "
              "%llu queue-dropped\n",
              static_cast<unsigned long long>(up.forwarded), static_cast<unsigned long long>(up.lost),
              static_cast<unsigned long long>(up.tail_dropped),
              static_cast<unsigned long long>(down.forwarded),
              static_cast<unsigned long long>(down.lost),
              static_cast<unsigned long long>(down.tail_dropped));
  return 0;
}
