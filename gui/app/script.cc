#include "app/script.h"

#include <GLFW/glfw3.h>
#include <stb_image_write.h>

#include <iostream>
#include <map>
#include <vector>

#include "app/ui.h"

namespace cairn::gui {
namespace {

// How long a step may wait for its widget or text to appear (screens load
// their data in a frame or two).
constexpr int kPatienceFrames = 90;

const std::map<std::string, int, std::less<>>& Keys() {
  static const std::map<std::string, int, std::less<>> keys = {{"Enter", GLFW_KEY_ENTER},
                                                               {"Tab", GLFW_KEY_TAB},
                                                               {"Escape", GLFW_KEY_ESCAPE},
                                                               {"Backspace", GLFW_KEY_BACKSPACE},
                                                               // select all, in a text field
                                                               {"Ctrl+A", GLFW_KEY_A}};
  return keys;
}

}  // namespace

Result<std::vector<ScriptStep>> ParseScript(std::string_view text) {
  std::vector<ScriptStep> steps;
  int line_no = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string_view::npos || line[b] == '#') continue;
    line = line.substr(b);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    ScriptStep step;
    step.line = line_no;
    size_t space = line.find(' ');
    step.command = std::string(line.substr(0, space));
    std::string_view rest =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') {
      rest = rest.substr(1, rest.size() - 2);
    }
    step.arg = std::string(rest);
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument("script line " + std::to_string(line_no) + ": " + why);
    };
    if (step.command == "click" || step.command == "type" || step.command == "expect-text" ||
        step.command == "screenshot") {
      if (step.arg.empty()) return bad(step.command + " needs an argument");
    } else if (step.command == "key") {
      if (!Keys().contains(step.arg)) return bad("unknown key '" + step.arg + "'");
    } else if (step.command == "wait" || step.command == "idle") {
      if (step.arg.empty() || step.arg.find_first_not_of("0123456789") != std::string::npos) {
        return bad(step.command + " takes a number");
      }
    } else {
      return bad("unknown command '" + step.command +
                 "' (click, type, key, screenshot, expect-text, wait, idle)");
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

ScriptRunner::ScriptRunner(std::vector<ScriptStep> steps, std::filesystem::path screenshot_dir)
    : steps_(std::move(steps)), screenshot_dir_(std::move(screenshot_dir)) {}

void ScriptRunner::BeforeFrame(ImGuiIO& io) {
  if (target_.x >= 0) io.MousePos = target_;
  io.MouseDown[0] = mouse_down_;
  for (const auto& [name, key] : Keys()) io.KeysDown[key] = key == key_;
  io.KeyCtrl = key_ == GLFW_KEY_A;
  if (!chars_.empty()) {
    io.AddInputCharactersUTF8(chars_.c_str());
    chars_.clear();
  }
}

bool ScriptRunner::idling() const {
  return index_ < steps_.size() && steps_[index_].command == "idle" && phase_ == 1 &&
         std::chrono::steady_clock::now() < idle_until_;
}

double ScriptRunner::idle_seconds_left() const {
  if (!idling()) return 0;
  return std::chrono::duration<double>(idle_until_ - std::chrono::steady_clock::now()).count();
}

void ScriptRunner::Fail(const std::string& message) {
  const ScriptStep& s = steps_[index_];
  error_ = "script line " + std::to_string(s.line) + " (" + s.command + " \"" + s.arg +
           "\"): " + message;
  done_ = true;
}

void ScriptRunner::Advance(int settle_frames) {
  ++index_;
  phase_ = 0;
  waited_ = 0;
  settle_ = settle_frames;
}

void ScriptRunner::AfterFrame(int width, int height) {
  if (done_) return;
  if (settle_ > 0) {
    --settle_;
    return;
  }
  key_ = -1;
  if (index_ >= steps_.size()) {
    done_ = true;
    return;
  }
  const ScriptStep& step = steps_[index_];
  const FrameProbe& probe = Probe();
  if (step.command == "click") {
    switch (phase_) {
      case 0: {
        const ProbeItem* item = probe.Find(step.arg);
        if (item == nullptr) {
          if (++waited_ > kPatienceFrames) {
            Fail("no widget labelled so on screen; the screen shows: " + probe.Describe());
          }
          return;
        }
        target_ = ImVec2((item->min.x + item->max.x) / 2, (item->min.y + item->max.y) / 2);
        phase_ = 1;  // this frame: the mouse moves over it
        return;
      }
      case 1:
        mouse_down_ = true;
        phase_ = 2;
        return;
      default:
        mouse_down_ = false;
        Advance(3);
        return;
    }
  }
  if (step.command == "type") {
    chars_ = step.arg;
    Advance(2);
    return;
  }
  if (step.command == "key") {
    key_ = Keys().find(step.arg)->second;
    Advance(3);
    return;
  }
  if (step.command == "wait") {
    Advance(std::stoi(step.arg));
    return;
  }
  if (step.command == "idle") {
    if (phase_ == 0) {
      idle_until_ = std::chrono::steady_clock::now() + std::chrono::seconds(std::stoi(step.arg));
      target_ = ImVec2(-1, -1);
      phase_ = 1;
    } else if (!idling()) {
      Advance(0);
    }
    return;
  }
  if (step.command == "expect-text") {
    if (probe.ShowsText(step.arg)) {
      Advance(0);
    } else if (++waited_ > kPatienceFrames) {
      Fail("the text is not on screen; the screen's widgets: " + probe.Describe());
    }
    return;
  }
  if (step.command == "screenshot") {
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    std::error_code ec;
    std::filesystem::create_directories(screenshot_dir_, ec);
    std::filesystem::path file = screenshot_dir_ / (step.arg + ".png");
    stbi_flip_vertically_on_write(1);
    if (stbi_write_png(file.c_str(), width, height, 3, pixels.data(), width * 3) == 0) {
      Fail("cannot write " + file.string());
      return;
    }
    std::cerr << "cairn: screenshot " << file.string() << "\n";
    Advance(0);
    return;
  }
}

}  // namespace cairn::gui
