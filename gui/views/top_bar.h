// The strip along the top of every screen: where you are, who is signed in,
// sync status, text size, language, sign out.
#pragma once

#include <optional>
#include <string>

#include "app/context.h"

namespace cairn::gui {

class TopBar {
 public:
  void Draw(AppContext& ctx);

 private:
  // The sync sentence for `sync`, rebuilt only when what it says changes.
  const std::string& StatusText(const AppContext& ctx, const SyncSnapshot& sync);
  // The buttons' labels and their row's width, rebuilt when the language, the
  // text size or who is signed in changes.
  void Layout(const AppContext& ctx, bool signed_in);

  struct StatusKey {
    const Catalog* strings = nullptr;
    bool teacher = false;
    SyncState state = SyncState::kStandalone;
    uint64_t pending = 0, own = 0;
    int64_t last_success_ms = 0;
    std::string message;
    bool operator==(const StatusKey&) const = default;
  };
  std::optional<StatusKey> status_key_;
  std::string status_;

  const Catalog* laid_out_strings_ = nullptr;
  float laid_out_font_ = 0;
  bool laid_out_signed_in_ = false;
  std::string smaller_, bigger_, language_, contrast_, sign_out_;
  float buttons_width_ = 0;
};

}  // namespace cairn::gui
