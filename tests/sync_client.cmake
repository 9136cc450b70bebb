# The device sync client: against an in-process server (client_test), and end to
# end with a cairn-server process over HTTPS and cairnctl devices (e2e).
if(TARGET cairn::sync_client)
  cairn_test(sync_client_test
    sync/client/client_test.cc
    LIBS cairn_server_testing cairn::sync_client cairn::sync_server)
  cairn_test(sync_e2e_test
    sync/client/end_to_end_test.cc
    LIBS cairn_cli_runner cairn_school_testing cairn::sync_client cairn::sync_server)
  add_dependencies(sync_e2e_test cairn-server cairnctl)
  target_compile_definitions(sync_e2e_test PRIVATE
    CAIRN_SERVER_PATH="$<TARGET_FILE:cairn-server>"
    CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
    CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
  # A server restored from an older backup, and a fresh install with IT's token.
  cairn_test(sync_reenroll_test
    sync/client/restored_server_test.cc
    LIBS cairn_cli_runner cairn_school_testing cairn::sync_client cairn::sync_server)
  add_dependencies(sync_reenroll_test cairn-server cairnctl)
  target_compile_definitions(sync_reenroll_test PRIVATE
    CAIRN_SERVER_PATH="$<TARGET_FILE:cairn-server>"
    CAIRNCTL_PATH="$<TARGET_FILE:cairnctl>"
    CAIRN_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
endif()

# The network policy in platform/ (reachability, metered state over sd-bus).
if(TARGET cairn::platform_network)
  cairn_test(sync_network_test
    sync/client/network_policy_test.cc
    LIBS cairn::platform_network)
endif()
