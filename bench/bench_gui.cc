// The desktop client on this machine, under Xvfb with Mesa (run it as
// `xvfb-run -a -s "-screen 0 1280x800x24" bench_gui`), on a class of 35
// students × 40 competencies with a year of evidence:
// - start to first frame of the real `cairn`, beside a bare GLFW + ImGui window
//   drawing one empty frame (the floor: process, display, GL context, fonts);
// - CPU while the client sits idle on the class grid for 10 s, beside the same
//   bare window redrawing without idle waits for 10 s;
// - the client's resident memory then (VmRSS), beside the bare window's;
// - CPU time to build one frame of the grid (thread CPU, no GL: ImGui's layout
//   and draw lists), beside an empty ImGui frame; and the grid's view-model
//   build, which happens once per data change.
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

#include "app/context.h"
#include "app/fonts.h"
#include "app/ui.h"
#include "app/window.h"
#include "bench_common.h"
#include "cairn/agent/pack.h"
#include "cairn/agent/teacher_pin.h"
#include "cairn/gui/catalog.h"
#include "views/class_grid_view.h"

namespace cairn::bench {
namespace {

using nlohmann::json;

constexpr int kStudents = 35, kCompetencies = 40, kItemsPerLesson = 6, kSchoolDays = 180;
constexpr int kAttemptsPerDay = 20;  // per student

double MonotonicNs() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

double ThreadCpuMs() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

// utime + stime of a process, in seconds.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  size_t close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14) utime = std::stod(f);
    if (i == 15) stime = std::stod(f);
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A /proc/PID/status figure in MB: VmRSS (all resident pages), or RssAnon (the
// process's own heap and stacks, without the shared libraries' pages: Mesa's
// llvmpipe maps libLLVM, some 100 MB of the bare window's VmRSS).
double ResidentMb(pid_t pid, std::string_view field = "VmRSS:") {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with(field)) return std::stod(line.substr(field.size())) / 1024.0;
  }
  return -1;
}

// The class: a pack of 40 competencies in chains of 5, 35 students, a teacher
// with PIN 2468, and a school year of answers and observations.
void BuildClass(const std::filesystem::path& home) {
  std::filesystem::create_directories(home / "data");
  FakeClock clock(1'756'800'000'000);  // 2025-09-02
  StoreOptions options;
  options.path = home / "data/cairn.db";
  options.clock = &clock;
  options.synchronous_full = false;
  auto store = Store::Open(options);
  if (!store.ok()) Die(store.status().ToString());
  Store& s = **store;
  if (Status st = s.Initialize(Origin::Random(), StoreMode::kStandalone); !st.ok()) Die(st.ToString());

  json pack = {{"id", "bench"}, {"version", "1"}, {"title", "Bench"}, {"language", "en"},
               {"license", "CC0-1.0"}, {"competencies", json::array()}, {"lessons", json::array()}};
  for (int c = 0; c < kCompetencies; ++c) {
    std::string id = "bench.c" + std::to_string(c);
    json comp = {{"id", id}, {"title", "Competency number " + std::to_string(c + 1)}};
    if (c % 5 != 0) comp["prerequisites"] = {"bench.c" + std::to_string(c - 1)};
    pack["competencies"].push_back(comp);
    json lesson = {{"id", id + ".practice"}, {"title", "Practice " + std::to_string(c + 1)},
                   {"competencies", {id}}, {"items", json::array()}};
    for (int i = 0; i < kItemsPerLesson; ++i) {
      lesson["items"].push_back({{"id", id + ".i" + std::to_string(i)},
                                 {"type", "choice"},
                                 {"prompt", "Question " + std::to_string(i + 1)},
                                 {"choices", {"a", "b", "c"}},
                                 {"answer", 1}});
    }
    pack["lessons"].push_back(lesson);
  }
  Result<Pack> parsed = ParsePack(pack.dump());
  if (!parsed.ok()) Die("bench pack: " + parsed.status().ToString());
  std::vector<std::pair<std::string, json>> roster = {
      {"school", {{"school", "s"}, {"name", "Bench School"}}},
      {"class", {{"class", "room"}, {"school", "s"}, {"name", "Room 7"}}},
      {"teacher", {{"teacher", "t"}, {"school", "s"}, {"name", "Ms Bench"}}},
      {"class_teacher", {{"class", "room"}, {"teacher", "t"}, {"active", true}}}};
  for (int l = 0; l < kStudents; ++l) {
    std::string id = "student-" + std::to_string(l);
    roster.push_back({"learner", {{"learner", id}, {"display_name", "Student " + std::to_string(l + 1)}}});
    roster.push_back({"enrollment", {{"class", "room"}, {"learner", id}, {"active", true}}});
  }
  if (auto r = s.AppendAll(roster); !r.ok()) Die(r.status().ToString());
  if (auto r = ImportPack(s, *parsed); !r.ok()) Die(r.status().ToString());

  // Each student works through the chains at their own pace.
  std::mt19937 rng(7);
  std::vector<double> pace(kStudents);
  for (double& p : pace) p = std::uniform_real_distribution<double>(0.12, 0.3)(rng);
  std::vector<std::pair<std::string, json>> batch;
  size_t ops = 0;
  for (int day = 0; day < kSchoolDays; ++day) {
    clock.Advance(86'400'000LL * 7 / 5);
    for (int l = 0; l < kStudents; ++l) {
      std::string learner = "student-" + std::to_string(l);
      int at = std::min(kCompetencies - 1, static_cast<int>(day * pace[l] / 3 * 5 / 5));
      for (int a = 0; a < kAttemptsPerDay; ++a) {
        int c = std::max(0, at - static_cast<int>(rng() % 3));
        double p = std::min(0.95, 0.45 + 0.1 * (at - c) + 0.02 * (day % 10));
        bool correct = std::uniform_real_distribution<double>(0, 1)(rng) < p;
        std::string item = "bench.c" + std::to_string(c) + ".i" + std::to_string(rng() % kItemsPerLesson);
        batch.push_back({"attempt", {{"learner", learner}, {"item", item},
                                     {"lesson", "bench.c" + std::to_string(c) + ".practice"},
                                     {"response", correct ? "b" : "a"}, {"correct", correct},
                                     {"duration_ms", 8000}}});
      }
      if (day % 7 == 0) {
        batch.push_back({"observation", {{"teacher", "t"}, {"learners", {learner}},
                                         {"competency", "bench.c" + std::to_string(at)},
                                         {"level", 1 + static_cast<int>(rng() % 4)},
                                         {"modality", "small_group"}, {"note", "seen in class"}}});
      }
    }
    if (batch.size() >= 2000 || day == kSchoolDays - 1) {
      if (auto r = s.AppendAll(batch); !r.ok()) Die(r.status().ToString());
      ops += batch.size();
      batch.clear();
    }
  }
  std::cerr << "bench_gui: the class holds " << ops << " evidence ops\n";
  auto pins = TeacherPins::Load(TeacherPins::FileIn(home / "data"));
  if (!pins.ok() || !pins->Set("t", "2468").ok()) Die("cannot set the bench teacher's PIN");
}

// Runs `argv` with CAIRN_HOME=home and CAIRN_T0_NS; calls `during(pid)` while
// it runs, then waits for it. Returns the first-frame time it printed (ms).
double RunClient(const std::vector<std::string>& argv, const std::filesystem::path& home,
                 const std::function<void(pid_t)>& during) {
  int err[2];
  if (pipe(err) != 0) Die("pipe");
  double t0 = MonotonicNs();
  pid_t pid = fork();
  if (pid == 0) {
    dup2(err[1], 2);
    close(err[0]);
    setenv("CAIRN_HOME", home.c_str(), 1);
    setenv("CAIRN_T0_NS", std::to_string(static_cast<long long>(t0)).c_str(), 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(err[1]);
  std::thread reader;
  std::string output;
  reader = std::thread([&] {
    char buf[4096];
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) output.append(buf, n);
  });
  if (during) during(pid);
  int status = 0;
  waitpid(pid, &status, 0);
  reader.join();
  close(err[0]);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << output;
    Die("the client failed: " + argv[0]);
  }
  size_t at = output.find("first frame after ");
  if (at == std::string::npos) {
    std::cerr << output;
    Die("no first-frame line from " + argv[0]);
  }
  // The client's own account of where its start-up went (app.cc, StartupReport).
  if (size_t phases = output.find("cairn: start-up"); phases != std::string::npos) {
    std::cerr << output.substr(phases, output.find('\n', phases) - phases + 1);
  }
  return std::stod(output.substr(at + 18));
}

// The baseline window: GLFW, the same context choice, ImGui with the same
// fonts, nothing else. `spin_seconds` > 0: redraw without idle waits that long.
int BareWindow(double spin_seconds) {
  auto window = gui::Window::Create("bench", 1280, 800);
  if (!window.ok()) {
    std::cerr << window.status().message() << "\n";
    return 1;
  }
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL((*window)->handle(), true);
  ImGui_ImplOpenGL3_Init((*window)->glsl_version());
  gui::LoadFonts(22);
  double start = MonotonicNs();
  bool first = true;
  do {
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    ImGui::Begin("empty");
    ImGui::End();
    ImGui::Render();
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers((*window)->handle());
    if (first) {
      first = false;
      const char* t0 = std::getenv("CAIRN_T0_NS");
      std::cerr << "bench: first frame after " << (MonotonicNs() - std::atof(t0 ? t0 : "0")) / 1e6
                << " ms\n";
    }
  } while ((MonotonicNs() - start) / 1e9 < spin_seconds);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  return 0;
}

// CPU per frame of the class grid, in process, without GL.
void GridFrame(const std::filesystem::path& home, const std::filesystem::path& catalogs) {
  StoreOptions options;
  options.path = home / "data/cairn.db";
  auto store = Store::Open(options);
  if (!store.ok()) Die(store.status().ToString());
  auto strings = gui::Catalog::Load(catalogs, "en");
  if (!strings.ok()) Die(strings.status().ToString());
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1280, 800);
  io.DeltaTime = 1.0f / 60;
  gui::AppContext ctx;
  ctx.store = store->get();
  ctx.strings = &*strings;
  ctx.fonts = gui::LoadFonts(22);
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsAlpha8(&pixels, &w, &h);
  std::cerr << "bench_gui: the font atlas (text size 22) is " << w << " x " << h << "\n";
  ctx.class_id = "room";
  ctx.teacher = "t";
  gui::ClassGridView grid;
  std::vector<double> builds;
  for (int i = 0; i < 5; ++i) {
    double t = NowMicros();
    ++ctx.data_version;  // as after a write: the grid is built again
    grid.Reload(ctx);
    builds.push_back((NowMicros() - t) / 1000);
  }
  if (!grid.grid() || grid.grid()->learners.size() != kStudents ||
      grid.grid()->competencies.size() != kCompetencies) {
    Die("the grid is not 35 x 40");
  }
  auto frame = [&](bool with_grid) {
    double t = ThreadCpuMs();
    ImGui::NewFrame();
    gui::Probe().BeginFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("##screen", nullptr, ImGuiWindowFlags_NoDecoration);
    if (with_grid) grid.Draw(ctx);
    ImGui::End();
    ImGui::Render();
    return ThreadCpuMs() - t;
  };
  std::vector<double> empty, full;
  for (int i = 0; i < 300; ++i) {
    io.MousePos = ImVec2(400 + (i % 50) * 4, 300 + (i % 7) * 20);  // hovering over cells
    empty.push_back(frame(false));
    full.push_back(frame(true));
  }
  // A cell opened, as a teacher clicks one: its evidence timeline beside the grid.
  // The first student's first competency has evidence all year; the probe says
  // where its cell is.
  gui::Probe().set_detailed(true);
  frame(true);
  frame(true);
  gui::Probe().set_detailed(false);
  const gui::ProbeItem* cell = gui::Probe().Find("Student 1 · Competency number 1");
  if (cell == nullptr) Die("no cell for Student 1 · Competency number 1");
  io.MousePos = ImVec2((cell->min.x + cell->max.x) / 2, (cell->min.y + cell->max.y) / 2);
  frame(true);
  io.MouseDown[0] = true;
  frame(true);
  io.MouseDown[0] = false;
  frame(true);
  if (!grid.detail()) Die("clicking the grid opened no cell");
  std::cerr << "bench_gui: the open cell shows " << grid.detail()->timeline.size()
            << " pieces of evidence\n";
  std::vector<double> detail;
  for (int i = 0; i < 300; ++i) {
    io.MousePos = ImVec2(300 + (i % 50) * 4, 300 + (i % 7) * 20);
    detail.push_back(frame(true));
  }
  Metric("gui_grid_model_build_ms", Median(builds), "ms");
  Metric("gui_grid_frame_cpu_ms", Median(full), "ms");
  Metric("gui_grid_frame_with_open_cell_cpu_ms", Median(detail), "ms");
  Metric("gui_empty_frame_cpu_ms", Median(empty), "ms");
  Metric("gui_grid_frame_vs_empty", Median(full) / std::max(Median(empty), 1e-6), "x");
  Metric("gui_grid_frame_with_open_cell_vs_empty", Median(detail) / std::max(Median(empty), 1e-6),
         "x");
  ImGui::DestroyContext();
}

}  // namespace
}  // namespace cairn::bench

int main(int argc, char** argv) {
  using namespace cairn::bench;
  if (argc >= 2 && std::string(argv[1]) == "--bare-window") {
    return BareWindow(argc >= 3 ? std::atof(argv[2]) : 0);
  }
  if (std::getenv("DISPLAY") == nullptr) {
    std::cerr << "bench_gui: no display; run it as xvfb-run -a -s \"-screen 0 1280x800x24\" "
              << argv[0] << "\n";
    return 2;
  }
  ScratchDir dir("bench_gui");
  std::filesystem::path home = dir.path() / "home";
  double t = NowMicros();
  BuildClass(home);
  std::cerr << "bench_gui: class built in " << (NowMicros() - t) / 1e6 << " s\n";
  std::string self = std::filesystem::read_symlink("/proc/self/exe").string();

  // Start to first frame: median of 5 runs each.
  std::filesystem::path empty_script = dir.path() / "empty.script";
  std::ofstream(empty_script) << "# nothing: the first frame, then exit\n";
  std::vector<double> client, bare;
  for (int i = 0; i < 5; ++i) {
    client.push_back(RunClient({CAIRN_PATH, "--script", empty_script.string(), "--screenshot-dir",
                                dir.path().string()},
                               home, nullptr));
    bare.push_back(RunClient({self, "--bare-window"}, home, nullptr));
  }
  Metric("gui_start_to_first_frame_ms", Median(client), "ms");
  Metric("gui_bare_window_first_frame_ms", Median(bare), "ms");

  // Idle on the grid: sign in as the teacher, then sit 17 s; measure 10 s.
  std::filesystem::path idle_script = dir.path() / "idle.script";
  std::ofstream(idle_script) << "click \"I'm a teacher\"\ntype \"2468\"\nkey Enter\n"
                                "expect-text \"Not enough evidence yet\"\nidle 17\n";
  // CPU (% of one core) over 10 s after `settle` seconds, and VmRSS and RssAnon then.
  auto sample = [](int settle, double* cpu, double* rss, double* anon) {
    return [=](pid_t pid) {
      std::this_thread::sleep_for(std::chrono::seconds(settle));
      double a = ProcessCpuSeconds(pid);
      std::this_thread::sleep_for(std::chrono::seconds(10));
      *cpu = (ProcessCpuSeconds(pid) - a) / 10 * 100;
      *rss = ResidentMb(pid);
      *anon = ResidentMb(pid, "RssAnon:");
    };
  };
  double idle_cpu = 0, rss = 0, anon = 0, spin_cpu = 0, bare_rss = 0, bare_anon = 0;
  // 6 s: the grid is up and the idle step has begun, even on a loaded machine
  // (start-up took 1.7-2.3 s at a load of 8; 3 s let sign-in and the grid's
  // build fall into the measured 10 s).
  RunClient({CAIRN_PATH, "--script", idle_script.string(), "--screenshot-dir", dir.path().string()},
            home, sample(6, &idle_cpu, &rss, &anon));
  RunClient({self, "--bare-window", "12"}, home, sample(1, &spin_cpu, &bare_rss, &bare_anon));
  Metric("gui_idle_cpu_percent", idle_cpu, "%");
  Metric("gui_bare_window_redrawing_cpu_percent", spin_cpu, "%");
  Metric("gui_resident_memory_class_grid_mb", rss, "MB");
  Metric("gui_bare_window_resident_memory_mb", bare_rss, "MB");
  Metric("gui_anonymous_memory_class_grid_mb", anon, "MB");
  Metric("gui_bare_window_anonymous_memory_mb", bare_anon, "MB");

  GridFrame(home, CAIRN_GUI_I18N_DIR);
  return 0;
}
