// The school day of ../shared/data/school-day/events.jsonl as Cairn ops: each
// device's events become that device's ops (its own origin, dense seqs, stamps
// as its HybridClock would give them), in the order the device recorded them.
// Shared by the sync benchmarks so that every figure is over the same workload.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cairn/agent/op.h"

namespace cairn::bench {

struct DayDevice {
  std::string name;  // "student-device-01", "teacher-device-02", ...
  std::vector<Op> ops;
  bool teacher() const { return name.rfind("teacher", 0) == 0; }
};

// The file beside the repository (CAIRN_SOURCE_DIR/../shared/data/school-day).
std::filesystem::path DefaultSchoolDayFile(const std::filesystem::path& source_dir);

// Dies with the line number on an event that does not map to a valid op.
std::vector<DayDevice> LoadSchoolDay(const std::filesystem::path& file);

// A stable origin per device name, so that runs compare.
Origin DayDeviceOrigin(const std::string& device);

// Every learner id an op's body names ("learner" or "learners").
std::vector<std::string> LearnersOf(const std::vector<Op>& ops);

}  // namespace cairn::bench
