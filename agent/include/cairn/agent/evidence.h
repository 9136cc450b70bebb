// Evidence as the learning model reads it in bulk (Store::ScanEvidence): the few
// fields mastery needs, as views into the store's memory, no JSON built. A class
// report reads tens of thousands of these at a time.
#pragma once

#include <cstdint>
#include <string_view>

#include "cairn/agent/hlc.h"
#include "cairn/agent/op.h"

namespace cairn {

enum class EvidenceType : uint8_t {
  kAttempt,
  kObservation,
  kOther,  // activity, goal check-in, sign-in: counts as recent evidence only
};

struct EvidenceRow {
  OpId id;
  Hlc hlc = 0;
  EvidenceType type = EvidenceType::kOther;
  bool retracted = false;  // withdrawn by a retract op or superseded by a correction
  // The learner this row is about. An observation naming several learners comes
  // once for each of them that was asked for.
  std::string_view learner;
  std::string_view item;        // attempts
  bool correct = false;         // attempts
  std::string_view competency;  // observations
  int level = 0;                // observations: rubric level 1–4
  std::string_view modality;    // observations: one of the kind's values
};

}  // namespace cairn
