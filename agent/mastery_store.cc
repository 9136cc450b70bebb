#include "cairn/agent/mastery_store.h"

#include <algorithm>
#include <cmath>

namespace cairn {
namespace {

using nlohmann::json;

// Below the store's 64 KiB per record, with room for the encoding.
constexpr size_t kMaxRecordBytes = 48 * 1024;

double Round(double v, double scale) { return std::round(v * scale) / scale; }

Status Bad(const std::string& what) { return Status::InvalidArgument("mastery_params." + what); }

Result<std::array<double, kRubricLevels>> Levels(const json& v, const std::string& where) {
  std::array<double, kRubricLevels> out{};
  if (!v.is_array() || v.size() != kRubricLevels) {
    return Bad(where + ": expected 4 probabilities (levels 1–4)");
  }
  double sum = 0;
  for (size_t i = 0; i < kRubricLevels; ++i) {
    if (!v[i].is_number() || !(v[i].get<double>() > 0) || v[i].get<double>() > 1) {
      return Bad(where + ": each probability must be above 0 and at most 1");
    }
    out[i] = v[i].get<double>();
    sum += out[i];
  }
  if (std::abs(sum - 1) > 1e-3) return Bad(where + ": the probabilities must sum to 1");
  return out;
}

}  // namespace

Result<ItemCompetencyMap> ItemCompetencies(const Store& store,
                                           std::map<std::string, int, std::less<>>* difficulty) {
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> lessons, store.Entities("lesson"));
  std::map<std::string, std::vector<std::string>, std::less<>> by_lesson;
  for (const json& l : lessons) {
    by_lesson[l.value("lesson", "")] = l.value("competencies", std::vector<std::string>());
  }
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> items, store.Entities("item"));
  ItemCompetencyMap out;
  for (const json& i : items) {
    std::vector<std::string> competencies = i.value("competencies", std::vector<std::string>());
    if (competencies.empty()) {
      auto lesson = by_lesson.find(i.value("lesson", ""));
      if (lesson != by_lesson.end()) competencies = lesson->second;
    }
    if (difficulty && i.contains("difficulty") && i["difficulty"].is_number_integer()) {
      (*difficulty)[i.value("item", "")] = i["difficulty"].get<int>();
    }
    out[i.value("item", "")] = std::move(competencies);
  }
  return out;
}

json MasteryParamsBody(std::string_view competency, const CompetencyParams& params) {
  const BktParams& b = params.bkt;
  constexpr double k6 = 1e6;
  json levels = {{"mastered", json::array()}, {"not_mastered", json::array()}};
  for (size_t i = 0; i < kRubricLevels; ++i) {
    levels["mastered"].push_back(Round(b.level_if_mastered[i], k6));
    levels["not_mastered"].push_back(Round(b.level_if_not[i], k6));
  }
  json body = {{"competency", competency},
               {"prior", Round(b.prior, k6)},
               {"learn", Round(b.learn, k6)},
               {"forget", Round(b.forget, k6)},
               {"guess", Round(b.guess, k6)},
               {"slip", Round(b.slip, k6)},
               {"levels", levels},
               {"responses", params.fitted_responses}};
  if (params.response.fitted) {
    json weights = json::object();
    for (int f = 0; f < kResponseFeatures; ++f) {
      weights[std::string(ResponseFeatureName(f))] = Round(params.response.weights[f], k6);
    }
    json items = json::object();
    for (const auto& [item, easiness] : params.response.item_easiness) {
      items[item] = Round(easiness, 1e3);
    }
    body["response"] = {
        {"bias", Round(params.response.bias, k6)}, {"weights", weights}, {"items", items}};
  }
  return body;
}

Result<CompetencyParams> MasteryParamsFromBody(const json& body) {
  CompetencyParams p;
  if (!body.is_object()) return Bad("the record must be a JSON object");
  auto prob = [&](const char* field, double& out, double max) -> Status {
    auto it = body.find(field);
    if (it == body.end()) return Status::Ok();  // keeps the default
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > max) {
      return Bad(std::string(field) + ": expected a probability from 0 to " +
                 std::to_string(max).substr(0, 4));
    }
    out = it->get<double>();
    return Status::Ok();
  };
  CAIRN_RETURN_IF_ERROR(prob("prior", p.bkt.prior, 1));
  CAIRN_RETURN_IF_ERROR(prob("learn", p.bkt.learn, 1));
  CAIRN_RETURN_IF_ERROR(prob("forget", p.bkt.forget, 1));
  CAIRN_RETURN_IF_ERROR(prob("guess", p.bkt.guess, 1));
  CAIRN_RETURN_IF_ERROR(prob("slip", p.bkt.slip, 1));
  if (p.bkt.guess + p.bkt.slip >= 1) {
    return Bad("guess + slip must be below 1 (else a correct answer would speak against mastery)");
  }
  if (body.contains("levels")) {
    const json& levels = body["levels"];
    if (!levels.is_object() || !levels.contains("mastered") || !levels.contains("not_mastered")) {
      return Bad("levels: expected {\"mastered\": [...], \"not_mastered\": [...]}");
    }
    CAIRN_ASSIGN_OR_RETURN(p.bkt.level_if_mastered, Levels(levels["mastered"], "levels.mastered"));
    CAIRN_ASSIGN_OR_RETURN(p.bkt.level_if_not,
                           Levels(levels["not_mastered"], "levels.not_mastered"));
  }
  if (body.contains("responses") && body["responses"].is_number_integer()) {
    p.fitted_responses = body["responses"].get<int64_t>();
  }
  if (body.contains("response")) {
    const json& r = body["response"];
    if (!r.is_object() || !r.contains("bias") || !r["bias"].is_number()) {
      return Bad("response: expected {\"bias\": number, \"weights\": {...}, \"items\": {...}}");
    }
    p.response.fitted = true;
    p.response.bias = r["bias"].get<double>();
    if (r.contains("weights")) {
      if (!r["weights"].is_object()) return Bad("response.weights: expected an object");
      for (const auto& [name, w] : r["weights"].items()) {
        int f = 0;
        while (f < kResponseFeatures && ResponseFeatureName(f) != name) ++f;
        if (f == kResponseFeatures) return Bad("response.weights: unknown feature '" + name + "'");
        if (!w.is_number()) return Bad("response.weights." + name + ": expected a number");
        p.response.weights[f] = w.get<double>();
      }
    }
    if (r.contains("items")) {
      if (!r["items"].is_object()) return Bad("response.items: expected an object");
      for (const auto& [item, e] : r["items"].items()) {
        if (!e.is_number()) return Bad("response.items." + item + ": expected a number");
        p.response.item_easiness[item] = e.get<double>();
      }
    }
  }
  return p;
}

Result<MasteryModel> LoadMasteryModel(const Store& store, const MasteryOptions& options,
                                      const std::vector<std::string>& learners,
                                      std::vector<std::string>* problems) {
  MasteryModel model(options);
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> params, store.Entities("mastery_params"));
  for (const json& body : params) {
    std::string competency = body.value("competency", "");
    Result<CompetencyParams> p = MasteryParamsFromBody(body);
    if (!p.ok()) {
      if (problems) {
        problems->push_back("the fitted parameters of '" + competency +
                            "' are not usable, so it uses the defaults: " + p.status().message());
      }
      continue;
    }
    model.SetParams(competency, std::move(p).value());
  }
  std::map<std::string, int, std::less<>> difficulty;
  CAIRN_ASSIGN_OR_RETURN(ItemCompetencyMap items, ItemCompetencies(store, &difficulty));
  for (const auto& [item, competencies] : items) model.SetItem(item, competencies);
  for (const auto& [item, d] : difficulty) model.SetItemDifficulty(item, d);
  CAIRN_RETURN_IF_ERROR(
      store.ScanEvidence(learners, [&](const EvidenceRow& row) { model.AddEvidence(row); }));
  return model;
}

Result<MasteryTrainingSet> TrainingSetFromStore(const Store& store) {
  MasteryTrainingSet set;
  CAIRN_ASSIGN_OR_RETURN(set.item_competencies, ItemCompetencies(store));
  CAIRN_ASSIGN_OR_RETURN(std::vector<json> learners, store.Entities("learner"));
  for (const json& l : learners) {
    CAIRN_ASSIGN_OR_RETURN(std::vector<Evidence> evidence,
                           store.EvidenceFor(l.value("learner", "")));
    for (Evidence& e : evidence) set.evidence.push_back(std::move(e));
  }
  return set;
}

Result<size_t> SaveMasteryParams(Store& store, const MasteryFit& fit) {
  std::vector<std::pair<std::string, json>> ops;
  for (const auto& [competency, params] : fit.competencies) {
    json body = MasteryParamsBody(competency, params);
    // A record is at most 64 KiB: for a competency with thousands of items, keep
    // the easiness of those furthest from their competency's (the others read as 0).
    if (body.contains("response") && body.dump().size() > kMaxRecordBytes) {
      std::vector<std::pair<double, std::string>> by_weight;
      for (const auto& [item, e] : body["response"]["items"].items()) {
        by_weight.emplace_back(std::abs(e.get<double>()), item);
      }
      std::sort(by_weight.begin(), by_weight.end());
      size_t drop = 0;
      while (body.dump().size() > kMaxRecordBytes && drop < by_weight.size()) {
        body["response"]["items"].erase(by_weight[drop++].second);
      }
    }
    ops.emplace_back("mastery_params", std::move(body));
  }
  if (ops.empty()) return size_t{0};
  CAIRN_ASSIGN_OR_RETURN(std::vector<OpId> ids, store.AppendAll(ops));
  return ids.size();
}

}  // namespace cairn
