#include "mastery_explain.h"

#include <cmath>
#include <string_view>

namespace cairn {
namespace {

std::string Plural(int n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

// Where an observation happened, in the order of the observation kind's modalities.
std::string_view Setting(int modality) {
  static constexpr std::string_view kSettings[] = {" in a small group",
                                                   " in whole-class work",
                                                   " one to one",
                                                   " in a project",
                                                   " in a conference",
                                                   " in the field",
                                                   ""};
  if (modality < 0 || modality >= static_cast<int>(std::size(kSettings))) return "";
  return kSettings[modality];
}

std::string_view LevelName(int level) {
  static constexpr std::string_view kNames[] = {"Beginning", "Developing", "Proficient",
                                                "Advanced"};
  return level >= 1 && level <= 4 ? kNames[level - 1] : "unrated";
}

}  // namespace

std::string FormatDayMonth(int64_t unix_millis) {
  // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm), UTC.
  int64_t days =
      unix_millis >= 0 ? unix_millis / 86'400'000 : (unix_millis - 86'399'999) / 86'400'000;
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t doe = days - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return std::to_string(day) + " " + std::string(kMonths[month - 1]) + " " + std::to_string(year);
}

std::string Explain(const ExplainFacts& f) {
  if (f.attempts == 0 && f.observations == 0) {
    return f.withdrawn > 0 ? "no evidence counts yet (" +
                                 Plural(f.withdrawn, "record was", "records were") + " withdrawn)"
                           : "no evidence yet";
  }
  std::string out;
  auto part = [&out](const std::string& text) { out += (out.empty() ? "" : "; ") + text; };
  if (f.attempts > 0) {
    if (f.attempts > f.recent_n) {
      part(std::to_string(f.recent_correct) + " of the last " + std::to_string(f.recent_n) +
           " correct (" + Plural(f.attempts, "answer", "answers") + " in all)");
    } else {
      part(std::to_string(f.correct) + " of " + Plural(f.attempts, "answer", "answers") +
           " correct");
    }
  }
  if (f.observations > 0) {
    std::string seen = "observed " + std::string(LevelName(f.observed_level)) + " on " +
                       FormatDayMonth(f.observed_millis) +
                       std::string(Setting(f.observed_modality));
    if (f.observations > 1) seen += " (" + Plural(f.observations, "", "observations") + ")";
    part(seen);
  }
  if (f.withdrawn > 0) {
    part(Plural(f.withdrawn, "withdrawn record", "withdrawn records") + " not counted");
  }
  int evidence = f.attempts + f.observations;
  if (f.state == MasteryState::kNotEnoughEvidence) {
    part("too little evidence to judge yet (" + std::to_string(evidence) + " of the " +
         std::to_string(f.min_evidence) + " pieces needed)");
  } else {
    part(MasteryPercent(f.p_mastered) + " likely mastered (mastered from " +
         MasteryPercent(f.threshold) + ")");
  }
  return out;
}

std::string MasteryPercent(double p) {
  return std::to_string(static_cast<int>(std::floor(p * 100 + 1e-9))) + "%";
}

}  // namespace cairn
