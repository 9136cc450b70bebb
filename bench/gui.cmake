# The desktop client's benchmark (issue 5): run under Xvfb, see bench_gui.cc.
add_executable(bench_gui bench_gui.cc)
target_link_libraries(bench_gui PRIVATE cairn_bench_common cairn_gui)
target_compile_definitions(bench_gui PRIVATE CAIRN_PATH="$<TARGET_FILE:cairn>"
  CAIRN_GUI_I18N_DIR="${PROJECT_SOURCE_DIR}/gui/i18n")
add_dependencies(bench_gui cairn)
