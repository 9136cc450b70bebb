// First run on a device with no store: start a standalone classroom (a school,
// a class, its students, and its teacher with the PIN they choose), or join a
// school server with the join code IT gave.
#pragma once

#include <memory>
#include <string>

#include "app/context.h"
#include "cairn/sync/client/device_sync.h"

namespace cairn::gui {

class SetupView {
 public:
  void Draw(AppContext& ctx);

 private:
  bool DrawJoin(AppContext& ctx, float field);

  StandaloneSetup setup_;  // learners come from students_, one per line
  std::string students_, error_;
  std::string join_code_, server_url_, join_error_;
  bool config_read_ = false;
  sync::DeviceSyncSettings device_;   // from IT's configuration, once read
  bool joining_with_token_ = false;   // IT's token, at first start
  std::unique_ptr<Joining> joining_;  // while the server is asked
};

}  // namespace cairn::gui
