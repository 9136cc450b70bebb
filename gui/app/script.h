// Scripted mode: drives the real UI from a small text file, one step a line.
//
//   # a comment
//   click "Room 12"          press the widget labelled so (as shown on screen)
//   type "3/4"               type text into the focused field
//   key Enter                press a key: Enter, Tab, Escape, Backspace, Ctrl+A
//   screenshot student-home  save <screenshot-dir>/student-home.png
//   expect-text "Well done"  fail unless the text is on screen
//   wait 10                  let frames go by
//   idle 12                  sit idle for 12 seconds as for a user: no
//                            input, frames only when something changes
//                            (benchmarks measure CPU and memory meanwhile)
//
// Widgets are found in the frame probe (ui.h) by label; mouse and key events are
// injected through ImGui's IO, so the views run exactly as for a user.
#pragma once

#include <imgui.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "cairn/platform/status.h"

namespace cairn::gui {

struct ScriptStep {
  int line = 0;
  std::string command;
  std::string arg;
};

// Parses a script's text. kInvalidArgument naming the line of the first bad step.
Result<std::vector<ScriptStep>> ParseScript(std::string_view text);

class ScriptRunner {
 public:
  ScriptRunner(std::vector<ScriptStep> steps, std::filesystem::path screenshot_dir);

  // Before ImGui::NewFrame (after the platform backend's NewFrame): sets the
  // mouse and keys this frame should see.
  void BeforeFrame(ImGuiIO& io);
  // After the frame is rendered, before buffers are swapped: checks, clicks,
  // screenshots of what was just drawn.
  void AfterFrame(int framebuffer_width, int framebuffer_height);

  bool done() const { return done_; }
  // In an `idle` step: the app waits for events as it does for a user.
  bool idling() const;
  double idle_seconds_left() const;
  // 0 when every step passed; 1 with error() set when one failed.
  int exit_code() const { return error_.empty() ? 0 : 1; }
  const std::string& error() const { return error_; }

 private:
  void Fail(const std::string& message);
  void Advance(int settle_frames);

  std::vector<ScriptStep> steps_;
  std::filesystem::path screenshot_dir_;
  size_t index_ = 0;
  int phase_ = 0;   // within a step
  int waited_ = 0;  // frames spent looking for a widget or text
  int settle_ = 2;  // frames to let go by before the next step
  ImVec2 target_{-1, -1};
  bool mouse_down_ = false;
  int key_ = -1;       // key held this frame
  std::string chars_;  // text to type this frame
  std::chrono::steady_clock::time_point idle_until_{};
  bool done_ = false;
  std::string error_;
};

}  // namespace cairn::gui
