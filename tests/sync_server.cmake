# cairn-server: sync endpoints over real HTTP on loopback, bad input, the admin CLI.
if(TARGET cairn::sync_server)
  cairn_test(sync_server_test
    sync/server/server_sync_test.cc
    sync/server/server_bad_input_test.cc
    sync/server/server_cli_test.cc
    sync/server/server_group_commit_test.cc
    sync/server/server_process_test.cc
    sync/server/server_model_fit_test.cc
    sync/server/server_blob_test.cc
    sync/server/server_storm_test.cc
    LIBS cairn_server_testing cairn::sync_server)
  add_dependencies(sync_server_test cairn-server)
  target_compile_definitions(sync_server_test PRIVATE
    CAIRN_SERVER_PATH="$<TARGET_FILE:cairn-server>"
    CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
endif()
# The storm benchmark's quick mode (100 devices within 5 s, ~8 s in all), so that
# it cannot rot: it fails when any request fails, a push is acknowledged short,
# a device pulls an op twice, or the server does not hold every op pushed.
if(TARGET bench_sync_storm)
  add_test(NAME bench_sync_storm_quick COMMAND bench_sync_storm --quick --no-baseline)
  set_tests_properties(bench_sync_storm_quick PROPERTIES TIMEOUT 60 LABELS bench)
endif()
