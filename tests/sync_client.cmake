# The network policy in platform/ (reachability, metered state over sd-bus).
if(TARGET cairn::platform_network)
  cairn_test(sync_network_test
    sync/client/network_policy_test.cc
    LIBS cairn::platform_network)
endif()
