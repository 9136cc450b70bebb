// What a teacher sees of a class: the students × competencies grid of mastery
// states, students to look at (stuck, or without recent evidence), and groups of
// similar need for small-group instruction. Derived, never stored; deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/learning.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

struct ClassReportOptions {
  MasteryOptions mastery;
  StuckRule stuck;
  int quiet_days = 14;     // no evidence for this many days: flagged
  int64_t now_millis = 0;  // "today" for the quiet flag
  // Columns: these competencies (in this order) when given; else every competency
  // some student of the class has evidence of, by id (every one with all_competencies).
  std::vector<std::string> competencies;
  bool all_competencies = false;
};

struct ClassStudent {
  std::string learner;
  std::string name;
  std::vector<MasteryEstimate> cells;  // one per report column
  // Every competency the student has evidence of (others are not started).
  std::map<std::string, MasteryEstimate, std::less<>> estimates;
  std::vector<std::string> stuck_on;  // competencies (any, not only columns)
  Hlc last_evidence = 0;              // 0: none at all
  bool quiet = false;                 // no evidence within quiet_days
};

struct ClassReport {
  std::string class_id;
  std::string class_name;
  std::vector<std::string> competencies;  // the columns
  std::vector<std::string> titles;        // their titles
  std::vector<ClassStudent> students;     // active enrollments, by name then id
  int quiet_days = 0;
  int64_t now_millis = 0;
};

// The report of a class (an id). kNotFound when there is no such class.
Result<ClassReport> BuildClassReport(const Store& store, std::string_view class_id,
                                     const ClassReportOptions& options);

// One letter per state for the text grid: "." not started, "?" not enough
// evidence, "o" in progress, "#" mastered, "!" stuck.
char GridSymbol(const MasteryEstimate& estimate, const StuckRule& stuck);

// {"class", "competencies": [...], "students": [{"learner", "cells": [...], "flags"}]}.
nlohmann::json ClassReportToJson(const ClassReport& report, const StuckRule& stuck);

// --- Grouping for small-group instruction ----------------------------------------

struct GroupingOptions {
  size_t min_size = 2;
  size_t max_size = 6;
};

struct SuggestedGroup {
  std::vector<std::string> learners;      // ids, by name
  std::vector<std::string> competencies;  // the needs they share, in the order asked
  std::string reason;  // "all 3 have not mastered frac.equivalent; 2 are stuck on it"
};

struct Grouping {
  std::vector<std::string> competencies;  // the competencies asked about
  std::vector<SuggestedGroup> groups;
  std::vector<std::string> ready;     // learners who mastered all of them
  std::vector<std::string> unplaced;  // learners with a need no group within bounds takes
};

// Groups the students of `report` by their needs in `competencies` (not mastered;
// stuck counts as a stronger need): students with the same gaps together, every
// group within [min_size, max_size]. A group too small joins the most similar one
// with room; one too big is split evenly. Deterministic: the same report gives
// the same groups. kInvalidArgument when the bounds make no sense.
Result<Grouping> SuggestGroups(const ClassReport& report,
                               const std::vector<std::string>& competencies, const StuckRule& stuck,
                               const GroupingOptions& options);

nlohmann::json GroupingToJson(const Grouping& grouping, const ClassReport& report);

}  // namespace cairn
