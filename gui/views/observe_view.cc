#include "views/observe_view.h"

#include <algorithm>

#include "app/ui.h"
#include "cairn/agent/learning.h"

namespace cairn::gui {
namespace {

constexpr ImU32 kLevelColours[4] = {IM_COL32(176, 70, 40, 255), IM_COL32(180, 110, 10, 255),
                                    IM_COL32(37, 99, 185, 255), IM_COL32(34, 130, 80, 255)};

}  // namespace

void ObserveView::Reload(AppContext& ctx) {
  error_.clear();
  Result<std::vector<LearnerTile>> learners = ListLearners(*ctx.store, ctx.class_id);
  Result<Curriculum> curriculum = LoadCurriculum(*ctx.store);
  if (!learners.ok() || !curriculum.ok()) {
    error_ = (!learners.ok() ? learners.status() : curriculum.status()).message();
    return;
  }
  learners_ = std::move(*learners);
  competencies_.clear();
  for (const std::string& id : TeachingOrder(*curriculum)) {
    competencies_.emplace_back(id, curriculum->TitleOf(id));
  }
  // Arriving from the grid or a profile: that student and skill already chosen.
  if (!ctx.observe_learners.empty()) {
    draft_.learners = std::move(ctx.observe_learners);
    ctx.observe_learners.clear();
  }
  if (!ctx.observe_competency.empty()) draft_.competency = ctx.observe_competency;
  draft_.teacher = ctx.teacher;
}

bool ObserveView::Chosen(const std::string& learner) const {
  return std::find(draft_.learners.begin(), draft_.learners.end(), learner) !=
         draft_.learners.end();
}

void ObserveView::Draw(AppContext& ctx) {
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);
  float avail = ImGui::GetContentRegionAvail().x;
  ImGui::BeginChild("##who", ImVec2(avail * 0.36f, 0), false);
  DrawStudents(ctx);
  ImGui::EndChild();
  ImGui::SameLine(0, ImGui::GetFontSize());
  ImGui::BeginChild("##what", ImVec2(0, 0), false);
  DrawRest(ctx);
  ImGui::EndChild();
}

void ObserveView::DrawStudents(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("observe.who"));
  ImGui::PopFont();
  float width = ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ScrollbarSize;
  float gap = ImGui::GetStyle().ItemSpacing.x;
  int columns = std::max(1, static_cast<int>((width + gap) / (unit * 6.5f + gap)));
  float tile = (width - gap * (columns - 1)) / columns;
  for (size_t i = 0; i < learners_.size(); ++i) {
    const LearnerTile& l = learners_[i];
    if (i % columns != 0) ImGui::SameLine();
    bool on = Chosen(l.id);
    std::string label = (on ? "✓ " : "") + l.name + "##who-" + l.id;
    if (ui::Tile(label.c_str(), on ? ui::TileColour(l.colour) : IM_COL32(150, 155, 165, 255),
                 ImVec2(tile, unit * 2.4f), on)) {
      if (on) {
        std::erase(draft_.learners, l.id);
      } else {
        draft_.learners.push_back(l.id);
      }
      saved_.clear();
    }
    Probe().AddItem(l.name);  // the script taps a student by name, chosen or not
  }
}

void ObserveView::DrawRest(AppContext& ctx) {
  const float unit = ImGui::GetFontSize();
  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("observe.skill"));
  ImGui::PopFont();
  ImGui::BeginChild("##skills", ImVec2(0, unit * 7.5f), true);
  if (competencies_.empty()) ui::TextMuted(ctx.T("grid.no_competencies"));
  for (size_t i = 0; i < competencies_.size(); ++i) {
    const auto& [id, title] = competencies_[i];
    std::string label = title + "##skill-" + id;
    ui::SameLineIfFits(label, i == 0);
    bool on = draft_.competency == id;
    if (ui::Chip(label.c_str(), on)) {
      draft_.competency = on ? "" : id;
      saved_.clear();
    }
    if (on && ImGui::IsWindowAppearing()) ImGui::SetScrollHereY();
  }
  ImGui::EndChild();

  ImGui::PushFont(ctx.fonts.bold);
  ui::Text(ctx.T("observe.level"));
  ImGui::PopFont();
  float width = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x * 3) / 4;
  for (int level = 1; level <= 4; ++level) {
    if (level > 1) ImGui::SameLine();
    bool on = draft_.level == level;
    std::string label = (on ? "✓ " : "") + std::to_string(level) + " " +
                        ctx.T("level." + std::to_string(level)) + "##level-" +
                        std::to_string(level);
    if (ui::Tile(label.c_str(), kLevelColours[level - 1], ImVec2(width, unit * 2.6f), on)) {
      draft_.level = on ? 0 : level;
      saved_.clear();
    }
    Probe().AddItem(ctx.T("level." + std::to_string(level)));
  }

  ui::TextMuted(ctx.T("observe.note"));
  ui::InputText("##note", &draft_.note, ImGui::GetContentRegionAvail().x);
  Probe().AddItem(ctx.T("observe.note"), true);

  std::string missing = MissingFromDraft(draft_);
  if (!missing.empty()) ImGui::BeginDisabled();
  std::string save =
      ctx.strings->Format("observe.save", {{"n", std::to_string(draft_.learners.size())}}) +
      "##save";
  ImGui::PushFont(ctx.fonts.bold);
  if (ui::Tile(save.c_str(), ui::kGreen, ImVec2(unit * 14, unit * 2.6f))) Save(ctx);
  ImGui::PopFont();
  if (!missing.empty()) {
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::AlignTextToFramePadding();
    ui::TextMuted(ctx.T(missing));
  }
  if (!saved_.empty()) ui::TextColoured(ui::kGreen, "✓ " + saved_);
  if (!error_.empty()) ui::TextColoured(ui::kOrange, error_);

  // Optional, and kept from one observation to the next.
  ImGui::Spacing();
  ui::TextMuted(ctx.T("observe.setting"));
  bool first = true;
  for (const std::string& m : ObservationModalities()) {
    std::string label = ctx.T("modality." + m) + "##modality-" + m;
    ui::SameLineIfFits(label, first);
    first = false;
    if (ui::Chip(label.c_str(), draft_.modality == m)) draft_.modality = m;
  }
  ui::TextMuted(ctx.T("observe.file"));
  ui::InputText("##file", &draft_.attachment, ImGui::GetContentRegionAvail().x);
  Probe().AddItem(ctx.T("observe.file"), true);
}

void ObserveView::Save(AppContext& ctx) {
  BlobStore blobs(BlobStoreDir(ctx.device->paths.data));
  Result<OpId> saved = SaveObservation(*ctx.store, blobs, draft_);
  if (!saved.ok()) {
    error_ = ctx.T("observe.not_saved") + " " + saved.status().message();
    return;
  }
  error_.clear();
  std::string names;
  for (const LearnerTile& l : learners_) {
    if (Chosen(l.id)) names += (names.empty() ? "" : ", ") + l.name;
  }
  std::string title;
  for (const auto& [id, t] : competencies_) {
    if (id == draft_.competency) title = t;
  }
  saved_ = ctx.strings->Format("observe.saved",
                               {{"names", names},
                                {"skill", title},
                                {"level", ctx.T("level." + std::to_string(draft_.level))}});
  // Ready for the next one: same skill and setting, new students and level.
  ctx.observe_competency = draft_.competency;
  draft_.learners.clear();
  draft_.level = 0;
  draft_.note.clear();
  draft_.attachment.clear();
  ctx.Wrote();
}

}  // namespace cairn::gui
