// The mastery model over a store: the content it reads (which competencies each
// item gives evidence of), its fitted parameters (ops of the server-owned kind
// `mastery_params`, one last-writer-wins record per competency, so the school
// server can publish them to devices), and the learners' evidence.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/agent/mastery.h"
#include "cairn/agent/mastery_fit.h"
#include "cairn/agent/store.h"
#include "cairn/platform/status.h"

namespace cairn {

using ItemCompetencyMap = std::map<std::string, std::vector<std::string>, std::less<>>;

// Every item's competencies: the item's own `competencies`, else its lesson's;
// and, when `difficulty` is given, each item's difficulty (1–5) where it has one.
Result<ItemCompetencyMap> ItemCompetencies(
    const Store& store, std::map<std::string, int, std::less<>>* difficulty = nullptr);

// The body of the `mastery_params` op for one competency (numbers rounded to 6
// decimals, item easiness to 3, so the record stays small).
nlohmann::json MasteryParamsBody(std::string_view competency, const CompetencyParams& params);
// Reads such a body back. kInvalidArgument naming the field when a value makes no
// sense (a probability outside 0–1, guess + slip >= 1, level probabilities that do
// not sum to 1, an unknown feature).
Result<CompetencyParams> MasteryParamsFromBody(const nlohmann::json& body);

// A model of the store: its content, the stored parameters (a competency whose
// record does not make sense keeps the defaults, and `problems`, when given, says
// why), and the evidence of `learners` (all the evidence in the store when empty),
// read in one pass (Store::ScanEvidence).
Result<MasteryModel> LoadMasteryModel(const Store& store, const MasteryOptions& options,
                                      const std::vector<std::string>& learners = {},
                                      std::vector<std::string>* problems = nullptr);

// What to fit from: the store's content and every learner's evidence.
Result<MasteryTrainingSet> TrainingSetFromStore(const Store& store);

// Records a fit as `mastery_params` ops, all in one transaction. Server-owned: on
// an enrolled device this is kFailedPrecondition (the school server fits and
// publishes). Returns how many records were written.
Result<size_t> SaveMasteryParams(Store& store, const MasteryFit& fit);

}  // namespace cairn
