// The mastery model from the command line: `mastery LEARNER` (each competency's
// state, probability and why), `model fit` (fit the parameters from this store's
// evidence and record them) and `model show`.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include "cairn/agent/mastery.h"
#include "cairn/agent/mastery_fit.h"
#include "cairn/agent/mastery_store.h"
#include "commands.h"
#include "human.h"
#include "resolve.h"
#include "session.h"

namespace cairn::cli {
namespace {

using nlohmann::json;

Result<MasteryOptions> OptionsFrom(const Args& args) {
  MasteryOptions options;
  if (args.Has("threshold")) {
    CAIRN_ASSIGN_OR_RETURN(options.threshold, args.Real("threshold", 0.5, 1));
  }
  if (args.Has("min-evidence")) {
    CAIRN_ASSIGN_OR_RETURN(int64_t n, args.Int("min-evidence", 1, 1000));
    options.min_evidence = static_cast<int>(n);
  }
  return options;
}

Status ShowMastery(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(MasteryOptions options, OptionsFrom(args));
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(json learner, Resolve(store, "learner", args.Get1("learner")));
  std::string id = learner.at("learner");
  std::vector<std::string> problems;
  CAIRN_ASSIGN_OR_RETURN(MasteryModel model, LoadMasteryModel(store, options, {id}, &problems));
  for (const std::string& p : problems) std::cerr << "warning: " << p << "\n";
  std::vector<MasteryEstimate> estimates = model.EstimatesFor(id);
  // With --all, also every competency in the store without evidence yet.
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> competencies, store.Entities("competency"));
  std::map<std::string, std::string> titles;
  for (const json& c : competencies) {
    titles[c.value("competency", "")] = DisplayName("competency", c);
  }
  if (args.Has("all")) {
    for (const auto& [competency, title] : titles) {
      bool has = std::any_of(estimates.begin(), estimates.end(),
                             [&](const MasteryEstimate& e) { return e.competency == competency; });
      if (!has) estimates.push_back(model.Estimate(id, competency));
    }
    std::sort(estimates.begin(), estimates.end(),
              [](const MasteryEstimate& a, const MasteryEstimate& b) {
                return a.competency < b.competency;
              });
  }
  if (args.Has("json")) {
    json out = json::array();
    for (const MasteryEstimate& e : estimates) {
      out.push_back({{"competency", e.competency},
                     {"state", MasteryStateName(e.state)},
                     {"p_mastered", e.p_mastered},
                     {"attempts", e.attempts},
                     {"correct", e.correct},
                     {"observations", e.observations},
                     {"withdrawn", e.withdrawn},
                     {"explanation", e.explanation}});
    }
    std::cout << json{{"learner", id},
                      {"threshold", options.threshold},
                      {"min_evidence", options.min_evidence},
                      {"competencies", out}}
                     .dump(2, ' ', false, json::error_handler_t::replace)
              << "\n";
    return Status::Ok();
  }
  std::cout << DisplayName("learner", learner) << "  [" << id << "]: mastery from "
            << MasteryPercent(options.threshold) << " with at least "
            << Count(static_cast<uint64_t>(options.min_evidence), "piece") << " of evidence\n";
  if (estimates.empty()) {
    std::cout << "  no evidence yet";
    if (!titles.empty())
      std::cout << " (" << Count(titles.size(), "competency", "competencies")
                << " not started; --all lists them)";
    std::cout << "\n";
    return Status::Ok();
  }
  Table table;
  for (const MasteryEstimate& e : estimates) {
    auto title = titles.find(e.competency);
    std::string name = title == titles.end() || title->second == e.competency
                           ? e.competency
                           : title->second + " (" + e.competency + ")";
    table.Add({name, std::string(MasteryStateName(e.state)), MasteryPercent(e.p_mastered)});
  }
  std::string rows = table.Render("  ");
  size_t start = 0;
  for (const MasteryEstimate& e : estimates) {
    size_t end = rows.find('\n', start);
    std::cout << rows.substr(start, end - start) << "\n      " << e.explanation << "\n";
    start = end + 1;
  }
  if (!args.Has("all")) {
    size_t untouched = 0;
    for (const auto& [competency, title] : titles) {
      untouched += std::none_of(estimates.begin(), estimates.end(), [&](const MasteryEstimate& e) {
        return e.competency == competency;
      });
    }
    if (untouched > 0) {
      std::cout << "  (" << Count(untouched, "competency", "competencies")
                << " not started; --all lists them)\n";
    }
  }
  return Status::Ok();
}

Status FitModel(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  Store& store = *session.store;
  bool dry_run = args.Has("dry-run");
  if (!dry_run && store.mode() == StoreMode::kDevice) {
    return Status::FailedPrecondition(
        "this device is enrolled: the school server fits the mastery model and publishes its "
        "parameters; use --dry-run to see what a fit on this device's evidence would give");
  }
  CAIRN_ASSIGN_OR_RETURN(MasteryTrainingSet set, TrainingSetFromStore(store));
  MasteryFit fit = FitMastery(set);
  std::cout << "Fitted " << Count(fit.competencies.size(), "competency", "competencies") << " from "
            << Count(static_cast<uint64_t>(fit.attempts), "attempt") << " and "
            << Count(static_cast<uint64_t>(fit.observations), "observation") << " of "
            << Count(static_cast<uint64_t>(fit.learners), "learner") << ".\n";
  if (!fit.too_little_evidence.empty()) {
    std::string list;
    for (const std::string& c : fit.too_little_evidence) list += (list.empty() ? "" : ", ") + c;
    std::cout << "Too little evidence yet (at least 30 answers from 5 learners) for " << list
              << ": they keep the defaults.\n";
  }
  if (fit.competencies.empty()) {
    std::cout << "Nothing fitted: every competency keeps the defaults.\n";
    return Status::Ok();
  }
  if (fit.response_iterations == 0) {
    std::cout << "Too few answers for the response model yet: next answers are predicted by "
                 "knowledge tracing alone.\n";
  }
  Table t;
  t.Add({"competency", "prior", "learn", "forget", "guess", "slip", "answers"});
  auto num = [](double v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return std::string(buf);
  };
  for (const auto& [competency, p] : fit.competencies) {
    t.Add({competency, num(p.bkt.prior), num(p.bkt.learn), num(p.bkt.forget), num(p.bkt.guess),
           num(p.bkt.slip), std::to_string(p.fitted_responses)});
  }
  std::cout << t.Render("  ");
  if (dry_run) {
    std::cout << "Dry run: nothing was recorded.\n";
    return Status::Ok();
  }
  CAIRN_ASSIGN_OR_RETURN(size_t written, SaveMasteryParams(store, fit));
  std::cout << "Recorded " << Count(written, "mastery_params record") << ".\n";
  return Status::Ok();
}

Status ShowModel(const Args& args) {
  CAIRN_ASSIGN_OR_RETURN(Session session, OpenSession());
  const Store& store = *session.store;
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> records, store.Entities("mastery_params"));
  std::string only = args.Get1("competency");
  json out = json::array();
  for (const json& r : records) {
    if (!only.empty() && r.value("competency", "") != only) continue;
    out.push_back(r);
  }
  if (out.empty()) {
    std::cout << (only.empty() ? "No fitted parameters yet" : "No fitted parameters for " + only)
              << ": the defaults apply (`cairnctl model fit` fits them).\n"
              << MasteryParamsBody(only.empty() ? "(default)" : only, CompetencyParams{}).dump(2)
              << "\n";
    return Status::Ok();
  }
  std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
  return Status::Ok();
}

}  // namespace

void AddMasteryCommands(std::vector<Command>& out) {
  out.push_back({"mastery",
                 "a learner's mastery of each competency: state, probability and why",
                 {{"learner", "learner id or name"}},
                 {{"all", "", "also list competencies without evidence (not started)"},
                  {"threshold", "P", "probability from which a competency is mastered (0.95)"},
                  {"min-evidence", "N", "pieces of evidence needed before any verdict (3)"},
                  {"json", "", "print JSON instead of a table"}},
                 "States: not started, not enough evidence, in progress, mastered. The\n"
                 "probability is Bayesian Knowledge Tracing over the learner's attempts and\n"
                 "teacher observations (retracted ones do not count), with the parameters\n"
                 "`cairnctl model fit` recorded, or the defaults.\n\n"
                 "Example:\n  cairnctl mastery Ada --all",
                 ShowMastery});
  out.push_back({"model fit",
                 "fit the mastery model's parameters from this store's evidence and record them",
                 {},
                 {{"dry-run", "", "fit and show, but record nothing"}},
                 "Fits each competency's knowledge-tracing parameters by EM from every\n"
                 "learner's evidence, then the response model, and records them as\n"
                 "mastery_params records (one per competency; the school server publishes\n"
                 "its own to enrolled devices, so there this needs --dry-run).",
                 FitModel});
  out.push_back({"model show",
                 "the mastery model's recorded parameters (all, or one competency's)",
                 {{"competency", "competency id", false}},
                 {},
                 "",
                 ShowModel});
}

}  // namespace cairn::cli
