# The desktop client (issue 5): view-models without a window, and the scripted
# walk-through of the real client under Xvfb.
cairn_test(gui_model_test
  gui/model_test.cc
  gui/script_test.cc
  gui/teacher_pin_test.cc
  gui/teacher_test.cc
  gui/student_test.cc
  LIBS cairn_gui
)
target_compile_definitions(gui_model_test PRIVATE
  CAIRN_GUI_SOURCE_DIR="${PROJECT_SOURCE_DIR}/gui")

# The app's start-up path (identity check, configured language), without ImGui.
cairn_test(gui_startup_test
  gui/startup_test.cc
  LIBS cairn_gui_model
)

# Counts a PNG's distinct colours: a blank or one-colour screenshot fails.
add_executable(gui_png_check gui/png_check.cc)
pkg_check_modules(GUI_STB REQUIRED IMPORTED_TARGET stb)
target_link_libraries(gui_png_check PRIVATE PkgConfig::GUI_STB)

add_test(NAME gui_student_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/walkthrough.sh
    $<TARGET_FILE:cairn> $<TARGET_FILE:cairnctl> $<TARGET_FILE:gui_png_check>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gui-walkthrough)
set_tests_properties(gui_student_walkthrough PROPERTIES SKIP_RETURN_CODE 77 LABELS gui)

add_test(NAME gui_teacher_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/teacher_walkthrough.sh
    $<TARGET_FILE:cairn> $<TARGET_FILE:cairnctl> $<TARGET_FILE:gui_png_check>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gui-teacher-walkthrough)
set_tests_properties(gui_teacher_walkthrough PROPERTIES SKIP_RETURN_CODE 77 LABELS gui)

add_test(NAME gui_spanish_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/spanish_walkthrough.sh
    $<TARGET_FILE:cairn> $<TARGET_FILE:cairnctl> $<TARGET_FILE:gui_png_check>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gui-spanish-walkthrough)
set_tests_properties(gui_spanish_walkthrough PROPERTIES SKIP_RETURN_CODE 77 LABELS gui)

# The client's sync thread against an in-process server behind a proxy that can
# cut the network.
if(TARGET cairn_fault_proxy)
  cairn_test(gui_sync_test
    gui/background_sync_test.cc
    LIBS cairn_server_testing cairn_gui_model cairn::sync_server cairn_fault_proxy)
endif()

add_test(NAME gui_setup_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/setup_walkthrough.sh
    $<TARGET_FILE:cairn> $<TARGET_FILE:cairnctl> $<TARGET_FILE:gui_png_check>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gui-setup-walkthrough)
set_tests_properties(gui_setup_walkthrough PROPERTIES SKIP_RETURN_CODE 77 LABELS gui)

# A school laptop's first run: joining the school's server with a join code typed
# in the setup screen (a wrong address first), against a real cairn-server.
add_test(NAME gui_join_walkthrough
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/gui/join_walkthrough.sh
    $<TARGET_FILE:cairn> $<TARGET_FILE:cairnctl> $<TARGET_FILE:gui_png_check>
    ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gui-join-walkthrough
    $<TARGET_FILE:cairn-server>)
set_tests_properties(gui_join_walkthrough PROPERTIES SKIP_RETURN_CODE 77 LABELS gui)
