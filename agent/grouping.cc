// Grouping suggestions (class_report.h): students with the same gaps together,
// within the size bounds.
#include <algorithm>
#include <map>

#include "cairn/agent/class_report.h"

namespace cairn {

using nlohmann::json;

namespace {

// One student's needs among the competencies asked about.
struct Need {
  size_t student = 0;       // index in the report
  std::vector<bool> gap;    // not mastered, per competency asked
  std::vector<bool> stuck;  // stuck, per competency asked
  int stuck_count = 0;
};

struct Cluster {
  std::vector<const Need*> members;
};

// Share of the merged group's gaps that every member has: 1 when all have the
// same gaps, 0 when no gap is shared.
double Cohesion(const std::vector<const Need*>& a, const std::vector<const Need*>& b) {
  size_t n = a.empty() ? b.front()->gap.size() : a.front()->gap.size();
  int all = 0, any = 0;
  for (size_t c = 0; c < n; ++c) {
    bool every = true, some = false;
    for (const auto* list : {&a, &b}) {
      for (const Need* m : *list) {
        every &= m->gap[c];
        some |= m->gap[c];
      }
    }
    all += every;
    any += some;
  }
  return any == 0 ? 1.0 : static_cast<double>(all) / any;
}

std::string Number(size_t n) {
  static constexpr const char* kWords[] = {"no",  "one",   "two",   "three", "four", "five",
                                           "six", "seven", "eight", "nine",  "ten"};
  return n <= 10 ? kWords[n] : std::to_string(n);
}

}  // namespace

Result<Grouping> SuggestGroups(const ClassReport& report,
                               const std::vector<std::string>& competencies, const StuckRule& stuck,
                               const GroupingOptions& options) {
  if (competencies.empty()) return Status::InvalidArgument("group on at least one competency");
  if (options.min_size < 1 || options.max_size < options.min_size) {
    return Status::InvalidArgument("group sizes need 1 <= min <= max, got min " +
                                   std::to_string(options.min_size) + " and max " +
                                   std::to_string(options.max_size));
  }
  Grouping out;
  out.competencies = competencies;
  std::vector<Need> needs;
  for (size_t i = 0; i < report.students.size(); ++i) {
    const ClassStudent& s = report.students[i];
    Need n{i, {}, {}, 0};
    bool any = false;
    for (const std::string& c : competencies) {
      auto it = s.estimates.find(c);
      bool gap = it == s.estimates.end() || it->second.state != MasteryState::kMastered;
      bool is_stuck = it != s.estimates.end() && IsStuck(it->second, stuck);
      n.gap.push_back(gap);
      n.stuck.push_back(is_stuck);
      n.stuck_count += is_stuck;
      any |= gap;
    }
    if (any) {
      needs.push_back(std::move(n));
    } else {
      out.ready.push_back(s.learner);
    }
  }

  // Students with exactly the same gaps, most gaps first; the stuck first inside
  // each, so that a split keeps them together.
  std::map<std::pair<int, std::vector<bool>>, std::vector<const Need*>> buckets;
  for (const Need& n : needs) {
    int gaps = static_cast<int>(std::count(n.gap.begin(), n.gap.end(), true));
    std::vector<bool> key = n.gap;
    key.flip();  // so that gaps on earlier competencies sort first
    buckets[{-gaps, key}].push_back(&n);
  }
  std::vector<Cluster> clusters;
  for (auto& [key, members] : buckets) {
    std::stable_sort(members.begin(), members.end(),
                     [](const Need* a, const Need* b) { return a->stuck_count > b->stuck_count; });
    // Too big: split into the fewest groups within bounds, as even as can be.
    size_t n = members.size();
    size_t parts = (n + options.max_size - 1) / options.max_size;
    size_t at = 0;
    for (size_t p = 0; p < parts; ++p) {
      size_t size = n / parts + (p < n % parts ? 1 : 0);
      clusters.push_back({{members.begin() + static_cast<std::ptrdiff_t>(at),
                           members.begin() + static_cast<std::ptrdiff_t>(at + size)}});
      at += size;
    }
  }

  // Too small: join the most similar group with room; failing that, each member
  // joins the most similar group with room; failing that, they stay unplaced.
  std::vector<const Need*> unplaced;
  while (true) {
    auto small = std::find_if(clusters.begin(), clusters.end(), [&](const Cluster& c) {
      return c.members.size() < options.min_size;
    });
    if (small == clusters.end()) break;
    size_t a = static_cast<size_t>(small - clusters.begin());
    size_t best = clusters.size();  // none
    double best_cohesion = -1;
    for (size_t b = 0; b < clusters.size(); ++b) {
      if (b == a || clusters[a].members.size() + clusters[b].members.size() > options.max_size) {
        continue;
      }
      double c = Cohesion(clusters[a].members, clusters[b].members);
      if (c > best_cohesion) {
        best_cohesion = c;
        best = b;
      }
    }
    std::vector<const Need*> moving = std::move(clusters[a].members);
    if (best < clusters.size()) {
      auto& members = clusters[best].members;
      members.insert(members.end(), moving.begin(), moving.end());
      clusters.erase(clusters.begin() + static_cast<std::ptrdiff_t>(a));
      continue;
    }
    clusters.erase(clusters.begin() + static_cast<std::ptrdiff_t>(a));
    for (const Need* m : moving) {
      size_t to = clusters.size();
      double to_cohesion = -1;
      for (size_t b = 0; b < clusters.size(); ++b) {
        if (clusters[b].members.size() >= options.max_size) continue;
        double c = Cohesion({m}, clusters[b].members);
        if (c > to_cohesion) {
          to_cohesion = c;
          to = b;
        }
      }
      if (to < clusters.size()) {
        clusters[to].members.push_back(m);
      } else {
        unplaced.push_back(m);
      }
    }
  }

  for (Cluster& c : clusters) {
    std::sort(c.members.begin(), c.members.end(),
              [](const Need* x, const Need* y) { return x->student < y->student; });
    SuggestedGroup g;
    size_t n = c.members.size();
    std::vector<std::string> shared;
    std::string stuck_text, partly;
    for (size_t k = 0; k < competencies.size(); ++k) {
      size_t gaps = 0, stuck_on = 0;
      for (const Need* m : c.members) {
        gaps += m->gap[k];
        stuck_on += m->stuck[k];
      }
      if (gaps == 0) continue;
      if (gaps == n) {
        shared.push_back(competencies[k]);
        g.competencies.push_back(competencies[k]);
      } else {
        partly += "; " + Number(gaps) + " of " + Number(n) + " also " +
                  (gaps == 1 ? "has" : "have") + " not mastered " + competencies[k];
      }
      if (stuck_on > 0) {
        stuck_text += "; " + (stuck_on == n && n > 1 ? "all" : Number(stuck_on)) +
                      (stuck_on == 1 ? " is" : " are") + " stuck on " + competencies[k];
      }
    }
    std::string reason = "similar needs";
    if (!shared.empty()) {
      reason = n == 1 ? "has" : n == 2 ? "both have" : "all " + Number(n) + " have";
      reason += " not mastered ";
      for (size_t i = 0; i < shared.size(); ++i) {
        reason += (i == 0 ? "" : i + 1 == shared.size() ? " and " : ", ") + shared[i];
      }
      // With one shared gap, "stuck on it" reads better than repeating its id.
      if (shared.size() == 1) {
        std::string id = " stuck on " + shared[0];
        for (size_t at; (at = stuck_text.find(id)) != std::string::npos;) {
          stuck_text.replace(at, id.size(), " stuck on it");
        }
      }
    }
    g.reason = reason + stuck_text + partly;
    for (const Need* m : c.members) g.learners.push_back(report.students[m->student].learner);
    out.groups.push_back(std::move(g));
  }
  std::sort(unplaced.begin(), unplaced.end(),
            [](const Need* x, const Need* y) { return x->student < y->student; });
  for (const Need* m : unplaced) out.unplaced.push_back(report.students[m->student].learner);
  return out;
}

json GroupingToJson(const Grouping& grouping, const ClassReport& report) {
  std::map<std::string, std::string> names;
  for (const ClassStudent& s : report.students) names[s.learner] = s.name;
  auto people = [&](const std::vector<std::string>& ids) {
    json list = json::array();
    for (const std::string& id : ids) list.push_back({{"learner", id}, {"name", names[id]}});
    return list;
  };
  json groups = json::array();
  for (const SuggestedGroup& g : grouping.groups) {
    groups.push_back(
        {{"learners", people(g.learners)}, {"competencies", g.competencies}, {"reason", g.reason}});
  }
  return {{"competencies", grouping.competencies},
          {"groups", std::move(groups)},
          {"ready", people(grouping.ready)},
          {"unplaced", people(grouping.unplaced)}};
}

}  // namespace cairn
