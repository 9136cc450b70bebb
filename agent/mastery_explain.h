// The sentence a teacher reads beside a mastery estimate.
#pragma once

#include <cstdint>
#include <string>

#include "cairn/agent/mastery.h"

namespace cairn {

// What an explanation is made of (one (learner, competency)'s counted evidence).
struct ExplainFacts {
  MasteryState state = MasteryState::kNotStarted;
  double p_mastered = 0;
  double threshold = 0.95;
  int min_evidence = 3;
  int attempts = 0, correct = 0;
  int recent_n = 0, recent_correct = 0;  // the last few answers
  int observations = 0;
  int withdrawn = 0;
  int64_t observed_millis = 0;  // the latest observation (when observations > 0)
  int observed_level = 0;
  int observed_modality = 0;  // index among the observation kind's modalities
};

// "4 of the last 5 correct (12 answers); observed proficient on 20 Nov in a small
// group; 97% likely mastered (mastered from 95%)". Dates are UTC, so every replica
// writes the same sentence.
std::string Explain(const ExplainFacts& facts);

// "20 Nov 2026" for a Unix time in milliseconds, UTC.
std::string FormatDayMonth(int64_t unix_millis);

}  // namespace cairn
