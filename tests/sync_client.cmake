# The device sync client: against an in-process server (client_test), and end to
# end with a cairn-server process over HTTPS and cairnctl devices (e2e).
if(TARGET cairn::sync_client)
  cairn_test(sync_client_test
    sync/server/server_testing.cc
    sync/client/client_test.cc
    LIBS cairn::sync_client cairn::sync_server)
endif()

# The network policy in platform/ (reachability, metered state over sd-bus).
if(TARGET cairn::platform_network)
  cairn_test(sync_network_test
    sync/client/network_policy_test.cc
    LIBS cairn::platform_network)
endif()
