#include "cairn/sync/server/model_fit.h"

#include "cairn/agent/mastery_fit.h"
#include "cairn/agent/mastery_store.h"

namespace cairn::server {

Result<ModelFitSummary> FitAndPublishMastery(ServerStorage& storage) {
  Store* store = storage.AgentStore();
  if (!store) return Status::FailedPrecondition("this storage backend cannot fit the model yet");
  CAIRN_ASSIGN_OR_RETURN(MasteryTrainingSet set, TrainingSetFromStore(*store));
  MasteryFit fit = FitMastery(set);
  ModelFitSummary summary;
  summary.too_little_evidence = fit.too_little_evidence;
  summary.attempts = fit.attempts;
  summary.observations = fit.observations;
  summary.learners = fit.learners;
  CAIRN_ASSIGN_OR_RETURN(summary.published, SaveMasteryParams(*store, fit));
  return summary;
}

}  // namespace cairn::server
