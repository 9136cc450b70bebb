// Building evidence ops by hand for the mastery tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cairn/agent/hlc.h"
#include "cairn/agent/mastery.h"
#include "cairn/agent/op.h"

namespace cairn::testing {

// 20 Nov 2026, 10:00 UTC.
constexpr int64_t kNov20 = 1'795'168'800'000;

inline Origin MasteryOrigin(uint8_t last) {
  Origin o;
  o.bytes[0] = 0x3a;
  o.bytes[15] = last;
  return o;
}

inline Op Attempt(const Origin& origin, uint64_t seq, int64_t millis, const std::string& learner,
                  const std::string& item, bool correct) {
  return Op{origin,
            seq,
            MakeHlc(millis, 0),
            "attempt",
            {{"learner", learner}, {"item", item}, {"correct", correct}}};
}

inline Op Observation(const Origin& origin, uint64_t seq, int64_t millis,
                      const std::vector<std::string>& learners, const std::string& competency,
                      int level, const std::string& modality = "small_group") {
  return Op{origin,
            seq,
            MakeHlc(millis, 0),
            "observation",
            {{"teacher", "t.rivera"},
             {"learners", learners},
             {"competency", competency},
             {"level", level},
             {"modality", modality}}};
}

inline Op Retract(const Origin& origin, uint64_t seq, int64_t millis, const Op& target) {
  return Op{origin, seq, MakeHlc(millis, 0), "retract", {{"target", target.id().ToString()}}};
}

// Every field of two estimates, compared exactly (bit for bit for the probability).
inline bool SameEstimate(const MasteryEstimate& a, const MasteryEstimate& b) {
  return a.learner == b.learner && a.competency == b.competency && a.state == b.state &&
         a.p_mastered == b.p_mastered && a.attempts == b.attempts && a.correct == b.correct &&
         a.observations == b.observations && a.withdrawn == b.withdrawn &&
         a.last_evidence == b.last_evidence && a.first_mastered == b.first_mastered &&
         a.explanation == b.explanation;
}

}  // namespace cairn::testing
