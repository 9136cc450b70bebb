// The GLFW window and its OpenGL context, trying the newest context first and
// falling back to older ones so old laptops and Crostini's virgl still run.
#pragma once

#include <memory>
#include <string>

#include "cairn/platform/status.h"

struct GLFWwindow;

namespace cairn::gui {

class Window {
 public:
  // Opens a window with the first context that works: OpenGL 3.2 core, 3.0,
  // 2.1, then OpenGL ES 3.0. kNotSupported with what was tried when none does
  // (or when there is no display).
  static Result<std::unique_ptr<Window>> Create(const char* title, int width, int height);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

  GLFWwindow* handle() const { return window_; }
  // The GLSL version line the renderer compiles its shaders with.
  const char* glsl_version() const { return glsl_; }
  // "OpenGL 3.2 core (llvmpipe ...)", for logs.
  const std::string& description() const { return description_; }

 private:
  Window() = default;
  GLFWwindow* window_ = nullptr;
  const char* glsl_ = "";
  std::string description_;
};

}  // namespace cairn::gui
