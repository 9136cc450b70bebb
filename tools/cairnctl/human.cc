#include "human.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

namespace cairn::cli {
namespace {

// Width on a terminal, counting each UTF-8 code point as one column.
size_t Width(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

}  // namespace

std::string FormatTime(int64_t unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

std::string FormatHlc(Hlc hlc) {
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03d", static_cast<int>(HlcMillis(hlc) % 1000));
  std::string out = FormatTime(HlcMillis(hlc)) + millis;
  if (HlcCounter(hlc) != 0) out += " +" + std::to_string(HlcCounter(hlc));
  return out;
}

std::string Count(uint64_t n, std::string_view one, std::string_view many) {
  std::string word(n == 1 ? one : (many.empty() ? std::string(one) + "s" : std::string(many)));
  return std::to_string(n) + " " + word;
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 1024 && unit < 3) {
    v /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 10 ? "%.1f %s" : "%.0f %s", v, kUnits[unit]);
  return buf;
}

std::string FormatDuration(int64_t millis) {
  int64_t minutes = (millis < 0 ? -millis : millis) / 60000;
  if (minutes < 1) return std::to_string((millis < 0 ? -millis : millis) / 1000) + " s";
  if (minutes < 60) return std::to_string(minutes) + " min";
  if (minutes < 48 * 60) {
    return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
  }
  return std::to_string(minutes / (24 * 60)) + " days";
}

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string Table::Render(std::string_view indent) const {
  std::vector<size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line(indent);
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - Width(row[c]) + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

}  // namespace cairn::cli
