#include "app/app.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <time.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "app/context.h"
#include "app/fonts.h"
#include "app/script.h"
#include "app/ui.h"
#include "app/window.h"
#include "cairn/gui/background_sync.h"
#include "cairn/gui/settings.h"
#include "cairn/platform/config.h"
#include "views/class_grid_view.h"
#include "views/goals_view.h"
#include "views/groups_view.h"
#include "views/home_view.h"
#include "views/lesson_view.h"
#include "views/observe_view.h"
#include "views/setup_view.h"
#include "views/sign_in_view.h"
#include "views/student_profile_view.h"
#include "views/teacher_nav.h"
#include "views/teacher_sign_in_view.h"
#include "views/top_bar.h"

namespace cairn::gui {
namespace {

void ApplyStyle(bool high_contrast, float scale) {
  ImGui::GetStyle() = ImGuiStyle();
  ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowPadding = ImVec2(24, 16);
  style.FramePadding = ImVec2(12, 8);
  style.ItemSpacing = ImVec2(12, 10);
  style.FrameRounding = 8;
  style.GrabRounding = 8;
  style.ScrollbarSize = 18;
  style.Colors[ImGuiCol_WindowBg] = ImVec4(0.98f, 0.98f, 0.97f, 1);
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
  style.Colors[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
  style.Colors[ImGuiCol_Border] = ImVec4(0.55f, 0.58f, 0.65f, 1);
  style.Colors[ImGuiCol_PlotHistogram] = ImVec4(0.13f, 0.55f, 0.33f, 1);
  style.FrameBorderSize = 1;
  style.WindowBorderSize = 0;
  if (high_contrast) {
    // Black on white, strong borders, no greys that fade into the background.
    style.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    style.Colors[ImGuiCol_TextDisabled] = ImVec4(0.15f, 0.15f, 0.15f, 1);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 1);
    style.Colors[ImGuiCol_Button] = ImVec4(1, 0.93f, 0.45f, 1);
    style.Colors[ImGuiCol_ButtonHovered] = ImVec4(1, 0.82f, 0.1f, 1);
    style.Colors[ImGuiCol_ButtonActive] = ImVec4(1, 0.75f, 0, 1);
    style.Colors[ImGuiCol_FrameBg] = ImVec4(1, 1, 1, 1);
    style.FrameBorderSize = 2;
  }
  ui::SetHighContrast(high_contrast);
  style.ScaleAllSizes(scale);
}

// The window's content scale (GLFW: 2 on a "200%" display), kept in a sane range.
float ContentScale(GLFWwindow* w) {
  float x = 1, y = 1;
  glfwGetWindowContentScale(w, &x, &y);
  return std::clamp(std::max(x, y), 1.0f, 4.0f);
}

// Benchmarks set CAIRN_T0_NS to CLOCK_MONOTONIC before starting the client: it
// then says when its first frame was on screen, and where the start-up went.
class StartupReport {
 public:
  StartupReport() {
    const char* t0 = std::getenv("CAIRN_T0_NS");
    if (t0 != nullptr) t0_ns_ = std::atof(t0);
  }
  void Mark(const char* phase) {
    if (t0_ns_ > 0) marks_.push_back({phase, NowNs()});
  }
  // "cairn: first frame after X ms" (bench_gui reads it), then each phase's share.
  void Report() const {
    if (t0_ns_ <= 0 || marks_.empty()) return;
    std::cerr << "cairn: first frame after " << (marks_.back().second - t0_ns_) / 1e6 << " ms\n"
              << "cairn: start-up, ms per phase:";
    double last = t0_ns_;
    for (const auto& [phase, at] : marks_) {
      std::cerr << " " << phase << " " << static_cast<int>((at - last) / 1e6 + 0.5) << ";";
      last = at;
    }
    std::cerr << "\n";
  }

 private:
  static double NowNs() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
  }
  double t0_ns_ = 0;
  std::vector<std::pair<const char*, double>> marks_;
};

StartupReport& Startup() {
  static StartupReport report;
  return report;
}

class App {
 public:
  App(const AppOptions& options, Device device) : options_(options), device_(std::move(device)) {}

  int Run() {
    settings_file_ = SettingsFile(device_.paths.config);
    // The school's configured language until the person picks one in the app.
    Settings defaults;
    if (!config_.Value("language").empty()) defaults.language = config_.Value("language");
    if (Result<Settings> loaded = LoadSettings(settings_file_, defaults); loaded.ok()) {
      settings_ = *loaded;
    } else {
      std::cerr << "cairn: " << loaded.status().message() << "; using the default settings\n";
    }
    if (!options_.language.empty()) settings_.language = options_.language;
    if (options_.text_size > 0) settings_.text_size = options_.text_size;
    Startup().Mark("settings");
    Status s = LoadStrings(settings_.language);
    Startup().Mark("strings");
    if (!s.ok()) {
      std::cerr << "cairn: " << s.ToString() << "\n";
      return 1;
    }
    std::optional<ScriptRunner> script;
    if (!options_.script.empty()) {
      std::ifstream in(options_.script);
      if (!in) {
        std::cerr << "cairn: cannot read the script " << options_.script << "\n";
        return 2;
      }
      std::stringstream text;
      text << in.rdbuf();
      Result<std::vector<ScriptStep>> steps = ParseScript(text.str());
      if (!steps.ok()) {
        std::cerr << "cairn: " << options_.script.string() << ": " << steps.status().message()
                  << "\n";
        return 2;
      }
      script.emplace(std::move(*steps), options_.screenshot_dir);
    }

    Result<std::unique_ptr<Window>> window = Window::Create("Cairn", 1280, 800);
    Startup().Mark("window and GL context");
    if (!window.ok()) {
      std::cerr << "cairn: " << window.status().message() << "\n";
      return 1;
    }
    GLFWwindow* w = (*window)->handle();
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing to remember between runs: one full-window screen
    // Tab and the arrow keys move between widgets, Enter or Space presses one.
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    scale_ = ContentScale(w);
    ctx_.high_contrast = settings_.high_contrast;
    ApplyStyle(ctx_.high_contrast, scale_);
    ImGui_ImplGlfw_InitForOpenGL(w, true);
    if (!ImGui_ImplOpenGL3_Init((*window)->glsl_version())) {
      std::cerr << "cairn: the OpenGL renderer did not start (" << (*window)->description() << ", "
                << (*window)->glsl_version() << ")\n";
      return 1;
    }
    ctx_.text_size = settings_.text_size;
    ctx_.language = settings_.language;
    ctx_.observe_competency = settings_.last_competency;
    Startup().Mark("ImGui");
    ctx_.fonts = LoadFonts(ctx_.text_size * scale_, ctx_.language);
    window_ = w;
    Startup().Mark("fonts");

    ctx_.device = &device_;
    ctx_.store = device_.store.get();
    ctx_.sync = &local_sync_;
    ctx_.wake = [] { glfwPostEmptyEvent(); };
    StartSync();
    if (Result<TeacherPins> pins = TeacherPins::Load(TeacherPins::FileIn(device_.paths.data));
        pins.ok()) {
      pins_ = std::move(*pins);
      ctx_.pins = &*pins_;
    } else {
      std::cerr << "cairn: " << pins.status().message() << "\n";
    }
    ctx_.screen = device_.needs_setup ? Screen::kSetup : Screen::kSignIn;
    ctx_.reload = true;
    Startup().Mark("PINs and sync thread");

    int frames_to_draw = 2;
    bool first_frame = true;
    while (!glfwWindowShouldClose(w)) {
      // Idle, for a user or in a script's `idle` step (which stands in for one):
      // sleep until input arrives or the sync thread has news. A text field's
      // cursor blinks, so wake for it; otherwise nothing moves by itself.
      if (frames_to_draw <= 0 && (!script || script->idling())) {
        double timeout = io.WantTextInput ? 0.5 : 30.0;
        if (script) timeout = std::min(timeout, script->idle_seconds_left());
        glfwWaitEventsTimeout(timeout);
        frames_to_draw = 2;  // ImGui settles hover and layout over two frames
      } else {
        glfwPollEvents();
      }
      {
        // The frame's use of the store; the sync thread waits for it between
        // its own store steps, and never holds the store across network I/O.
        std::lock_guard<std::mutex> lock(store_mu_);
        BetweenFrames();
        ImGui_ImplOpenGL3_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        if (script) script->BeforeFrame(io);
        Probe().set_detailed(script.has_value());
        ImGui::NewFrame();
        Probe().BeginFrame();
        DrawScreen();
        ImGui::Render();
      }
      if (ctx_.joined) {
        // Outside the frame's hold on the store: the sync thread takes it as it starts.
        ctx_.joined = false;
        StartSync();
      }
      int width = 0, height = 0;
      glfwGetFramebufferSize(w, &width, &height);
      glViewport(0, 0, width, height);
      glClearColor(0.98f, 0.98f, 0.97f, 1);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      if (script) {
        script->AfterFrame(width, height);
        if (script->done()) break;
      }
      glfwSwapBuffers(w);
      if (first_frame) {
        first_frame = false;
        Startup().Mark("first frame");
        Startup().Report();
      }

      --frames_to_draw;
      bool busy = io.MouseDown[0] || io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || ctx_.reload ||
                  ctx_.text_size_changed || ctx_.language_changed || ctx_.contrast_changed;
      if (busy) frames_to_draw = std::max(frames_to_draw, 2);
    }
    background_sync_.reset();  // cancels a transfer in flight
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    if (script && script->exit_code() != 0) {
      std::cerr << "cairn: " << script->error() << "\n";
      return script->exit_code();
    }
    return 0;
  }

 private:
  Status LoadStrings(const std::string& language) {
    if (!english_) {
      Result<Catalog> en = Catalog::Load(options_.catalogs, "en");
      if (!en.ok()) return en.status();
      english_ = std::move(*en);
    }
    Result<Catalog> other = Catalog::Load(options_.catalogs, language);
    if (language == "en" || !other.ok()) {
      // A language with no catalog yet (Japanese names on an English UI): English
      // strings, with the language's fonts.
      if (language != "en") {
        std::cerr << "cairn: no " << language << " strings (" << other.status().message()
                  << "); showing English\n";
      }
      ctx_.strings = &*english_;
      return Status::Ok();
    }
    current_ = std::move(*other);
    current_->SetFallback(&*english_);
    ctx_.strings = &*current_;
    return Status::Ok();
  }

  // An enrolled device syncs on a background thread while the client is open.
  void StartSync() {
    if (!device_.store->initialized()) return;
    BackgroundSyncOptions options;
    options.blob_dir = BlobStoreDir(device_.paths.data);
    // The same settings as cairnctl sync: server, rate caps, metered default, window.
    options.device = sync::DeviceSyncSettingsFrom(config_);
    Result<std::unique_ptr<BackgroundSync>> started = BackgroundSync::Start(
        *device_.store, store_mu_, device_.paths.data, options, [] { glfwPostEmptyEvent(); });
    if (!started.ok()) {
      std::cerr << "cairn: not syncing: " << started.status().message() << "\n";
      return;
    }
    background_sync_ = std::move(*started);
    if (background_sync_) ctx_.sync = background_sync_.get();
  }

  // Requests from the last frame: fonts, language, data to reload.
  void BetweenFrames() {
    // Moved to a screen of another scale: everything is resized for it.
    if (float scale = ContentScale(window_); scale != scale_) {
      scale_ = scale;
      ctx_.contrast_changed = ctx_.text_size_changed = true;
    }
    if (ctx_.contrast_changed) {
      ctx_.contrast_changed = false;
      ApplyStyle(ctx_.high_contrast, scale_);
    }
    bool rebuild_fonts = ctx_.text_size_changed;
    if (ctx_.language_changed) {
      ctx_.language_changed = false;
      Status s = LoadStrings(ctx_.language);
      if (!s.ok()) std::cerr << "cairn: " << s.ToString() << "\n";
      rebuild_fonts = true;  // CJK glyphs come and go with the language
    }
    if (rebuild_fonts) {
      ctx_.text_size_changed = false;
      ctx_.fonts = LoadFonts(ctx_.text_size * scale_, ctx_.language);
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    SaveSettingsIfChanged();
    if (background_sync_) {
      // A pulled page changed the store: every view's data is stale.
      if (uint64_t remote = background_sync_->remote_changes(); remote != remote_changes_seen_) {
        remote_changes_seen_ = remote;
        ++ctx_.data_version;
        ctx_.reload = true;
      }
      if (ctx_.wrote) background_sync_->AfterLocalWrite();
    }
    ctx_.wrote = false;
    if (ctx_.reload) {
      ctx_.reload = false;
      ctx_.sync->Refresh(*ctx_.store);
      Screen shown = ctx_.screen;
      if (shown == Screen::kSignIn) sign_in_.Reload(ctx_);
      if (shown == Screen::kHome) home_.Reload(ctx_);
      if (shown == Screen::kTeacherSignIn) teacher_sign_in_.Reload(ctx_);
      if (!ctx_.teacher.empty()) teacher_nav_.Reload(ctx_);
      if (shown == Screen::kClassGrid) grid_.Reload(ctx_);
      if (shown == Screen::kObserve) observe_.Reload(ctx_);
      if (shown == Screen::kGroups) groups_.Reload(ctx_);
      if (shown == Screen::kStudentProfile) student_profile_.Reload(ctx_);
      if (shown == Screen::kGoals) goals_.Reload(ctx_);
      if (shown == Screen::kProfile) me_.Reload(ctx_);
      if (shown == Screen::kLesson && opened_lesson_ != ctx_.lesson + "/" + ctx_.learner) {
        opened_lesson_ = ctx_.lesson + "/" + ctx_.learner;
        lesson_.Open(ctx_);
      }
      if (shown != Screen::kLesson) opened_lesson_.clear();
    }
  }

  // The device remembers language, text size, contrast and the last skill observed.
  // Called every frame: compares in place, copies only on a change.
  void SaveSettingsIfChanged() {
    if (ctx_.language == settings_.language && ctx_.text_size == settings_.text_size &&
        ctx_.high_contrast == settings_.high_contrast &&
        ctx_.observe_competency == settings_.last_competency) {
      return;
    }
    settings_ = {ctx_.language, ctx_.text_size, ctx_.high_contrast, ctx_.observe_competency};
    if (Status s = SaveSettings(settings_file_, settings_); !s.ok()) {
      std::cerr << "cairn: the settings were not saved: " << s.message() << "\n";
    }
  }

  void DrawScreen() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::Begin("##screen", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
    top_bar_.Draw(ctx_);
    switch (ctx_.screen) {
      case Screen::kProblem:
        ui::TextColoured(ui::kOrange, ctx_.problem);
        break;
      case Screen::kSetup:
        setup_.Draw(ctx_);
        break;
      case Screen::kSignIn:
        sign_in_.Draw(ctx_);
        break;
      case Screen::kHome:
        home_.Draw(ctx_);
        break;
      case Screen::kLesson:
        lesson_.Draw(ctx_);
        break;
      case Screen::kTeacherSignIn:
        teacher_sign_in_.Draw(ctx_);
        break;
      case Screen::kClassGrid:
        teacher_nav_.Draw(ctx_);
        grid_.Draw(ctx_);
        break;
      case Screen::kObserve:
        teacher_nav_.Draw(ctx_);
        observe_.Draw(ctx_);
        break;
      case Screen::kGroups:
        teacher_nav_.Draw(ctx_);
        groups_.Draw(ctx_);
        break;
      case Screen::kStudentProfile:
        student_profile_.Draw(ctx_);
        break;
      case Screen::kGoals:
        goals_.Draw(ctx_);
        break;
      case Screen::kProfile:
        me_.Draw(ctx_);
        break;
    }
    ImGui::End();
  }

  AppOptions options_;
  Device device_;
  Settings settings_;
  std::filesystem::path settings_file_;
  float scale_ = 1;
  GLFWwindow* window_ = nullptr;
  std::mutex store_mu_;  // held by the UI thread for a frame, by the sync thread per store step
  LocalSyncStatus local_sync_;
  Config config_ = Config::Load(DefaultConfigSources());  // /etc/cairn and the user's
  std::unique_ptr<BackgroundSync> background_sync_;  // set on an enrolled device
  uint64_t remote_changes_seen_ = 0;
  std::optional<Catalog> english_, current_;
  AppContext ctx_;
  TopBar top_bar_;
  SetupView setup_;
  SignInView sign_in_;
  HomeView home_;
  LessonView lesson_;
  TeacherSignInView teacher_sign_in_;
  TeacherNav teacher_nav_;
  ClassGridView grid_;
  ObserveView observe_;
  GroupsView groups_;
  StudentProfileView student_profile_;
  GoalsView goals_;
  ProfileView me_;
  std::optional<TeacherPins> pins_;
  std::string opened_lesson_;
};

}  // namespace

int RunApp(const AppOptions& options) {
  Startup().Mark("process start");
  Result<Device> device = OpenDevice();
  Startup().Mark("store");
  if (!device.ok()) {
    if (device.status().code() == Status::Code::kBusy) {
      std::cerr << "cairn: this device's Cairn data is in use by another program ("
                << device.status().message()
                << "). If `cairnctl` is running (or another Cairn window is open), let it finish "
                   "or close it, then start Cairn again.\n";
    } else {
      std::cerr << "cairn: cannot open this device's data: " << device.status().ToString() << "\n";
    }
    return 1;
  }
  App app(options, std::move(*device));
  return app.Run();
}

}  // namespace cairn::gui
