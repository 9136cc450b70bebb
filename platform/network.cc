#include "cairn/platform/network.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "cairn/platform/numbers.h"

namespace cairn {

std::string_view MeteredName(Metered metered) {
  switch (metered) {
    case Metered::kUnknown:
      return "unknown";
    case Metered::kYes:
      return "metered";
    case Metered::kNo:
      return "not metered";
  }
  return "unknown";
}

Metered MeteredFromName(std::string_view name) {
  if (name == "metered" || name == "yes") return Metered::kYes;
  if (name == "unmetered" || name == "no") return Metered::kNo;
  return Metered::kUnknown;
}

Metered NetworkManagerMetered(int timeout_ms) {
  sd_bus* bus = nullptr;
  if (sd_bus_open_system(&bus) < 0) return Metered::kUnknown;
  sd_bus_set_method_call_timeout(bus, static_cast<uint64_t>(timeout_ms) * 1000);
  sd_bus_error error = SD_BUS_ERROR_NULL;
  uint32_t value = 0;
  int r = sd_bus_get_property_trivial(bus, "org.freedesktop.NetworkManager",
                                      "/org/freedesktop/NetworkManager",
                                      "org.freedesktop.NetworkManager", "Metered", &error, 'u',
                                      &value);
  sd_bus_error_free(&error);
  sd_bus_flush_close_unref(bus);
  if (r < 0) return Metered::kUnknown;
  // NMMetered: 0 unknown, 1 yes, 2 no, 3 guess yes, 4 guess no.
  switch (value) {
    case 1:
    case 3:
      return Metered::kYes;
    case 2:
    case 4:
      return Metered::kNo;
    default:
      return Metered::kUnknown;
  }
}

Result<HostPort> HostPortOfUrl(std::string_view url) {
  HostPort out;
  uint16_t port = 0;
  if (url.starts_with("https://")) {
    url.remove_prefix(8);
    port = 443;
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
    port = 80;
  } else {
    return Status::InvalidArgument("not an http(s) URL: " + std::string(url));
  }
  std::string_view authority = url.substr(0, url.find('/'));
  size_t colon = authority.rfind(':');
  if (authority.starts_with("[")) {  // [v6]:port
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("bad IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    colon = authority.size() > close + 1 && authority[close + 1] == ':' ? close + 1
                                                                        : std::string_view::npos;
  } else {
    out.host = std::string(authority.substr(0, colon));
  }
  if (colon != std::string_view::npos) {
    std::optional<uint64_t> p = ParseU64(authority.substr(colon + 1));
    if (!p || *p == 0 || *p > 65535) return Status::InvalidArgument("bad port in URL");
    port = static_cast<uint16_t>(*p);
  }
  if (out.host.empty()) return Status::InvalidArgument("no host in URL");
  out.port = port;
  return out;
}

bool ProbeReachable(std::string_view url, int timeout_ms) {
  Result<HostPort> where = HostPortOfUrl(url);
  if (!where.ok()) return false;
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(where->host.c_str(), std::to_string(where->port).c_str(), &hints, &found) != 0) {
    return false;
  }
  bool reachable = false;
  for (addrinfo* a = found; a && !reachable; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int r = ::connect(fd, a->ai_addr, a->ai_addrlen);
    if (r == 0) {
      reachable = true;
    } else if (errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (::poll(&p, 1, timeout_ms) == 1) {
        int err = 0;
        socklen_t len = sizeof err;
        reachable = ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
      }
    }
    ::close(fd);
  }
  freeaddrinfo(found);
  return reachable;
}

NetworkPolicy NetworkPolicyFrom(const Config& config) {
  NetworkPolicy policy;
  policy.unknown_is = config.Bool("network.metered_default") ? Metered::kYes : Metered::kNo;
  const std::string& window = config.Value("sync.window");
  // Config checked the form (HH:MM-HH:MM or "always"); anything else is "always".
  if (window.size() == 11 && window[5] == '-') {
    auto minutes = [&](size_t at) {
      return ((window[at] - '0') * 10 + (window[at + 1] - '0')) * 60 + (window[at + 3] - '0') * 10 +
             (window[at + 4] - '0');
    };
    policy.window = std::make_pair(minutes(0), minutes(6));
    policy.window_text = window;
  }
  return policy;
}

std::string OutsideSyncWindow(const NetworkPolicy& policy, int minute_of_day) {
  if (!policy.window) return "";
  auto [start, end] = *policy.window;
  bool inside = start < end ? (minute_of_day >= start && minute_of_day < end)
                            : (minute_of_day >= start || minute_of_day < end);
  if (inside) return "";
  return "outside the sync window " + policy.window_text +
         " (sync.window, local time); the next sync runs from " + policy.window_text.substr(0, 5);
}

int LocalMinuteOfDay(int64_t unix_ms) {
  time_t t = static_cast<time_t>(unix_ms / 1000);
  tm local{};
  localtime_r(&t, &local);
  return local.tm_hour * 60 + local.tm_min;
}

SyncAllowance DecideSync(bool reachable, Metered state, const NetworkPolicy& policy) {
  SyncAllowance a;
  a.metered = state == Metered::kUnknown ? policy.unknown_is : state;
  if (!reachable) {
    a.reason = "the school server cannot be reached";
    return a;
  }
  a.ops = true;
  a.blobs = a.metered != Metered::kYes;
  if (!a.blobs) {
    a.reason = state == Metered::kUnknown
                   ? "the link's metered state is unknown and the school treats unknown links "
                     "as metered: files and content wait for an unmetered link"
                   : "the link is metered: files and content wait for an unmetered link";
  }
  return a;
}

}  // namespace cairn
