#include "school_day.h"

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "bench_common.h"
#include "cairn/agent/kinds.h"

namespace cairn::bench {
namespace {

using nlohmann::json;

// A UUID-shaped id for assignments (the file's events have none; the kind needs one).
std::string AssignmentId(std::mt19937_64& rng) {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    s += kHex[rng() & 15];
  }
  return s;
}

// The body of the agent's kind for one event of the file.
json Body(const json& e, std::mt19937_64& rng) {
  const std::string& kind = e.at("kind").get_ref<const std::string&>();
  json b = json::object();
  auto copy = [&](const char* field) {
    if (e.contains(field)) b[field] = e.at(field);
  };
  if (kind == "attempt") {
    for (const char* f :
         {"learner", "item", "lesson", "response", "correct", "duration_ms", "hints"})
      copy(f);
  } else if (kind == "activity") {
    for (const char* f : {"learner", "lesson", "event"}) copy(f);
  } else if (kind == "observation") {
    for (const char* f : {"teacher", "learners", "competency", "level", "note"}) copy(f);
    std::string modality = e.at("modality").get<std::string>();
    for (char& c : modality) c = c == '-' ? '_' : c;  // the file writes small-group
    b["modality"] = modality;
  } else if (kind == "goal_checkin") {
    for (const char* f : {"learner", "goal", "rating", "reflection"}) copy(f);
  } else if (kind == "assignment") {
    b["assignment"] = AssignmentId(rng);
    for (const char* f : {"teacher", "learners", "lesson"}) copy(f);
  } else {
    Die("events.jsonl: unknown kind " + kind);
  }
  return b;
}

}  // namespace

std::filesystem::path DefaultSchoolDayFile(const std::filesystem::path& source_dir) {
  return source_dir / ".." / "shared" / "data" / "school-day" / "events.jsonl";
}

Origin DayDeviceOrigin(const std::string& device) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a seeds the generator
  for (unsigned char c : device) h = (h ^ c) * 1099511628211ull;
  std::mt19937_64 rng(h);
  Origin o;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t r = rng();
    for (size_t k = 0; k < 8; ++k) o.bytes[i + k] = static_cast<uint8_t>(r >> (8 * k));
  }
  return o;
}

std::vector<DayDevice> LoadSchoolDay(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) Die("cannot read " + file.string());
  std::map<std::string, size_t> index;
  std::vector<DayDevice> devices;
  std::mt19937_64 rng(42);
  std::string line;
  size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    json e = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (e.is_discarded()) Die(file.string() + ":" + std::to_string(line_no) + ": not JSON");
    std::string name = e.at("device").get<std::string>();
    auto [it, added] = index.try_emplace(name, devices.size());
    if (added) devices.push_back({name, {}});
    DayDevice& d = devices[it->second];
    Op op;
    op.origin = DayDeviceOrigin(name);
    op.seq = d.ops.size() + 1;
    // As the device's HybridClock stamps it: wall time, or one past the last stamp.
    Hlc wall = MakeHlc(e.at("t").get<int64_t>(), 0);
    op.hlc = d.ops.empty() ? wall : std::max(wall, d.ops.back().hlc + 1);
    op.kind = e.at("kind").get<std::string>();
    op.body = Body(e, rng);
    Status s = ValidateBody(*FindKind(op.kind), op.body);
    if (!s.ok()) {
      Die(file.string() + ":" + std::to_string(line_no) + ": not a valid op: " + s.message());
    }
    d.ops.push_back(std::move(op));
  }
  return devices;
}

std::vector<std::string> LearnersOf(const std::vector<Op>& ops) {
  std::set<std::string> ids;
  for (const Op& op : ops) {
    if (op.body.contains("learner")) ids.insert(op.body.at("learner").get<std::string>());
    if (op.body.contains("learners")) {
      for (const json& l : op.body.at("learners")) ids.insert(l.get<std::string>());
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace cairn::bench
