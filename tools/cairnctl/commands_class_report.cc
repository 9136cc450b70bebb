// `class-report CLASS`: the class's students × competencies grid, students to
// look at, and with --group, groups of similar need for small-group instruction.
#include <iostream>

#include "cairn/agent/class_report.h"
#include "cairn/platform/clock.h"
#include "commands.h"
#include "human.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

constexpr int64_t kDayMillis = 86'400'000;

// Characters, not bytes: names like "Chloé" line up with the others.
// True when s[i] starts a character that takes a column: not a UTF-8 continuation
// byte, and not a combining accent (U+0300–U+036F, as in a decomposed "é").
bool StartsColumn(std::string_view s, size_t i) {
  auto c = static_cast<unsigned char>(s[i]);
  if ((c & 0xc0) == 0x80) return false;
  if (i + 1 < s.size()) {
    auto next = static_cast<unsigned char>(s[i + 1]);
    if (c == 0xcc || (c == 0xcd && next < 0xb0)) return false;
  }
  return true;
}

size_t Width(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) n += StartsColumn(s, i);
  return n;
}

// `s` cut or padded to `width` characters.
std::string Fit(std::string_view s, size_t width) {
  std::string out;
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (StartsColumn(s, i) && n++ == width) break;
    out += s[i];
  }
  if (n < width) out.append(width - std::min(n, width), ' ');
  return out;
}

void PrintGrid(const ClassReport& report, const StuckRule& stuck) {
  std::cout << report.class_name << "  [" << report.class_id
            << "]: " << Count(report.students.size(), "student") << " x "
            << Count(report.competencies.size(), "competency", "competencies") << "\n";
  if (report.students.empty() || report.competencies.empty()) {
    std::cout << (report.students.empty() ? "  no students enrolled\n"
                                          : "  no evidence yet (--all shows every competency)\n");
    return;
  }
  size_t name_width = 4;
  for (const ClassStudent& s : report.students) name_width = std::max(name_width, Width(s.name));
  name_width = std::min<size_t>(name_width, 24);
  size_t n = report.competencies.size();
  auto header = [&](bool tens) {
    std::string line(2 + name_width + 2, ' ');
    for (size_t i = 1; i <= n; ++i) {
      line += tens ? (i >= 10 ? static_cast<char>('0' + (i / 10) % 10) : ' ')
                   : static_cast<char>('0' + i % 10);
      line += ' ';
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  };
  if (n >= 10) header(true);
  header(false);
  for (const ClassStudent& s : report.students) {
    std::string line = "  " + Fit(s.name, name_width) + "  ";
    for (const MasteryEstimate& e : s.cells) {
      line += GridSymbol(e, stuck);
      line += ' ';
    }
    std::string flags;
    if (!s.stuck_on.empty()) {
      std::string list;
      for (const std::string& c : s.stuck_on) list += (list.empty() ? "" : ", ") + c;
      flags += "stuck on " + list;
    }
    if (s.quiet) {
      flags += std::string(flags.empty() ? "" : "; ") +
               (s.last_evidence == 0
                    ? "no evidence yet"
                    : "no evidence for " +
                          Count(static_cast<uint64_t>(
                                    (report.now_millis - HlcMillis(s.last_evidence)) / kDayMillis),
                                "day"));
    }
    if (!flags.empty()) line += " " + flags;
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::cout << line << "\n";
  }
  std::cout
      << "\n  Legend: # mastered  o in progress  ? not enough evidence  ! stuck  . not started\n";
  std::cout << "  Columns:\n";
  Table columns;
  for (size_t i = 0; i < n; ++i) {
    columns.Add({std::to_string(i + 1), report.competencies[i],
                 report.titles[i] == report.competencies[i] ? "" : report.titles[i]});
  }
  std::cout << columns.Render("    ");
  size_t stuck_count = 0, quiet = 0;
  for (const ClassStudent& s : report.students) {
    stuck_count += !s.stuck_on.empty();
    quiet += s.quiet;
  }
  std::cout << "  Flags: " << Count(stuck_count, "student") << " stuck (" << stuck.min_attempts
            << "+ attempts, under " << static_cast<int>(stuck.below * 100) << "%), "
            << Count(quiet, "student") << " without evidence in the last "
            << Count(static_cast<uint64_t>(report.quiet_days), "day") << "\n";
}

void PrintGroups(const Grouping& grouping, const ClassReport& report) {
  std::map<std::string, std::string> names;
  for (const ClassStudent& s : report.students) names[s.learner] = s.name;
  auto list = [&](const std::vector<std::string>& ids) {
    std::string out;
    for (const std::string& id : ids) out += (out.empty() ? "" : ", ") + names[id];
    return out;
  };
  std::string asked;
  for (const std::string& c : grouping.competencies) asked += (asked.empty() ? "" : ", ") + c;
  std::cout << "\nGroups for " << asked << ":\n";
  if (grouping.groups.empty()) std::cout << "  (none: no one has a need within the bounds)\n";
  for (size_t i = 0; i < grouping.groups.size(); ++i) {
    const SuggestedGroup& g = grouping.groups[i];
    std::cout << "  Group " << i + 1 << " (" << g.learners.size() << "): " << list(g.learners)
              << "\n    why: " << g.reason << "\n";
  }
  if (!grouping.ready.empty()) {
    std::cout << "  Ready to move on (mastered all): " << list(grouping.ready) << "\n";
  }
  if (!grouping.unplaced.empty()) {
    std::cout << "  Not placed (no group within the size bounds fits): " << list(grouping.unplaced)
              << "\n";
  }
}

Status ClassReportCommand(const Args& args) {
  ClassReportOptions options;
  StuckRule& stuck = options.stuck;
  if (args.Has("threshold")) {
    CAIRN_ASSIGN_OR_RETURN(options.mastery.threshold, args.Real("threshold", 0.5, 1));
  }
  if (args.Has("quiet-days")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t days, args.Int("quiet-days", 1, 3650));
    options.quiet_days = static_cast<int>(days);
  }
  if (args.Has("stuck-attempts")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("stuck-attempts", 1, 1000));
    stuck.min_attempts = static_cast<int>(n);
  }
  GroupingOptions grouping_options;
  if (args.Has("min")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("min", 1, 1000));
    grouping_options.min_size = static_cast<size_t>(n);
  }
  if (args.Has("max")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("max", 1, 1000));
    grouping_options.max_size = static_cast<size_t>(n);
  }
  if ((args.Has("min") || args.Has("max")) && !args.Has("group")) {
    return UsageError("--min and --max size the groups of --group");
  }
  if (grouping_options.max_size < grouping_options.min_size) {
    return UsageError("--max (" + std::to_string(grouping_options.max_size) +
                      ") must be at least --min (" + std::to_string(grouping_options.min_size) +
                      ")");
  }
  if (args.Has("group") && args.List("group").empty()) {
    return UsageError("--group needs competencies (ids or titles, comma-separated)");
  }
  options.all_competencies = args.Has("all");
  options.now_millis = SystemClock().NowMillis();
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::string class_id, ResolveId(store, "class", args.Get1("class")));
  for (const std::string& c : args.List("competencies")) {
    CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "competency", c));
    options.competencies.push_back(id);
  }
  std::vector<std::string> group_on;
  for (const std::string& c : args.List("group")) {
    CAIRN_ASSIGN_OR_RETURN(std::string id, ResolveId(store, "competency", c));
    group_on.push_back(id);
  }
  CAIRN_ASSIGN_OR_RETURN(ClassReport report, BuildClassReport(store, class_id, options));
  std::optional<Grouping> grouping;
  if (!group_on.empty()) {
    CAIRN_ASSIGN_OR_RETURN(grouping, SuggestGroups(report, group_on, stuck, grouping_options));
  }
  if (args.Has("json")) {
    json out = ClassReportToJson(report, stuck);
    if (grouping) out["grouping"] = GroupingToJson(*grouping, report);
    std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return Status::Ok();
  }
  PrintGrid(report, stuck);
  if (grouping) PrintGroups(*grouping, report);
  return Status::Ok();
}

}  // namespace

void AddClassReportCommands(std::vector<Command>& out) {
  out.push_back(
      {"class-report",
       "a class's mastery grid, students to look at, and groups of similar need",
       {{"class", "class id or name"}},
       {{"json", "", "print the report as JSON"},
        {"all", "", "a column for every competency, not only those with evidence"},
        {"competencies", "LIST", "only these columns, in this order (ids or titles)"},
        {"quiet-days", "N", "flag students without evidence for N days (default 14)"},
        {"stuck-attempts", "N", "attempts after which little progress is stuck (default 6)"},
        {"threshold", "P", "P(mastered) from which a competency is mastered (default 0.95)"},
        {"group", "LIST", "suggest groups for these competencies (ids or titles)"},
        {"min", "N", "smallest group (default 2)"},
        {"max", "N", "largest group (default 6)"}},
       "Each cell is a student's state on a competency: # mastered, o in progress,\n"
       "? not enough evidence, ! stuck (many attempts, still under 50% likely\n"
       "mastered), . not started. Groups put students with the same gaps together,\n"
       "each within the size bounds, and say why.\n\n"
       "Examples:\n  cairnctl class-report \"Room 12\"\n"
       "  cairnctl class-report \"Room 12\" --group frac.equivalent,frac.compare --min 2 --max 4",
       ClassReportCommand});
}

}  // namespace cairn::cli
