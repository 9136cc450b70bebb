#include "app/window.h"

#include <GLFW/glfw3.h>

#include <string>

namespace cairn::gui {
namespace {

std::string& GlfwError() {
  static std::string error;
  return error;
}

void OnGlfwError(int code, const char* text) {
  GlfwError() = std::string(text) + " (GLFW error " + std::to_string(code) + ")";
}

struct ContextChoice {
  const char* name;
  int api, major, minor;
  bool core;
  const char* glsl;
};

}  // namespace

Result<std::unique_ptr<Window>> Window::Create(const char* title, int width, int height) {
  glfwSetErrorCallback(OnGlfwError);
  if (!glfwInit()) {
    return Status::NotSupported("cannot open a window: " + GlfwError() +
                                ". Is there a display? (DISPLAY or WAYLAND_DISPLAY unset?) To "
                                "run without one: xvfb-run -a cairn ...");
  }
  static constexpr ContextChoice kChoices[] = {
      {"OpenGL 3.2 core", GLFW_OPENGL_API, 3, 2, true, "#version 150"},
      {"OpenGL 3.0", GLFW_OPENGL_API, 3, 0, false, "#version 130"},
      {"OpenGL 2.1", GLFW_OPENGL_API, 2, 1, false, "#version 120"},
      {"OpenGL ES 3.0", GLFW_OPENGL_ES_API, 3, 0, false, "#version 300 es"},
  };
  std::string tried;
  for (const ContextChoice& c : kChoices) {
    glfwDefaultWindowHints();
    glfwWindowHint(GLFW_CLIENT_API, c.api);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, c.major);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, c.minor);
    if (c.core) {
      glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
      glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    }
    GlfwError().clear();
    GLFWwindow* w = glfwCreateWindow(width, height, title, nullptr, nullptr);
    if (w == nullptr) {
      tried += std::string("\n  ") + c.name + ": " + GlfwError();
      continue;
    }
    glfwMakeContextCurrent(w);
    glfwSwapInterval(1);
    auto window = std::unique_ptr<Window>(new Window());
    window->window_ = w;
    window->glsl_ = c.glsl;
    window->description_ = c.name;
    return window;
  }
  glfwTerminate();
  return Status::NotSupported(
      "no usable OpenGL on this machine; Cairn needs OpenGL 2.1 or newer (or OpenGL ES 3.0). "
      "Tried:" +
      tried +
      "\nOn a Chromebook, turn on GPU support for Linux apps; elsewhere, install Mesa "
      "(libgl1-mesa-dri).");
}

Window::~Window() {
  if (window_ != nullptr) glfwDestroyWindow(window_);
  glfwTerminate();
}

}  // namespace cairn::gui
