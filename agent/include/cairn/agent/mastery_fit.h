// Fitting the mastery model's parameters from pooled evidence: BKT per competency
// by expectation-maximization (Baum-Welch, with pseudo-counts that pull toward the
// defaults when there is little data), then the response model by regularized
// logistic regression over the answers replayed through the fitted BKT.
//
// Deterministic: the same evidence gives the same parameters, bit for bit, on one
// build. Not thread-safe; no global state.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cairn/agent/mastery.h"
#include "cairn/agent/store.h"  // Evidence

namespace cairn {

// One step of a (learner, competency)'s evidence as BKT fitting sees it.
struct BktStep {
  bool observation = false;  // false: an attempt
  int value = 0;             // attempt: 1 correct, 0 wrong; observation: level 1–4
};
using BktSequence = std::vector<BktStep>;

struct BktFitOptions {
  BktParams start;          // where EM starts, and what pseudo-counts pull toward
  double pseudo_count = 4;  // weight of `start`, in pieces of evidence, per parameter
  int max_iterations = 200;
  double tolerance = 1e-7;  // stop when no parameter moves more than this
  // FitMastery leaves a competency with less evidence than this at the defaults.
  int64_t min_evidence = 30;
  int64_t min_learners = 5;
};

struct BktFit {
  BktParams params;
  int iterations = 0;
  double log_likelihood = 0;  // of the sequences under `params`
  int64_t attempts = 0, observations = 0;
};

// EM over the sequences of one competency (every learner's, pooled). With no
// data, returns `options.start`. Parameters stay within bounds that keep BKT
// identifiable (guess and slip below 0.45, forget at most 0.2).
BktFit FitBkt(const std::vector<BktSequence>& sequences, const BktFitOptions& options = {});

// Evidence to fit from: the content (each item's competencies) and evidence ops
// in any order; an op listed twice (under each learner it names) counts once.
struct MasteryTrainingSet {
  std::map<std::string, std::vector<std::string>, std::less<>> item_competencies;
  std::vector<Evidence> evidence;
};

struct ResponseFitOptions {
  double item_l2 = 2.0;    // pulls item easiness toward its competency's
  double bias_l2 = 0.05;   // competency intercepts
  double delta_l2 = 20.0;  // a competency's weights away from the shared ones
  double weight_l2 = 0.01;
  int max_iterations = 1000;
  int64_t min_answers = 300;  // fewer answers in all: no response model (BKT predicts)
};

struct MasteryFit {
  // The competencies with enough evidence (BktFitOptions::min_evidence, min_learners).
  std::map<std::string, CompetencyParams, std::less<>> competencies;
  std::vector<std::string> too_little_evidence;  // left at the defaults
  int64_t attempts = 0, observations = 0, learners = 0;
  int response_iterations = 0;
  double response_log_loss = 0;  // mean, on the training answers
};

// Fits every competency with enough evidence: BKT by FitBkt, then the response
// model over all of them (unless `fit_response` is false or there are too few
// answers: BKT alone). Retracted evidence is left out.
MasteryFit FitMastery(const MasteryTrainingSet& data, const BktFitOptions& bkt = {},
                      const ResponseFitOptions& response = {}, bool fit_response = true);

}  // namespace cairn
