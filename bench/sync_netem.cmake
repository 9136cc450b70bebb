# Sync over an emulated poor link (256 kbit/s, 300 ms round trip, 2% loss):
# a user-space link between two network namespaces (this kernel has no netem).
add_executable(link_emulator link_emulator.cc)

# One student device's day synced over that link, TLS included, beside a clean link.
if(TARGET cairn-server AND TARGET cairnctl)
  add_executable(bench_sync_netem bench_sync_netem.cc)
  target_link_libraries(bench_sync_netem PRIVATE cairn_bench_common)
  target_compile_definitions(bench_sync_netem PRIVATE
    CAIRN_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    CAIRN_SERVER_PATH="$<TARGET_FILE:cairn-server>"
    CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
    LINK_EMULATOR_PATH="$<TARGET_FILE:link_emulator>")
  add_dependencies(bench_sync_netem cairn-server cairnctl link_emulator)
endif()
