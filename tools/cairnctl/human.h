// How cairnctl writes for people: times, counts, sizes and aligned columns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/hlc.h"

namespace cairn::cli {

// "2026-11-23 16:26:18" in the computer's local time zone.
std::string FormatTime(int64_t unix_millis);
// A clock stamp: its time to the millisecond, then its counter when not zero.
std::string FormatHlc(Hlc hlc);
// "1 learner", "3 learners"; `many` defaults to `one` + "s".
std::string Count(uint64_t n, std::string_view one, std::string_view many = "");
// "812 B", "1.4 MiB".
std::string FormatBytes(uint64_t bytes);
// "3 min", "2 h 5 min", "4 days".
std::string FormatDuration(int64_t millis);

// "text" in double quotes, for things people wrote.
std::string Quote(std::string_view text);

// Rows of cells printed as left-aligned columns, two spaces apart.
class Table {
 public:
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  bool empty() const { return rows_.empty(); }
  std::string Render(std::string_view indent = "") const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace cairn::cli
