# The device sync client: against an in-process server (client_test), and end to
# end with a cairn-server process over HTTPS and cairnctl devices (e2e).
if(TARGET cairn::sync_client)
  cairn_test(sync_client_test
    sync/client/client_test.cc
    LIBS cairn_server_testing cairn::sync_client cairn::sync_server)
  cairn_school_test(sync_e2e_test sync/client/end_to_end_test.cc)
  # A server restored from an older backup, and a fresh install with IT's token.
  cairn_school_test(sync_reenroll_test sync/client/restored_server_test.cc)
endif()

# The network policy in platform/ (reachability, metered state over sd-bus).
if(TARGET cairn::platform_network)
  cairn_test(sync_network_test
    sync/client/network_policy_test.cc
    LIBS cairn::platform_network)
endif()
