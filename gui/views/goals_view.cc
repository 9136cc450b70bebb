#include "views/goals_view.h"

#include <algorithm>

#include "app/ui.h"

namespace cairn::gui {
namespace {

std::string TitleOf(const LearnerProfile& p, const std::string& id) {
  auto it = p.titles.find(id);
  return it != p.titles.end() ? it->second : id;
}

// Back to Home, at the top of both screens.
bool BackHome(AppContext& ctx) {
  std::string back = ctx.T("lesson.back_home") + "##back";
  if (!ui::Button(back.c_str())) return false;
  ctx.Go(Screen::kHome);
  return true;
}

}  // namespace

void GoalsView::Reload(AppContext& ctx) {
  error_.clear();
  Result<LearnerProfile> profile = BuildLearnerProfile(*ctx.store, ctx.learner);
  Result<HomeData> home = LoadHome(*ctx.store, ctx.learner);
  if (!profile.ok() || !home.ok()) {
    error_ = (!profile.ok() ? profile.status() : home.status()).message();
    return;
  }
  profile_ = std::move(*profile);
  skills_.clear();
  for (const CompetencyCard& c : home->competencies) {
    if (c.status != CompetencyStatus::kLocked && c.status != CompetencyStatus::kMastered) {
      skills_.push_back(c);
    }
  }
}

void GoalsView::Draw(AppContext& ctx) {
  if (BackHome(ctx)) return;
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!profile_) return;
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.T("goals.title"));
  ImGui::PopFont();
  float avail = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("##goal-list", ImVec2(avail * 0.55f, 0), false);
  if (profile_->goals.empty()) ui::TextMuted(ctx.T("goals.none"));
  for (const ProfileGoal& g : profile_->goals) DrawGoal(ctx, g);
  if (!message_.empty()) ui::TextColoured(ui::kGreen, "✓ " + message_);
  ImGui::EndChild();
  ImGui::SameLine(0, ImGui::GetFontSize());
  ImGui::BeginChild("##goal-edit", ImVec2(0, 0), true);
  if (!checking_in_.empty()) {
    DrawCheckIn(ctx);
  } else {
    DrawNewGoal(ctx);
  }
  ImGui::EndChild();
}

void GoalsView::DrawGoal(AppContext& ctx, const ProfileGoal& g) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushID(g.id.c_str());
  ImGui::PushFont(ctx.fonts.bold);
  std::string text = g.text;
  if (text.empty() && !g.competencies.empty()) {
    text = ctx.strings->Format("goals.master", {{"skill", TitleOf(*profile_, g.competencies[0])}});
  }
  ui::Text((g.status == "achieved" ? "★ " : "") + text);
  ImGui::PopFont();
  for (const std::string& c : g.competencies) ui::TextMuted("· " + TitleOf(*profile_, c));
  if (!g.target_date.empty()) {
    ui::TextMuted(ctx.strings->Format("goals.by", {{"date", g.target_date}}));
  }
  // How far: what I said at my last check-in, else the skills mastered.
  float fraction = -1;
  std::string how_far;
  if (g.progress >= 0) {
    fraction = g.progress / 100.0f;
    how_far = ctx.strings->Format("goals.progress_said", {{"n", std::to_string(g.progress)}});
  } else if (!g.competencies.empty()) {
    fraction = static_cast<float>(g.competencies_mastered) / g.competencies.size();
    how_far = ctx.strings->Format("goals.skills_mastered",
                                  {{"n", std::to_string(g.competencies_mastered)},
                                   {"total", std::to_string(g.competencies.size())}});
  }
  if (fraction >= 0) {
    ui::ProgressBar(fraction, ImVec2(unit * 14, unit * 0.7f), "");
    ImGui::SameLine();
    ui::TextMuted(how_far);
  }
  if (!g.checkins.empty() && !g.checkins.back().reflection.empty()) {
    ui::Text("“" + g.checkins.back().reflection + "”");
  }
  if (g.status == "active") {
    std::string check = ctx.T("goals.check_in") + "##check-in";
    if (ui::Button(check.c_str())) {
      checking_in_ = g.id;
      check_in_ = {};
    }
    ImGui::SameLine();
    std::string done = ctx.T("goals.did_it") + "##did-it";
    if (ui::Button(done.c_str())) {
      Status s = SetGoalStatus(*ctx.store, ctx.learner, g.id, "achieved");
      if (s.ok()) {
        message_ = ctx.T("goals.well_done");
        ctx.Wrote();
      } else {
        error_ = s.message();
      }
    }
  }
  ImGui::Separator();
  ImGui::PopID();
}

void GoalsView::DrawCheckIn(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("goals.how_going"));
  ImGui::PopFont();
  static constexpr const char* kFaces[] = {"goals.rating_1", "goals.rating_2", "goals.rating_3",
                                           "goals.rating_4", "goals.rating_5"};
  static constexpr ImU32 kColours[] = {IM_COL32(176, 70, 40, 255), IM_COL32(180, 110, 10, 255),
                                       IM_COL32(110, 110, 120, 255), IM_COL32(37, 99, 185, 255),
                                       IM_COL32(34, 130, 80, 255)};
  for (int r = 1; r <= 5; ++r) {
    if (r > 1) ImGui::SameLine();
    bool on = check_in_.rating == r;
    std::string label = (on ? "✓ " : "") + ctx.T(kFaces[r - 1]) + "##rating-" + std::to_string(r);
    if (ui::Tile(label.c_str(), kColours[r - 1], ImVec2(unit * 4.4f, unit * 2.4f), on)) {
      check_in_.rating = on ? 0 : r;
    }
    Probe().AddItem(ctx.T(kFaces[r - 1]));
  }
  ui::Text(ctx.T("goals.how_far"));
  int progress = std::max(check_in_.progress, 0);
  ImGui::SetNextItemWidth(unit * 14);
  if (ImGui::SliderInt("##progress", &progress, 0, 100, "%d%%")) check_in_.progress = progress;
  ui::Text(ctx.T("goals.reflect"));
  ui::InputMultiline("##reflection", &check_in_.reflection,
                     ImVec2(-1, ImGui::GetTextLineHeightWithSpacing() * 3));
  Probe().AddItem(ctx.T("goals.reflect"), true);
  std::string save = ctx.T("goals.save_check_in") + "##save-check-in";
  ImGui::PushFont(ctx.fonts.bold);
  if (ui::Tile(save.c_str(), ui::kGreen, ImVec2(unit * 9, unit * 2.4f))) {
    Status s = CheckInOnGoal(*ctx.store, ctx.learner, checking_in_, check_in_);
    if (s.ok()) {
      checking_in_.clear();
      message_ = ctx.T("goals.checked_in");
      error_.clear();
      ctx.Wrote();
    } else {
      error_ = s.message();
    }
  }
  ImGui::PopFont();
  ImGui::SameLine();
  std::string cancel = ctx.T("goals.cancel") + "##cancel";
  if (ui::Button(cancel.c_str())) checking_in_.clear();
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
}

void GoalsView::DrawNewGoal(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("goals.new"));
  ImGui::PopFont();
  ui::Text(ctx.T("goals.own_words"));
  ui::InputText("##goal-text", &draft_.text, ImGui::GetContentRegionAvail().x);
  Probe().AddItem(ctx.T("goals.own_words"), true);
  ui::TextMuted(ctx.T("goals.tie_skill"));
  for (const CompetencyCard& c : skills_) {
    bool on = std::find(draft_.competencies.begin(), draft_.competencies.end(), c.id) !=
              draft_.competencies.end();
    std::string label = c.title + "##tie-" + c.id;
    ui::SameLineIfFits(label, &c == &skills_.front());
    if (ui::Chip(label.c_str(), on)) {
      if (on) {
        std::erase(draft_.competencies, c.id);
      } else {
        draft_.competencies.push_back(c.id);
      }
    }
  }
  ui::TextMuted(ctx.T("goals.by_when"));
  ui::InputText("##goal-date", &draft_.target_date, unit * 8);
  std::string save = ctx.T("goals.save") + "##save-goal";
  ImGui::PushFont(ctx.fonts.bold);
  if (ui::Tile(save.c_str(), ui::kGreen, ImVec2(unit * 9, unit * 2.4f))) {
    Result<std::string> id = SetGoal(*ctx.store, ctx.learner, draft_);
    if (id.ok()) {
      draft_ = {};
      message_ = ctx.T("goals.saved");
      error_.clear();
      ctx.Wrote();
    } else {
      error_ = id.status().message();
    }
  }
  ImGui::PopFont();
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
}

void ProfileView::Reload(AppContext& ctx) {
  Result<LearnerProfile> profile = BuildLearnerProfile(*ctx.store, ctx.learner);
  if (!profile.ok()) {
    error_ = profile.status().message();
    profile_.reset();
    return;
  }
  error_.clear();
  profile_ = std::move(*profile);
}

void ProfileView::Draw(AppContext& ctx) {
  if (BackHome(ctx)) return;
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  if (!profile_) return;
  const LearnerProfile& p = *profile_;
  ImGui::PushFont(ctx.fonts.large);
  ui::Text(ctx.strings->Format("me.title", {{"name", p.name}}));
  ImGui::PopFont();

  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("me.strengths"));
  ImGui::PopFont();
  if (p.strengths.empty()) ui::TextMuted(ctx.T("me.no_strengths"));
  for (const ProfileBadge& b : p.badges) {
    ui::TextColoured(ui::kGold, "★ " + b.title + "  · " +
                                    ctx.strings->Format("me.badge_since",
                                                        {{"date", ui::Day(HlcMillis(b.earned))}}));
  }
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("me.working_on"));
  ImGui::PopFont();
  if (p.in_progress.empty() && p.needs.empty()) ui::TextMuted(ctx.T("me.nothing_yet"));
  for (const ProfileNeed& n : p.needs) ui::TextColoured(ui::kBlue, "◐ " + n.title);
  for (const MasteryEstimate& e : p.in_progress) {
    ui::TextColoured(ui::kBlue, "◐ " + TitleOf(p, e.competency));
  }
  ImGui::Spacing();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("me.interests"));
  ImGui::PopFont();
  std::vector<std::string> interests = p.interests;
  for (size_t i = 0; i < interests.size(); ++i) {
    if (i > 0) ImGui::SameLine();
    std::string label = interests[i] + "  ✕##interest-" + std::to_string(i);
    if (ui::Button(label.c_str())) {
      interests.erase(interests.begin() + static_cast<long>(i));
      Status s = SetInterests(*ctx.store, ctx.learner, interests);
      if (!s.ok()) error_ = s.message();
      ctx.Wrote();
      break;
    }
  }
  ui::TextMuted(ctx.T("me.add_interest"));
  bool entered = ui::InputText("##new-interest", &new_interest_, ImGui::GetFontSize() * 14,
                               ImGuiInputTextFlags_EnterReturnsTrue);
  Probe().AddItem(ctx.T("me.add_interest"), true);
  ImGui::SameLine();
  std::string add = ctx.T("me.add") + "##add-interest";
  if ((ui::Button(add.c_str()) || entered) && !new_interest_.empty()) {
    interests.push_back(new_interest_);
    Status s = SetInterests(*ctx.store, ctx.learner, interests);
    if (!s.ok()) error_ = s.message();
    new_interest_.clear();
    ctx.Wrote();
  }
}

}  // namespace cairn::gui
