#include "convergence_world.h"

#include <algorithm>

namespace cairn::testing {
namespace {

using nlohmann::json;

Origin SeededOrigin(std::mt19937_64& rng) {
  Origin o;
  for (auto& b : o.bytes) b = static_cast<uint8_t>(rng());
  if (o.IsZero()) o.bytes[0] = 1;
  return o;
}

const std::vector<std::string> kWords = {"maps",  "drawing", "football", "music", "robots",
                                         "poems", "chess",   "",         "ü ñ 字"};
const std::vector<std::string> kLanguages = {"en", "es", "vi", "zh", "so"};
const std::vector<std::string> kDates = {"2026-09-01", "2026-10-15", "2027-01-31"};

}  // namespace

std::unique_ptr<Replica> MakeReplica(std::string name, const Origin& self, StoreMode mode,
                                     std::optional<Origin> authority, int64_t now_millis,
                                     std::string* error) {
  auto r = std::make_unique<Replica>();
  r->name = std::move(name);
  r->clock = std::make_unique<FakeClock>(now_millis);
  StoreOptions options;
  options.in_memory = true;
  options.clock = r->clock.get();
  Result<std::unique_ptr<Store>> store = Store::Open(options);
  if (!store.ok()) {
    *error = r->name + ": open: " + store.status().ToString();
    return nullptr;
  }
  r->store = std::move(store).value();
  Status s = r->store->Initialize(self, mode, authority);
  if (!s.ok()) {
    *error = r->name + ": initialize: " + s.ToString();
    return nullptr;
  }
  return r;
}

World::World(uint64_t seed)
    : seed_(seed), rng_(seed * 0x9e3779b97f4a7c15ULL + 1), base_millis_(0) {}

Origin World::NewOrigin() { return SeededOrigin(rng_); }

json World::SomeOf(const std::vector<std::string>& v, size_t max) {
  json out = json::array();
  size_t n = Below(max + 1);
  for (size_t i = 0; i < n; ++i) out.push_back(Pick(v));  // duplicates allowed
  return out;
}

// Moves a replica's wall clock the ways real ones move: mostly a little forward,
// sometimes not at all (same millisecond), sometimes onto another replica's exact
// millisecond (ties), sometimes backwards (a user or NTP stepping it).
void World::Tick(Replica& r) {
  uint64_t roll = Below(100);
  if (roll < 45) {
    r.clock->Advance(static_cast<int64_t>(Below(4)));
  } else if (roll < 60) {
    Replica& other = *devices_[Below(devices_.size())];
    r.clock->Set(other.clock->NowMillis());
  } else if (roll < 72) {
    r.clock->Advance(-static_cast<int64_t>(1 + Below(3000)));
  } else if (roll < 75) {
    r.clock->Set(base_millis_);  // back to where the day started: ties with fresh stamps
  } else {
    r.clock->Advance(static_cast<int64_t>(Below(2000)));
  }
}

std::string World::Write(Replica& r, const std::string& kind, const json& body) {
  Tick(r);
  Result<OpId> id = r.store->Append(kind, body);
  if (!id.ok())
    return r.name + ": append " + kind + " " + body.dump() + ": " + id.status().ToString();
  ++kinds_written_[kind];
  const KindSpec* spec = FindKind(kind);
  if (spec && spec->merge == MergeRule::kGrowOnly) evidence_.push_back(id->ToString());
  return "";
}

std::string World::PublishRoster() {
  Replica& a = *authority_;
  std::string e;
  auto w = [&](const char* kind, json body) {
    if (e.empty()) e = Write(a, kind, body);
  };
  w("school", {{"school", "s1"}, {"name", "Hillside"}});
  size_t n_learners = 3 + Below(4);
  for (size_t i = 0; i < n_learners; ++i) learners_.push_back("learner-" + std::to_string(i));
  classes_ = {"class-a", "class-b"};
  teachers_ = {"t-rivera", "t-okafor"};
  competencies_ = {"c-frac", "c-dec", "c-ratio"};
  lessons_ = {"lesson-1", "lesson-2"};
  items_ = {"item-1", "item-2", "item-3", "item-4"};
  goals_ = {"goal-1", "goal-2", "goal-3"};
  groups_ = {"group-1", "group-2"};
  for (const auto& c : classes_) {
    w("class", {{"class", c}, {"school", "s1"}, {"name", "Room " + c}, {"grade", "5"}});
  }
  for (const auto& t : teachers_) w("teacher", {{"teacher", t}, {"school", "s1"}, {"name", t}});
  w("class_teacher", {{"class", classes_[0]}, {"teacher", teachers_[0]}, {"active", true}});
  for (const auto& l : learners_) {
    w("learner", {{"learner", l}, {"school", "s1"}, {"given_name", l}, {"display_name", l}});
    w("enrollment", {{"class", Pick(classes_)}, {"learner", l}, {"active", true}});
  }
  w("pack", {{"pack", "p1"}, {"version", "1.0.0"}, {"title", "Fractions"}});
  w("competency", {{"competency", "c-frac"}, {"pack", "p1"}, {"title", "Fractions"}});
  w("competency", {{"competency", "c-dec"},
                   {"pack", "p1"},
                   {"title", "Decimals"},
                   {"prerequisites", {"c-frac"}}});
  w("competency", {{"competency", "c-ratio"},
                   {"pack", "p1"},
                   {"standard_code", "CCSS 6.RP.A.1"},
                   {"prerequisites", {"c-frac", "c-dec"}}});
  for (size_t i = 0; i < lessons_.size(); ++i) {
    w("lesson", {{"lesson", lessons_[i]},
                 {"pack", "p1"},
                 {"competencies", {competencies_[i]}},
                 {"items", {items_[2 * i], items_[2 * i + 1]}},
                 {"minutes", 20}});
  }
  for (size_t i = 0; i < items_.size(); ++i) {
    w("item", {{"item", items_[i]},
               {"pack", "p1"},
               {"lesson", lessons_[i / 2]},
               {"type", i % 2 ? "numeric" : "choice"},
               {"content",
                {{"prompt", "1/2 + 1/4 = ?"},
                 {"answer", 0.75},
                 {"tolerance", 1e-9},
                 {"choices", {1, -2, 3.0}}}}});
  }
  return e;
}

// The server keeps changing what it owns while devices work.
std::string World::AuthorityEdit() {
  Replica& a = *authority_;
  switch (Below(5)) {
    case 0:
      return Write(a, "learner",
                   {{"learner", Pick(learners_)}, {"display_name", Pick(kWords) + "!"}});
    case 1:
      return Write(
          a, "enrollment",
          {{"class", Pick(classes_)}, {"learner", Pick(learners_)}, {"active", Chance(0.5)}});
    case 2: {
      std::string l = "learner-" + std::to_string(learners_.size());
      learners_.push_back(l);
      return Write(a, "learner", {{"learner", l}, {"given_name", "New"}, {"archived", false}});
    }
    case 3:
      return Write(a, "competency", {{"competency", Pick(competencies_)}, {"title", Pick(kWords)}});
    default:
      return Write(a, "class", {{"class", Pick(classes_)}, {"archived", Chance(0.3)}});
  }
}

// A last-writer-wins edit on a small pool of entities, so edits of the same field
// of the same entity collide often. Returns the body and sets `kind`.
json World::LwwEdit(std::string* kind) {
  json b;
  auto maybe = [&](const char* field, const json& v) {
    if (Chance(0.5)) b[field] = v;
  };
  switch (Below(5)) {
    case 0:
      *kind = "profile";
      b["learner"] = Pick(learners_);
      maybe("interests", SomeOf(kWords, 3));
      maybe("motivations", SomeOf(kWords, 2));
      maybe("learning_preferences", SomeOf(kWords, 2));
      maybe("languages", SomeOf(kLanguages, 2));
      if (b.size() == 1 || Chance(0.5)) b["about"] = Pick(kWords);
      break;
    case 1:
      *kind = "goal";
      b["goal"] = Pick(goals_);
      maybe("learner", Pick(learners_));
      maybe("competencies", SomeOf(competencies_, 2));
      maybe("target_date", Pick(kDates));
      maybe("status", Pick({"active", "achieved", "dropped"}));
      if (b.size() == 1 || Chance(0.5)) b["text"] = "get better at " + Pick(kWords);
      break;
    case 2:
      *kind = "group";
      b["group"] = Pick(groups_);
      maybe("class", Pick(classes_));
      maybe("members", SomeOf(learners_, 4));
      maybe("competencies", SomeOf(competencies_, 2));
      maybe("archived", Chance(0.5));
      if (b.size() == 1 || Chance(0.5)) b["name"] = "table " + Pick(kWords);
      break;
    case 3:
      *kind = "assignment";
      b["assignment"] = Chance(0.5) ? "asg-1" : "asg-2";
      maybe("teacher", Pick(teachers_));
      maybe("lesson", Pick(lessons_));
      maybe("learners", SomeOf(learners_, 3));
      maybe("group", Pick(groups_));
      maybe("due", Pick(kDates));
      if (b.size() == 1 || Chance(0.5)) b["active"] = Chance(0.7);
      break;
    default:
      *kind = "note";
      b["note"] = Chance(0.5) ? "note-1" : "note-2";
      maybe("learner", Pick(learners_));
      maybe("author", Pick(teachers_));
      maybe("archived", Chance(0.3));
      if (b.size() == 1 || Chance(0.5)) b["text"] = "noticed " + Pick(kWords);
  }
  return b;
}

// An op id to retract or supersede: usually one already written, sometimes one a
// device has not written yet (the correction arrives before its target), sometimes
// one that will never exist.
std::string World::SomeTarget(size_t device) {
  uint64_t roll = Below(10);
  if (roll < 7 && !evidence_.empty()) return evidence_[Below(evidence_.size())];
  if (roll < 9) {
    Replica& d = *devices_[Below(devices_.size())];
    Result<StoreStats> s = d.store->Stats();
    uint64_t next = (s.ok() ? s->own_ops : 0) + 1 + Below(3);
    return OpId{d.store->self(), next}.ToString();
  }
  Origin nobody = devices_[device]->store->self();
  nobody.bytes[15] ^= 0x5a;
  return OpId{nobody, 1 + Below(5)}.ToString();
}

json World::Evidence(std::string* kind, size_t device) {
  json b;
  switch (Below(7)) {
    case 0:
    case 1:
      *kind = "attempt";
      b = {{"learner", Pick(learners_)}, {"item", Pick(items_)}, {"correct", Chance(0.6)}};
      if (Chance(0.5)) b["lesson"] = Pick(lessons_);
      if (Chance(0.5)) b["response"] = Pick(kWords);
      if (Chance(0.5)) b["score"] = std::vector<double>{0, 0.25, 1.0 / 3, 1}[Below(4)];
      if (Chance(0.5)) b["duration_ms"] = Below(90'000);
      if (Chance(0.3)) b["hints"] = Below(4);
      break;
    case 2:
      *kind = "activity";
      b = {{"learner", Pick(learners_)},
           {"lesson", Pick(lessons_)},
           {"event", Pick({"started", "resumed", "completed", "left"})}};
      if (Chance(0.5)) b["time_on_task_ms"] = Below(600'000);
      break;
    case 3:
    case 4: {
      *kind = "observation";
      json who = json::array();
      size_t n = 1 + Below(4);
      for (size_t i = 0; i < n; ++i) who.push_back(Pick(learners_));
      b = {{"teacher", Pick(teachers_)},
           {"learners", who},
           {"competency", Pick(competencies_)},
           {"level", 1 + Below(4)},
           {"modality", Pick({"small_group", "whole_class", "project", "conference", "field"})}};
      if (Chance(0.5)) b["note"] = "saw " + Pick(kWords);
      if (Chance(0.2)) b["artifacts"] = {std::string(64, 'a'), std::string(64, 'b')};
      break;
    }
    case 5:
      *kind = "goal_checkin";
      b = {{"learner", Pick(learners_)}, {"goal", Pick(goals_)}};
      if (Chance(0.7)) b["rating"] = 1 + Below(5);
      if (Chance(0.7)) b["progress"] = Below(101);
      if (Chance(0.5)) b["reflection"] = "I " + Pick(kWords);
      break;
    default:
      *kind = "signin";
      b = {{"learner", Pick(learners_)}, {"method", Pick({"tile", "picture_pin", "teacher"})}};
      return b;  // a sign-in is never corrected
  }
  if (Chance(0.12)) b["supersedes"] = SomeTarget(device);
  return b;
}

std::string World::DeviceWrite(size_t device) {
  Replica& d = *devices_[device];
  std::string kind;
  json body;
  uint64_t roll = Below(100);
  if (roll < 40) {
    body = LwwEdit(&kind);
  } else if (roll < 90) {
    body = Evidence(&kind, device);
  } else {
    kind = "retract";
    body = {{"target", SomeTarget(device)}};
    if (Chance(0.5)) body["reason"] = "entered for the wrong learner";
  }
  return Write(d, kind, body);
}

// `to` pulls what `from` has (0 = the authority), one page or all, so that clocks
// observe each other and ops travel second-hand.
std::string World::Exchange(size_t to, size_t from) {
  auto at = [&](size_t i) -> Replica& { return i == 0 ? *authority_ : *devices_[i - 1]; };
  Replica& dst = at(to);
  Replica& src = at(from);
  bool all = Chance(0.5);
  size_t limit = 1 + Below(30);
  while (true) {
    Result<OpsPage> page = src.store->OpsSince(pulled_[to][from], limit);
    if (!page.ok()) return src.name + ": OpsSince: " + page.status().ToString();
    Tick(dst);
    Result<ApplyStats> applied = dst.store->ApplyRemote(page->ops);
    if (!applied.ok()) {
      return dst.name + " <- " + src.name + ": ApplyRemote: " + applied.status().ToString();
    }
    pulled_[to][from] = page->next_cursor;
    if (!page->more || !all) break;
  }
  ++exchanges_;
  return "";
}

std::string World::Run() {
  std::string error;
  base_millis_ = 1'790'000'000'000 + static_cast<int64_t>(Below(1'000'000'000));
  authority_ = MakeReplica("server", SeededOrigin(rng_), StoreMode::kServer, std::nullopt,
                           base_millis_, &error);
  if (!authority_) return error;
  size_t n_devices = 2 + Below(3);
  for (size_t i = 0; i < n_devices; ++i) {
    int64_t skew = static_cast<int64_t>(Below(10'000)) - 5'000;
    if (Chance(0.15)) skew = Chance(0.5) ? 3 * 3'600'000 : -86'400'000;  // far off
    auto d = MakeReplica("device" + std::to_string(i + 1), SeededOrigin(rng_), StoreMode::kDevice,
                         authority_->store->self(), base_millis_ + skew, &error);
    if (!d) return error;
    devices_.push_back(std::move(d));
  }
  pulled_.assign(n_devices + 1, std::vector<uint64_t>(n_devices + 1, 0));
  if (std::string e = PublishRoster(); !e.empty()) return e;
  for (size_t i = 1; i <= n_devices; ++i) {
    if (Chance(0.7)) {
      if (std::string e = Exchange(i, 0); !e.empty()) return e;
    }
  }
  steps_ = 30 + static_cast<int>(Below(90));
  for (int step = 0; step < steps_; ++step) {
    uint64_t roll = Below(100);
    std::string e;
    if (roll < 8) {
      e = AuthorityEdit();
    } else if (roll < 18) {
      size_t to = Below(n_devices + 1);
      size_t from = Below(n_devices + 1);
      if (to != from) e = Exchange(to, from);
    } else {
      e = DeviceWrite(Below(n_devices));
    }
    if (!e.empty()) return "step " + std::to_string(step) + ": " + e;
  }
  return "";
}

std::vector<Op> World::AllOps(std::string* error) const {
  std::map<OpId, Op> all;
  auto collect = [&](const Replica& r) {
    Result<OpsPage> page = r.store->OpsSince(0, 1'000'000);
    if (!page.ok()) {
      *error = r.name + ": OpsSince: " + page.status().ToString();
      return;
    }
    for (Op& op : page->ops) {
      auto [it, added] = all.emplace(op.id(), op);
      if (!added && OpToJson(it->second) != OpToJson(op)) {
        *error = "op " + op.id().ToString() + " reads differently on " + r.name;
      }
    }
  };
  collect(*authority_);
  for (const auto& d : devices_) collect(*d);
  std::vector<Op> out;
  for (auto& [id, op] : all) out.push_back(std::move(op));
  return out;
}

std::string World::Describe() const {
  std::string s = "seed " + std::to_string(seed_) + ": " + std::to_string(devices_.size()) +
                  " devices, " + std::to_string(steps_) + " steps, " + std::to_string(exchanges_) +
                  " exchanges; ops:";
  for (const auto& [kind, n] : kinds_written_) s += " " + kind + "=" + std::to_string(n);
  return s;
}

}  // namespace cairn::testing
